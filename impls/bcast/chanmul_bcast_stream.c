/* stream for bcast: simd's walk split across the threads by elements, none for small problems; streaming stores past the LLC where the broadcast is one of the family's forms. */
#include "chanmul_internal.h"

int chanmul_bcast_stream(const chanmul_desc *d, const chanmul_tensors *t, int threads)
{
    return chanmul_stream_tuned(d, t, threads, NULL);
}
