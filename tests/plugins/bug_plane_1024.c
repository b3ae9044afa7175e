/*
 * bug_plane_1024.c: PLANTED BUG for the verifier's tests (plugin ABI 1).
 *
 * NCHW planes are walked in blocks of 1024 elements; at the end of each full
 * block the last element takes the next channel's scale (a block boundary
 * mistaken for a plane boundary). Only planes of 1024 elements or more have a
 * full block (32x32, 56x56, 224x224: never the edge matrix's planes of at most
 * 13x17); NHWC is correct.
 */
#include "chanmul.h"

int chanmul_plugin_abi = 1;
const char *chanmul_plugin_name = "bug_plane_1024";
int chanmul_plugin_threaded = 0;

#define BLOCK 1024

int chanmul_plugin_kernel(const chanmul_problem *p, const float *x, const float *s, float *y,
                          int threads)
{
    (void)threads;
    size_t plane = p->h * p->w, total = p->n * plane * p->c;
    for (size_t i = 0; i < total; i++) {
        size_t c = p->layout == CHANMUL_NHWC ? i % p->c : i / plane % p->c;
        size_t in_plane = i % plane;
        if (p->layout == CHANMUL_NCHW && in_plane % BLOCK == BLOCK - 1)
            c = (c + 1) % p->c; /* the bug */
        y[i] = x[i] * s[c];
    }
    return 0;
}
