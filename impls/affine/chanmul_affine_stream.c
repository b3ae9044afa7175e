/* stream for affine (y = x * s[c] + b[c]): the range loops cut by bytes across the threads, none for small problems. */
#include "chanmul_internal.h"

int chanmul_affine_stream(const chanmul_desc *d, const chanmul_tensors *t, int threads)
{
    return chanmul_stream_tuned(d, t, threads, NULL);
}
