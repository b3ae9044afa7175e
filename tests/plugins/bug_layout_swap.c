/*
 * bug_layout_swap.c: PLANTED BUG for the verifier's tests.
 *
 * For NCHW the kernel uses the NHWC channel index (i % C) instead of the
 * NCHW one ((i / (H*W)) % C). Correct for NHWC, and for NCHW whenever C == 1
 * or H*W == 1 (where both layouts coincide); wrong otherwise.
 */
#include "chanmul.h"

int chanmul_plugin_abi = CHANMUL_PLUGIN_ABI;
const char *chanmul_plugin_name = "bug_layout_swap";
int chanmul_plugin_threaded = 0;

int chanmul_plugin_kernel(const chanmul_problem *p, const float *x, const float *s, float *y,
                          int threads)
{
    (void)threads;
    size_t total = p->n * p->h * p->w * p->c;
    for (size_t i = 0; i < total; i++)
        y[i] = x[i] * s[i % p->c]; /* BUG: NCHW needs s[i / (h*w) % c] */
    return 0;
}
