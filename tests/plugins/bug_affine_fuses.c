/*
 * bug_affine_fuses.c: PLANTED BUG for the verifier's tests (plugin ABI 2, op
 * affine).
 *
 * y = x * s[c] + b[c] computed with fmaf, one rounding, while the plugin
 * declares nothing (no chanmul_plugin_fused_ops): it claims a product rounded,
 * then a sum rounded. Wherever the product's rounding error survives the sum
 * the two differ in the last bits; with small integers both are exact, so the
 * smallint data passes.
 */
#include "chanmul.h"

#include <math.h>

int chanmul_plugin_abi = CHANMUL_PLUGIN_ABI;
const char *chanmul_plugin_name = "bug_affine_fuses";
int chanmul_plugin_threaded = 0;

int chanmul_plugin_affine(const chanmul_desc *d, const chanmul_tensors *t, int threads)
{
    (void)threads;
    const chanmul_problem *p = &d->p;
    const float *x = t->in[0], *s = t->in[1], *b = t->in[2];
    float *y = t->out[0];
    size_t plane = p->h * p->w, total = p->n * plane * p->c;
    for (size_t i = 0; i < total; i++) {
        size_t c = p->layout == CHANMUL_NHWC ? i % p->c : i / plane % p->c;
        y[i] = fmaf(x[i], s[c], b[c]); /* the bug: fused, declared as not */
    }
    return 0;
}
