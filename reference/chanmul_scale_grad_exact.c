/*
 * The ground truth of scale_grad's sums (reference_grad.h): for each channel,
 * a plain loop over n, h, w in logical order, through reference_offset. The
 * channel is the outermost loop, so one channel's sums are a few scalars and
 * this function needs no memory (it has no way to report a failed allocation);
 * the order of a compensated sum does not matter at this accuracy anyway.
 * Built like the other references, -O1, no contraction, no fast-math: the
 * compensation's cancellations must happen as written.
 */
#include "reference.h"
#include "reference_grad.h"

#include <math.h>

/* A Neumaier sum: s + comp is the running total, comp the rounding errors so
 * far (Neumaier 1974: unlike Kahan's, correct when a term outweighs the total). */
typedef struct neumaier {
    long double s, comp, abs;
    size_t nans, pos_inf, neg_inf;
} neumaier;

static void add(neumaier *a, double t)
{
    if (isnan(t)) {
        a->nans++;
        return;
    }
    if (isinf(t)) {
        if (t > 0)
            a->pos_inf++;
        else
            a->neg_inf++;
        a->abs = INFINITY;
        return;
    }
    long double u = t, sum = a->s + u;
    if (fabsl(a->s) >= fabsl(u))
        a->comp += (a->s - sum) + u;
    else
        a->comp += (u - sum) + a->s;
    a->s = sum;
    a->abs += fabsl(u);
}

static double total(const neumaier *a)
{
    if (a->nans || (a->pos_inf && a->neg_inf))
        return NAN;
    if (a->pos_inf)
        return INFINITY;
    if (a->neg_inf)
        return -INFINITY;
    return (double)(a->s + a->comp);
}

void chanmul_scale_grad_exact(const chanmul_problem *p, const float *x, const float *dy,
                              double *ds_exact, double *db_exact, double *ds_abs, double *db_abs)
{
    for (size_t c = 0; c < p->c; c++) {
        neumaier ds = {0}, db = {0};
        for (size_t n = 0; n < p->n; n++)
            for (size_t h = 0; h < p->h; h++)
                for (size_t w = 0; w < p->w; w++) {
                    size_t i = reference_offset(p, n, h, w, c);
                    add(&ds, (double)dy[i] * (double)x[i]); /* exact: 24 + 24 bits */
                    add(&db, (double)dy[i]);
                }
        ds_exact[c] = total(&ds);
        db_exact[c] = total(&db);
        ds_abs[c] = (double)ds.abs;
        db_abs[c] = (double)db.abs;
    }
}
