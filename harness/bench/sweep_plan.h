/* The sweep's profiles and the shape list each profile times. */
#ifndef CHANMUL_SWEEP_PLAN_H
#define CHANMUL_SWEEP_PLAN_H

#include "chanmul.h"

#include <stddef.h>

typedef struct sweep_profile {
    const char *name;
    const size_t *batches;
    size_t batch_count;
    const size_t *channels;
    size_t channel_count;
    size_t h, w;
    int repetitions;
    double min_time;
    int threaded_only_above_one; /* single-threaded kernels only at threads 1 */
} sweep_profile;

/* The profile of that name ("quick", "full"), or NULL. The first is the default. */
const sweep_profile *sweep_profile_find(const char *name);
const sweep_profile *sweep_profile_default(void);

/* The shapes a profile times (layout left NHWC: the sweep runs each in both),
 * for one op (only_op) or every op (-1): the channel scale's grid, the extra
 * shapes the targets name, every other form at a few sizes, then (with
 * include_large) the shapes far larger than the last-level cache. Returns a
 * calloc'd array and its length in *count, or NULL when out of memory. */
chanmul_problem *sweep_shapes(const sweep_profile *prof, int only_op, int include_large, size_t *count);

#endif
