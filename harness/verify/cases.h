/*
 * The verifier's case lists: which shapes each op is proved at. An op family
 * shares one list (the one-factor family: scale, scale_nc, gate); a family
 * with other operands (equal shapes, general broadcasting) brings its own.
 */
#ifndef CHANMUL_VERIFY_CASES_H
#define CHANMUL_VERIFY_CASES_H

#include "chanmul.h"

#include <stddef.h>
#include <stdint.h>

typedef struct verify_case_list {
    /* the edge matrix: every batch x plane x channel count (sizes around every
     * vector width and tile) */
    const size_t *batches;
    size_t batch_count;
    const size_t (*planes)[2]; /* H, W */
    size_t plane_count;
    const size_t *channels;
    size_t channel_count;
    /* shapes for the misalignment sweep (odd sizes: every offset meets a tail) */
    const chanmul_problem *alignment;
    size_t alignment_count;
    /* the magnitudes real models use, one dimension at a time */
    const chanmul_problem *magnitudes;
    size_t magnitude_count;
    /* the random-shape pass: each dimension log-uniform in [1, max], the
     * tensor shrunk to at most max_elements */
    size_t max_n, max_h, max_w, max_c, max_elements;
} verify_case_list;

/* The verifier's random stream (splitmix64): data fills and random shapes. */
static inline uint64_t verify_splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* The case list of op. */
const verify_case_list *verify_cases_of(chanmul_op op);

/* One shape of the random pass, drawn from *rng. */
chanmul_problem verify_random_shape(const verify_case_list *cl, uint64_t *rng, chanmul_op op);

/* Shapes over 1.25x the last-level cache (the streaming-store regime). */
#define VERIFY_LARGE_SHAPES 2
void verify_large_shapes(chanmul_op op, chanmul_problem out[VERIFY_LARGE_SHAPES]);

#endif
