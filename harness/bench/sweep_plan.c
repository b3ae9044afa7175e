#include "sweep_plan.h"

#include "bench_engine.h"
#include "shape.h"

#include <stdlib.h>
#include <string.h>

static const size_t quick_batches[] = {1, 8, 64};
static const size_t quick_channels[] = {1, 3, 17, 64, 256, 1000};
static const size_t full_batches[] = {1, 2, 4, 8, 16, 32, 64, 128};
static const size_t full_channels[] = {1, 2, 3, 4, 7, 8, 16, 17, 32, 33, 64, 100, 128, 256, 512, 1000, 1001};
/* Shapes the targets name beside the grid: NCHW planes of 7x7 and 13x17. */
static const chanmul_problem extra_shapes[] = {{0, 0, 16, 7, 7, 64}, {0, 0, 8, 13, 17, 32}};
/* The other forms, at a few everyday sizes of squeeze-and-excitation gates and
 * attention maps (each profile): an early stage, a middle one, a late one. */
static const chanmul_problem other_form_shapes[] = {
    {0, 0, 8, 14, 14, 64}, {0, 0, 1, 56, 56, 256}, {0, 0, 32, 7, 7, 512}};
/* bcast's pairs (each profile): the channel scale written as a broadcast (the
 * bytes of other_form_shapes[0], so the two compare), a per-sample scale and a
 * gate with the stretched operand first, and (N,1,W,C) x (1,H,1,C), which is
 * no form of the family. */
static const char *const bcast_pairs[] = {"8x14x14x64,64", "32x1x1x512,32x7x7x512", "8x14x14x1,8x14x14x64",
                                          "8x1x14x64,1x14x1x64"};
/* Channel counts of the shapes far larger than the LLC: a vector-friendly one, an odd small one. */
static const size_t big_channels[] = {64, 3};

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

static const sweep_profile profiles[] = {
    {"quick", quick_batches, COUNT_OF(quick_batches), quick_channels, COUNT_OF(quick_channels), 14, 14,
     BENCH_DEFAULT_REPETITIONS, 0.01, 1},
    {"full", full_batches, COUNT_OF(full_batches), full_channels, COUNT_OF(full_channels), 14, 14,
     BENCH_DEFAULT_REPETITIONS, 0.05, 0},
};

const sweep_profile *sweep_profile_find(const char *name)
{
    for (size_t k = 0; name && k < COUNT_OF(profiles); k++)
        if (strcmp(name, profiles[k].name) == 0)
            return &profiles[k];
    return NULL;
}

const sweep_profile *sweep_profile_default(void)
{
    return &profiles[0];
}

chanmul_problem *sweep_shapes(const sweep_profile *prof, int only_op, int include_large, size_t *count)
{
    size_t cap = prof->batch_count * prof->channel_count + COUNT_OF(extra_shapes) +
                 CHANMUL_OP_COUNT * COUNT_OF(other_form_shapes) + COUNT_OF(bcast_pairs) + COUNT_OF(big_channels);
    chanmul_problem *shapes = calloc(cap, sizeof *shapes);
    size_t n = 0;
    if (!shapes)
        return NULL;
    int scale = only_op < 0 || only_op == CHANMUL_OP_SCALE;
    for (size_t b = 0; scale && b < prof->batch_count; b++)
        for (size_t c = 0; c < prof->channel_count; c++)
            shapes[n++] = (chanmul_problem){CHANMUL_OP_SCALE, CHANMUL_NHWC, prof->batches[b], prof->h, prof->w,
                                            prof->channels[c]};
    for (size_t e = 0; scale && e < COUNT_OF(extra_shapes); e++)
        shapes[n++] = extra_shapes[e];
    for (int op = 0; op < CHANMUL_OP_COUNT; op++) {
        if (op == CHANMUL_OP_SCALE || (only_op >= 0 && only_op != op))
            continue;
        if (chanmul_op_info_of((chanmul_op)op)->broadcast) {
            char err[256];
            for (size_t e = 0; e < COUNT_OF(bcast_pairs); e++)
                if (problem_shape_parse(bcast_pairs[e], &shapes[n], err, sizeof err) == 0)
                    n++;
            continue;
        }
        for (size_t e = 0; e < COUNT_OF(other_form_shapes); e++) {
            shapes[n] = other_form_shapes[e];
            shapes[n++].op = (chanmul_op)op;
        }
    }
    if (include_large && scale) {
        /* Working set (x + y) 4x the last-level cache: the streaming-store
         * regime. Not just over 2x: on a VM whose two CPUs may sit under two
         * L3s, 2.5x was sometimes partly cached. */
        size_t elements = chanmul_llc_usable_bytes() * 4 / (2 * sizeof(float));
        for (size_t b = 0; b < COUNT_OF(big_channels); b++) {
            chanmul_problem big = {CHANMUL_OP_SCALE, CHANMUL_NHWC, 0, 14, 14, big_channels[b]};
            big.n = elements / (14 * 14 * big_channels[b]) + 1;
            shapes[n++] = big;
        }
    }
    *count = n;
    return shapes;
}
