/*
 * bug_scale_nc_wrong_sample.c: PLANTED BUG for the verifier's tests (plugin
 * ABI 2, op scale_nc).
 *
 * The per-sample scale s (N x C) is indexed by the wrong sample: sample n
 * takes the scales of sample (n + 1) % N. Right for a batch of 1 (there is
 * only one row), wrong for every batch of 2 or more.
 */
#include "chanmul.h"

int chanmul_plugin_abi = CHANMUL_PLUGIN_ABI;
const char *chanmul_plugin_name = "bug_scale_nc_wrong_sample";
int chanmul_plugin_threaded = 0;

int chanmul_plugin_scale_nc(const chanmul_desc *d, const chanmul_tensors *t, int threads)
{
    (void)threads;
    const chanmul_problem *p = &d->p;
    const float *x = t->in[0], *s = t->in[1];
    float *y = t->out[0];
    size_t plane = p->h * p->w, sample = plane * p->c;
    for (size_t n = 0; n < p->n; n++) {
        const float *row = s + (n + 1) % p->n * p->c; /* the bug: the next sample's row */
        for (size_t j = 0; j < sample; j++) {
            size_t c = p->layout == CHANMUL_NHWC ? j % p->c : j / plane;
            y[n * sample + j] = x[n * sample + j] * row[c];
        }
    }
    return 0;
}
