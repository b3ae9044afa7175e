/*
 * The verifier's rule for scale_grad's sums: not bit for bit against a
 * reference (the library sums in its own fixed order), but within the bound
 * that order guarantees (impls/core/grad_sums.h):
 *   |got - exact| <= 2^-24 |exact| + (R + B) 2^-53 abs_sum + 2^-150,
 * R the rows summed, B = chanmul_grad_blocks(R) the library's blocks.
 */
#ifndef CHANMUL_GRAD_CHECK_H
#define CHANMUL_GRAD_CHECK_H

#include <stddef.h>

/*
 * 1 when got is within the bound of exact (abs_sum: the sum of the terms'
 * magnitudes; rows: R), else 0. A non-finite exact needs the same: got must be
 * that infinity, or a NaN for a NaN. An exact value beyond float's range
 * rounds to infinity, so an infinite got counts as the least value that rounds
 * to it, 2^128 - 2^103, with its sign: it passes when exact is at least that
 * (error 0) or within the bound of it. A NaN got passes only for a NaN exact.
 * *error_out and *bound_out (either may be NULL) receive |got - exact| (as
 * just said for an infinite got; 0 or infinity for a non-finite exact) and the
 * bound.
 */
int grad_sum_acceptable(float got, double exact, double abs_sum, size_t rows, double *error_out,
                        double *bound_out);

#endif
