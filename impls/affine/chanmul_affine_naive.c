/* naive for affine (y = x * s[c] + b[c]): the flat loop a user writes first, the channel by division per element; a product rounded, then a sum. */
#include "chanmul_internal.h"

int chanmul_affine_naive(const chanmul_desc *d, const chanmul_tensors *t, int threads)
{
    (void)threads; /* single-threaded by design */
    return chanmul_affine_naive_loop(d, t);
}
