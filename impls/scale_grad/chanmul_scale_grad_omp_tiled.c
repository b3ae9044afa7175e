/* omp_tiled for scale_grad: the intrinsics loops over tiles of (block of rows, channel range) dealt by an OpenMP parallel region, an explicit thread count. */
#include "grad_sums.h"

int chanmul_scale_grad_omp_tiled(const chanmul_desc *d, const chanmul_tensors *t, int threads)
{
    return chanmul_grad_sums(&d->p, t->in[0], t->in[1], t->in[2], t->out[0], t->out[1], t->out[2],
                             threads, CHANMUL_GRAD_SIMD | CHANMUL_GRAD_OPENMP);
}
