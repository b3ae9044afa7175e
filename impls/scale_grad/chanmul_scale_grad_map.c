/* map for scale_grad: the portable loops mapped over the fixed blocks of rows (grad_sums.h) by the thread team; a per-sample map would make the order of the sums follow the batch, so the blocks, not the samples, are the unit mapped. */
#include "grad_sums.h"

int chanmul_scale_grad_map(const chanmul_desc *d, const chanmul_tensors *t, int threads)
{
    return chanmul_grad_sums(&d->p, t->in[0], t->in[1], t->in[2], t->out[0], t->out[1], t->out[2],
                             threads, CHANMUL_GRAD_PLAIN);
}
