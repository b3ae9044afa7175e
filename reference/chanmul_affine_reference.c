/*
 * The ground truths of the scale-and-shift, y[n,h,w,c] = x[n,h,w,c] * s[c] +
 * b[c], one per rounding an implementation may declare (see
 * CHANMUL_ROUND_MULTIPLY_ADD): the registry's reference rounds the product,
 * then the sum (built with -ffp-contract=off: the compiler cannot fuse them);
 * chanmul_affine_reference_fused computes each with C's fmaf, one rounding.
 */
#include "reference.h"

#include <math.h>

static int affine(const chanmul_desc *d, const chanmul_tensors *t, int fused)
{
    const chanmul_problem *p = &d->p;
    const float *x = t->in[0], *s = t->in[1], *b = t->in[2];
    float *y = t->out[0];
    for (size_t n = 0; n < p->n; n++)
        for (size_t h = 0; h < p->h; h++)
            for (size_t w = 0; w < p->w; w++)
                for (size_t c = 0; c < p->c; c++) {
                    size_t i = reference_offset(p, n, h, w, c);
                    if (fused) {
                        y[i] = fmaf(x[i], s[c], b[c]);
                    } else {
                        float product = x[i] * s[c];
                        y[i] = product + b[c];
                    }
                }
    return CHANMUL_OK;
}

int chanmul_affine_reference(const chanmul_desc *d, const chanmul_tensors *t, int threads)
{
    (void)threads; /* single-threaded by design */
    return affine(d, t, 0);
}

int chanmul_affine_reference_fused(const chanmul_desc *d, const chanmul_tensors *t, int threads)
{
    (void)threads;
    return affine(d, t, 1);
}
