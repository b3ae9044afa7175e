/* omp_tiled for affine (y = x * s[c] + b[c]): OpenMP over tiles of 16 KiB of x, dealt statically to an explicit thread count. */
#include "chanmul_internal.h"

int chanmul_affine_omp_tiled(const chanmul_desc *d, const chanmul_tensors *t, int threads)
{
    return chanmul_affine_omp_tiled_loop(d, t, threads);
}
