/* simd for scale (y = x * s[c]): the SIMD range kernels of the best allowed ISA, single thread. */
#include "chanmul_internal.h"

int chanmul_scale_simd(const chanmul_desc *d, const chanmul_tensors *t, int threads)
{
    (void)threads; /* single-threaded by design: the threaded variant is `stream` */
    return chanmul_factor_ranges(d, t, 1, CHANMUL_NT_NEVER, NULL);
}
