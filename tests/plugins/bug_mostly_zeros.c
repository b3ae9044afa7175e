/*
 * bug_mostly_zeros.c: PLANTED BUG for the verifier's tests.
 *
 * The kernel writes +0 to every element of y: right exactly where the
 * reference is +0, wrong everywhere else. A verifier whose cases were mostly
 * zeros (or that skipped the elements whose reference is zero) would pass
 * it. The verifier refuses, as MISTRUSTED, a case whose expected output is
 * mostly zeros, so every case it counts must catch this.
 */
#include "chanmul.h"

int chanmul_plugin_abi = CHANMUL_PLUGIN_ABI;
const char *chanmul_plugin_name = "bug_mostly_zeros";
int chanmul_plugin_threaded = 0;

int chanmul_plugin_kernel(const chanmul_problem *p, const float *x, const float *s, float *y,
                          int threads)
{
    (void)x, (void)s, (void)threads;
    size_t total = p->n * p->h * p->w * p->c;
    for (size_t i = 0; i < total; i++)
        y[i] = 0.0f; /* BUG: zeros, right only where the product is +0 */
    return 0;
}
