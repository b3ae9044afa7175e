/*
 * bad_abi_version.c: a malformed plugin for the CLI tests. It declares a plugin
 * ABI this chanmul does not speak (CHANMUL_PLUGIN_ABI + 41), so chanmul must
 * refuse to load it (exit 2 with a message naming both ABI numbers).
 */
#include "chanmul.h"

int chanmul_plugin_abi = 42; /* no such ABI */

int chanmul_plugin_kernel(const chanmul_problem *p, const float *x, const float *s, float *y,
                          int threads)
{
    (void)threads;
    size_t plane = p->h * p->w, total = p->n * plane * p->c;
    for (size_t i = 0; i < total; i++)
        y[i] = x[i] * s[p->layout == CHANMUL_NHWC ? i % p->c : i / plane % p->c];
    return 0;
}
