/*
 * bug_bcast_wrong_axis.c: PLANTED BUG for the verifier's tests (plugin ABI 2,
 * op bcast).
 *
 * A broadcast stretched along the wrong axes: it takes for granted that the
 * smaller operand repeats along the leading axes, as the channel scale's s
 * does, and reads element i of y's operand as op[i % its size]. Every read
 * stays inside the operand, and (32,28,28,64) x (64), (10,5) x (5) and equal
 * shapes come out right; (8,1,6,1) x (7,1,5), (N,1,W,C) x (1,H,1,C) or a gate
 * (N,H,W,1) x (N,H,W,C) are wrong.
 */
#include "chanmul.h"

int chanmul_plugin_abi = CHANMUL_PLUGIN_ABI;
const char *chanmul_plugin_name = "bug_bcast_wrong_axis";
int chanmul_plugin_threaded = 0;

static size_t elements(const chanmul_shape *s)
{
    size_t n = 1;
    for (int i = 0; i < s->rank; i++)
        n *= s->dims[i];
    return n;
}

int chanmul_plugin_bcast(const chanmul_desc *d, const chanmul_tensors *t, int threads)
{
    (void)threads;
    const float *a = t->in[0], *b = t->in[1];
    float *y = t->out[0];
    size_t na = elements(&d->in[0]), nb = elements(&d->in[1]), ny = elements(&d->out[0]);
    for (size_t i = 0; i < ny; i++)
        y[i] = a[i % na] * b[i % nb]; /* the bug: the stretched axes are taken to lead */
    return 0;
}
