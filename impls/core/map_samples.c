/*
 * map for the one-factor family: the tf.map_fn analogue. A generic driver
 * walks the batch and applies a per-sample function through a function
 * pointer, serially or, with more than one thread, in parallel over samples
 * (so a batch of 1 gets one thread).
 */
#include "chanmul_internal.h"

void chanmul_map_samples(const chanmul_problem *p, const float *x, const float *f,
                         size_t f_stride, float *y, int threads, chanmul_sample_fn fn)
{
    size_t sample = p->h * p->w * p->c;
    long long count = (long long)p->n;
    if (threads <= 1 || count <= 1) {
        for (long long n = 0; n < count; n++)
            fn(p, x + (size_t)n * sample, f + (size_t)n * f_stride, y + (size_t)n * sample);
        return;
    }
#pragma omp parallel for num_threads(threads) schedule(static)
    for (long long n = 0; n < count; n++)
        fn(p, x + (size_t)n * sample, f + (size_t)n * f_stride, y + (size_t)n * sample);
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
