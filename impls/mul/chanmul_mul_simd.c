/* simd for mul (y = x * z, equal shapes): the SIMD range kernels with z as a pattern as long as the tensor, single thread. */
#include "chanmul_internal.h"

int chanmul_mul_simd(const chanmul_desc *d, const chanmul_tensors *t, int threads)
{
    (void)threads; /* single-threaded by design: the threaded variant is `stream` */
    return chanmul_factor_ranges(d, t, 1, CHANMUL_NT_NEVER, NULL);
}
