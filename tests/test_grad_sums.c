/*
 * scale_grad's numeric core (impls/core/grad_sums.h) against its promises:
 *  - dx is one float multiply per element, bit for bit, in place or not;
 *  - ds and db are the same bits for every thread count, every run, and both
 *    strategies (PLAIN and SIMD: the same order of additions);
 *  - ds and db are within the documented bound of the exact sums
 *    (reference/chanmul_scale_grad_exact.c, harness/verify/grad_check.c), and
 *    the bound is tight enough to fail a naive float sum;
 *  - arguments are checked, and nothing is written on error.
 * Shapes: both layouts, C in {1, 2, 3, 5, 7, 8, 12, 15, 16, 17, 31, 33, 64,
 * 1000} (every walk), R from 1 to 131072 (1 to 64 blocks, R not a multiple
 * of the block), pointers misaligned by 0-3 floats, guard zones around every
 * output. Run it under each ISA cap (CHANMUL_MAX_ISA=avx2, scalar) too.
 */
#include "check.h"

#include "grad_check.h"
#include "grad_sums.h"
#include "reference_grad.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The ENOMEM case asks for 2^47 bytes; ASan's allocator would abort there
 * unless told to return NULL, as malloc does. */
#ifdef __SANITIZE_ADDRESS__
const char *__asan_default_options(void);
const char *__asan_default_options(void) { return "allocator_may_return_null=1"; }
#endif

#define GUARD 16
#define GUARD_BITS 0x7fc0deadu /* a NaN no computation here produces */

static const int thread_counts[] = {1, 2, 3, 7, 0, 1}; /* the last: a repeat of the first */
static const int strategies[] = {CHANMUL_GRAD_PLAIN, CHANMUL_GRAD_SIMD,
                                 CHANMUL_GRAD_SIMD | CHANMUL_GRAD_OPENMP};
static const char *const strategy_names[] = {"plain", "simd", "simd+openmp"};

/* ---- data ------------------------------------------------------------------------ */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t next_u64(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* sign * [1, 2) * 2^e, e uniform in [lo, hi]: every bit of the mantissa random. */
static float random_float(int lo, int hi)
{
    uint64_t r = next_u64();
    float m = 1.0f + (float)(r & 0x7fffff) * 0x1p-23f;
    int e = lo + (int)((r >> 23) % (uint64_t)(hi - lo + 1));
    return (r >> 40 & 1 ? -1.0f : 1.0f) * ldexpf(m, e);
}

/* ---- buffers with guard zones ---------------------------------------------------- */

typedef struct buffer {
    float *base, *data; /* data = base + GUARD + offset */
    size_t n;
} buffer;

static size_t buffer_floats(size_t n) { return n + 2 * GUARD + 4; }

static buffer buffer_new(size_t n, int offset)
{
    buffer b = {malloc(buffer_floats(n) * sizeof(float)), NULL, n};
    if (!b.base) {
        printf("out of memory\n");
        exit(2);
    }
    uint32_t bits = GUARD_BITS;
    for (size_t i = 0; i < buffer_floats(n); i++)
        memcpy(&b.base[i], &bits, sizeof bits);
    b.data = b.base + GUARD + offset;
    return b;
}

/* 1 when every float outside [data, data + n) still holds the guard pattern. */
static int guards_intact(const buffer *b)
{
    for (size_t i = 0; i < buffer_floats(b->n); i++) {
        uint32_t bits;
        if (b->base + i >= b->data && b->base + i < b->data + b->n)
            continue;
        memcpy(&bits, &b->base[i], sizeof bits);
        if (bits != GUARD_BITS)
            return 0;
    }
    return 1;
}

static int same_bits(const float *a, const float *b, size_t n)
{
    return memcmp(a, b, n * sizeof(float)) == 0;
}

/* First index where a and b differ in bits, or n. */
static size_t first_difference(const float *a, const float *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (memcmp(&a[i], &b[i], sizeof(float)) != 0)
            return i;
    return n;
}

/* ---- one problem ------------------------------------------------------------------ */

static size_t channel_of(const chanmul_problem *p, size_t i)
{
    return p->layout == CHANMUL_NHWC ? i % p->c : i / (p->h * p->w) % p->c;
}

/* Offset of row r (n*H*W + h*W + w), channel c. */
static size_t offset_of(const chanmul_problem *p, size_t r, size_t c)
{
    size_t hw = p->h * p->w;
    return p->layout == CHANMUL_NHWC ? r * p->c + c : (r / hw * p->c + c) * hw + r % hw;
}

typedef enum fill { FILL_RANDOM, FILL_CANCEL } fill;

/* FILL_RANDOM: magnitudes 2^-8 .. 2^8, both signs. FILL_CANCEL: dy of
 * magnitudes 2^-20 .. 2^20, and per channel the second half of the rows
 * repeats the first half's terms negated (mirrored: row R-1-r cancels row r),
 * except for one pair in 16 whose two rows hold tiny unpaired terms (2^-40 ..
 * 2^-30). The totals are far below the terms: a float sum cannot track them,
 * and even a double sum's result is mostly its own rounding errors, so that
 * any change in the order of the additions shows in the float bits (with
 * random data the final rounding to float hides it nearly always). */
static void fill_inputs(const chanmul_problem *p, float *x, float *s, float *dy, fill how)
{
    size_t rows = p->n * p->h * p->w;
    int cancel = how == FILL_CANCEL;
    for (size_t c = 0; c < p->c; c++)
        s[c] = random_float(-3, 3);
    for (size_t r = 0; r < rows; r++)
        for (size_t c = 0; c < p->c; c++) {
            size_t i = offset_of(p, r, c), mate = offset_of(p, rows - 1 - r, c);
            int small = cancel && (r % 16 == 5 || (rows - 1 - r) % 16 == 5);
            if (cancel && r >= rows - r && !small) {
                dy[i] = -dy[mate];
                x[i] = x[mate];
                continue;
            }
            x[i] = random_float(cancel ? -1 : -8, cancel ? 1 : 8);
            dy[i] = small ? random_float(-40, -30) : random_float(cancel ? -20 : -8, cancel ? 20 : 8);
        }
}

static void describe(char *out, size_t len, const chanmul_problem *p, int offset, fill how)
{
    snprintf(out, len, "%zux%zux%zux%zu %s offset %d %s data", p->n, p->h, p->w, p->c,
             chanmul_layout_name(p->layout), offset, how == FILL_CANCEL ? "cancelling" : "random");
}

typedef struct exact_sums {
    double *ds, *db, *ds_abs, *db_abs;
} exact_sums;

/* Counts the channels of got outside the bound (printing the first few). */
static int out_of_bound(const char *what, const char *name, const float *got, const double *exact,
                        const double *abs_sum, size_t c, size_t rows, int print)
{
    int bad = 0;
    for (size_t k = 0; k < c; k++) {
        double err, bound;
        if (!grad_sum_acceptable(got[k], exact[k], abs_sum[k], rows, &err, &bound)) {
            if (print && bad < 3)
                printf("  %s %s[%zu] = %.9g, exact %.17g: error %.3g > bound %.3g\n", what, name, k,
                       (double)got[k], exact[k], err, bound);
            bad++;
        }
    }
    return bad;
}

/* Every strategy and thread count on one problem, out of place and in place. */
static void check_problem(const chanmul_problem *p, int offset, fill how)
{
    char name[128];
    describe(name, sizeof name, p, offset, how);
    size_t C = p->c, rows = p->n * p->h * p->w, total = rows * C;
    buffer x = buffer_new(total, offset), dy = buffer_new(total, (offset + 1) % 4);
    buffer s = buffer_new(C, (offset + 2) % 4);
    fill_inputs(p, x.data, s.data, dy.data, how);

    float *expect_dx = malloc((total ? total : 1) * sizeof(float));
    for (size_t i = 0; i < total; i++)
        expect_dx[i] = dy.data[i] * s.data[channel_of(p, i)]; /* one multiply: -ffp-contract=off */
    exact_sums ex = {malloc(4 * (C ? C : 1) * sizeof(double)), NULL, NULL, NULL};
    ex.db = ex.ds + C;
    ex.ds_abs = ex.db + C;
    ex.db_abs = ex.ds_abs + C;
    CHECK(chanmul_scale_grad_exact(p, x.data, dy.data, ex.ds, ex.db, ex.ds_abs, ex.db_abs) == 0, "exact sums: out of memory");

    float *first_ds = malloc(2 * (C ? C : 1) * sizeof(float)), *first_db = first_ds + C;
    int have_first = 0;
    for (size_t si = 0; si < COUNT_OF(strategies); si++) {
        for (size_t ti = 0; ti < COUNT_OF(thread_counts); ti++) {
            int threads = thread_counts[ti];
            buffer dx = buffer_new(total, (offset + 3) % 4), ds = buffer_new(C, offset),
                   db = buffer_new(C, (offset + 1) % 4);
            int rc = chanmul_grad_sums(p, x.data, s.data, dy.data, dx.data, ds.data, db.data,
                                       threads, strategies[si]);
            CHECK(rc == 0, "%s %s threads %d: rc %d", name, strategy_names[si], threads, rc);
            size_t d = first_difference(dx.data, expect_dx, total);
            CHECK(d == total, "%s %s threads %d: dx[%zu] = %a, dy * s = %a", name,
                  strategy_names[si], threads, d, d < total ? (double)dx.data[d] : 0.0,
                  d < total ? (double)expect_dx[d] : 0.0);
            CHECK(guards_intact(&dx) && guards_intact(&ds) && guards_intact(&db),
                  "%s %s threads %d: a write outside dx, ds or db", name, strategy_names[si],
                  threads);
            if (!have_first) {
                memcpy(first_ds, ds.data, C * sizeof(float));
                memcpy(first_db, db.data, C * sizeof(float));
                have_first = 1;
                int bad_s = out_of_bound(name, "ds", ds.data, ex.ds, ex.ds_abs, C, rows, 1);
                int bad_b = out_of_bound(name, "db", db.data, ex.db, ex.db_abs, C, rows, 1);
                CHECK(bad_s == 0 && bad_b == 0,
                      "%s: %d channels of ds and %d of db outside the bound", name, bad_s, bad_b);
            } else {
                /* every later run, both strategies: the first run's bits */
                size_t ds_d = first_difference(ds.data, first_ds, C);
                size_t db_d = first_difference(db.data, first_db, C);
                /* the first difference of each (index C: none) */
                CHECK(ds_d == C && db_d == C,
                      "%s %s threads %d: sums differ from plain threads 1 (ds[%zu of %zu] %a vs %a, "
                      "db[%zu of %zu] %a vs %a)",
                      name, strategy_names[si], threads, ds_d, C,
                      ds_d < C ? (double)ds.data[ds_d] : 0.0, ds_d < C ? (double)first_ds[ds_d] : 0.0,
                      db_d, C, db_d < C ? (double)db.data[db_d] : 0.0,
                      db_d < C ? (double)first_db[db_d] : 0.0);
            }
            free(dx.base);
            free(ds.base);
            free(db.base);
        }
        /* in place: dx == dy, which the pass overwrites, so a fresh copy of dy each time */
        for (int threads = 1; threads <= 3; threads += 2) {
            buffer io = buffer_new(total, (offset + 1) % 4), ds = buffer_new(C, 0), db = buffer_new(C, 0);
            if (total)
                memcpy(io.data, dy.data, total * sizeof(float));
            int rc = chanmul_grad_sums(p, x.data, s.data, io.data, io.data, ds.data, db.data,
                                       threads, strategies[si]);
            int dx_right = same_bits(io.data, expect_dx, total);
            int sums_same = same_bits(ds.data, first_ds, C) && same_bits(db.data, first_db, C);
            CHECK(rc == 0 && dx_right && sums_same && guards_intact(&io) && guards_intact(&ds) &&
                      guards_intact(&db),
                  "%s %s threads %d in place: rc %d, dx %s, sums %s, guards %s", name,
                  strategy_names[si], threads, rc, dx_right ? "right" : "wrong",
                  sums_same ? "the same" : "different",
                  guards_intact(&io) && guards_intact(&ds) && guards_intact(&db) ? "intact"
                                                                                 : "overwritten");
            free(io.base);
            free(ds.base);
            free(db.base);
        }
    }
    free(first_ds);
    free(ex.ds);
    free(expect_dx);
    free(x.base);
    free(dy.base);
    free(s.base);
}

/* ---- the shape matrix --------------------------------------------------------------- */

typedef struct spatial {
    size_t n, h, w;
} spatial;

static void shape_matrix(void)
{
    /* R = N*H*W: 1, 2, 30, 49, 969 (< one block), 1089 (2 blocks, uneven),
     * 2048 (2 whole blocks), 1025, 4 (NCHW planes of 1: NHWC's memory), 30 in
     * planes of 6 (shorter than a vector), 510 in planes of 255 */
    static const spatial small[] = {{1, 1, 1}, {1, 1, 2}, {2, 3, 5}, {1, 7, 7},   {3, 17, 19}, {1, 33, 33},
                                    {2, 32, 32}, {1, 1, 1025}, {4, 1, 1}, {5, 2, 3}, {2, 15, 17}};
    static const size_t channels[] = {1, 2, 3, 5, 7, 8, 12, 15, 16, 17, 31, 33, 64};
    /* many blocks: 25088 rows (25 blocks), 90000 (64 blocks of 1406.25),
     * 131072 (64 blocks of 2048) */
    static const struct {
        spatial sp;
        size_t c;
    } large[] = {{{8, 56, 56}, 64}, {{8, 56, 56}, 3},  {{8, 56, 56}, 17},  {{1, 300, 300}, 1},
                 {{1, 300, 300}, 3}, {{2, 256, 256}, 1}, {{1, 257, 255}, 5}, {{1, 32, 32}, 1000},
                 {{3, 17, 23}, 1000}, {{1, 1, 1}, 1000}, {{2, 3, 5}, 1000}, {{1, 33, 31}, 1000}};
    int offset = 0;
    for (int layout = 0; layout < 2; layout++) {
        for (size_t si = 0; si < COUNT_OF(small); si++)
            for (size_t ci = 0; ci < COUNT_OF(channels); ci++) {
                chanmul_problem p = {CHANMUL_OP_SCALE, (chanmul_layout)layout, small[si].n,
                                     small[si].h, small[si].w, channels[ci]};
                check_problem(&p, offset % 4, FILL_RANDOM);
                check_problem(&p, offset++ % 4, FILL_CANCEL);
            }
        for (size_t li = 0; li < COUNT_OF(large); li++) {
            chanmul_problem p = {CHANMUL_OP_SCALE, (chanmul_layout)layout, large[li].sp.n,
                                 large[li].sp.h, large[li].sp.w, large[li].c};
            check_problem(&p, offset % 4, FILL_RANDOM);
            check_problem(&p, offset++ % 4, FILL_CANCEL);
        }
    }
}

/* ---- the bound can fail: a naive float sum on cancelling data ------------------------ */

static void naive_sum_fails(void)
{
    static const size_t channels[] = {4, 17};
    for (int layout = 0; layout < 2; layout++)
        for (size_t ci = 0; ci < COUNT_OF(channels); ci++) {
            chanmul_problem p = {CHANMUL_OP_SCALE, (chanmul_layout)layout, 2, 64, 64, channels[ci]};
            char name[128];
            describe(name, sizeof name, &p, 0, FILL_CANCEL);
            size_t C = p.c, rows = p.n * p.h * p.w, total = rows * C;
            float *x = malloc(total * sizeof(float)), *dy = malloc(total * sizeof(float));
            float *dx = malloc(total * sizeof(float)), *s = malloc(C * sizeof(float));
            float *got = malloc(4 * C * sizeof(float)), *got_db = got + C;
            float *naive_ds = got + 2 * C, *naive_db = got + 3 * C;
            double *ex = malloc(4 * C * sizeof(double));
            fill_inputs(&p, x, s, dy, FILL_CANCEL);
            CHECK(chanmul_scale_grad_exact(&p, x, dy, ex, ex + C, ex + 2 * C, ex + 3 * C) == 0, "exact sums: out of memory");
            /* the loop a user writes first: a float accumulator, row by row */
            for (size_t c = 0; c < C; c++) {
                float acc_s = 0.0f, acc_b = 0.0f;
                for (size_t r = 0; r < rows; r++) {
                    size_t i = layout == CHANMUL_NHWC ? r * C + c
                                                      : (r / (p.h * p.w) * C + c) * (p.h * p.w) +
                                                            r % (p.h * p.w);
                    acc_s += dy[i] * x[i];
                    acc_b += dy[i];
                }
                naive_ds[c] = acc_s;
                naive_db[c] = acc_b;
            }
            int naive_bad = out_of_bound(name, "naive ds", naive_ds, ex, ex + 2 * C, C, rows, 0) +
                            out_of_bound(name, "naive db", naive_db, ex + C, ex + 3 * C, C, rows, 0);
            printf("%s: a naive float sum is outside the bound on %d of %zu sums\n", name,
                   naive_bad, 2 * C);
            CHECK(naive_bad > 0, "%s: a naive float sum meets the bound on every channel: the "
                  "check could not fail", name);
            for (size_t si = 0; si < COUNT_OF(strategies); si++) {
                int rc = chanmul_grad_sums(&p, x, s, dy, dx, got, got_db, 3, strategies[si]);
                int bad = out_of_bound(name, "ds", got, ex, ex + 2 * C, C, rows, 1) +
                          out_of_bound(name, "db", got_db, ex + C, ex + 3 * C, C, rows, 1);
                CHECK(rc == 0 && bad == 0, "%s %s: rc %d, %d sums outside the bound "
                      "(a naive float sum: %d of %zu)", name, strategy_names[si], rc, bad, naive_bad,
                      2 * C);
            }
            free(x);
            free(dy);
            free(dx);
            free(s);
            free(got);
            free(ex);
        }
}

/* ---- special values: infinities, NaN, overflow, underflow ----------------------------- */

/* One 1x2x2x3 problem with chosen values, both layouts, both strategies. */
static void check_special(const char *what, const float *xv, const float *dyv, size_t c_count)
{
    for (int layout = 0; layout < 2; layout++) {
        chanmul_problem p = {CHANMUL_OP_SCALE, (chanmul_layout)layout, 1, 2, 2, c_count};
        size_t rows = 4, total = rows * c_count;
        float x[64], dy[64], dx[64], s[16], ds[2][16], db[2][16];
        double ex[4][16];
        for (size_t c = 0; c < c_count; c++)
            s[c] = 0.5f + (float)c;
        /* xv, dyv are given row-major [row][channel]: place them by layout */
        for (size_t r = 0; r < rows; r++)
            for (size_t c = 0; c < c_count; c++) {
                size_t i = layout == CHANMUL_NHWC ? r * c_count + c : c * rows + r;
                x[i] = xv[r * c_count + c];
                dy[i] = dyv[r * c_count + c];
            }
        CHECK(chanmul_scale_grad_exact(&p, x, dy, ex[0], ex[1], ex[2], ex[3]) == 0, "exact sums: out of memory");
        for (int si = 0; si < 2; si++) {
            int rc = chanmul_grad_sums(&p, x, s, dy, dx, ds[si], db[si], 2, strategies[si]);
            int bad = out_of_bound(what, "ds", ds[si], ex[0], ex[2], c_count, rows, 1) +
                      out_of_bound(what, "db", db[si], ex[1], ex[3], c_count, rows, 1);
            CHECK(rc == 0 && bad == 0, "%s %s %s: rc %d, %d sums not accepted", what,
                  chanmul_layout_name(p.layout), strategy_names[si], rc, bad);
            int dx_ok = 1;
            for (size_t i = 0; i < total; i++) {
                float e = dy[i] * s[channel_of(&p, i)];
                dx_ok &= memcmp(&e, &dx[i], sizeof e) == 0;
            }
            CHECK(dx_ok, "%s %s %s: dx not dy * s bit for bit", what, chanmul_layout_name(p.layout),
                  strategy_names[si]);
        }
        CHECK(same_bits(ds[0], ds[1], c_count) && same_bits(db[0], db[1], c_count),
              "%s %s: plain and simd differ (NaN included: written canonical)", what,
              chanmul_layout_name(p.layout));
    }
}

static void special_values(void)
{
    const float inf = INFINITY, nan = NAN, big = 0x1p100f, tiny = 0x1p-140f;
    /* channels: +inf dy (ds -inf with x < 0); a NaN dy; x = +inf and -inf (ds NaN, db finite) */
    const float x1[] = {1, 2, inf, -1, 2, 3, 2, 1, -inf, 1, 1, 1};
    const float dy1[] = {2, 1, 1, inf, nan, 1, 1, 1, 1, 1, 1, 1};
    check_special("inf and NaN", x1, dy1, 3);
    /* overflow: ds = 4 * 2^200, beyond float (inf), db = 2^102 finite; sums of
     * FLT_MAX beyond float's range (inf), and ones whose partials leave it but
     * whose totals return (about FLT_MAX) */
    const float x2[] = {big, 1, 1, big, 1, 1, big, -1, 1, big, -1, 1};
    const float dy2[] = {big, FLT_MAX, FLT_MAX, big, FLT_MAX, FLT_MAX, big, FLT_MAX, -FLT_MAX, big, 1, 1};
    check_special("overflow", x2, dy2, 3);
    /* underflow: products 2^-200 (ds rounds to 0: only the 2^-150 term admits
     * it), subnormal dy, and a sum of subnormals that becomes normal */
    const float x3[] = {0x1p-60f, 1, 0x1p20f, 0x1p-60f, 1, 0x1p20f, 0x1p-60f, 1, 0x1p20f, 0x1p-60f, 1, 0x1p20f};
    const float dy3[] = {tiny, FLT_TRUE_MIN, 0x1.8p-127f, tiny, FLT_TRUE_MIN, 0x1.8p-127f,
                         tiny, -FLT_TRUE_MIN, 0x1.8p-127f, tiny, 3 * FLT_TRUE_MIN, 0x1.8p-127f};
    check_special("underflow", x3, dy3, 3);
}

/* ---- the acceptance rule itself -------------------------------------------------------- */

static void acceptance_rule(void)
{
    double err, bound;
    /* one row: bound 2^-24 |e| + 2 * 2^-53 |e| + 2^-150 */
    CHECK(grad_sum_acceptable((float)1.1, 1.1, 1.1, 1, &err, &bound), "1.1 rounded: accepted");
    CHECK(!grad_sum_acceptable(nextafterf((float)1.1, 2), 1.1, 1.1, 1, &err, &bound),
          "1.1 one float ulp off the rounded value: refused (error %g, bound %g)", err, bound);
    CHECK(grad_sum_acceptable(0.0f, 0x1p-200, 0x1p-200, 1, NULL, NULL), "2^-200 rounded to 0: accepted");
    CHECK(!grad_sum_acceptable(FLT_TRUE_MIN, 0.0, 0.0, 1, NULL, NULL), "a subnormal for 0: refused");
    CHECK(grad_sum_acceptable(INFINITY, 0x1p200, 0x1p200, 1, NULL, NULL), "2^200 as inf: accepted");
    CHECK(!grad_sum_acceptable(-INFINITY, 0x1p200, 0x1p200, 1, NULL, NULL), "2^200 as -inf: refused");
    /* (signbit of a float and of a double are different non-zero values: found by the verifier) */
    CHECK(grad_sum_acceptable(-INFINITY, -0x1p137, 0x1p137, 1, NULL, NULL), "-2^137 as -inf: accepted");
    CHECK(!grad_sum_acceptable(INFINITY, -0x1p137, 0x1p137, 1, NULL, NULL), "-2^137 as inf: refused");
    CHECK(!grad_sum_acceptable(FLT_MAX, 0x1p200, 0x1p200, 1, NULL, NULL), "2^200 as FLT_MAX: refused");
    CHECK(grad_sum_acceptable(FLT_MAX, 0x1p128 - 0x1p103, 0x1p128, 1024, NULL, NULL),
          "the overflow threshold within the bound of FLT_MAX: accepted");
    CHECK(!grad_sum_acceptable(INFINITY, 1e30, 1e30, 1, NULL, NULL), "1e30 as inf: refused");
    CHECK(grad_sum_acceptable(NAN, NAN, 0, 1, NULL, NULL), "NaN for NaN: accepted");
    CHECK(!grad_sum_acceptable(0.0f, NAN, 0, 1, NULL, NULL), "0 for NaN: refused");
    CHECK(!grad_sum_acceptable(NAN, 1.0, 1.0, 1, NULL, NULL), "NaN for 1: refused");
    CHECK(grad_sum_acceptable(-INFINITY, -INFINITY, INFINITY, 1, NULL, NULL), "-inf for -inf: accepted");
    CHECK(!grad_sum_acceptable(INFINITY, -INFINITY, INFINITY, 1, NULL, NULL), "inf for -inf: refused");
    CHECK(!grad_sum_acceptable(FLT_MAX, INFINITY, INFINITY, 1, NULL, NULL), "FLT_MAX for inf: refused");
    /* a cancelled sum: exact 0, terms of 2^20 over 4096 rows (B = 4) */
    grad_sum_acceptable(0x1p-20f, 0.0, 4096 * 0x1p20, 4096, &err, &bound);
    CHECK(bound == (4096.0 + 4) * 0x1p-53 * 4096 * 0x1p20 + 0x1p-150, "bound %a", bound);
    CHECK(chanmul_grad_blocks(0) == 1 && chanmul_grad_blocks(1) == 1 && chanmul_grad_blocks(1024) == 1 &&
              chanmul_grad_blocks(1025) == 2 && chanmul_grad_blocks(64 * 1024) == 64 &&
              chanmul_grad_blocks((size_t)1 << 40) == 64,
          "chanmul_grad_blocks: min(64, ceil(R / 1024)), at least 1");
}

/* ---- arguments ---------------------------------------------------------------------- */

static void arguments(void)
{
    chanmul_problem p = {CHANMUL_OP_SCALE, CHANMUL_NHWC, 1, 2, 3, 4};
    float x[24] = {1}, s[4] = {1, 2, 3, 4}, dy[24] = {1}, dx[64], ds[8], db[8];
    const float sentinel = 42.0f;
    for (int i = 0; i < 8; i++)
        ds[i] = db[i] = sentinel;
#define UNTOUCHED (ds[0] == sentinel && db[0] == sentinel && ds[3] == sentinel && db[3] == sentinel)
    CHECK(chanmul_grad_sums(NULL, x, s, dy, dx, ds, db, 1, 1) == CHANMUL_EPROBLEM, "NULL problem");
    chanmul_problem bad = p;
    bad.layout = (chanmul_layout)7;
    CHECK(chanmul_grad_sums(&bad, x, s, dy, dx, ds, db, 1, 1) == CHANMUL_ELAYOUT, "layout 7");
    CHECK(chanmul_grad_sums(&p, x, s, dy, dx, ds, db, -1, 1) == CHANMUL_ETHREADS, "threads -1");
    CHECK(chanmul_grad_sums(&p, x, s, dy, dx, ds, db, 1, 4) == CHANMUL_EOP, "flags 4");
    CHECK(chanmul_grad_sums(&p, NULL, s, dy, dx, ds, db, 1, 1) == CHANMUL_ENULL, "x NULL");
    CHECK(chanmul_grad_sums(&p, x, s, dy, dx, ds, NULL, 1, 1) == CHANMUL_ENULL, "db NULL");
    CHECK(chanmul_grad_sums(&p, x, s, dx + 1, dx, ds, db, 1, 1) == CHANMUL_EOVERLAP_XY,
          "dx overlapping dy, not equal");
    CHECK(chanmul_grad_sums(&p, dx + 5, s, dy, dx, ds, db, 1, 1) == CHANMUL_EOVERLAP_SY, "dx overlapping x");
    CHECK(chanmul_grad_sums(&p, x, s, dy, dx, ds, ds + 2, 1, 1) == CHANMUL_EOVERLAP_SY, "ds overlapping db");
    CHECK(chanmul_grad_sums(&p, x, s, dy, dx, ds, dx + 20, 1, 1) == CHANMUL_EOVERLAP_SY, "db inside dx");
    chanmul_problem huge = {CHANMUL_OP_SCALE, CHANMUL_NHWC, SIZE_MAX / 2, 4, 1, 1};
    CHECK(chanmul_grad_sums(&huge, x, s, dy, dx, ds, db, 1, 1) == CHANMUL_EOVERFLOW, "rows overflow");
    CHECK(UNTOUCHED, "an error wrote ds or db");

    /* empty: no rows gives zero sums (x, dy, dx may be NULL); no channels, nothing */
    chanmul_problem no_rows = {CHANMUL_OP_SCALE, CHANMUL_NCHW, 0, 5, 5, 4};
    CHECK(chanmul_grad_sums(&no_rows, NULL, s, NULL, NULL, ds, db, 0, 1) == 0 && ds[0] == 0.0f &&
              db[3] == 0.0f && ds[4] == sentinel,
          "N = 0: ds = db = 0, nothing past C");
    chanmul_problem no_channels = {CHANMUL_OP_SCALE, CHANMUL_NHWC, 2, 5, 5, 0};
    CHECK(chanmul_grad_sums(&no_channels, NULL, NULL, NULL, NULL, NULL, NULL, 0, 1) == 0, "C = 0");

    /* ENOMEM: partials of 2^47 bytes (the whole user address space) cannot be
     * allocated. The operands are addresses only, 2^46 bytes apart (each
     * 2^45): a call that touched one would crash,
     * so returning proves nothing was written (or read). */
    chanmul_problem wide = {CHANMUL_OP_SCALE, CHANMUL_NHWC, 1, 1, 1, (size_t)1 << 43};
    uintptr_t base = (uintptr_t)1 << 46, apart = (uintptr_t)1 << 46;
    float *fake[6];
    for (int k = 0; k < 6; k++)
        fake[k] = (float *)(base + (uintptr_t)k * apart);
    CHECK(chanmul_grad_sums(&wide, fake[0], fake[1], fake[2], fake[3], fake[4], fake[5], 2, 1) ==
              CHANMUL_ENOMEM,
          "partials too large to allocate: CHANMUL_ENOMEM");
#undef UNTOUCHED
}

int main(void)
{
    printf("kernel ISA: %s\n", chanmul_isa_name(chanmul_kernel_isa()));
    acceptance_rule();
    arguments();
    special_values();
    naive_sum_fails();
    shape_matrix();
    return check_summary();
}
