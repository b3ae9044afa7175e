/* naive for bcast (y = a * b, NumPy broadcasting): one flat loop over y, each element's offsets in a and b by division over the collapsed axes. */
#include "chanmul_internal.h"

int chanmul_bcast_naive(const chanmul_desc *d, const chanmul_tensors *t, int threads)
{
    (void)threads; /* single-threaded by design */
    return chanmul_bcast_naive_loop(d, t);
}
