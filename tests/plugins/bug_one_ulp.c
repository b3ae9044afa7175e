/*
 * bug_one_ulp.c: PLANTED BUG for the verifier's tests.
 *
 * Every element of y is right except the middle one of the flat tensor,
 * which is one ulp too high (nextafterf towards +inf): the smallest error a
 * float can have. A verifier that compared within 1 ulp (or with any
 * tolerance) would pass it; only the bit-for-bit rule catches it. The middle
 * element exists in every non-empty shape and is not in a SIMD tail, so the
 * bug shows on every data set.
 */
#include "chanmul.h"

#include <math.h>

int chanmul_plugin_abi = CHANMUL_PLUGIN_ABI;
const char *chanmul_plugin_name = "bug_one_ulp";
int chanmul_plugin_threaded = 0;

int chanmul_plugin_kernel(const chanmul_problem *p, const float *x, const float *s, float *y,
                          int threads)
{
    (void)threads;
    size_t plane = p->h * p->w, total = p->n * plane * p->c;
    for (size_t i = 0; i < total; i++)
        y[i] = x[i] * s[p->layout == CHANMUL_NHWC ? i % p->c : i / plane % p->c];
    if (total > 0)
        y[total / 2] = nextafterf(y[total / 2], INFINITY); /* BUG: one ulp off */
    return 0;
}
