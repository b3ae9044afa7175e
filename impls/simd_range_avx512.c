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

/* NCHW, planes shorter than a vector: one plane at a time, masked. */
static void nchw_planes(const float *x, float *y, const float *s, size_t c, size_t hw,
                        size_t begin, size_t end)
{
    size_t i = begin;
    while (i < end) {
        size_t plane = i / hw;
        size_t stop = (plane + 1) * hw < end ? (plane + 1) * hw : end;
        __mmask16 m = tail_mask(stop - i);
        __m512 scale = _mm512_set1_ps(s[plane % c]);
        _mm512_mask_storeu_ps(y + i, m, _mm512_mul_ps(_mm512_maskz_loadu_ps(m, x + i), scale));
        i = stop;
    }
}

/* NCHW as one flat stream: the scale vector is the current plane's broadcast,
 * blended with the next plane's where a vector crosses a boundary (planes of at
 * least one vector, so a vector crosses at most one). */
typedef struct plane_walk {
    const float *s;
    size_t c, hw, boundary, next_channel;
    __m512 cur, next;
} plane_walk;

static inline void walk_init(plane_walk *pw, const float *s, size_t c, size_t hw, size_t i)
{
    size_t plane = i / hw, ch = plane % c;
    pw->s = s;
    pw->c = c;
    pw->hw = hw;
    pw->boundary = (plane + 1) * hw;
    pw->next_channel = ch + 1 == c ? 0 : ch + 1;
    pw->cur = _mm512_set1_ps(s[ch]);
    pw->next = _mm512_set1_ps(s[pw->next_channel]);
}

/* The scale for elements [i, i+n), then steps past a boundary reached. */
static inline __m512 walk_scale(plane_walk *pw, size_t i, size_t n)
{
    __m512 scale = pw->cur;
    if (i + n > pw->boundary)
        scale = _mm512_mask_blend_ps((__mmask16)(0xffffu << (pw->boundary - i)), pw->cur, pw->next);
    if (i + n >= pw->boundary) {
        pw->boundary += pw->hw;
        pw->cur = pw->next;
        pw->next_channel = pw->next_channel + 1 == pw->c ? 0 : pw->next_channel + 1;
        pw->next = _mm512_set1_ps(pw->s[pw->next_channel]);
    }
    return scale;
}

static void nchw(const float *x, float *y, const float *s, size_t c, size_t hw, size_t begin,
                 size_t end, int nontemporal)
{
    if (hw < LANES) {
        nchw_planes(x, y, s, c, hw, begin, end);
        return;
    }
    plane_walk pw;
    walk_init(&pw, s, c, hw, begin);
    size_t i = begin;
    size_t head = peel_count(y, i, end, nontemporal);
    if (head) {
        __mmask16 m = tail_mask(head);
        __m512 scale = walk_scale(&pw, i, head);
        _mm512_mask_storeu_ps(y + i, m, _mm512_mul_ps(_mm512_maskz_loadu_ps(m, x + i), scale));
        i += head;
    }
    for (; i + LANES <= end; i += LANES)
        store(y + i, _mm512_mul_ps(_mm512_loadu_ps(x + i), walk_scale(&pw, i, LANES)), nontemporal);
    if (i < end) {
        __mmask16 m = tail_mask(end - i);
        __m512 scale = walk_scale(&pw, i, end - i);
        _mm512_mask_storeu_ps(y + i, m, _mm512_mul_ps(_mm512_maskz_loadu_ps(m, x + i), scale));
    }
    if (nontemporal)
        _mm_sfence();
}

const chanmul_range_kernels chanmul_range_avx512 = {CHANMUL_ISA_AVX512, LANES, nhwc, nchw};
