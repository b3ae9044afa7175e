/* map for gate (y = x * g[n][h][w]): a per-sample spatial gate mapped over the batch, sample n with its own plane g[n]. */
#include "chanmul_internal.h"

int chanmul_gate_map(const chanmul_desc *d, const chanmul_tensors *t, int threads)
{
    chanmul_sample_fn fn = d->p.layout == CHANMUL_NHWC ? chanmul_sample_gate_nhwc : chanmul_sample_gate_nchw;
    chanmul_map_samples(&d->p, t->in[0], t->in[1], d->p.h * d->p.w, t->out[0], chanmul_resolve_threads(threads), fn);
    return CHANMUL_OK;
}
