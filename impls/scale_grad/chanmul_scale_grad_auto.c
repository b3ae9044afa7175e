/* auto for scale_grad: the implementation the selection file (or the heuristic) picks, among chanmul's own, which all sum in one fixed order: the sums do not change with the pick. */
#include "chanmul_internal.h"

int chanmul_scale_grad_auto(const chanmul_desc *d, const chanmul_tensors *t, int threads)
{
    return chanmul_auto_exec(d, t, threads);
}
