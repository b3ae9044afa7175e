/* naive for scale_nc (y = x * s[n][c]): the flat loop a user writes first, the factor's index by division per element. */
#include "chanmul_internal.h"

int chanmul_scale_nc_naive(const chanmul_desc *d, const chanmul_tensors *t, int threads)
{
    (void)threads; /* single-threaded by design */
    return chanmul_factor_naive(d, t);
}
