/* map for bcast: a per-sample function (the rows under one index of the collapsed first axis) mapped over that axis, in parallel over samples. */
#include "chanmul_internal.h"

int chanmul_bcast_map(const chanmul_desc *d, const chanmul_tensors *t, int threads)
{
    return chanmul_bcast_map_rows(d, t, threads);
}
