#include "bcast_cases.h"

#include "cases.h" /* verify_splitmix64 */
#include "shape.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

/* Written as the CLI takes them (--shape A --shape2 B is "A,B"). */
static const char *const fixed_pairs[] = {
    /* the and NumPy's examples */
    "10x5,5", "32x28x28x64,64", "8x1x6x1,7x1x5", "4x1x9x16,1x7x1x16", "5x4,1", "15x3x5,15x1x5",
    "15x3x5,3x1", "256x256x3,3",
    /* the family's forms with the stretched operand first (b is the data tensor) */
    "64,7x9x64", "3x1x33,3x20x33", "5x17x1,5x17x3", "17x1,17x50", "2x17x1x1,2x17x9x5",
    /* none of them: both operands stretched somewhere */
    "5x1,1x7", "65x1,1x130", "2x1x4x1x3,1x5x1x2x1", "2x17x1,17x50", "3x1x2x70,4x1x1",
    "1x3x1x5x1x7,2x1x4x1x6x1",
    /* scalars and ones */
    "scalar,3x5", "3x5,scalar", "scalar,scalar", "1,1", "1x1x1,1", "1x1,7x1x1", "7x1x1,1x1",
    /* the highest ranks (XNNPACK takes 6, chanmul 8) */
    "2x3x1x2x1x2x3,3x1x2x1x2x1", "2x1x3x1x2x1x3x2,1x2x1x3x1x2x1x2", "1x1x1x1x1x1x1x5,5",
    "2x2x2x2x2x2x2x2,2x2x2x2x2x2x2x2",
    /* empty results: a 0 against a 1 is 0 */
    "0x5,5", "3x0,1", "4x0x3,1x1x3", "0,scalar", "2x1,0",
};

/* Row lengths around every vector width, the pattern slack and a tile. */
static const size_t row_lengths[] = {1, 2, 3, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 1001};

/* Each length in three kinds of row: pairs of whole rows in a form of no
 * family (3x1xL against 1x4xL), a stretched b in rows of no form
 * (3x1x2xL against 4x1x1), and the channel scale (5xL against L). */
static const char *const row_templates[] = {"3x1x%zu,1x4x%zu", "3x1x2x%zu,4x1x1", "5x%zu,%zu"};

static int add(chanmul_problem *out, size_t *n, const char *pair)
{
    char err[400];
    if (problem_shape_parse(pair, &out[*n], err, sizeof err) != 0) {
        fprintf(stderr, "chanmul verify: internal case '%s': %s\n", pair, err);
        return -1;
    }
    (*n)++;
    return 0;
}

chanmul_problem *verify_bcast_matrix(size_t *count)
{
    size_t cap = COUNT_OF(fixed_pairs) + COUNT_OF(row_lengths) * COUNT_OF(row_templates);
    chanmul_problem *out = calloc(cap, sizeof *out);
    *count = 0;
    if (!out)
        return NULL;
    for (size_t i = 0; i < COUNT_OF(fixed_pairs); i++)
        if (add(out, count, fixed_pairs[i]) != 0)
            abort(); /* a typo in the table above */
    for (size_t t = 0; t < COUNT_OF(row_templates); t++)
        for (size_t i = 0; i < COUNT_OF(row_lengths); i++) {
            char pair[96];
            snprintf(pair, sizeof pair, row_templates[t], row_lengths[i], row_lengths[i]);
            if (add(out, count, pair) != 0)
                abort();
        }
    return out;
}

void verify_bcast_alignment(chanmul_problem out[VERIFY_BCAST_ALIGNMENT])
{
    static const char *const pairs[VERIFY_BCAST_ALIGNMENT] = {"7x1x33,1x5x33", "3x1x7x1x17,5x1x17x1",
                                                              "9x37,37"};
    size_t n = 0;
    for (int i = 0; i < VERIFY_BCAST_ALIGNMENT; i++)
        if (add(out, &n, pairs[i]) != 0)
            abort();
}

static size_t log_uniform(uint64_t *rng, size_t max)
{
    double u = (double)(verify_splitmix64(rng) >> 11) / 9007199254740992.0; /* [0, 1) */
    size_t v = (size_t)exp(u * log((double)max + 1.0));
    return v < 1 ? 1 : v > max ? max : v;
}

chanmul_problem verify_bcast_random(uint64_t *rng, size_t max_elements)
{
    int rank = (int)(verify_splitmix64(rng) % (CHANMUL_MAX_RANK + 1));
    size_t dims[CHANMUL_MAX_RANK], total = 1;
    for (int i = 0; i < rank; i++)
        total *= dims[i] = log_uniform(rng, 300);
    while (total > max_elements) { /* halve the largest until it fits */
        int largest = 0;
        for (int i = 1; i < rank; i++)
            if (dims[i] > dims[largest])
                largest = i;
        total = total / dims[largest];
        dims[largest] = (dims[largest] + 1) / 2;
        total *= dims[largest];
    }
    chanmul_shape ops[2];
    for (int k = 0; k < 2; k++) {
        /* each operand: the trailing axes (a rank of its own), each one
         * stretched from 1 a third of the time */
        int r = (int)(verify_splitmix64(rng) % (unsigned)(rank + 1));
        if (k == 1 && ops[0].rank < rank && r < rank)
            r = rank; /* one operand has the result's rank */
        ops[k].rank = r;
        for (int i = 0; i < r; i++) {
            size_t d = dims[rank - r + i];
            ops[k].dims[i] = verify_splitmix64(rng) % 3 == 0 ? 1 : d;
        }
    }
    /* where neither keeps an axis its dimension, the result's is 1: fine,
     * the pair still broadcasts */
    chanmul_problem p;
    if (chanmul_bcast_problem(&p, &ops[0], &ops[1], NULL, 0) != 0)
        abort(); /* every axis is d or 1 of one d: always broadcasts */
    return p;
}

void verify_bcast_large(chanmul_problem out[VERIFY_BCAST_LARGE])
{
    size_t elements = chanmul_llc_usable_bytes() / sizeof(float) * 5 / 4;
    size_t n = elements / (56 * 56 * 64) + 1;
    chanmul_shape a = {4, {n, 56, 56, 64}}, b = {1, {64}};
    chanmul_bcast_problem(&out[0], &a, &b, NULL, 0); /* the channel scale */
    chanmul_shape a2 = {4, {n, 1, 56, 64}}, b2 = {4, {1, 56, 1, 64}};
    chanmul_bcast_problem(&out[1], &a2, &b2, NULL, 0); /* (N,1,W,C) x (1,H,1,C): no form */
}
