/*
 * bug_gate_wrong_axis.c: PLANTED BUG for the verifier's tests (plugin ABI 2,
 * op gate).
 *
 * The spatial gate g (N x H x W) is stretched along the wrong axes: it is read
 * as if it were N x W x H, g[(n*W + w)*H + h]. Every read stays inside g, and
 * square planes (1x1, 3x3, 7x7, 28x28) come out right; any plane with H != W
 * (1x2, 13x17, 33x31) is wrong.
 */
#include "chanmul.h"

int chanmul_plugin_abi = CHANMUL_PLUGIN_ABI;
const char *chanmul_plugin_name = "bug_gate_wrong_axis";
int chanmul_plugin_threaded = 0;

int chanmul_plugin_gate(const chanmul_desc *d, const chanmul_tensors *t, int threads)
{
    (void)threads;
    const chanmul_problem *p = &d->p;
    const float *x = t->in[0], *g = t->in[1];
    float *y = t->out[0];
    for (size_t n = 0; n < p->n; n++)
        for (size_t c = 0; c < p->c; c++)
            for (size_t h = 0; h < p->h; h++)
                for (size_t w = 0; w < p->w; w++) {
                    size_t i = p->layout == CHANMUL_NHWC ? ((n * p->h + h) * p->w + w) * p->c + c
                                                         : ((n * p->c + c) * p->h + h) * p->w + w;
                    y[i] = x[i] * g[(n * p->w + w) * p->h + h]; /* the bug: H and W swapped */
                }
    return 0;
}
