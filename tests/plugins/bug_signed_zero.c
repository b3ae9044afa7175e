/*
 * bug_signed_zero.c: PLANTED BUG for the verifier's tests.
 *
 * Every product is right except its sign when it is zero: -0 (a -0 input, or
 * a product that underflows with opposite signs) comes out as +0, what a
 * kernel gets from "if (y == 0) y = 0" or from adding +0. A verifier that
 * compared with float == (where -0 == +0) would pass it; only the bit-for-bit
 * rule catches it, on the data sets that give -0 (random: underflow;
 * special: -0 inputs). The small integers never give a zero.
 */
#include "chanmul.h"

int chanmul_plugin_abi = CHANMUL_PLUGIN_ABI;
const char *chanmul_plugin_name = "bug_signed_zero";
int chanmul_plugin_threaded = 0;

int chanmul_plugin_kernel(const chanmul_problem *p, const float *x, const float *s, float *y,
                          int threads)
{
    (void)threads;
    size_t plane = p->h * p->w, total = p->n * plane * p->c;
    for (size_t i = 0; i < total; i++) {
        float v = x[i] * s[p->layout == CHANMUL_NHWC ? i % p->c : i / plane % p->c];
        y[i] = v == 0.0f ? 0.0f : v; /* BUG: -0 becomes +0 */
    }
    return 0;
}
