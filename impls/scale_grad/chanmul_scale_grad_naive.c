/* naive for scale_grad: the portable loops of the fixed summation order (grad_sums.h), one thread. A float running sum, the loop a user writes first, loses digits the verifier's bound does not allow; this keeps the order and the double accumulators every chanmul kernel shares, so that all of them, auto included, give the same bits. */
#include "grad_sums.h"

int chanmul_scale_grad_naive(const chanmul_desc *d, const chanmul_tensors *t, int threads)
{
    (void)threads;
    return chanmul_grad_sums(&d->p, t->in[0], t->in[1], t->in[2], t->out[0], t->out[1], t->out[2], 1,
                             CHANMUL_GRAD_PLAIN);
}
