/*
 * bug_hangs.c: PLANTED BUG for the verifier's tests.
 *
 * Correct, but for 17 channels it never returns: the verifier must kill it
 * after the time limit (CHANMUL_PLUGIN_TIMEOUT), report the hang with the
 * plugin's name and that case's repro line, and keep the other
 * implementations' results.
 */
#include "chanmul.h"

#include <unistd.h>

int chanmul_plugin_abi = CHANMUL_PLUGIN_ABI;
const char *chanmul_plugin_name = "bug_hangs";
int chanmul_plugin_threaded = 0;

int chanmul_plugin_kernel(const chanmul_problem *p, const float *x, const float *s, float *y,
                          int threads)
{
    (void)threads;
    while (p->c == 17)
        pause(); /* BUG: waits for a signal that never comes */
    size_t total = p->n * p->h * p->w * p->c, hw = p->h * p->w;
    for (size_t i = 0; i < total; i++)
        y[i] = x[i] * s[p->layout == CHANMUL_NHWC ? i % p->c : i / hw % p->c];
    return 0;
}
