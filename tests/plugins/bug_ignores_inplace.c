/*
 * bug_ignores_inplace.c: PLANTED BUG for the verifier's tests.
 *
 * Two passes: first the broadcast scale is written into all of y, then
 * y[i] *= x[i]. Correct when y and x are different buffers; in place
 * (y == x) the first pass has already overwritten x, so the result is
 * s[c] * s[c] instead of x * s[c].
 */
#include "chanmul.h"

int chanmul_plugin_abi = CHANMUL_PLUGIN_ABI;
const char *chanmul_plugin_name = "bug_ignores_inplace";
int chanmul_plugin_threaded = 0;

int chanmul_plugin_kernel(const chanmul_problem *p, const float *x, const float *s, float *y,
                          int threads)
{
    (void)threads;
    size_t plane = p->h * p->w, total = p->n * plane * p->c;
    for (size_t i = 0; i < total; i++)
        y[i] = s[p->layout == CHANMUL_NHWC ? i % p->c : i / plane % p->c];
    for (size_t i = 0; i < total; i++)
        y[i] *= x[i]; /* BUG: when y == x, x[i] is already s[c] */
    return 0;
}
