/*
 * The scale-and-shift, y = x * s[c] + b[c]: chanmul's strategies, written once
 * against the channel scale's walk (s and b are indexed as the scale's s).
 * Every one computes the product rounded, then the sum rounded (no
 * contraction): what the registry declares for them (fused column 0).
 *  - naive: the flat loop, the channel's index by division per element;
 *  - map: a per-sample scale-and-shift over the batch;
 *  - omp_tiled: OpenMP over tiles of CHANMUL_AFFINE_TILE elements;
 *  - ranges (simd, stream): the ISA's range loops (affine_range.inc) on a
 *    pattern of s and b repeated to at least AFFINE_MIN_PERIOD floats (so each
 *    vectorised run is long whatever C is) or plane by plane (NCHW with planes
 *    of a vector or more), the elements split across the useful threads.
 */
#include "chanmul_internal.h"

#include <omp.h>

#define CHANMUL_AFFINE_TILE 4096
/* A pattern run shorter than this many floats costs more in loop overhead
 * than in work: NHWC with few channels, and NCHW with small planes, repeat
 * the sequence until its period reaches it. */
#define AFFINE_MIN_PERIOD 256
/* NCHW planes of at least this many elements run plane by plane. */
#define AFFINE_PLANE_MIN_HW 16
/* The longest pattern built (each of s and b), on the running thread's stack. */
#define AFFINE_MAX_PERIOD 4096

typedef void (*affine_pattern_fn)(const float *x, float *y, const float *ps, const float *pb,
                                  size_t period, size_t begin, size_t end);
typedef void (*affine_planes_fn)(const float *x, float *y, const float *s, const float *b, size_t c,
                                 size_t hw, size_t begin, size_t end);

#define AFFINE_DECLARE(isa)                                                                        \
    void chanmul_affine_pattern_##isa(const float *x, float *y, const float *ps, const float *pb, \
                                      size_t period, size_t begin, size_t end);                   \
    void chanmul_affine_planes_##isa(const float *x, float *y, const float *s, const float *b,    \
                                     size_t c, size_t hw, size_t begin, size_t end);
AFFINE_DECLARE(scalar)
AFFINE_DECLARE(avx2)
AFFINE_DECLARE(avx512)

static void affine_loops_for_cpu(affine_pattern_fn *pattern, affine_planes_fn *planes)
{
    chanmul_isa isa = chanmul_kernel_isa();
    chanmul_isa_note(isa);
    switch (isa) {
    case CHANMUL_ISA_AVX512:
        *pattern = chanmul_affine_pattern_avx512, *planes = chanmul_affine_planes_avx512;
        return;
    case CHANMUL_ISA_AVX2:
        *pattern = chanmul_affine_pattern_avx2, *planes = chanmul_affine_planes_avx2;
        return;
    case CHANMUL_ISA_SCALAR:
        break;
    }
    *pattern = chanmul_affine_pattern_scalar, *planes = chanmul_affine_planes_scalar;
}

int chanmul_affine_naive_loop(const chanmul_desc *d, const chanmul_tensors *t)
{
    chanmul_factor_walk w; /* the channel scale's: s and b are indexed as its s */
    chanmul_factor_walk_of(&d->p, &w);
    const float *x = t->in[0], *s = t->in[1], *b = t->in[2];
    float *y = t->out[0];
    for (size_t i = 0; i < w.total; i++) {
        size_t c = chanmul_factor_index(&w, i);
        y[i] = x[i] * s[c] + b[c];
    }
    return CHANMUL_OK;
}

/* ---- map ------------------------------------------------------------------------------ */

typedef struct affine_map {
    const chanmul_problem *p;
    const float *x, *s, *b;
    float *y;
} affine_map;

static void affine_sample(void *arg, size_t n)
{
    const affine_map *m = arg;
    const chanmul_problem *p = m->p;
    size_t plane = p->h * p->w, sample = plane * p->c;
    const float *x = m->x + n * sample;
    float *y = m->y + n * sample;
    if (p->layout == CHANMUL_NHWC) {
        for (size_t i = 0; i < plane; i++)
            for (size_t c = 0; c < p->c; c++)
                y[i * p->c + c] = x[i * p->c + c] * m->s[c] + m->b[c];
    } else {
        for (size_t c = 0; c < p->c; c++)
            for (size_t i = 0; i < plane; i++)
                y[c * plane + i] = x[c * plane + i] * m->s[c] + m->b[c];
    }
}

int chanmul_affine_map_samples(const chanmul_desc *d, const chanmul_tensors *t, int threads)
{
    affine_map m = {&d->p, t->in[0], t->in[1], t->in[2], t->out[0]};
    chanmul_map_over_samples(d->p.n, chanmul_resolve_threads(threads), affine_sample, &m);
    return CHANMUL_OK;
}

/* ---- omp_tiled ------------------------------------------------------------------------ */

/* Elements [begin, end): per channel run, a plain loop the compiler vectorises. */
static void affine_tile(const chanmul_problem *p, const float *x, const float *s, const float *b,
                        float *y, size_t begin, size_t end)
{
    size_t run = p->layout == CHANMUL_NHWC ? 1 : p->h * p->w;
    if (run == 1) {
        for (size_t i = begin, c = begin % p->c; i < end; i++) {
            y[i] = x[i] * s[c] + b[c];
            if (++c == p->c)
                c = 0;
        }
        return;
    }
    for (size_t i = begin; i < end;) {
        size_t r = i / run, stop = (r + 1) * run < end ? (r + 1) * run : end;
        const float sc = s[r % p->c], bc = b[r % p->c];
#pragma omp simd
        for (size_t j = i; j < stop; j++)
            y[j] = x[j] * sc + bc;
        i = stop;
    }
}

int chanmul_affine_omp_tiled_loop(const chanmul_desc *d, const chanmul_tensors *t, int threads)
{
    const chanmul_problem *p = &d->p;
    size_t total = p->n * p->h * p->w * p->c;
    long long tiles = (long long)((total + CHANMUL_AFFINE_TILE - 1) / CHANMUL_AFFINE_TILE);
#pragma omp parallel for num_threads(chanmul_resolve_threads(threads)) schedule(static)
    for (long long tile = 0; tile < tiles; tile++) {
        size_t begin = (size_t)tile * CHANMUL_AFFINE_TILE;
        size_t end = begin + CHANMUL_AFFINE_TILE < total ? begin + CHANMUL_AFFINE_TILE : total;
        affine_tile(p, t->in[0], t->in[1], t->in[2], t->out[0], begin, end);
    }
    return CHANMUL_OK;
}

/* ---- ranges (simd, stream) -------------------------------------------------------------- */

/* How a job walks s and b. */
typedef enum affine_walk {
    AFFINE_BUILT_PATTERN, /* each thread copies s, b into a pattern of `period` on its stack */
    AFFINE_DIRECT,        /* NHWC with C past the longest pattern: s, b are the pattern */
    AFFINE_PLANES         /* NCHW with planes of a vector or more: one run per plane */
} affine_walk;

typedef struct affine_job {
    affine_pattern_fn pattern;
    affine_planes_fn planes;
    affine_walk walk;
    const float *x, *s, *b;
    float *y;
    size_t total, c, hw;
    size_t repeat, period; /* built pattern: each channel `repeat` times, repeated to `period` */
} affine_job;

/* Elements [begin, end). A built pattern is built by the thread that reads it. */
static void affine_chunk(const affine_job *j, size_t begin, size_t end)
{
    if (begin >= end)
        return;
    if (j->walk == AFFINE_PLANES) {
        j->planes(j->x, j->y, j->s, j->b, j->c, j->hw, begin, end);
        return;
    }
    if (j->walk == AFFINE_DIRECT) {
        j->pattern(j->x, j->y, j->s, j->b, j->c, begin, end);
        return;
    }
    float ps[AFFINE_MAX_PERIOD], pb[AFFINE_MAX_PERIOD];
    for (size_t k = 0; k < j->period; k++) {
        size_t c = k / j->repeat % j->c;
        ps[k] = j->s[c];
        pb[k] = j->b[c];
    }
    j->pattern(j->x, j->y, ps, pb, j->period, begin, end);
}

static void affine_share(void *arg, int index, int count)
{
    const affine_job *j = arg;
    size_t begin, end;
    chanmul_split_range(j->total, 16, count, index, &begin, &end);
    affine_chunk(j, begin, end);
}

int chanmul_affine_ranges(const chanmul_desc *d, const chanmul_tensors *t, int threads,
                          const chanmul_tunables *tun)
{
    const chanmul_problem *p = &d->p;
    affine_job job = {0};
    affine_loops_for_cpu(&job.pattern, &job.planes);
    job.x = t->in[0], job.s = t->in[1], job.b = t->in[2], job.y = t->out[0];
    job.total = p->n * p->h * p->w * p->c;
    job.c = p->c;
    job.hw = p->h * p->w;
    if (job.total == 0)
        return CHANMUL_OK;
    /* one period of the sequence: C channels (NHWC) or C planes of hw (NCHW) */
    job.repeat = p->layout == CHANMUL_NHWC ? 1 : job.hw;
    size_t sequence = job.c * job.repeat;
    if (p->layout == CHANMUL_NCHW && job.hw >= AFFINE_PLANE_MIN_HW)
        job.walk = AFFINE_PLANES;
    else if (sequence <= AFFINE_MAX_PERIOD)
        job.walk = AFFINE_BUILT_PATTERN;
    else
        job.walk = p->layout == CHANMUL_NHWC ? AFFINE_DIRECT : AFFINE_PLANES;
    if (job.walk == AFFINE_BUILT_PATTERN) {
        /* repeated until a run is long enough to vectorise, within the stack's pattern */
        size_t copies = sequence < AFFINE_MIN_PERIOD ? (AFFINE_MIN_PERIOD + sequence - 1) / sequence : 1;
        job.period = sequence * copies <= AFFINE_MAX_PERIOD ? sequence * copies : sequence;
    }
    int nthreads = chanmul_useful_threads(job.total, threads, tun);
    if (nthreads == 1) {
        affine_chunk(&job, 0, job.total);
    } else if (chanmul_team_run(nthreads, affine_share, &job) != 0) {
#pragma omp parallel num_threads(nthreads)
        /* the team may be smaller than asked: split by its size */
        affine_share(&job, omp_get_thread_num(), omp_get_num_threads());
    }
    return CHANMUL_OK;
}
