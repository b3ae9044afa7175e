/* auto for bcast: the implementation the selection file (or the heuristic) picks for the problem (impls/core/auto_select.c). */
#include "chanmul_internal.h"

int chanmul_bcast_auto(const chanmul_desc *d, const chanmul_tensors *t, int threads)
{
    return chanmul_auto_exec(d, t, threads);
}
