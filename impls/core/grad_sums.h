/*
 * scale_grad's numeric core: the backward pass of a learnable channel scale
 * with shift, y = x * s[c] + b[c]. Given x, s and dy (the gradient of y):
 *
 *   dx[i]  = dy[i] * s[c]               one IEEE float multiply per element (bit-exact)
 *   ds[c]  = sum over the rows of dy*x  (row r = n*H*W + h*W + w; R = N*H*W rows)
 *   db[c]  = sum over the rows of dy
 *
 * Reproducible sums. A parallel sum whose order followed the threads would
 * change its last bits with the thread count; a training run must not. So the
 * order of every addition is fixed by the layout and shape alone, and threads
 * only decide who performs which fixed piece of it:
 *
 *  - terms in double: t = (double)dy * (double)x for ds (exact: 24 + 24
 *    significant bits fit in 53, and products of floats, 2^-298 <= |t| <
 *    2^256, are far from double's underflow and overflow), t = (double)dy for db;
 *  - the R rows are cut into B = chanmul_grad_blocks(R) = min(64, ceil(R / 1024))
 *    contiguous blocks (at least 1), block b being chanmul_grad_block_rows(R, B, b):
 *    chanmul_split_range(R, 1, B, b), so the first R mod B blocks are a row longer;
 *  - within a block each channel's partial is a double sum starting at +0.0,
 *    in an order fixed by the layout (chosen so that vectors of 16 floats
 *    along the contiguous axis always meet the same accumulators):
 *      NHWC, C >= 16: the block's rows in order (vector lanes are channels);
 *      NHWC, C < 16:  P = lcm(C, 16) floats are K = P / C rows. Flat offset j
 *                     (mod P) from the block's first element, j = k*C + c, is
 *                     sub-sum (k, c), each in row order; the partial is
 *                     sub(0, c) + sub(1, c) + ... + sub(K-1, c), left to right;
 *      NCHW, H*W > 1: 16 sub-sums by hw mod 16 (hw = h*W + w, the position in
 *                     the plane), each in row order; folded pairwise as
 *                     chanmul_grad_fold16 does;
 *      NCHW, H*W = 1: the memory of NHWC, and summed as NHWC is;
 *  - the total is partial[0][c] + partial[1][c] + ... in block order, in
 *    double, rounded once to float; a NaN total is written as the default
 *    quiet NaN, so that its bits do not depend on which NaN the adds met first.
 * An accumulator that starts at +0.0 is never -0.0 (round to nearest), so
 * adding +0.0 (a masked-off lane) leaves it unchanged: the SIMD kernels rely
 * on that. Their FMA of exact double products rounds once, as acc + t does,
 * so CHANMUL_GRAD_PLAIN and CHANMUL_GRAD_SIMD give identical bits.
 *
 * The bound (checked by harness/verify/grad_check.c):
 *   |got - exact| <= 2^-24 |exact| + (R + B) 2^-53 sum|t| + 2^-150
 * for R <= 2^28 rows (sum|t| over the R terms of that channel); an infinite
 * `got` counts as the overflow threshold 2^128 - 2^103, the least value that
 * rounds to it. Why: in the tree of additions (any order, zero-initialised
 * accumulators included) an addition with an exactly zero operand is exact,
 * and each rounded one on the path from a term up has a sibling holding
 * another non-zero term, so at most R-1 roundings touch any term: the double
 * total d has |d - exact| <= gamma_{R-1} sum|t| (Higham, Accuracy and
 * Stability of Numerical Algorithms, 2nd ed., section 4.2). Rounding d to
 * float adds at most 2^-24 |d| <= 2^-24 (|exact| + |d - exact|) for a normal
 * result and at most 2^-150 in float's subnormal range (the term the
 * relative one misses: a sum of 2^-200 rounds to 0). What separates
 * (1 + 2^-24) gamma_{R-1} from (R + B) 2^-53, about
 * B + 1 - (R-1)(2^-24 + (R-1) 2^-53) units of 2^-53 sum|t|, also absorbs the
 * verifier's exact value being rounded to double; it stays positive for
 * R <= 2^28 (B = 64 there: 64 + 1 - 16 - 8).
 */
#ifndef CHANMUL_GRAD_SUMS_H
#define CHANMUL_GRAD_SUMS_H

#include "chanmul_internal.h"

#include <stddef.h>

/* The loops' strategy, flags: portable C (PLAIN), or the inner loops of
 * chanmul_kernel_isa() (SIMD: AVX-512F, AVX2 + FMA, else the portable ones);
 * threads from chanmul's thread team, or an OpenMP parallel region (OPENMP).
 * Every combination sums in the order above, so all give the same bits. */
enum { CHANMUL_GRAD_PLAIN = 0, CHANMUL_GRAD_SIMD = 1, CHANMUL_GRAD_OPENMP = 2 };

/*
 * dx, ds and db of problem p (its layout and N, H, W, C; p->op is not read).
 * threads: 0 = chanmul_resolve_threads's default, >= 1 = at most that many
 * (small problems run on fewer: that changes the speed only, never a bit).
 * dx may be dy itself (in place); otherwise no output may overlap an input or
 * another output. Returns 0, or CHANMUL_EPROBLEM (p NULL), CHANMUL_ELAYOUT,
 * CHANMUL_ETHREADS, CHANMUL_EOP (flags outside the three), CHANMUL_EOVERFLOW,
 * CHANMUL_ENULL (an operand with elements is NULL), CHANMUL_EOVERLAP_XY (dx
 * overlaps dy without being it), CHANMUL_EOVERLAP_SY (another overlap) or
 * CHANMUL_ENOMEM; on error no output is written. R = 0 gives ds = db = 0.
 */
int chanmul_grad_sums(const chanmul_problem *p, const float *x, const float *s, const float *dy,
                      float *dx, float *ds, float *db, int threads, int flags);

/* Below this many elements per thread a fork and join costs more than the
 * pass saves (more than the channel scale's threshold: this pass reads two
 * tensors and writes one, with more arithmetic per element). Only the speed
 * depends on it. */
#define CHANMUL_GRAD_MIN_ELEMENTS_PER_THREAD 16384

/* B for R rows: min(64, ceil(R / 1024)), at least 1 (also for R = 0). */
size_t chanmul_grad_blocks(size_t rows);
/* Rows [*r0, *r1) of block b of `blocks`. */
void chanmul_grad_block_rows(size_t rows, size_t blocks, size_t b, size_t *r0, size_t *r1);

/* ---- between the driver and the ISA kernels -------------------------------------- */

#define CHANMUL_GRAD_LANES 16
#define CHANMUL_GRAD_MAX_PERIOD 240 /* lcm(C, 16) for C < 16: at most 15 * 16 */

/* The operands and the constants of the walks. */
typedef struct chanmul_grad_args {
    const float *x, *s, *dy;
    float *dx;            /* dy itself, or disjoint from every input */
    size_t c;             /* channels */
    size_t hw;            /* NCHW: elements of a plane */
    size_t period;        /* NHWC with C < 16: P = lcm(C, 16) floats ... */
    size_t period_rows;   /* ... which are K = P / C rows */
    const float *s_period; /* ... and s[j % C] for j < P, CHANMUL_GRAD_LANES floats more */
} chanmul_grad_args;

/*
 * One ISA's kernels. Each computes block partials for the block of rows
 * [r0, r1), in the order above, and writes them to ds[c] and db[c] for its
 * channels (the block's row of partials, indexed by absolute channel), and dx
 * for the same elements, reading each dy before the dx that may overwrite it.
 */
typedef struct chanmul_grad_kernels {
    chanmul_isa isa;
    /* NHWC (or NCHW with H*W = 1), C >= 16: channels [c0, c1), row order */
    void (*rows)(const chanmul_grad_args *a, size_t r0, size_t r1, size_t c0, size_t c1,
                 double *ds, double *db);
    /* NHWC (or NCHW with H*W = 1), C < 16: every channel, the period's sub-sums */
    void (*period)(const chanmul_grad_args *a, size_t r0, size_t r1, double *ds, double *db);
    /* NCHW, H*W > 1: channels [c0, c1), sub-sums by hw mod 16 */
    void (*planes)(const chanmul_grad_args *a, size_t r0, size_t r1, size_t c0, size_t c1,
                   double *ds, double *db);
} chanmul_grad_kernels;

extern const chanmul_grad_kernels chanmul_grad_portable;
extern const chanmul_grad_kernels chanmul_grad_avx2;
extern const chanmul_grad_kernels chanmul_grad_avx512;

/* The 16 sub-sums of NCHW, folded pairwise: l[j] += l[j + h] for h = 8, 4, 2,
 * 1 (the halves of a vector register, then of the halves). Scalar code shared
 * by every ISA, so the fold cannot differ between them. Overwrites l. */
static inline double chanmul_grad_fold16(double *l)
{
    for (size_t half = CHANMUL_GRAD_LANES / 2; half > 0; half /= 2)
        for (size_t j = 0; j < half; j++)
            l[j] += l[j + half];
    return l[0];
}

/* Every channel's partials from the period's sub-sums, into ds and db:
 * channel c's is sub(0, c) + sub(1, c) + ... + sub(K-1, c), left to right.
 * Shared by every ISA, so the fold cannot differ between them. */
static inline void chanmul_grad_fold_periods(const chanmul_grad_args *a, const double *sub_s,
                                             const double *sub_b, double *ds, double *db)
{
    for (size_t c = 0; c < a->c; c++) {
        double ts = sub_s[c], tb = sub_b[c];
        for (size_t k = 1; k < a->period_rows; k++) {
            ts += sub_s[k * a->c + c];
            tb += sub_b[k * a->c + c];
        }
        ds[c] = ts;
        db[c] = tb;
    }
}

/* Rows [first row, end row) of NCHW's block as runs of planes: the run of
 * sample n is [h0, h1) of its plane. The kernels iterate with these. */
static inline size_t chanmul_grad_run_begin(size_t r0, size_t n, size_t hw)
{
    return r0 > n * hw ? r0 - n * hw : 0;
}
static inline size_t chanmul_grad_run_end(size_t r1, size_t n, size_t hw)
{
    return r1 - n * hw < hw ? r1 - n * hw : hw;
}

#endif
