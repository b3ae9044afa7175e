/*
 * The ground truth of scale_grad's sums (reference_grad.h): every element in
 * memory order (NHWC: n, h, w, c; NCHW: n, c, h, w), through reference_offset,
 * each channel's terms into its own compensated sum. Memory order, not channel
 * by channel: one pass over the tensors, where a pass per channel over a
 * tensor larger than the caches cost the verifier a minute per large shape;
 * the order of a compensated sum does not matter at this accuracy anyway.
 * Built like the other references, -O1, no contraction, no fast-math: the
 * compensation's cancellations must happen as written.
 */
#include "reference.h"
#include "reference_grad.h"

#include <math.h>
#include <stdlib.h>

/* A compensated sum in double: s + comp is the running total, comp the sum
 * of every addition's rounding error, each found exactly by Knuth's TwoSum
 * (no branch on the magnitudes, which random signs and sizes would
 * mispredict). Double, not long double: x87's 80-bit stores and reloads of
 * one accumulator per channel were most of the verifier's time, and the
 * result is rounded to double anyway (see reference_grad.h for the error). */
typedef struct compensated {
    double s, comp, abs;
    size_t nans, pos_inf, neg_inf;
} compensated;

static void add(compensated *a, double t)
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
    double sum = a->s + t;
    double t_part = sum - a->s;                       /* what of t reached the sum */
    a->comp += (a->s - (sum - t_part)) + (t - t_part); /* that addition's error, exactly */
    a->s = sum;
    a->abs += fabs(t);
}

static double total(const compensated *a)
{
    if (a->nans || (a->pos_inf && a->neg_inf))
        return NAN;
    if (a->pos_inf)
        return INFINITY;
    if (a->neg_inf)
        return -INFINITY;
    return a->s + a->comp;
}

static void add_element(compensated *acc, const chanmul_problem *p, const float *x, const float *dy,
                        size_t n, size_t h, size_t w, size_t c)
{
    size_t i = reference_offset(p, n, h, w, c);
    add(&acc[2 * c], (double)dy[i] * (double)x[i]); /* exact: 24 + 24 bits */
    add(&acc[2 * c + 1], (double)dy[i]);
}

int chanmul_scale_grad_exact(const chanmul_problem *p, const float *x, const float *dy,
                             double *ds_exact, double *db_exact, double *ds_abs, double *db_abs)
{
    if (p->c == 0)
        return CHANMUL_OK;
    compensated *acc = calloc(2 * p->c, sizeof *acc); /* ds then db, per channel */
    if (!acc)
        return CHANMUL_ENOMEM;
    for (size_t n = 0; n < p->n; n++) {
        if (p->layout == CHANMUL_NHWC) {
            for (size_t h = 0; h < p->h; h++)
                for (size_t w = 0; w < p->w; w++)
                    for (size_t c = 0; c < p->c; c++)
                        add_element(acc, p, x, dy, n, h, w, c);
        } else {
            for (size_t c = 0; c < p->c; c++)
                for (size_t h = 0; h < p->h; h++)
                    for (size_t w = 0; w < p->w; w++)
                        add_element(acc, p, x, dy, n, h, w, c);
        }
    }
    for (size_t c = 0; c < p->c; c++) {
        ds_exact[c] = total(&acc[2 * c]);
        db_exact[c] = total(&acc[2 * c + 1]);
        ds_abs[c] = acc[2 * c].abs;
        db_abs[c] = acc[2 * c + 1].abs;
    }
    free(acc);
    return CHANMUL_OK;
}
