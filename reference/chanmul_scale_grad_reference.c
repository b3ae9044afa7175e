/*
 * The ground truth of scale_grad: dx = dy * s[c], one rounded product per
 * element (built -O1 with contraction off, like every reference), and ds, db
 * the exact sums of chanmul_scale_grad_exact (reference_grad.h) rounded to
 * float. Not the library's order: the verifier checks chanmul's sums against
 * the exact values within the bound, and for bits against themselves.
 */
#include "reference.h"
#include "reference_grad.h"

#include <math.h>
#include <stdlib.h>

/* NaN written canonical, as the library writes it (grad_sums.h) */
static float rounded(double exact) { return isnan(exact) ? NAN : (float)exact; }

int chanmul_scale_grad_reference(const chanmul_desc *d, const chanmul_tensors *t, int threads)
{
    (void)threads; /* single-threaded by design */
    const chanmul_problem *p = &d->p;
    const float *x = t->in[0], *s = t->in[1], *dy = t->in[2];
    float *dx = t->out[0], *ds = t->out[1], *db = t->out[2];
    double *sums = malloc(4 * p->c * sizeof(double));
    if (!sums)
        return CHANMUL_ENOMEM;
    /* the sums first: dx may be dy itself (in place) */
    int err = chanmul_scale_grad_exact(p, x, dy, sums, sums + p->c, sums + 2 * p->c, sums + 3 * p->c);
    if (err) {
        free(sums);
        return err;
    }
    for (size_t n = 0; n < p->n; n++)
        for (size_t h = 0; h < p->h; h++)
            for (size_t w = 0; w < p->w; w++)
                for (size_t c = 0; c < p->c; c++) {
                    size_t i = reference_offset(p, n, h, w, c);
                    dx[i] = dy[i] * s[c];
                }
    for (size_t c = 0; c < p->c; c++) {
        ds[c] = rounded(sums[c]);
        db[c] = rounded(sums[p->c + c]);
    }
    free(sums);
    return CHANMUL_OK;
}
