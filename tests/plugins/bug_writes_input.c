/*
 * bug_writes_input.c: PLANTED BUG for the verifier's tests.
 *
 * Every element of y is right, but the kernel also stores each product into
 * x (casting away its const), as a kernel does that was written for in place
 * and reused out of place. In place (y is x) that is harmless; out of place
 * the caller's input is destroyed, which only the verifier's check that the
 * inputs are unchanged after the call can see.
 */
#include "chanmul.h"

int chanmul_plugin_abi = CHANMUL_PLUGIN_ABI;
const char *chanmul_plugin_name = "bug_writes_input";
int chanmul_plugin_threaded = 0;

int chanmul_plugin_kernel(const chanmul_problem *p, const float *x, const float *s, float *y,
                          int threads)
{
    (void)threads;
    size_t plane = p->h * p->w, total = p->n * plane * p->c;
    float *xw = (float *)x;
    for (size_t i = 0; i < total; i++) {
        y[i] = x[i] * s[p->layout == CHANMUL_NHWC ? i % p->c : i / plane % p->c];
        xw[i] = y[i]; /* BUG: the input is overwritten */
    }
    return 0;
}
