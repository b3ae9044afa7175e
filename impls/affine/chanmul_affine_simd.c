/* simd for affine (y = x * s[c] + b[c]): the range loops vectorised for the best allowed ISA, single thread; a product rounded, then a sum. */
#include "chanmul_internal.h"

int chanmul_affine_simd(const chanmul_desc *d, const chanmul_tensors *t, int threads)
{
    (void)threads; /* single-threaded by design: the threaded variant is `stream` */
    return chanmul_affine_ranges(d, t, 1, NULL);
}
