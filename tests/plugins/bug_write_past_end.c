/*
 * bug_write_past_end.c: PLANTED BUG for the verifier's tests.
 *
 * Every element of y is right, but the kernel also stores one element past
 * the end of y (y[total]), the classic off-by-one of a loop written with <=.
 * Only the verifier's guard zone after y can see this; the store lands inside
 * the verifier's own allocation, so AddressSanitizer does not see it.
 */
#include "chanmul.h"

int chanmul_plugin_abi = CHANMUL_PLUGIN_ABI;
const char *chanmul_plugin_name = "bug_write_past_end";
int chanmul_plugin_threaded = 0;

int chanmul_plugin_kernel(const chanmul_problem *p, const float *x, const float *s, float *y,
                          int threads)
{
    (void)threads;
    size_t plane = p->h * p->w, total = p->n * plane * p->c;
    for (size_t i = 0; i < total; i++)
        y[i] = x[i] * s[p->layout == CHANMUL_NHWC ? i % p->c : i / plane % p->c];
    y[total] = y[total - 1]; /* BUG: one element past the end */
    return 0;
}
