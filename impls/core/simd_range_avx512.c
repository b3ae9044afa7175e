/* AVX-512F range kernels for the channel scale. Built with -mavx512f only (this
 * file alone); reached only when chanmul_kernel_isa() says AVX-512 is allowed. */
#include "chanmul_internal.h"

#include <immintrin.h>
#include <stdint.h>

#define LANES 16

/* With streaming stores the output skips the caches and x streams from DRAM:
 * a software prefetch this many floats (8 KiB) ahead keeps more of x's lines
 * in flight than the hardware prefetcher alone (3-10% more bandwidth from one
 * core here, 80 MiB working set). Prefetching past the end of x is harmless. */
#define PREFETCH_AHEAD 2048

static inline void prefetch_step(const float *x)
{
    for (int line = 0; line < 4; line++)
        _mm_prefetch((const char *)(x + PREFETCH_AHEAD + line * LANES), _MM_HINT_T0);
}

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

/* x times scale for the lanes of m (a head or a tail): nothing outside is read or written. */
static inline void masked_mul(const float *x, float *y, __mmask16 m, __m512 scale)
{
    _mm512_mask_storeu_ps(y, m, _mm512_mul_ps(_mm512_maskz_loadu_ps(m, x), scale));
}

static inline __m512 mul_at(const float *x, const float *scale)
{
    return _mm512_mul_ps(_mm512_loadu_ps(x), _mm512_loadu_ps(scale));
}

/* One unrolled step: four vectors of x times four scale vectors, stored. */
static inline void step4(const float *x, float *y, __m512 s0, __m512 s1, __m512 s2, __m512 s3,
                         const int nontemporal)
{
    if (nontemporal)
        prefetch_step(x);
    __m512 v0 = _mm512_mul_ps(_mm512_loadu_ps(x), s0);
    __m512 v1 = _mm512_mul_ps(_mm512_loadu_ps(x + LANES), s1);
    __m512 v2 = _mm512_mul_ps(_mm512_loadu_ps(x + 2 * LANES), s2);
    __m512 v3 = _mm512_mul_ps(_mm512_loadu_ps(x + 3 * LANES), s3);
    store(y, v0, nontemporal);
    store(y + LANES, v1, nontemporal);
    store(y + 2 * LANES, v2, nontemporal);
    store(y + 3 * LANES, v3, nontemporal);
}

/* x against the pattern. Four vectors per step: the pattern carries
 * CHANMUL_PATTERN_SLACK floats past its period, so pv + k .. pv + k + 64 never
 * wraps, and k wraps once per step. */
static inline __attribute__((always_inline)) void
pattern_body(const float *x, float *y, const chanmul_pattern *pat, size_t begin, size_t end,
             const int nontemporal)
{
    const float *pv = pat->values;
    size_t period = pat->period, i = begin, k = begin ? begin % period : 0;
    size_t head = peel_count(y, i, end, nontemporal);
    if (head) {
        __mmask16 m = tail_mask(head);
        masked_mul(x + i, y + i, m, _mm512_maskz_loadu_ps(m, pv + k));
        i += head;
        k += head;
        if (k >= period)
            k -= period;
    }
    if (period == 16 || period == 32 || period == 64) { /* 64 % period == 0, no div */
        /* period 16, 32 or 64 (C divides 64): a step of 64 floats meets the
         * same four scale vectors every time, so they stay in registers and
         * each vector of x costs one load, not two */
        __m512 s0 = _mm512_loadu_ps(pv + k), s1 = _mm512_loadu_ps(pv + k + LANES);
        __m512 s2 = _mm512_loadu_ps(pv + k + 2 * LANES), s3 = _mm512_loadu_ps(pv + k + 3 * LANES);
        for (; i + 4 * LANES <= end; i += 4 * LANES)
            step4(x + i, y + i, s0, s1, s2, s3, nontemporal);
    }
    for (; i + 4 * LANES <= end; i += 4 * LANES) {
        step4(x + i, y + i, _mm512_loadu_ps(pv + k), _mm512_loadu_ps(pv + k + LANES),
              _mm512_loadu_ps(pv + k + 2 * LANES), _mm512_loadu_ps(pv + k + 3 * LANES), nontemporal);
        k += 4 * LANES;
        while (k >= period) /* a period of 16 or 32 is passed more than once */
            k -= period;
    }
    for (; i + LANES <= end; i += LANES) {
        store(y + i, mul_at(x + i, pv + k), nontemporal);
        k += LANES;
        if (k >= period)
            k -= period;
    }
    if (i < end) {
        __mmask16 m = tail_mask(end - i);
        masked_mul(x + i, y + i, m, _mm512_maskz_loadu_ps(m, pv + k));
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
        masked_mul(x + i, y + i, tail_mask(stop - i), _mm512_set1_ps(s[plane % c]));
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

static inline __attribute__((always_inline)) void
planes_body(const float *x, float *y, const float *s, size_t c, size_t hw, size_t begin,
            size_t end, const int nontemporal)
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
        masked_mul(x + i, y + i, tail_mask(head), walk_scale(&pw, i, head));
        i += head;
    }
    while (i + LANES <= end) {
        /* whole vectors inside the current plane: one broadcast, four per step */
        size_t stop = pw.boundary < end ? pw.boundary : end;
        __m512 scale = pw.cur;
        for (; i + 4 * LANES <= stop; i += 4 * LANES)
            step4(x + i, y + i, scale, scale, scale, scale, nontemporal);
        for (; i + LANES <= stop; i += LANES)
            store(y + i, _mm512_mul_ps(_mm512_loadu_ps(x + i), scale), nontemporal);
        /* the vector that reaches or crosses the boundary: a blend, then the next plane */
        if (i + LANES <= end) {
            store(y + i, _mm512_mul_ps(_mm512_loadu_ps(x + i), walk_scale(&pw, i, LANES)),
                  nontemporal);
            i += LANES;
        }
    }
    if (i < end)
        masked_mul(x + i, y + i, tail_mask(end - i), walk_scale(&pw, i, end - i));
    if (nontemporal)
        _mm_sfence();
}

/* Each body compiled twice, with the store kind a constant: no test per store. */
static void stream_pattern(const float *x, float *y, const chanmul_pattern *pat, size_t begin,
                           size_t end, int nontemporal)
{
    if (nontemporal)
        pattern_body(x, y, pat, begin, end, 1);
    else
        pattern_body(x, y, pat, begin, end, 0);
}

static void stream_planes(const float *x, float *y, const float *s, size_t c, size_t hw,
                          size_t begin, size_t end, int nontemporal)
{
    if (nontemporal)
        planes_body(x, y, s, c, hw, begin, end, 1);
    else
        planes_body(x, y, s, c, hw, begin, end, 0);
}

/* lane_mod[c][l] = l % c, the first pattern vector's indices into s for c < 16 */
#define LANE_MOD(c)                                                                        \
    {0 % (c), 1 % (c), 2 % (c), 3 % (c), 4 % (c), 5 % (c), 6 % (c), 7 % (c), 8 % (c), 9 % (c), \
     10 % (c), 11 % (c), 12 % (c), 13 % (c), 14 % (c), 15 % (c)}
static const int32_t lane_mod[LANES][LANES] = {
    {0},          LANE_MOD(1),  LANE_MOD(2),  LANE_MOD(3),  LANE_MOD(4),  LANE_MOD(5),
    LANE_MOD(6),  LANE_MOD(7),  LANE_MOD(8),  LANE_MOD(9),  LANE_MOD(10), LANE_MOD(11),
    LANE_MOD(12), LANE_MOD(13), LANE_MOD(14), LANE_MOD(15)};

/* The pattern, a vector at a time (its set-up is most of the time spent on the
 * smallest problems, so no scalar loop over its floats). */
static void build_pattern(float *v, size_t floats, const float *s, size_t c, size_t repeat)
{
    size_t base = c * repeat, j;
    if (repeat == 1 && c < LANES) {
        /* lane l of vector m is s[(16m + l) % c]: a permute of s by an index
         * vector that steps by 16 % c each vector, wrapping at c */
        __m512 sv = _mm512_maskz_loadu_ps(tail_mask(c), s);
        __m512i idx = _mm512_loadu_si512(lane_mod[c]);
        if (LANES % c == 0) { /* c = 1, 2, 4, 8: every vector the same */
            __m512 tiled = _mm512_permutexvar_ps(idx, sv);
            for (j = 0; j < floats; j += LANES)
                _mm512_store_ps(v + j, tiled);
            return;
        }
        __m512i cv = _mm512_set1_epi32((int)c);
        __m512i step = _mm512_set1_epi32((int)(LANES % c));
        for (j = 0; j < floats; j += LANES) {
            _mm512_store_ps(v + j, _mm512_permutexvar_ps(idx, sv));
            idx = _mm512_add_epi32(idx, step);
            idx = _mm512_mask_sub_epi32(idx, _mm512_cmpge_epi32_mask(idx, cv), idx, cv);
        }
        return;
    }
    if (repeat == 1) {
        /* c >= 16: lane l of vector m is again s[(16m + l) % c], which wraps
         * at most once within a vector: two masked loads of s (a masked-off
         * lane is never read, so s - (c - o) is not touched) and one aligned
         * store per vector. Copying s once and then each float from one period
         * back read vectors that span two recent stores when 16 does not
         * divide c, a store-forwarding stall each: C = 17 ran at a third of
         * memcpy's speed on a 13 KiB problem. */
        size_t o = 0; /* (16m) % c */
        for (j = 0; j < floats; j += LANES) {
            size_t before_wrap = c - o;
            __mmask16 head = before_wrap >= LANES ? (__mmask16)0xffff : tail_mask(before_wrap);
            __m512 vec = _mm512_maskz_loadu_ps(head, s + o);
            if (before_wrap < LANES)
                vec = _mm512_mask_loadu_ps(vec, (__mmask16)~head, s + o - c);
            _mm512_store_ps(v + j, vec);
            o += LANES;
            if (o >= c)
                o -= c;
        }
        return;
    }
    /* NCHW: each scale broadcast over its plane; a store running past a
     * plane's end is overwritten by the next plane's */
    for (size_t ch = 0; ch < c; ch++) {
        __m512 b = _mm512_set1_ps(s[ch]);
        for (j = ch * repeat; j < (ch + 1) * repeat; j += LANES)
            _mm512_storeu_ps(v + j, b);
    }
    /* then every float from one base period back */
    j = base;
    if (base >= LANES)
        for (; j < floats; j += LANES)
            _mm512_storeu_ps(v + j, _mm512_loadu_ps(v + j - base));
    for (; j < floats; j++)
        v[j] = v[j - base];
}

/* ---- the small prepared call's kernel (chanmul_range_kernels.scale_tiled) ----
 * Lane l of vector m of the scale sequence is s[(16m + l) % c]; the sequence
 * repeats every lcm(c, 16) floats, nv = c / gcd(c, 16) vectors. With nv <= 4
 * those vectors are made from s in registers, once per call: permutes of s's
 * first 32 floats (c <= 32), or s's own vectors (c a multiple of 16). No
 * pattern is built in memory and no index wraps in the loop. */

/* Vectors in the scale sequence's period. */
static size_t tiled_vectors(size_t c)
{
    size_t low = c & (~c + 1); /* gcd(c, 16), 16 being a power of two */
    return c / (low < LANES ? low : LANES);
}

static int tiled_covers(size_t c)
{
    return c >= 1 && tiled_vectors(c) <= 4 && (c <= 2 * LANES || c % LANES == 0);
}

/* One pass over x in steps of NV vectors (NV 1, 2 or 4: steps of four
 * vectors, the period's vectors repeated), then the vectors and the tail
 * that remain, continuing the sequence. */
static inline __attribute__((always_inline)) void tiled_loop(const float *x, float *y, size_t total,
                                                             const __m512 *sv, const size_t nv)
{
    size_t i = 0, step = (nv == 3 ? 3 : 4) * LANES;
    for (; i + step <= total; i += step) {
        if (nv == 3) {
            _mm512_storeu_ps(y + i, _mm512_mul_ps(_mm512_loadu_ps(x + i), sv[0]));
            _mm512_storeu_ps(y + i + LANES, _mm512_mul_ps(_mm512_loadu_ps(x + i + LANES), sv[1]));
            _mm512_storeu_ps(y + i + 2 * LANES, _mm512_mul_ps(_mm512_loadu_ps(x + i + 2 * LANES), sv[2]));
        } else {
            step4(x + i, y + i, sv[0], sv[1 % nv], sv[2 % nv], sv[3 % nv], 0);
        }
    }
    size_t v = 0;
    for (; i + LANES <= total; i += LANES, v++)
        _mm512_storeu_ps(y + i, _mm512_mul_ps(_mm512_loadu_ps(x + i), sv[v % nv]));
    if (i < total)
        masked_mul(x + i, y + i, tail_mask(total - i), sv[v % nv]);
}

static void scale_tiled(const float *x, const float *s, float *y, size_t total, size_t c)
{
    size_t nv = tiled_vectors(c);
    __m512 sv[4];
    if (c % LANES == 0) { /* the sequence is s itself */
        for (size_t m = 0; m < nv; m++)
            sv[m] = _mm512_loadu_ps(s + m * LANES);
    } else {
        /* c < 32: lane l of vector m is s[(16m + l) % c] = s[base[l] + o, less c
         * if that reaches c], o = 16m % c, base = l % c (c < 16) or l */
        __m512 lo = _mm512_maskz_loadu_ps(c >= LANES ? (__mmask16)0xffff : tail_mask(c), s);
        __m512 hi = c > LANES ? _mm512_maskz_loadu_ps(tail_mask(c - LANES), s + LANES) : _mm512_setzero_ps();
        __m512i base = c < LANES ? _mm512_loadu_si512(lane_mod[c])
                                 : _mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
        __m512i cv = _mm512_set1_epi32((int)c);
        size_t o = 0;
        for (size_t m = 0; m < nv; m++) {
            __m512i idx = _mm512_add_epi32(base, _mm512_set1_epi32((int)o));
            idx = _mm512_mask_sub_epi32(idx, _mm512_cmpge_epi32_mask(idx, cv), idx, cv);
            sv[m] = _mm512_permutex2var_ps(lo, idx, hi);
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
    for (; i + 4 * LANES <= n; i += 4 * LANES) {
        __m512 a = _mm512_loadu_ps(x + i), b = _mm512_loadu_ps(x + i + LANES);
        __m512 c = _mm512_loadu_ps(x + i + 2 * LANES), d = _mm512_loadu_ps(x + i + 3 * LANES);
        _mm512_storeu_ps(y + i, a);
        _mm512_storeu_ps(y + i + LANES, b);
        _mm512_storeu_ps(y + i + 2 * LANES, c);
        _mm512_storeu_ps(y + i + 3 * LANES, d);
    }
    for (; i + LANES <= n; i += LANES)
        _mm512_storeu_ps(y + i, _mm512_loadu_ps(x + i));
    if (i < n) {
        __mmask16 m = (__mmask16)((1u << (n - i)) - 1);
        _mm512_mask_storeu_ps(y + i, m, _mm512_maskz_loadu_ps(m, x + i));
    }
}

const chanmul_range_kernels chanmul_range_avx512 = {CHANMUL_ISA_AVX512, stream_pattern, stream_planes,
                                                   build_pattern, copy_floats, scale_tiled, tiled_covers};
