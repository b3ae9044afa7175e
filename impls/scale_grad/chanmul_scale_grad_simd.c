/* simd for scale_grad: the intrinsics loops (AVX-512F, AVX2 + FMA, else portable) of the fixed summation order, one thread. */
#include "grad_sums.h"

int chanmul_scale_grad_simd(const chanmul_desc *d, const chanmul_tensors *t, int threads)
{
    (void)threads;
    return chanmul_grad_sums(&d->p, t->in[0], t->in[1], t->in[2], t->out[0], t->out[1], t->out[2], 1,
                             CHANMUL_GRAD_SIMD);
}
