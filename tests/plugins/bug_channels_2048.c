/*
 * bug_channels_2048.c: PLANTED BUG for the verifier's tests (plugin ABI 1).
 *
 * The scales are staged in a table of 2048 entries and looked up modulo its
 * size, so channel c >= 2048 takes s[c - 2048]. Correct for every C up to
 * 2048 (the edge matrix's largest is 1001); wrong for 2049, 4096, 4097, 8191.
 */
#include "chanmul.h"

int chanmul_plugin_abi = 1;
const char *chanmul_plugin_name = "bug_channels_2048";
int chanmul_plugin_threaded = 0;

#define TABLE 2048

int chanmul_plugin_kernel(const chanmul_problem *p, const float *x, const float *s, float *y,
                          int threads)
{
    (void)threads;
    size_t plane = p->h * p->w, total = p->n * plane * p->c;
    for (size_t i = 0; i < total; i++) {
        size_t c = p->layout == CHANMUL_NHWC ? i % p->c : i / plane % p->c;
        y[i] = x[i] * s[c % TABLE]; /* the bug */
    }
    return 0;
}
