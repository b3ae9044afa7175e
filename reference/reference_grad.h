/*
 * The ground truth of scale_grad's sums, for the verifier: not the library's
 * order, but the sums themselves, as near exact as a plain loop gets.
 */
#ifndef CHANMUL_REFERENCE_GRAD_H
#define CHANMUL_REFERENCE_GRAD_H

#include "chanmul.h"

/*
 * For each channel c of p (its layout and N, H, W, C; p->op is not read):
 *   ds_exact[c] = sum over n, h, w of dy * x,   ds_abs[c] = sum of |dy * x|,
 *   db_exact[c] = sum over n, h, w of dy,       db_abs[c] = sum of |dy|,
 * each from a compensated sum in double (TwoSum per addition, the errors
 * summed apart) of the exact double terms. Its error is at most about
 * 2^-53 |sum| + R^2 2^-106 sum|terms| (the final rounding to double, and the
 * errors' own sum), far below the library's bound (grad_sums.h), whose margin
 * counts 2^-53 sum|terms| for this value's rounding. Non-finite terms are
 * counted, not added: any NaN term, or infinities of both signs, give NaN;
 * infinities of one sign give that infinity. The abs sums are plain double
 * sums (relative error below R 2^-53, a negligible change of the bound).
 * Returns 0, or CHANMUL_ENOMEM (its C accumulators), writing nothing.
 */
int chanmul_scale_grad_exact(const chanmul_problem *p, const float *x, const float *dy,
                             double *ds_exact, double *db_exact, double *ds_abs, double *db_abs);

#endif
