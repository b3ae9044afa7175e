/* The acceptance rule of scale_grad's sums (grad_check.h), a pure function. */
#include "grad_check.h"

#include "grad_sums.h"

#include <math.h>

/* The least magnitude that rounds to float infinity: halfway between FLT_MAX
 * = 2^128 - 2^104 and 2^128, a tie that rounds to the even 2^128. */
#define FLOAT_OVERFLOW_THRESHOLD (0x1p128 - 0x1p103)

int grad_sum_acceptable(float got, double exact, double abs_sum, size_t rows, double *error_out,
                        double *bound_out)
{
    double error, bound = 0.0;
    int ok;
    if (isnan(exact)) {
        ok = isnan(got);
        error = ok ? 0.0 : INFINITY;
    } else if (isinf(exact)) {
        ok = (double)got == exact;
        error = ok ? 0.0 : INFINITY;
    } else {
        double blocks = (double)chanmul_grad_blocks(rows);
        bound = 0x1p-24 * fabs(exact) + ((double)rows + blocks) * 0x1p-53 * abs_sum + 0x1p-150;
        if (isnan(got)) {
            error = INFINITY;
        } else if (isinf(got)) {
            double threshold = copysign(FLOAT_OVERFLOW_THRESHOLD, (double)got);
            /* (signbit gives any non-zero value: compare as truth values) */
            error = !signbit(got) == !signbit(exact) && fabs(exact) >= FLOAT_OVERFLOW_THRESHOLD
                        ? 0.0
                        : fabs(threshold - exact);
        } else {
            /* in long double: the difference of a float and a double near it, unrounded on x86 */
            error = (double)fabsl((long double)got - (long double)exact);
        }
        ok = error <= bound;
    }
    if (error_out)
        *error_out = error;
    if (bound_out)
        *bound_out = bound;
    return ok;
}
