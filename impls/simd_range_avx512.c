/* AVX-512F range kernels for the channel scale. Built with -mavx512f only (this
 * file alone); reached only when chanmul_cpu_isa() says AVX-512 is allowed. */
#include "chanmul_internal.h"

#include <immintrin.h>
#include <stdint.h>

#define LANES 16

static inline __mmask16 tail_mask(size_t n) { return (__mmask16)((1u << n) - 1u); }

static inline void store(float *y, __m512 v, int nontemporal)
{
    if (nontemporal)
        _mm512_stream_ps(y, v); /* caller guarantees 64-byte alignment */
    else
        _mm512_storeu_ps(y, v);
}

/* Elements before y + i is 64-byte aligned (only needed for streaming stores). */
static inline size_t peel_count(const float *y, size_t i, size_t end, int nontemporal)
{
    size_t mis = ((uintptr_t)(y + i) & 63) / sizeof(float);
    size_t n = nontemporal && mis ? LANES - mis : 0;
    return n < end - i ? n : end - i;
}

static void nhwc(const float *x, float *y, const chanmul_pattern *pat, size_t begin,
                 size_t end, int nontemporal)
{
    const float *pv = pat->values;
    size_t period = pat->period, i = begin, k = begin % period;
    size_t head = peel_count(y, i, end, nontemporal);
    if (head) {
        __mmask16 m = tail_mask(head);
        __m512 v = _mm512_mul_ps(_mm512_maskz_loadu_ps(m, x + i), _mm512_maskz_loadu_ps(m, pv + k));
        _mm512_mask_storeu_ps(y + i, m, v);
        i += head;
        k += head;
        if (k >= period)
            k -= period;
    }
    for (; i + LANES <= end; i += LANES) {
        store(y + i, _mm512_mul_ps(_mm512_loadu_ps(x + i), _mm512_loadu_ps(pv + k)), nontemporal);
        k += LANES;
        if (k >= period)
            k -= period;
    }
    if (i < end) {
        __mmask16 m = tail_mask(end - i);
        __m512 v = _mm512_mul_ps(_mm512_maskz_loadu_ps(m, x + i), _mm512_maskz_loadu_ps(m, pv + k));
        _mm512_mask_storeu_ps(y + i, m, v);
    }
    if (nontemporal)
        _mm_sfence();
}

static void nchw(const float *x, float *y, const float *s, size_t c, size_t hw, size_t begin,
                 size_t end, int nontemporal)
{
    size_t i = begin;
    while (i < end) {
        size_t plane = i / hw;
        size_t stop = (plane + 1) * hw < end ? (plane + 1) * hw : end;
        __m512 scale = _mm512_set1_ps(s[plane % c]);
        size_t head = peel_count(y, i, stop, nontemporal);
        int aligned_stream = nontemporal;
        if (head) {
            __mmask16 m = tail_mask(head);
            _mm512_mask_storeu_ps(y + i, m, _mm512_mul_ps(_mm512_maskz_loadu_ps(m, x + i), scale));
            i += head;
        }
        if (((uintptr_t)(y + i) & 63) != 0)
            aligned_stream = 0; /* plane ended inside the peel */
        for (; i + LANES <= stop; i += LANES)
            store(y + i, _mm512_mul_ps(_mm512_loadu_ps(x + i), scale), aligned_stream);
        if (i < stop) {
            __mmask16 m = tail_mask(stop - i);
            _mm512_mask_storeu_ps(y + i, m, _mm512_mul_ps(_mm512_maskz_loadu_ps(m, x + i), scale));
            i = stop;
        }
    }
    if (nontemporal)
        _mm_sfence();
}

const chanmul_range_kernels chanmul_range_avx512 = {CHANMUL_ISA_AVX512, LANES, nhwc, nchw};
