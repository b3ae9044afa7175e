/*
 * The ground truth of the equal-shape product, y[n,h,w,c] = x[n,h,w,c] *
 * z[n,h,w,c] (z has x's shape and layout): the loop nest written straight from
 * the definition, one IEEE single-precision multiply per output (see reference.h).
 */
#include "reference.h"

int chanmul_mul_reference(const chanmul_desc *d, const chanmul_tensors *t, int threads)
{
    (void)threads; /* single-threaded by design */
    const chanmul_problem *p = &d->p;
    const float *x = t->in[0], *z = t->in[1];
    float *y = t->out[0];
    for (size_t n = 0; n < p->n; n++)
        for (size_t h = 0; h < p->h; h++)
            for (size_t w = 0; w < p->w; w++)
                for (size_t c = 0; c < p->c; c++) {
                    size_t i = reference_offset(p, n, h, w, c);
                    y[i] = x[i] * z[i];
                }
    return CHANMUL_OK;
}
