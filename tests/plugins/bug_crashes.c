/*
 * bug_crashes.c: PLANTED BUG for the verifier's tests.
 *
 * Correct, but for 17 channels it aborts (as a failed assert() would): the
 * verifier must report the crash with the plugin's name and that case's repro
 * line, and keep the other implementations' results (plugins run in a child).
 * abort() rather than a wild write: under AddressSanitizer a SIGSEGV is the
 * sanitizer's report, SIGABRT stays a signal in both builds.
 */
#include "chanmul.h"

#include <stdlib.h>

int chanmul_plugin_abi = CHANMUL_PLUGIN_ABI;
const char *chanmul_plugin_name = "bug_crashes";
int chanmul_plugin_threaded = 0;

int chanmul_plugin_kernel(const chanmul_problem *p, const float *x, const float *s, float *y,
                          int threads)
{
    (void)threads;
    if (p->c == 17)
        abort(); /* BUG */
    size_t total = p->n * p->h * p->w * p->c, hw = p->h * p->w;
    for (size_t i = 0; i < total; i++)
        y[i] = x[i] * s[p->layout == CHANMUL_NHWC ? i % p->c : i / hw % p->c];
    return 0;
}
