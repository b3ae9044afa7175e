/* simd for bcast: a broadcast that is one of the family's forms runs that form's range kernels; any other the ISA's range kernels row by row; single thread. */
#include "chanmul_internal.h"

int chanmul_bcast_simd(const chanmul_desc *d, const chanmul_tensors *t, int threads)
{
    (void)threads; /* single-threaded by design: the threaded variant is `stream` */
    return chanmul_bcast_ranges(d, t, 1, CHANMUL_NT_NEVER, NULL);
}
