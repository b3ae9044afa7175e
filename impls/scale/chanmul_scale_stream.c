/* stream for scale (y = x * s[c]): the roofline kernel: SIMD ranges cut by bytes across the threads, none for small problems, streaming stores past the LLC. */
#include "chanmul_internal.h"

int chanmul_scale_stream(const chanmul_desc *d, const chanmul_tensors *t, int threads)
{
    return chanmul_stream_tuned(d, t, threads, NULL);
}
