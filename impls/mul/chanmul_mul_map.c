/* map for mul (y = x * z, equal shapes): a per-sample product mapped over the batch, sample n with its own slice of z. */
#include "chanmul_internal.h"

int chanmul_mul_map(const chanmul_desc *d, const chanmul_tensors *t, int threads)
{
    size_t sample = d->p.h * d->p.w * d->p.c;
    chanmul_map_samples(&d->p, t->in[0], t->in[1], sample, t->out[0], chanmul_resolve_threads(threads),
                        chanmul_sample_mul);
    return CHANMUL_OK;
}
