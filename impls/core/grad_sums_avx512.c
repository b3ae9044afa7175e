/* AVX-512F kernels of scale_grad's sums (grad_sums.h). Built with -mavx512f
 * only (this file alone); reached only when chanmul_kernel_isa() says AVX-512
 * is allowed. They add in the portable kernels' order exactly: a vector lane
 * is one of the order's accumulators, and every lane's additions are the
 * portable code's, one by one. */
#include "grad_sums.h"

#include <immintrin.h>

#define LANES 16 /* floats per vector; a vector of floats is two of doubles */

static inline __mmask16 first_lanes(size_t n)
{
    return n >= LANES ? 0xffff : (__mmask16)((1u << n) - 1u);
}

/* The two halves of 16 floats as doubles (exact). */
static inline __m512d lo_pd(__m512 v) { return _mm512_cvtps_pd(_mm512_castps512_ps256(v)); }
static inline __m512d hi_pd(__m512 v)
{
    return _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1)));
}

/*
 * One vector step of 16 elements into the accumulators of its 16 lanes:
 * s += dy * x, b += dy, then dx = dy * scale, stored after dy was loaded (dx
 * may be dy). Lanes outside m load +0.0, whose sum leaves an accumulator
 * unchanged (grad_sums.h), and store nothing. The FMA rounds once, as the
 * portable acc + t does, because t = dy * x is exact in double.
 */
static inline __attribute__((always_inline)) void
step(const float *x, const float *dy, float *dx, __mmask16 m, __m512 scale, __m512d *s_lo,
     __m512d *s_hi, __m512d *b_lo, __m512d *b_hi)
{
    __m512 g = _mm512_maskz_loadu_ps(m, dy), v = _mm512_maskz_loadu_ps(m, x);
    __m512d g_lo = lo_pd(g), g_hi = hi_pd(g);
    *s_lo = _mm512_fmadd_pd(g_lo, lo_pd(v), *s_lo);
    *s_hi = _mm512_fmadd_pd(g_hi, hi_pd(v), *s_hi);
    *b_lo = _mm512_add_pd(*b_lo, g_lo);
    *b_hi = _mm512_add_pd(*b_hi, g_hi);
    _mm512_mask_storeu_ps(dx, m, _mm512_mul_ps(g, scale));
}

/* ---- NHWC, C >= 16: lanes are channels, rows in order ------------------------------ */

/* Rows per pass over a row group: each channel chunk of the group walks the
 * group's rows with stride C, so a group of about 32 KiB of x and dy is read
 * from DRAM once and then from cache by the later chunks. */
static size_t group_rows(size_t c)
{
    size_t r = 4096 / c;
    return r < 16 ? 16 : r;
}

/* Channels [ch, ch + 16 nv) over rows [r0, r1), the last vector masked by
 * `last`; the accumulators are carried in acc_s / acc_b between row groups. */
static inline __attribute__((always_inline)) void
rows_chunk(const chanmul_grad_args *a, size_t r0, size_t r1, size_t ch, const int nv,
           __mmask16 last, double *acc_s, double *acc_b)
{
    size_t C = a->c;
    __m512d s[8], b[8];
    __m512 scale[4];
    for (int v = 0; v < nv; v++) {
        __mmask16 m = v == nv - 1 ? last : 0xffff;
        s[2 * v] = _mm512_loadu_pd(acc_s + 16 * v);
        s[2 * v + 1] = _mm512_loadu_pd(acc_s + 16 * v + 8);
        b[2 * v] = _mm512_loadu_pd(acc_b + 16 * v);
        b[2 * v + 1] = _mm512_loadu_pd(acc_b + 16 * v + 8);
        scale[v] = _mm512_maskz_loadu_ps(m, a->s + ch + 16 * v);
    }
    for (size_t r = r0; r < r1; r++) {
        size_t i = r * C + ch;
        for (int v = 0; v < nv; v++)
            step(a->x + i + 16 * v, a->dy + i + 16 * v, a->dx + i + 16 * v,
                 v == nv - 1 ? last : 0xffff, scale[v], &s[2 * v], &s[2 * v + 1], &b[2 * v],
                 &b[2 * v + 1]);
    }
    for (int v = 0; v < nv; v++) {
        _mm512_storeu_pd(acc_s + 16 * v, s[2 * v]);
        _mm512_storeu_pd(acc_s + 16 * v + 8, s[2 * v + 1]);
        _mm512_storeu_pd(acc_b + 16 * v, b[2 * v]);
        _mm512_storeu_pd(acc_b + 16 * v + 8, b[2 * v + 1]);
    }
}

static void rows_avx512(const chanmul_grad_args *a, size_t r0, size_t r1, size_t c0, size_t c1,
                        double *ds, double *db)
{
    /* the accumulators of [c0, c1), padded to whole vectors: the padding
     * lanes only ever add +0.0 and are never copied out */
    size_t width = c1 - c0, padded = (width + LANES - 1) / LANES * LANES;
    double stack_s[1024], stack_b[1024];
    double *acc_s = stack_s, *acc_b = stack_b;
    size_t step_channels = padded <= 1024 ? padded : 1024; /* channels per pass over a group */
    size_t rg = group_rows(a->c);
    for (size_t cs = c0; cs < c1; cs += step_channels) {
        size_t ce = cs + step_channels < c1 ? cs + step_channels : c1;
        for (size_t j = 0; j < step_channels; j++)
            acc_s[j] = acc_b[j] = 0.0;
        for (size_t g0 = r0; g0 < r1; g0 += rg) {
            size_t g1 = g0 + rg < r1 ? g0 + rg : r1, ch = cs;
            for (; ch + 4 * LANES <= ce; ch += 4 * LANES)
                rows_chunk(a, g0, g1, ch, 4, 0xffff, acc_s + (ch - cs), acc_b + (ch - cs));
            for (; ch < ce; ch += LANES)
                rows_chunk(a, g0, g1, ch, 1, first_lanes(ce - ch), acc_s + (ch - cs),
                           acc_b + (ch - cs));
        }
        for (size_t c = cs; c < ce; c++) {
            ds[c] = acc_s[c - cs];
            db[c] = acc_b[c - cs];
        }
    }
}

/* ---- NHWC, C < 16: the period's P lanes --------------------------------------------- */

/* Elements [begin, end) of the flat tensor, lane j = (i - begin) mod P, with
 * nv = P / 16 vectors per period: a constant in the common cases (P = 16 for
 * C = 1, 2, 4, 8; 48 for C = 3, 6, 12), so their accumulators stay in registers. */
static inline __attribute__((always_inline)) void
period_body(const chanmul_grad_args *a, size_t begin, size_t end, const size_t nv,
            double *sub_s, double *sub_b)
{
    __m512d s[2 * CHANMUL_GRAD_MAX_PERIOD / LANES], b[2 * CHANMUL_GRAD_MAX_PERIOD / LANES];
    size_t P = nv * LANES, i = begin;
    for (size_t v = 0; v < 2 * nv; v++)
        s[v] = b[v] = _mm512_setzero_pd();
    for (; i + P <= end; i += P)
        for (size_t v = 0; v < nv; v++)
            step(a->x + i + 16 * v, a->dy + i + 16 * v, a->dx + i + 16 * v, 0xffff,
                 _mm512_loadu_ps(a->s_period + 16 * v), &s[2 * v], &s[2 * v + 1], &b[2 * v],
                 &b[2 * v + 1]);
    for (size_t v = 0; i + 16 * v < end; v++) /* a part of a period: its first lanes */
        step(a->x + i + 16 * v, a->dy + i + 16 * v, a->dx + i + 16 * v,
             first_lanes(end - i - 16 * v), _mm512_loadu_ps(a->s_period + 16 * v), &s[2 * v],
             &s[2 * v + 1], &b[2 * v], &b[2 * v + 1]);
    for (size_t v = 0; v < 2 * nv; v++) {
        _mm512_storeu_pd(sub_s + 8 * v, s[v]);
        _mm512_storeu_pd(sub_b + 8 * v, b[v]);
    }
}

static void period_avx512(const chanmul_grad_args *a, size_t r0, size_t r1, double *ds,
                          double *db)
{
    size_t C = a->c, P = a->period;
    double sub_s[CHANMUL_GRAD_MAX_PERIOD], sub_b[CHANMUL_GRAD_MAX_PERIOD];
    if (P == 16)
        period_body(a, r0 * C, r1 * C, 1, sub_s, sub_b);
    else if (P == 48)
        period_body(a, r0 * C, r1 * C, 3, sub_s, sub_b);
    else
        period_body(a, r0 * C, r1 * C, P / LANES, sub_s, sub_b);
    chanmul_grad_fold_periods(a, sub_s, sub_b, ds, db);
}

/* ---- NCHW, H*W > 1: 16 lanes by hw mod 16 -------------------------------------------- */

static void planes_avx512(const chanmul_grad_args *a, size_t r0, size_t r1, size_t c0,
                          size_t c1, double *ds, double *db)
{
    size_t C = a->c, hw = a->hw;
    for (size_t c = c0; c < c1; c++) {
        __m512d s_lo = _mm512_setzero_pd(), s_hi = s_lo, b_lo = s_lo, b_hi = s_lo;
        __m512 scale = _mm512_set1_ps(a->s[c]);
        for (size_t n = r0 / hw; n * hw < r1; n++) {
            size_t base = (n * C + c) * hw;
            size_t h0 = chanmul_grad_run_begin(r0, n, hw), h1 = chanmul_grad_run_end(r1, n, hw);
            /* vectors start at multiples of 16 in the plane, so that lane l
             * always holds positions hw = l mod 16; the run's first vector is
             * masked below h0 */
            size_t k = h0 / LANES * LANES;
            if (k < h0 || k + LANES > h1) {
                __mmask16 m = first_lanes(h1 - k) & (__mmask16) ~first_lanes(h0 - k);
                step(a->x + base + k, a->dy + base + k, a->dx + base + k, m, scale, &s_lo, &s_hi,
                     &b_lo, &b_hi);
                k += LANES;
            }
            for (; k + LANES <= h1; k += LANES)
                step(a->x + base + k, a->dy + base + k, a->dx + base + k, 0xffff, scale, &s_lo,
                     &s_hi, &b_lo, &b_hi);
            if (k < h1)
                step(a->x + base + k, a->dy + base + k, a->dx + base + k, first_lanes(h1 - k),
                     scale, &s_lo, &s_hi, &b_lo, &b_hi);
        }
        double sub_s[LANES], sub_b[LANES];
        _mm512_storeu_pd(sub_s, s_lo);
        _mm512_storeu_pd(sub_s + 8, s_hi);
        _mm512_storeu_pd(sub_b, b_lo);
        _mm512_storeu_pd(sub_b + 8, b_hi);
        ds[c] = chanmul_grad_fold16(sub_s);
        db[c] = chanmul_grad_fold16(sub_b);
    }
}

const chanmul_grad_kernels chanmul_grad_avx512 = {CHANMUL_ISA_AVX512, rows_avx512, period_avx512,
                                                  planes_avx512};
