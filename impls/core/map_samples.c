/*
 * map for the one-factor family: the tf.map_fn analogue. A generic driver
 * walks the batch and applies a per-sample function through a function
 * pointer, serially or, with more than one thread, in parallel over samples
 * (so a batch of 1 gets one thread).
 */
#include "chanmul_internal.h"

void chanmul_map_over_samples(size_t count, int threads, chanmul_sample_job job, void *arg)
{
    if (threads <= 1 || count <= 1) {
        for (size_t n = 0; n < count; n++)
            job(arg, n);
        return;
    }
#pragma omp parallel for num_threads(threads) schedule(static)
    for (long long n = 0; n < (long long)count; n++)
        job(arg, (size_t)n);
}

/* One factor per sample slice: the family's sample functions. */
typedef struct one_factor_map {
    const chanmul_problem *p;
    const float *x, *f;
    size_t sample, f_stride;
    float *y;
    chanmul_sample_fn fn;
} one_factor_map;

static void one_factor_sample(void *arg, size_t n)
{
    const one_factor_map *m = arg;
    m->fn(m->p, m->x + n * m->sample, m->f + n * m->f_stride, m->y + n * m->sample);
}

void chanmul_map_samples(const chanmul_problem *p, const float *x, const float *f,
                         size_t f_stride, float *y, int threads, chanmul_sample_fn fn)
{
    one_factor_map m = {p, x, f, p->h * p->w * p->c, f_stride, y, fn};
    chanmul_map_over_samples(p->n, threads, one_factor_sample, &m);
}

void chanmul_sample_scale_nhwc(const chanmul_problem *p, const float *x, const float *s, float *y)
{
    size_t pixels = p->h * p->w;
    for (size_t i = 0; i < pixels; i++)
        for (size_t c = 0; c < p->c; c++)
            y[i * p->c + c] = x[i * p->c + c] * s[c];
}

void chanmul_sample_scale_nchw(const chanmul_problem *p, const float *x, const float *s, float *y)
{
    size_t plane = p->h * p->w;
    for (size_t c = 0; c < p->c; c++)
        for (size_t i = 0; i < plane; i++)
            y[c * plane + i] = x[c * plane + i] * s[c];
}

void chanmul_sample_gate_nhwc(const chanmul_problem *p, const float *x, const float *g, float *y)
{
    size_t pixels = p->h * p->w;
    for (size_t i = 0; i < pixels; i++)
        for (size_t c = 0; c < p->c; c++)
            y[i * p->c + c] = x[i * p->c + c] * g[i];
}

void chanmul_sample_gate_nchw(const chanmul_problem *p, const float *x, const float *g, float *y)
{
    size_t plane = p->h * p->w;
    for (size_t c = 0; c < p->c; c++)
        for (size_t i = 0; i < plane; i++)
            y[c * plane + i] = x[c * plane + i] * g[i];
}

void chanmul_sample_mul(const chanmul_problem *p, const float *x, const float *z, float *y)
{
    size_t sample = p->h * p->w * p->c;
    for (size_t i = 0; i < sample; i++)
        y[i] = x[i] * z[i];
}
