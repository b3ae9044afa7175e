/*
 * naive: the loop a user writes first. One flat loop over the tensor, the
 * channel of each element recomputed by division, whatever the layout.
 */
#include "chanmul_internal.h"

int chanmul_scale_naive(const chanmul_problem *p, const float *x, const float *s, float *y,
                        int threads)
{
    (void)threads; /* single-threaded by design */
    size_t total = p->n * p->h * p->w * p->c; /* validated by chanmul_run */
    size_t plane = p->h * p->w;
    for (size_t i = 0; i < total; i++) {
        size_t c = p->layout == CHANMUL_NHWC ? i % p->c : (i / plane) % p->c;
        y[i] = x[i] * s[c];
    }
    return CHANMUL_OK;
}
