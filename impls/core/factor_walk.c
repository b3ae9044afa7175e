/*
 * The one-factor family's walk (see chanmul_factor_walk in chanmul_internal.h)
 * and the strategies written once against it: naive (an index by division per
 * element) and omp_tiled (OpenMP over tiles, plain inner loops per run).
 */
#include "chanmul_internal.h"

#ifndef CHANMUL_OMP_TILE_ELEMENTS
#define CHANMUL_OMP_TILE_ELEMENTS 4096
#endif
/* Slices shorter than this are walked element by element with a wrapping
 * index (a run of a few elements costs more in loop overhead than it saves). */
#define SHORT_PERIOD 32

void chanmul_factor_walk_of(const chanmul_problem *p, chanmul_factor_walk *w)
{
    size_t plane = p->h * p->w, sample = plane * p->c;
    *w = (chanmul_factor_walk){0};
    w->total = p->n * sample;
    int nhwc = p->layout == CHANMUL_NHWC;
    switch (p->op) {
    case CHANMUL_OP_SCALE:
    case CHANMUL_OP_AFFINE: /* s and b both walk as the channel scale's s */
        if (nhwc)
            *w = (chanmul_factor_walk){0, 0, 0, sample, p->c, 0, w->total};
        else
            *w = (chanmul_factor_walk){1, plane, p->c, 0, 0, 0, w->total};
        break;
    case CHANMUL_OP_SCALE_NC:
        if (nhwc)
            *w = (chanmul_factor_walk){0, 0, 0, sample, p->c, p->c, w->total};
        else
            *w = (chanmul_factor_walk){1, plane, p->n * p->c, 0, 0, 0, w->total};
        break;
    case CHANMUL_OP_GATE:
        if (nhwc)
            *w = (chanmul_factor_walk){1, p->c, p->n * plane, 0, 0, 0, w->total};
        else
            *w = (chanmul_factor_walk){0, 0, 0, sample, plane, plane, w->total};
        break;
    case CHANMUL_OP_MUL:
        /* z is a second tensor of x's shape: a slice as long as the sample that
         * moves with it, so element i takes z[i] in either layout */
        *w = (chanmul_factor_walk){0, 0, 0, sample, sample, sample, w->total};
        break;
    case CHANMUL_OP_SCALE_GRAD: /* not a one-factor op: its sums have walks of their own */
    case CHANMUL_OP_BCAST:      /* general shapes: its plan (broadcast.c) */
    case CHANMUL_OP_COUNT:
        break;
    }
}

int chanmul_factor_naive(const chanmul_desc *d, const chanmul_tensors *t)
{
    chanmul_factor_walk w;
    chanmul_factor_walk_of(&d->p, &w);
    const float *x = t->in[0], *f = t->in[1];
    float *y = t->out[0];
    for (size_t i = 0; i < w.total; i++)
        y[i] = x[i] * f[chanmul_factor_index(&w, i)];
    return CHANMUL_OK;
}

static void tile_runs(const chanmul_factor_walk *w, const float *x, const float *f, float *y,
                      size_t begin, size_t end)
{
    for (size_t i = begin; i < end;) {
        size_t r = i / w->run;
        size_t stop = (r + 1) * w->run < end ? (r + 1) * w->run : end;
        float factor = f[r % w->count];
#pragma omp simd
        for (size_t j = i; j < stop; j++)
            y[j] = x[j] * factor;
        i = stop;
    }
}

static void tile_slices(const chanmul_factor_walk *w, const float *x, const float *f, float *y,
                        size_t begin, size_t end)
{
    for (size_t i = begin; i < end;) {
        size_t block = i / w->block;
        size_t block_end = (block + 1) * w->block < end ? (block + 1) * w->block : end;
        const float *slice = f + block * w->stride;
        size_t k = i % w->period;
        if (w->period < SHORT_PERIOD) {
            for (; i < block_end; i++) {
                y[i] = x[i] * slice[k];
                if (++k == w->period)
                    k = 0;
            }
            continue;
        }
        while (i < block_end) {
            size_t run = w->period - k < block_end - i ? w->period - k : block_end - i;
            const float *fs = slice + k;
#pragma omp simd
            for (size_t j = 0; j < run; j++)
                y[i + j] = x[i + j] * fs[j];
            i += run;
            k = 0;
        }
    }
}

/* y[i] = x[i] * f[index(i)] for i in [begin, end): omp_tiled's tile. */
static void factor_tile(const chanmul_factor_walk *w, const float *x, const float *f, float *y,
                        size_t begin, size_t end)
{
    if (w->runs)
        tile_runs(w, x, f, y, begin, end);
    else
        tile_slices(w, x, f, y, begin, end);
}

int chanmul_factor_omp_tiled(const chanmul_desc *d, const chanmul_tensors *t, int threads)
{
    chanmul_factor_walk w;
    chanmul_factor_walk_of(&d->p, &w);
    const float *x = t->in[0], *f = t->in[1];
    float *y = t->out[0];
    size_t total = w.total;
    long long tiles = (long long)((total + CHANMUL_OMP_TILE_ELEMENTS - 1) / CHANMUL_OMP_TILE_ELEMENTS);
    int nthreads = chanmul_resolve_threads(threads);
#pragma omp parallel for num_threads(nthreads) schedule(static)
    for (long long tile = 0; tile < tiles; tile++) {
        size_t begin = (size_t)tile * CHANMUL_OMP_TILE_ELEMENTS;
        size_t end = begin + CHANMUL_OMP_TILE_ELEMENTS < total ? begin + CHANMUL_OMP_TILE_ELEMENTS : total;
        factor_tile(&w, x, f, y, begin, end);
    }
    return CHANMUL_OK;
}
