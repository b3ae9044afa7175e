/* AVX2 + FMA kernels of scale_grad's sums (grad_sums.h). Built with -mavx2
 * -mfma (this file alone); reached only when chanmul_kernel_isa() allows AVX2.
 * They add in the portable kernels' order exactly: a vector lane is one of the
 * order's accumulators, and every lane's additions are the portable code's,
 * one by one. The order's groups of 16 floats are two vectors here. */
#include "grad_sums.h"

#include <immintrin.h>

#define LANES 8 /* floats per vector; a vector of floats is two of doubles */
#define GROUP 16 /* floats per group of the order (CHANMUL_GRAD_LANES) */

/* mask_table + 8 - n: a mask whose first n lanes are set (n <= 8). */
static const int mask_table[16] = {-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0};

/* Lanes [lo, hi) of a vector (0 <= lo <= hi <= 8). */
static inline __m256i lanes_between(size_t lo, size_t hi)
{
    __m256i below_hi = _mm256_loadu_si256((const __m256i *)(mask_table + 8 - hi));
    __m256i below_lo = _mm256_loadu_si256((const __m256i *)(mask_table + 8 - lo));
    return _mm256_andnot_si256(below_lo, below_hi);
}

static inline __m256d lo_pd(__m256 v) { return _mm256_cvtps_pd(_mm256_castps256_ps128(v)); }
static inline __m256d hi_pd(__m256 v) { return _mm256_cvtps_pd(_mm256_extractf128_ps(v, 1)); }

/*
 * One vector of 8 elements into the accumulators of its lanes (acc[0..1]: ds
 * of lanes 0-3 and 4-7; acc[2..3]: db): s += dy * x, b += dy, then dx = dy *
 * scale, stored after dy was loaded (dx may be dy). With `masked`, lanes
 * outside m load +0.0, whose sum leaves an accumulator unchanged
 * (grad_sums.h), and store nothing. The FMA rounds once, as the portable
 * acc + t does, because t = dy * x is exact in double.
 */
static inline __attribute__((always_inline)) void
step(const float *x, const float *dy, float *dx, const int masked, __m256i m, __m256 scale,
     __m256d *s0, __m256d *s1, __m256d *b0, __m256d *b1)
{
    __m256 g = masked ? _mm256_maskload_ps(dy, m) : _mm256_loadu_ps(dy);
    __m256 v = masked ? _mm256_maskload_ps(x, m) : _mm256_loadu_ps(x);
    __m256d g_lo = lo_pd(g), g_hi = hi_pd(g);
    *s0 = _mm256_fmadd_pd(g_lo, lo_pd(v), *s0);
    *s1 = _mm256_fmadd_pd(g_hi, hi_pd(v), *s1);
    *b0 = _mm256_add_pd(*b0, g_lo);
    *b1 = _mm256_add_pd(*b1, g_hi);
    if (masked)
        _mm256_maskstore_ps(dx, m, _mm256_mul_ps(g, scale));
    else
        _mm256_storeu_ps(dx, _mm256_mul_ps(g, scale));
}

/* Elements [lo, hi) of the group of 16 at offset i, into its 16 lanes' accumulators
 * (s[0..3] ds of lanes 0-3, ..., 12-15; b[0..3] db). A half with no lane is skipped. */
static inline __attribute__((always_inline)) void
group_masked(const chanmul_grad_args *a, size_t i, size_t lo, size_t hi, __m256 scale0,
             __m256 scale1, __m256d *s, __m256d *b)
{
    if (lo < LANES && hi > lo)
        step(a->x + i, a->dy + i, a->dx + i, 1, lanes_between(lo, hi < LANES ? hi : LANES),
             scale0, &s[0], &s[1], &b[0], &b[1]);
    if (hi > LANES) {
        size_t l2 = lo > LANES ? lo - LANES : 0;
        step(a->x + i + LANES, a->dy + i + LANES, a->dx + i + LANES, 1,
             lanes_between(l2, hi - LANES), scale1, &s[2], &s[3], &b[2], &b[3]);
    }
}

static inline __attribute__((always_inline)) void
group_full(const chanmul_grad_args *a, size_t i, __m256 scale0, __m256 scale1, __m256d *s,
           __m256d *b)
{
    __m256i none = _mm256_setzero_si256();
    step(a->x + i, a->dy + i, a->dx + i, 0, none, scale0, &s[0], &s[1], &b[0], &b[1]);
    step(a->x + i + LANES, a->dy + i + LANES, a->dx + i + LANES, 0, none, scale1, &s[2], &s[3],
         &b[2], &b[3]);
}

static inline void store_group(double *sub_s, double *sub_b, const __m256d *s, const __m256d *b)
{
    for (int v = 0; v < 4; v++) {
        _mm256_storeu_pd(sub_s + 4 * v, s[v]);
        _mm256_storeu_pd(sub_b + 4 * v, b[v]);
    }
}

/* ---- NHWC, C >= 16: lanes are channels, rows in order ------------------------------ */

/* Rows per pass over a row group (as the AVX-512 kernel: about 32 KiB of x and
 * dy, read from DRAM once and from cache by the group's later channel chunks). */
static size_t group_rows(size_t c)
{
    size_t r = 4096 / c;
    return r < 16 ? 16 : r;
}

/* Channels [ch, ch + 16) over rows [r0, r1), of which the first `width` are
 * real (the rest masked); the accumulators are carried in acc_s / acc_b. */
static inline __attribute__((always_inline)) void
rows_chunk(const chanmul_grad_args *a, size_t r0, size_t r1, size_t ch, size_t width,
           const int masked, double *acc_s, double *acc_b)
{
    size_t C = a->c;
    __m256d s[4], b[4];
    for (int v = 0; v < 4; v++) {
        s[v] = _mm256_loadu_pd(acc_s + 4 * v);
        b[v] = _mm256_loadu_pd(acc_b + 4 * v);
    }
    __m256 scale0, scale1;
    if (masked) {
        scale0 = _mm256_maskload_ps(a->s + ch, lanes_between(0, width < LANES ? width : LANES));
        scale1 = width > LANES ? _mm256_maskload_ps(a->s + ch + LANES, lanes_between(0, width - LANES))
                               : _mm256_setzero_ps();
    } else {
        scale0 = _mm256_loadu_ps(a->s + ch);
        scale1 = _mm256_loadu_ps(a->s + ch + LANES);
    }
    for (size_t r = r0; r < r1; r++) {
        if (masked)
            group_masked(a, r * C + ch, 0, width, scale0, scale1, s, b);
        else
            group_full(a, r * C + ch, scale0, scale1, s, b);
    }
    store_group(acc_s, acc_b, s, b);
}

static void rows_avx2(const chanmul_grad_args *a, size_t r0, size_t r1, size_t c0, size_t c1,
                      double *ds, double *db)
{
    /* the accumulators of [c0, c1), padded to whole groups: the padding lanes
     * only ever add +0.0 and are never copied out */
    size_t width = c1 - c0, padded = (width + GROUP - 1) / GROUP * GROUP;
    double acc_s[1024], acc_b[1024];
    size_t step_channels = padded <= 1024 ? padded : 1024; /* channels per pass over a group */
    size_t rg = group_rows(a->c);
    for (size_t cs = c0; cs < c1; cs += step_channels) {
        size_t ce = cs + step_channels < c1 ? cs + step_channels : c1;
        for (size_t j = 0; j < step_channels; j++)
            acc_s[j] = acc_b[j] = 0.0;
        for (size_t g0 = r0; g0 < r1; g0 += rg) {
            size_t g1 = g0 + rg < r1 ? g0 + rg : r1, ch = cs;
            for (; ch + GROUP <= ce; ch += GROUP)
                rows_chunk(a, g0, g1, ch, GROUP, 0, acc_s + (ch - cs), acc_b + (ch - cs));
            if (ch < ce)
                rows_chunk(a, g0, g1, ch, ce - ch, 1, acc_s + (ch - cs), acc_b + (ch - cs));
        }
        for (size_t c = cs; c < ce; c++) {
            ds[c] = acc_s[c - cs];
            db[c] = acc_b[c - cs];
        }
    }
}

/* ---- NHWC, C < 16: the period's P lanes --------------------------------------------- */

/* Elements [begin, end) of the flat tensor, lane j = (i - begin) mod P, with
 * ng = P / 16 groups per period: a constant in the common cases (P = 16 for
 * C = 1, 2, 4, 8; 48 for C = 3, 6, 12), so their accumulators stay in registers. */
static inline __attribute__((always_inline)) void
period_body(const chanmul_grad_args *a, size_t begin, size_t end, const size_t ng,
            double *sub_s, double *sub_b)
{
    __m256d s[CHANMUL_GRAD_MAX_PERIOD / 4], b[CHANMUL_GRAD_MAX_PERIOD / 4];
    const float *sp = a->s_period;
    size_t P = ng * GROUP, i = begin;
    for (size_t v = 0; v < 4 * ng; v++)
        s[v] = b[v] = _mm256_setzero_pd();
    for (; i + P <= end; i += P)
        for (size_t g = 0; g < ng; g++)
            group_full(a, i + GROUP * g, _mm256_loadu_ps(sp + GROUP * g),
                       _mm256_loadu_ps(sp + GROUP * g + LANES), &s[4 * g], &b[4 * g]);
    for (size_t g = 0; i + GROUP * g < end; g++) { /* a part of a period: its first lanes */
        size_t left = end - i - GROUP * g;
        group_masked(a, i + GROUP * g, 0, left < GROUP ? left : GROUP, _mm256_loadu_ps(sp + GROUP * g),
                     _mm256_loadu_ps(sp + GROUP * g + LANES), &s[4 * g], &b[4 * g]);
    }
    for (size_t g = 0; g < ng; g++)
        store_group(sub_s + GROUP * g, sub_b + GROUP * g, &s[4 * g], &b[4 * g]);
}

static void period_avx2(const chanmul_grad_args *a, size_t r0, size_t r1, double *ds, double *db)
{
    size_t C = a->c, P = a->period;
    double sub_s[CHANMUL_GRAD_MAX_PERIOD], sub_b[CHANMUL_GRAD_MAX_PERIOD];
    if (P == 16)
        period_body(a, r0 * C, r1 * C, 1, sub_s, sub_b);
    else if (P == 48)
        period_body(a, r0 * C, r1 * C, 3, sub_s, sub_b);
    else
        period_body(a, r0 * C, r1 * C, P / GROUP, sub_s, sub_b);
    chanmul_grad_fold_periods(a, sub_s, sub_b, ds, db);
}

/* ---- NCHW, H*W > 1: 16 lanes by hw mod 16 -------------------------------------------- */

static void planes_avx2(const chanmul_grad_args *a, size_t r0, size_t r1, size_t c0, size_t c1,
                        double *ds, double *db)
{
    size_t C = a->c, hw = a->hw;
    for (size_t c = c0; c < c1; c++) {
        __m256d s[4], b[4];
        for (int v = 0; v < 4; v++)
            s[v] = b[v] = _mm256_setzero_pd();
        __m256 scale = _mm256_set1_ps(a->s[c]);
        for (size_t n = r0 / hw; n * hw < r1; n++) {
            size_t base = (n * C + c) * hw;
            size_t h0 = chanmul_grad_run_begin(r0, n, hw), h1 = chanmul_grad_run_end(r1, n, hw);
            /* groups start at multiples of 16 in the plane, so that lane l
             * always holds positions hw = l mod 16; the run's first group is
             * masked below h0 */
            size_t k = h0 / GROUP * GROUP;
            if (k < h0 || k + GROUP > h1) {
                group_masked(a, base + k, h0 - k, h1 - k < GROUP ? h1 - k : GROUP, scale, scale, s, b);
                k += GROUP;
            }
            for (; k + GROUP <= h1; k += GROUP)
                group_full(a, base + k, scale, scale, s, b);
            if (k < h1)
                group_masked(a, base + k, 0, h1 - k, scale, scale, s, b);
        }
        double sub_s[GROUP], sub_b[GROUP];
        store_group(sub_s, sub_b, s, b);
        ds[c] = chanmul_grad_fold16(sub_s);
        db[c] = chanmul_grad_fold16(sub_b);
    }
}

const chanmul_grad_kernels chanmul_grad_avx2 = {CHANMUL_ISA_AVX2, rows_avx2, period_avx2,
                                                planes_avx2};
