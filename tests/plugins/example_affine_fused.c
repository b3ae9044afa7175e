/*
 * example_affine_fused.c: a correct plugin that declares its rounding (plugin
 * ABI 2, op affine): y = fmaf(x, s[c], b[c]), one rounding, and
 * chanmul_plugin_fused_ops says so. The verifier compares it with the fused
 * reference, and it passes; the same kernel without the declaration is the
 * planted bug bug_affine_fuses.
 */
#include "chanmul.h"

#include <math.h>

int chanmul_plugin_abi = CHANMUL_PLUGIN_ABI;
const char *chanmul_plugin_name = "example_affine_fused";
int chanmul_plugin_threaded = 0;
unsigned chanmul_plugin_fused_ops = 1u << CHANMUL_OP_AFFINE;

int chanmul_plugin_affine(const chanmul_desc *d, const chanmul_tensors *t, int threads)
{
    (void)threads;
    const chanmul_problem *p = &d->p;
    const float *x = t->in[0], *s = t->in[1], *b = t->in[2];
    float *y = t->out[0];
    size_t plane = p->h * p->w, total = p->n * plane * p->c;
    for (size_t i = 0; i < total; i++) {
        size_t c = p->layout == CHANMUL_NHWC ? i % p->c : i / plane % p->c;
        y[i] = fmaf(x[i], s[c], b[c]);
    }
    return 0;
}
