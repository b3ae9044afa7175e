/*
 * bad_no_abi.c: a malformed plugin for the CLI tests. It exports a correct
 * kernel but NOT the required `int chanmul_plugin_abi`, so chanmul must refuse
 * to load it (exit 2 with a message naming the missing symbol).
 */
#include "chanmul.h"

const char *chanmul_plugin_name = "bad_no_abi";

int chanmul_plugin_kernel(const chanmul_problem *p, const float *x, const float *s, float *y,
                          int threads)
{
    (void)threads;
    size_t plane = p->h * p->w, total = p->n * plane * p->c;
    for (size_t i = 0; i < total; i++)
        y[i] = x[i] * s[p->layout == CHANMUL_NHWC ? i % p->c : i / plane % p->c];
    return 0;
}
