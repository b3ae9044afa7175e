/* stream for mul (y = x * z, equal shapes): the roofline kernel: x and z streamed side by side, cut by bytes across the threads, none for small problems, streaming stores past the LLC. */
#include "chanmul_internal.h"

int chanmul_mul_stream(const chanmul_desc *d, const chanmul_tensors *t, int threads)
{
    return chanmul_stream_tuned(d, t, threads, NULL);
}
