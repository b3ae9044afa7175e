/*
 * The ground truth: the loop nest written straight from the definition.
 * Built with -O1 -ffp-contract=off and no fast-math (see CMakeLists.txt), so
 * each output is exactly one IEEE single-precision multiply.
 */
#include "chanmul_internal.h"

static void scale_nhwc(const chanmul_problem *p, const float *x, const float *s, float *y)
{
    for (size_t n = 0; n < p->n; n++)
        for (size_t h = 0; h < p->h; h++)
            for (size_t w = 0; w < p->w; w++)
                for (size_t c = 0; c < p->c; c++) {
                    size_t i = ((n * p->h + h) * p->w + w) * p->c + c;
                    y[i] = x[i] * s[c];
                }
}

static void scale_nchw(const chanmul_problem *p, const float *x, const float *s, float *y)
{
    for (size_t n = 0; n < p->n; n++)
        for (size_t c = 0; c < p->c; c++)
            for (size_t h = 0; h < p->h; h++)
                for (size_t w = 0; w < p->w; w++) {
                    size_t i = ((n * p->c + c) * p->h + h) * p->w + w;
                    y[i] = x[i] * s[c];
                }
}

int chanmul_scale_reference(const chanmul_problem *p, const float *x, const float *s,
                            float *y, int threads)
{
    (void)threads; /* single-threaded by design */
    if (p->layout == CHANMUL_NHWC)
        scale_nhwc(p, x, s, y);
    else
        scale_nchw(p, x, s, y);
    return CHANMUL_OK;
}
