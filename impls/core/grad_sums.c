/*
 * scale_grad's sums (grad_sums.h): the portable kernels, which define the
 * order of the additions; the driver, which cuts the problem into tiles of
 * (block of rows, range of channels) and hands whole tiles to threads; and the
 * dispatch to the ISA kernels, which repeat the portable order with vectors.
 */
#include "grad_sums.h"

#include <math.h>
#include <omp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Rows of a block before a second block is cut, and the most blocks: enough
 * pieces for 64 threads, few enough that their partials (2 B C doubles) stay
 * small and the final block-order pass is negligible. */
#define GRAD_BLOCK_ROWS 1024
#define GRAD_MAX_BLOCKS 64


/* Partials up to this many doubles (ds and db together) live on the caller's stack. */
#define GRAD_STACK_PARTIALS 2048

/* NHWC channels per tile when channels are split across threads: a 64-byte
 * line of floats, so no two threads write the same line of dx. */
#define GRAD_CHANNEL_GRAIN 16

size_t chanmul_grad_blocks(size_t rows)
{
    size_t b = rows / GRAD_BLOCK_ROWS + (rows % GRAD_BLOCK_ROWS != 0);
    return b < 1 ? 1 : b > GRAD_MAX_BLOCKS ? GRAD_MAX_BLOCKS : b;
}

void chanmul_grad_block_rows(size_t rows, size_t blocks, size_t b, size_t *r0, size_t *r1)
{
    chanmul_split_range(rows, 1, (int)blocks, (int)b, r0, r1);
}

/* ---- the portable kernels: the order, written plainly ------------------------------ */

static void rows_portable(const chanmul_grad_args *a, size_t r0, size_t r1, size_t c0,
                          size_t c1, double *ds, double *db)
{
    size_t C = a->c;
    for (size_t c = c0; c < c1; c++)
        ds[c] = db[c] = 0.0;
    for (size_t r = r0; r < r1; r++) {
        const float *x = a->x + r * C, *dy = a->dy + r * C;
        float *dx = a->dx + r * C;
        for (size_t c = c0; c < c1; c++) {
            float g = dy[c]; /* read before dx[c], which may be the same float */
            ds[c] += (double)g * (double)x[c];
            db[c] += (double)g;
            dx[c] = g * a->s[c];
        }
    }
}

static void period_portable(const chanmul_grad_args *a, size_t r0, size_t r1, double *ds,
                            double *db)
{
    size_t C = a->c, P = a->period;
    double sub_s[CHANMUL_GRAD_MAX_PERIOD] = {0}, sub_b[CHANMUL_GRAD_MAX_PERIOD] = {0};
    size_t j = 0; /* flat offset from the block's first element, mod P */
    for (size_t i = r0 * C; i < r1 * C; i++) {
        float g = a->dy[i];
        sub_s[j] += (double)g * (double)a->x[i];
        sub_b[j] += (double)g;
        a->dx[i] = g * a->s_period[j];
        if (++j == P)
            j = 0;
    }
    chanmul_grad_fold_periods(a, sub_s, sub_b, ds, db);
}

static void planes_portable(const chanmul_grad_args *a, size_t r0, size_t r1, size_t c0,
                            size_t c1, double *ds, double *db)
{
    size_t C = a->c, hw = a->hw;
    for (size_t c = c0; c < c1; c++) {
        double sub_s[CHANMUL_GRAD_LANES] = {0}, sub_b[CHANMUL_GRAD_LANES] = {0};
        float sc = a->s[c];
        for (size_t n = r0 / hw; n * hw < r1; n++) {
            size_t base = (n * C + c) * hw;
            size_t h1 = chanmul_grad_run_end(r1, n, hw);
            for (size_t h = chanmul_grad_run_begin(r0, n, hw); h < h1; h++) {
                float g = a->dy[base + h];
                sub_s[h % CHANMUL_GRAD_LANES] += (double)g * (double)a->x[base + h];
                sub_b[h % CHANMUL_GRAD_LANES] += (double)g;
                a->dx[base + h] = g * sc;
            }
        }
        ds[c] = chanmul_grad_fold16(sub_s);
        db[c] = chanmul_grad_fold16(sub_b);
    }
}

const chanmul_grad_kernels chanmul_grad_portable = {CHANMUL_ISA_SCALAR, rows_portable,
                                                    period_portable, planes_portable};

/* ---- the driver ------------------------------------------------------------------ */

enum { WALK_ROWS, WALK_PERIOD, WALK_PLANES };

typedef struct grad_job {
    const chanmul_grad_kernels *k;
    chanmul_grad_args a;
    int walk;
    size_t rows, blocks;
    size_t groups, grain; /* channel ranges per block: chanmul_split_range(C, grain, groups, g) */
    double *ds_part, *db_part; /* blocks x C */
} grad_job;

/* Tiles [first, last): tile t is block t / groups, channel range t % groups.
 * Each (block, channel) partial is computed whole by one tile, in its fixed
 * order, whichever thread runs the tile. */
static void run_tiles(const grad_job *j, size_t first, size_t last)
{
    size_t C = j->a.c;
    for (size_t t = first; t < last; t++) {
        size_t b = t / j->groups, r0, r1, c0, c1;
        chanmul_grad_block_rows(j->rows, j->blocks, b, &r0, &r1);
        chanmul_split_range(C, j->grain, (int)j->groups, (int)(t % j->groups), &c0, &c1);
        double *ds = j->ds_part + b * C, *db = j->db_part + b * C;
        if (r0 == r1 || c0 == c1)
            continue;
        switch (j->walk) {
        case WALK_ROWS: j->k->rows(&j->a, r0, r1, c0, c1, ds, db); break;
        case WALK_PERIOD: j->k->period(&j->a, r0, r1, ds, db); break;
        default: j->k->planes(&j->a, r0, r1, c0, c1, ds, db); break;
        }
    }
}

/* Thread `index` of `count`: a contiguous share of the tiles. */
static void tiles_share(void *arg, int index, int count)
{
    const grad_job *j = arg;
    size_t first, last;
    chanmul_split_range(j->blocks * j->groups, 1, count, index, &first, &last);
    run_tiles(j, first, last);
}

static const chanmul_grad_kernels *kernels_for(int flags)
{
    if (flags & CHANMUL_GRAD_SIMD) {
        chanmul_isa isa = chanmul_kernel_isa();
        chanmul_isa_note(isa);
        switch (isa) {
        case CHANMUL_ISA_AVX512: return &chanmul_grad_avx512;
        case CHANMUL_ISA_AVX2: return &chanmul_grad_avx2;
        case CHANMUL_ISA_SCALAR: break;
        }
    }
    return &chanmul_grad_portable;
}

/* [a, a + an) and [b, b + bn) floats share a byte (no end address is formed). */
static int overlap(const void *a, size_t an, const void *b, size_t bn)
{
    uintptr_t pa = (uintptr_t)a, pb = (uintptr_t)b;
    if (an == 0 || bn == 0)
        return 0;
    return pa <= pb ? (pb - pa) / sizeof(float) < an : (pa - pb) / sizeof(float) < bn;
}

static size_t gcd(size_t a, size_t b)
{
    while (b) {
        size_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* The written total of one channel: rounded once; NaN canonical (see grad_sums.h). */
static float finish(double t) { return isnan(t) ? NAN : (float)t; }

static int check_args(const chanmul_problem *p, const float *x, const float *s, const float *dy,
                      const float *dx, const float *ds, const float *db, int threads, int flags,
                      size_t *rows_out, size_t *total_out)
{
    if (!p)
        return CHANMUL_EPROBLEM;
    if (p->layout != CHANMUL_NHWC && p->layout != CHANMUL_NCHW)
        return CHANMUL_ELAYOUT;
    if (threads < 0)
        return CHANMUL_ETHREADS;
    if (flags & ~(CHANMUL_GRAD_SIMD | CHANMUL_GRAD_OPENMP))
        return CHANMUL_EOP;
    size_t C = p->c, rows, total, bytes;
    /* checked apart from chanmul_problem_elements: with C = 0 the rows may still overflow */
    if (__builtin_mul_overflow(p->n, p->h, &rows) || __builtin_mul_overflow(rows, p->w, &rows) ||
        __builtin_mul_overflow(rows, C, &total) ||
        __builtin_mul_overflow(total, sizeof(float), &bytes) ||
        __builtin_mul_overflow(C, 2 * GRAD_MAX_BLOCKS * sizeof(double), &bytes))
        return CHANMUL_EOVERFLOW;
    if ((C && (!s || !ds || !db)) || (total && (!x || !dy || !dx)))
        return CHANMUL_ENULL;
    if (dx != dy && overlap(dx, total, dy, total))
        return CHANMUL_EOVERLAP_XY;
    if (overlap(dx, total, x, total) || overlap(dx, total, s, C) || overlap(ds, C, db, C) ||
        overlap(ds, C, x, total) || overlap(ds, C, s, C) || overlap(ds, C, dy, total) ||
        overlap(ds, C, dx, total) || overlap(db, C, x, total) || overlap(db, C, s, C) ||
        overlap(db, C, dy, total) || overlap(db, C, dx, total))
        return CHANMUL_EOVERLAP_SY;
    *rows_out = rows;
    *total_out = total;
    return CHANMUL_OK;
}

int chanmul_grad_sums(const chanmul_problem *p, const float *x, const float *s, const float *dy,
                      float *dx, float *ds, float *db, int threads, int flags)
{
    size_t rows, total;
    int err = check_args(p, x, s, dy, dx, ds, db, threads, flags, &rows, &total);
    if (err)
        return err;
    size_t C = p->c;
    if (C == 0)
        return CHANMUL_OK;
    if (rows == 0) { /* empty sums */
        for (size_t c = 0; c < C; c++)
            ds[c] = db[c] = 0.0f;
        return CHANMUL_OK;
    }

    grad_job job = {kernels_for(flags),
                    {x, s, dy, dx, C, p->h * p->w, 0, 0, NULL},
                    WALK_PLANES, rows, chanmul_grad_blocks(rows), 1, 1, NULL, NULL};
    /* NCHW with one element per plane is NHWC's memory: summed as NHWC is */
    int nhwc = p->layout == CHANMUL_NHWC || job.a.hw == 1;
    float s_period[CHANMUL_GRAD_MAX_PERIOD + CHANMUL_GRAD_LANES];
    size_t channel_units = C; /* the finest channel split the walk allows */
    if (nhwc && C >= CHANMUL_GRAD_LANES) {
        job.walk = WALK_ROWS;
        job.grain = GRAD_CHANNEL_GRAIN;
        channel_units = (C + GRAD_CHANNEL_GRAIN - 1) / GRAD_CHANNEL_GRAIN;
    } else if (nhwc) {
        job.walk = WALK_PERIOD;
        job.a.period = C / gcd(C, CHANMUL_GRAD_LANES) * CHANMUL_GRAD_LANES;
        job.a.period_rows = job.a.period / C;
        for (size_t j = 0; j < job.a.period + CHANMUL_GRAD_LANES; j++)
            s_period[j] = s[j % C];
        job.a.s_period = s_period;
        channel_units = 1; /* a period mixes every channel */
    }

    /* threads: never more than the size or the tiles can use (speed only) */
    size_t nthreads = (size_t)chanmul_resolve_threads(threads);
    if (nthreads > total / CHANMUL_GRAD_MIN_ELEMENTS_PER_THREAD + 1)
        nthreads = total / CHANMUL_GRAD_MIN_ELEMENTS_PER_THREAD + 1;
    if (nthreads > job.blocks) { /* fewer blocks than threads: split the channels too */
        size_t g = (nthreads + job.blocks - 1) / job.blocks;
        job.groups = g < channel_units ? g : channel_units;
    }
    if (nthreads > job.blocks * job.groups)
        nthreads = job.blocks * job.groups;

    /* the partials before anything is written: ENOMEM leaves every output untouched */
    double local[GRAD_STACK_PARTIALS], *heap = NULL;
    size_t need = 2 * job.blocks * C;
    if (need <= GRAD_STACK_PARTIALS) {
        job.ds_part = local;
    } else {
        heap = malloc(need * sizeof(double));
        if (!heap)
            return CHANMUL_ENOMEM;
        job.ds_part = heap;
    }
    job.db_part = job.ds_part + job.blocks * C;

    if (nthreads == 1) {
        run_tiles(&job, 0, job.blocks * job.groups);
    } else if ((flags & CHANMUL_GRAD_OPENMP) || chanmul_team_run((int)nthreads, tiles_share, &job) != 0) {
#pragma omp parallel num_threads((int)nthreads)
        /* the team may be smaller than asked: split by its size */
        tiles_share(&job, omp_get_thread_num(), omp_get_num_threads());
    }

    /* block order: row 0 of the partials accumulates rows 1, 2, ... in turn,
     * each channel's additions left to right as grad_sums.h says */
    for (size_t b = 1; b < job.blocks; b++)
        for (size_t c = 0; c < C; c++) {
            job.ds_part[c] += job.ds_part[b * C + c];
            job.db_part[c] += job.db_part[b * C + c];
        }
    for (size_t c = 0; c < C; c++) {
        ds[c] = finish(job.ds_part[c]);
        db[c] = finish(job.db_part[c]);
    }
    free(heap);
    return CHANMUL_OK;
}
