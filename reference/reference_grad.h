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
 * each rounded once to double from a long double Neumaier sum of the exact
 * double terms. Its error, about 2^-63 |sum| + R 2^-128 sum|terms| on x86's
 * 80-bit long double (2^-52 |sum| + R 2^-106 sum|terms| where long double is
 * double), is far below the library's bound (grad_sums.h). Non-finite terms
 * are counted, not added: any NaN term, or infinities of both signs, give NaN;
 * infinities of one sign give that infinity. The abs sums are plain long
 * double sums (relative error below R 2^-64).
 */
void chanmul_scale_grad_exact(const chanmul_problem *p, const float *x, const float *dy,
                              double *ds_exact, double *db_exact, double *ds_abs, double *db_abs);

#endif
