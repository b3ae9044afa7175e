/* AVX2 range kernels for the channel scale. Built with -mavx2 -mfma only (this
 * file alone); reached only when chanmul_kernel_isa() allows AVX2. */
#include "chanmul_internal.h"

#include <immintrin.h>
#include <stdint.h>

#define LANES 8

/* mask_table + (LANES - n) loads a mask whose first n lanes are set. */
static const int32_t mask_table[2 * LANES] = {-1, -1, -1, -1, -1, -1, -1, -1,
                                              0,  0,  0,  0,  0,  0,  0,  0};

static inline __m256i tail_mask(size_t n)
{
    return _mm256_loadu_si256((const __m256i *)(mask_table + LANES - n));
}

static inline void store(float *y, __m256 v, int nontemporal)
{
    if (nontemporal)
        _mm256_stream_ps(y, v); /* caller guarantees 32-byte alignment */
    else
        _mm256_storeu_ps(y, v);
}

static inline size_t peel_count(const float *y, size_t i, size_t end, int nontemporal)
{
    size_t mis = ((uintptr_t)(y + i) & 31) / sizeof(float);
    size_t n = nontemporal && mis ? LANES - mis : 0;
    return n < end - i ? n : end - i;
}

static inline void masked_mul(const float *x, const float *scale_ptr, __m256 scale, int scale_is_vector,
                              float *y, size_t n)
{
    __m256i m = tail_mask(n);
    __m256 sv = scale_is_vector ? _mm256_maskload_ps(scale_ptr, m) : scale;
    _mm256_maskstore_ps(y, m, _mm256_mul_ps(_mm256_maskload_ps(x, m), sv));
}

static void stream_pattern(const float *x, float *y, const chanmul_pattern *pat, size_t begin,
                           size_t end, int nontemporal)
{
    const float *pv = pat->values;
    size_t period = pat->period, i = begin, k = begin ? begin % period : 0;
    size_t head = peel_count(y, i, end, nontemporal);
    if (head) {
        masked_mul(x + i, pv + k, _mm256_setzero_ps(), 1, y + i, head);
        i += head;
        k += head;
        if (k >= period)
            k -= period;
    }
    /* four vectors per step: the pattern's slack covers pv + k .. pv + k + 32 */
    for (; i + 4 * LANES <= end; i += 4 * LANES) {
        __m256 v0 = _mm256_mul_ps(_mm256_loadu_ps(x + i), _mm256_loadu_ps(pv + k));
        __m256 v1 = _mm256_mul_ps(_mm256_loadu_ps(x + i + LANES), _mm256_loadu_ps(pv + k + LANES));
        __m256 v2 = _mm256_mul_ps(_mm256_loadu_ps(x + i + 2 * LANES), _mm256_loadu_ps(pv + k + 2 * LANES));
        __m256 v3 = _mm256_mul_ps(_mm256_loadu_ps(x + i + 3 * LANES), _mm256_loadu_ps(pv + k + 3 * LANES));
        store(y + i, v0, nontemporal);
        store(y + i + LANES, v1, nontemporal);
        store(y + i + 2 * LANES, v2, nontemporal);
        store(y + i + 3 * LANES, v3, nontemporal);
        k += 4 * LANES;
        while (k >= period) /* a period of 16 is passed twice */
            k -= period;
    }
    for (; i + LANES <= end; i += LANES) {
        store(y + i, _mm256_mul_ps(_mm256_loadu_ps(x + i), _mm256_loadu_ps(pv + k)), nontemporal);
        k += LANES;
        if (k >= period)
            k -= period;
    }
    if (i < end)
        masked_mul(x + i, pv + k, _mm256_setzero_ps(), 1, y + i, end - i);
    if (nontemporal)
        _mm_sfence();
}

static void stream_planes(const float *x, float *y, const float *s, size_t c, size_t hw,
                          size_t begin, size_t end, int nontemporal)
{
    size_t i = begin;
    while (i < end) {
        size_t plane = i / hw;
        size_t stop = (plane + 1) * hw < end ? (plane + 1) * hw : end;
        __m256 scale = _mm256_set1_ps(s[plane % c]);
        size_t head = peel_count(y, i, stop, nontemporal);
        if (head) {
            masked_mul(x + i, NULL, scale, 0, y + i, head);
            i += head;
        }
        int aligned_stream = nontemporal && ((uintptr_t)(y + i) & 31) == 0;
        for (; i + LANES <= stop; i += LANES)
            store(y + i, _mm256_mul_ps(_mm256_loadu_ps(x + i), scale), aligned_stream);
        if (i < stop) {
            masked_mul(x + i, NULL, scale, 0, y + i, stop - i);
            i = stop;
        }
    }
    if (nontemporal)
        _mm_sfence();
}

/* The pattern (see chanmul_pattern_init). For NHWC with c >= 8, lane l of
 * vector m is s[(8m + l) % c], which wraps at most once within a vector: two
 * masked loads of s (masked-off lanes are not read) and one aligned store per
 * vector, so no load of the pattern spans two recent stores (the portable
 * builder copies each float from one period back: a store-forwarding stall per
 * vector the kernel then loads, when 8 does not divide c). The rest is the
 * portable builder's. */
static void build_pattern(float *v, size_t floats, const float *s, size_t c, size_t repeat)
{
    if (repeat != 1 || c < LANES) {
        chanmul_build_pattern_portable(v, floats, s, c, repeat);
        return;
    }
    size_t o = 0; /* (8m) % c */
    for (size_t j = 0; j < floats; j += LANES) {
        size_t before_wrap = c - o;
        __m256 vec;
        if (before_wrap >= LANES) {
            vec = _mm256_loadu_ps(s + o);
        } else {
            __m256i head = tail_mask(before_wrap);
            __m256 first = _mm256_maskload_ps(s + o, head);
            __m256 second = _mm256_maskload_ps(s + o - c, _mm256_xor_si256(head, _mm256_set1_epi32(-1)));
            vec = _mm256_blendv_ps(second, first, _mm256_castsi256_ps(head));
        }
        _mm256_store_ps(v + j, vec);
        o += LANES;
        if (o >= c)
            o -= c;
    }
}

/* ---- the small prepared call's kernel (chanmul_range_kernels.scale_tiled) ----
 * As the AVX-512 one (simd_range_avx512.c): lane l of vector m of the scale
 * sequence is s[(8m + l) % c], nv = c / gcd(c, 8) vectors per period; with
 * nv <= 4 they are made in registers: a permute of s's first vector (c < 8),
 * or s's own vectors (c a multiple of 8). */

static size_t tiled_vectors(size_t c)
{
    size_t low = c & (~c + 1); /* gcd(c, 8) */
    return c / (low < LANES ? low : LANES);
}

static int tiled_covers(size_t c)
{
    return c >= 1 && tiled_vectors(c) <= 4 && (c < LANES || c % LANES == 0);
}

static inline __attribute__((always_inline)) void tiled_loop(const float *x, float *y, size_t total,
                                                             const __m256 *sv, const size_t nv)
{
    size_t i = 0, step = (nv == 3 ? 3 : 4) * LANES;
    for (; i + step <= total; i += step)
        for (size_t v = 0; v < step / LANES; v++)
            _mm256_storeu_ps(y + i + v * LANES, _mm256_mul_ps(_mm256_loadu_ps(x + i + v * LANES), sv[v % nv]));
    size_t v = 0;
    for (; i + LANES <= total; i += LANES, v++)
        _mm256_storeu_ps(y + i, _mm256_mul_ps(_mm256_loadu_ps(x + i), sv[v % nv]));
    if (i < total)
        masked_mul(x + i, NULL, sv[v % nv], 0, y + i, total - i);
}

static void scale_tiled(const float *x, const float *s, float *y, size_t total, size_t c)
{
    /* lane_mod[c][l] = l % c */
    static const int32_t lane_mod[LANES][LANES] = {
        {0}, {0, 0, 0, 0, 0, 0, 0, 0}, {0, 1, 0, 1, 0, 1, 0, 1}, {0, 1, 2, 0, 1, 2, 0, 1},
        {0, 1, 2, 3, 0, 1, 2, 3}, {0, 1, 2, 3, 4, 0, 1, 2}, {0, 1, 2, 3, 4, 5, 0, 1}, {0, 1, 2, 3, 4, 5, 6, 0}};
    size_t nv = tiled_vectors(c);
    __m256 sv[4];
    if (c % LANES == 0) { /* the sequence is s itself */
        for (size_t m = 0; m < nv; m++)
            sv[m] = _mm256_loadu_ps(s + m * LANES);
    } else {
        /* c < 8: lane l of vector m is s[l % c + o, less c if that reaches c], o = 8m % c */
        __m256 first = _mm256_maskload_ps(s, tail_mask(c));
        __m256i base = _mm256_loadu_si256((const __m256i *)lane_mod[c]);
        __m256i cv = _mm256_set1_epi32((int)c);
        size_t o = 0;
        for (size_t m = 0; m < nv; m++) {
            __m256i idx = _mm256_add_epi32(base, _mm256_set1_epi32((int)o));
            /* idx >= c, as c > idx - 1 */
            __m256i wraps = _mm256_cmpgt_epi32(idx, _mm256_sub_epi32(cv, _mm256_set1_epi32(1)));
            idx = _mm256_sub_epi32(idx, _mm256_and_si256(wraps, cv));
            sv[m] = _mm256_permutevar8x32_ps(first, idx);
            if (nv > 1) /* (then c > 2: a few steps) */
                for (o += LANES; o >= c;)
                    o -= c;
        }
    }
    switch (nv) {
    case 1: tiled_loop(x, y, total, sv, 1); break;
    case 2: tiled_loop(x, y, total, sv, 2); break;
    case 3: tiled_loop(x, y, total, sv, 3); break;
    default: tiled_loop(x, y, total, sv, 4); break;
    }
}

static void copy_floats(float *y, const float *x, size_t n)
{
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        __m256 a = _mm256_loadu_ps(x + i), b = _mm256_loadu_ps(x + i + 8);
        __m256 c = _mm256_loadu_ps(x + i + 16), d = _mm256_loadu_ps(x + i + 24);
        _mm256_storeu_ps(y + i, a);
        _mm256_storeu_ps(y + i + 8, b);
        _mm256_storeu_ps(y + i + 16, c);
        _mm256_storeu_ps(y + i + 24, d);
    }
    for (; i + 8 <= n; i += 8)
        _mm256_storeu_ps(y + i, _mm256_loadu_ps(x + i));
    for (; i < n; i++)
        y[i] = x[i];
}

const chanmul_range_kernels chanmul_range_avx2 = {CHANMUL_ISA_AVX2, stream_pattern, stream_planes,
                                                 build_pattern, copy_floats, scale_tiled, tiled_covers};
