/* map for scale_nc (y = x * s[n][c]): a per-sample channel scale mapped over the batch, sample n with its own s[n]. */
#include "chanmul_internal.h"

int chanmul_scale_nc_map(const chanmul_desc *d, const chanmul_tensors *t, int threads)
{
    chanmul_sample_fn fn = d->p.layout == CHANMUL_NHWC ? chanmul_sample_scale_nhwc : chanmul_sample_scale_nchw;
    chanmul_map_samples(&d->p, t->in[0], t->in[1], d->p.c, t->out[0], chanmul_resolve_threads(threads), fn);
    return CHANMUL_OK;
}
