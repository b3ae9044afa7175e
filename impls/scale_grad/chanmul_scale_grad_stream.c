/* stream for scale_grad: the intrinsics loops over tiles dealt by chanmul's thread team, one thread below 16384 elements per thread (the pass reads x and dy and writes dx once; the sums cost a few doubles per channel and block). */
#include "grad_sums.h"

int chanmul_scale_grad_stream(const chanmul_desc *d, const chanmul_tensors *t, int threads)
{
    return chanmul_grad_sums(&d->p, t->in[0], t->in[1], t->in[2], t->out[0], t->out[1], t->out[2],
                             threads, CHANMUL_GRAD_SIMD);
}
