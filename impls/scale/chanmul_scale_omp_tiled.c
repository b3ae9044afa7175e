/*
 * omp_tiled: OpenMP over cache-sized tiles. The flat tensor is cut into tiles
 * of TILE_ELEMENTS (16 KiB of x plus 16 KiB of y, so a tile's in and out fit in
 * L1 together); tiles are dealt statically to an explicit number of threads.
 * Inside a tile the compiler vectorises a plain loop.
 */
#include "chanmul_internal.h"

#ifndef CHANMUL_OMP_TILE_ELEMENTS
#define CHANMUL_OMP_TILE_ELEMENTS 4096
#endif

static void tile_nhwc(const float *x, const float *s, float *y, size_t c, size_t begin,
                      size_t end)
{
    size_t k = begin % c;
    for (size_t i = begin; i < end; i++) {
        y[i] = x[i] * s[k];
        if (++k == c)
            k = 0;
    }
}

static void tile_nchw(const float *x, const float *s, float *y, size_t c, size_t plane,
                      size_t begin, size_t end)
{
    size_t i = begin;
    while (i < end) {
        size_t p_index = i / plane;
        size_t stop = (p_index + 1) * plane;
        if (stop > end)
            stop = end;
        float scale = s[p_index % c];
#pragma omp simd
        for (size_t j = i; j < stop; j++)
            y[j] = x[j] * scale;
        i = stop;
    }
}

int chanmul_scale_omp_tiled(const chanmul_problem *p, const float *x, const float *s,
                            float *y, int threads)
{
    size_t total = p->n * p->h * p->w * p->c;
    size_t plane = p->h * p->w;
    long long tiles = (long long)((total + CHANMUL_OMP_TILE_ELEMENTS - 1) / CHANMUL_OMP_TILE_ELEMENTS);
    int nthreads = chanmul_resolve_threads(threads);
#pragma omp parallel for num_threads(nthreads) schedule(static)
    for (long long t = 0; t < tiles; t++) {
        size_t begin = (size_t)t * CHANMUL_OMP_TILE_ELEMENTS;
        size_t end = begin + CHANMUL_OMP_TILE_ELEMENTS < total ? begin + CHANMUL_OMP_TILE_ELEMENTS : total;
        if (p->layout == CHANMUL_NHWC)
            tile_nhwc(x, s, y, p->c, begin, end);
        else
            tile_nchw(x, s, y, p->c, plane, begin, end);
    }
    return CHANMUL_OK;
}
