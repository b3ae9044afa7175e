/*
 * bug_write_before_y.c: PLANTED BUG for the verifier's tests.
 *
 * Every element of y is right, but the kernel also stores one element before
 * y (y[-1]), the off-by-one of a loop that counts down to -1 or of a pointer
 * decremented once too often. Only the verifier's guard zone before y can see
 * this (the store lands inside the verifier's own allocation, so
 * AddressSanitizer does not). It writes even when y is empty.
 */
#include "chanmul.h"

int chanmul_plugin_abi = CHANMUL_PLUGIN_ABI;
const char *chanmul_plugin_name = "bug_write_before_y";
int chanmul_plugin_threaded = 0;

int chanmul_plugin_kernel(const chanmul_problem *p, const float *x, const float *s, float *y,
                          int threads)
{
    (void)threads;
    size_t plane = p->h * p->w, total = p->n * plane * p->c;
    for (size_t i = 0; i < total; i++)
        y[i] = x[i] * s[p->layout == CHANMUL_NHWC ? i % p->c : i / plane % p->c];
    y[-1] = 1.0f; /* BUG: one element before y */
    return 0;
}
