/* map for affine (y = x * s[c] + b[c]): a per-sample scale-and-shift mapped over the batch, the same s and b for every sample. */
#include "chanmul_internal.h"

int chanmul_affine_map(const chanmul_desc *d, const chanmul_tensors *t, int threads)
{
    return chanmul_affine_map_samples(d, t, threads);
}
