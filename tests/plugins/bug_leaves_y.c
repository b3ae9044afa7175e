/*
 * bug_leaves_y.c: PLANTED BUG for the verifier's tests.
 *
 * The kernel returns success and writes nothing. Had the verifier zeroed y
 * before the call, this would pass every element whose reference is +0; it
 * fills y with a poison pattern (POISON_BITS in verify.c) instead, so the
 * untouched output shows as that pattern.
 */
#include "chanmul.h"

int chanmul_plugin_abi = CHANMUL_PLUGIN_ABI;
const char *chanmul_plugin_name = "bug_leaves_y";
int chanmul_plugin_threaded = 0;

int chanmul_plugin_kernel(const chanmul_problem *p, const float *x, const float *s, float *y,
                          int threads)
{
    (void)p, (void)x, (void)s, (void)y, (void)threads;
    return 0; /* BUG: y is never written */
}
