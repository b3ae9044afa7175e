/* omp_tiled for mul (y = x * z, equal shapes): OpenMP over tiles of 16 KiB of x, dealt statically to an explicit thread count. */
#include "chanmul_internal.h"

int chanmul_mul_omp_tiled(const chanmul_desc *d, const chanmul_tensors *t, int threads)
{
    return chanmul_factor_omp_tiled(d, t, threads);
}
