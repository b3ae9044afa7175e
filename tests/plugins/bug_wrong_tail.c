/*
 * bug_wrong_tail.c: PLANTED BUG for the verifier's tests.
 *
 * NHWC is processed the way a vectorised kernel would: channels in blocks of
 * 16, then a remainder loop for the last C % 16 channels. The remainder loop
 * indexes the scale vector from 0 instead of from the start of the tail, so
 * channels 16*k .. C-1 are multiplied by s[0 .. C%16-1]. Correct whenever
 * C < 16 (the tail starts at 0) or C % 16 == 0 (no tail); wrong for C = 17,
 * 31, 33, 63, 65, 100, 1001, ... NCHW is correct.
 */
#include "chanmul.h"

int chanmul_plugin_abi = CHANMUL_PLUGIN_ABI;
const char *chanmul_plugin_name = "bug_wrong_tail";
int chanmul_plugin_threaded = 0;

#define BLOCK 16

static void scale_pixel(const float *x, const float *s, float *y, size_t c)
{
    size_t body = c / BLOCK * BLOCK;
    for (size_t k = 0; k < body; k += BLOCK)
        for (size_t j = 0; j < BLOCK; j++) /* the "vector" */
            y[k + j] = x[k + j] * s[k + j];
    for (size_t j = 0; j < c - body; j++)
        y[body + j] = x[body + j] * s[j]; /* BUG: should be s[body + j] */
}

int chanmul_plugin_kernel(const chanmul_problem *p, const float *x, const float *s, float *y,
                          int threads)
{
    (void)threads;
    size_t plane = p->h * p->w, total = p->n * plane * p->c;
    if (p->layout == CHANMUL_NHWC) {
        for (size_t i = 0; i < total; i += p->c)
            scale_pixel(x + i, s, y + i, p->c);
    } else {
        for (size_t i = 0; i < total; i++)
            y[i] = x[i] * s[i / plane % p->c];
    }
    return 0;
}
