/* naive for mul (y = x * z, equal shapes): the flat loop of the one-factor family, z's index by division per element. */
#include "chanmul_internal.h"

int chanmul_mul_naive(const chanmul_desc *d, const chanmul_tensors *t, int threads)
{
    (void)threads; /* single-threaded by design */
    return chanmul_factor_naive(d, t);
}
