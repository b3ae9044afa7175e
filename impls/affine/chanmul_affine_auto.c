/* auto for affine: the implementation the selection file (or the heuristic) picks for the problem, among those that round as auto declares (a product, then a sum). */
#include "chanmul_internal.h"

int chanmul_affine_auto(const chanmul_desc *d, const chanmul_tensors *t, int threads)
{
    return chanmul_auto_exec(d, t, threads);
}
