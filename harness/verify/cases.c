#include "cases.h"

#include <math.h>

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

/* ---- the one-factor family (scale, scale_nc, gate) --------------------------------- */

/* Channel counts around every vector width and tile, and the spatial sizes and
 * batches of the edge matrix (issue #2). */
static const size_t factor_channels[] = {1, 2, 3, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 1000, 1001};
static const size_t factor_planes[][2] = {{1, 1}, {1, 2}, {3, 3}, {7, 7}, {13, 17}};
static const size_t factor_batches[] = {0, 1, 2, 3, 7};
static const chanmul_problem factor_alignment[] = {{0, 0, 2, 3, 3, 17}, {0, 0, 1, 7, 7, 33}};

/*
 * The magnitudes real models use, one dimension at a time (the others small):
 * batches of 8 to 256, planes from 16x16 to beyond 65536 elements (28x28,
 * 32x32 = 1024, 56x56, 224x224), channels around 2048 and 4096 and beyond.
 * A kernel whose bug lives at one of these scales (a batch split, a plane
 * walk, a long pattern) fails here.
 */
static const chanmul_problem factor_magnitudes[] = {
    /* batches */
    {0, 0, 8, 3, 3, 17}, {0, 0, 9, 2, 2, 33}, {0, 0, 16, 1, 1, 64}, {0, 0, 33, 3, 3, 8},
    {0, 0, 64, 2, 3, 17}, {0, 0, 256, 1, 1, 100}, {0, 0, 256, 3, 3, 16},
    /* planes */
    {0, 0, 1, 16, 16, 3}, {0, 0, 2, 28, 28, 5}, {0, 0, 1, 32, 32, 3}, {0, 0, 3, 33, 31, 4},
    {0, 0, 2, 56, 56, 2}, {0, 0, 1, 224, 224, 2}, {0, 0, 1, 257, 257, 1},
    /* channels */
    {0, 0, 2, 1, 1, 2047}, {0, 0, 1, 1, 1, 2048}, {0, 0, 2, 1, 1, 2049}, {0, 0, 1, 2, 2, 4096},
    {0, 0, 2, 1, 1, 4097}, {0, 0, 1, 1, 1, 8191}, {0, 0, 1, 3, 1, 5000},
};

static const verify_case_list factor_family = {
    factor_batches, COUNT_OF(factor_batches), factor_planes, COUNT_OF(factor_planes),
    factor_channels, COUNT_OF(factor_channels), factor_alignment, COUNT_OF(factor_alignment),
    factor_magnitudes, COUNT_OF(factor_magnitudes),
    /* random shapes: batch 1..256, H and W 1..300, C 1..8192, at most 2^18 elements */
    256, 300, 300, 8192, (size_t)1 << 18,
};

/* ---- the sums over rows (scale_grad) ------------------------------------------------ */

/*
 * The one-factor family's matrix, with magnitudes where a reduction goes
 * wrong: rows (R = N*H*W) on either side of a block of 1024 and of the 64
 * blocks' 65536, a last block shorter or longer than the others, channels on
 * either side of the 16-lane walks (C < 16 sums a period of rows), NCHW
 * planes that are not a multiple of 16, and wide channel counts.
 */
static const chanmul_problem grad_magnitudes[] = {
    /* rows around one block */
    {0, 0, 1, 1, 1023, 3}, {0, 0, 1, 32, 32, 5}, {0, 0, 1, 1, 1025, 17}, {0, 0, 3, 11, 31, 16},
    {0, 0, 2, 1, 1025, 1},
    /* rows around 64 blocks: the blocks grow past 1024 rows */
    {0, 0, 1, 256, 256, 2}, {0, 0, 1, 1, 65537, 1}, {0, 0, 1, 257, 257, 3}, {0, 0, 4, 129, 129, 1},
    /* batches */
    {0, 0, 64, 2, 3, 17}, {0, 0, 256, 3, 3, 16}, {0, 0, 256, 1, 1, 100},
    /* planes */
    {0, 0, 2, 28, 28, 5}, {0, 0, 3, 33, 31, 4}, {0, 0, 1, 224, 224, 2},
    /* channels */
    {0, 0, 2, 1, 1, 2047}, {0, 0, 1, 2, 2, 4096}, {0, 0, 3, 1, 1, 4097}, {0, 0, 1, 3, 1, 5000},
};

static const verify_case_list grad_family = {
    factor_batches, COUNT_OF(factor_batches), factor_planes, COUNT_OF(factor_planes),
    factor_channels, COUNT_OF(factor_channels), factor_alignment, COUNT_OF(factor_alignment),
    grad_magnitudes, COUNT_OF(grad_magnitudes),
    /* random shapes: batch 1..256, H and W 1..300, C 1..8192, at most 2^18 elements */
    256, 300, 300, 8192, (size_t)1 << 18,
};

const verify_case_list *verify_cases_of(chanmul_op op)
{
    switch (op) {
    case CHANMUL_OP_SCALE_GRAD:
        return &grad_family;
    case CHANMUL_OP_SCALE:
    case CHANMUL_OP_SCALE_NC:
    case CHANMUL_OP_GATE:
    case CHANMUL_OP_MUL: /* the product walks z as a slice of the sample's length */
    case CHANMUL_OP_AFFINE: /* s and b walk as the channel scale's s */
    case CHANMUL_OP_BCAST:  /* (its shape pairs are bcast_cases.c's; never asked here) */
    case CHANMUL_OP_COUNT:
        break;
    }
    return &factor_family;
}

/* ---- shapes drawn or derived ------------------------------------------------------- */


static size_t log_uniform(uint64_t *rng, size_t max)
{
    double u = (double)(verify_splitmix64(rng) >> 11) / 9007199254740992.0; /* [0, 1) */
    size_t v = (size_t)exp(u * log((double)max + 1.0));
    return v < 1 ? 1 : v > max ? max : v;
}

chanmul_problem verify_random_shape(const verify_case_list *cl, uint64_t *rng, chanmul_op op)
{
    chanmul_problem p = {op, 0, log_uniform(rng, cl->max_n), log_uniform(rng, cl->max_h),
                         log_uniform(rng, cl->max_w), log_uniform(rng, cl->max_c)};
    while (p.n * p.h * p.w * p.c > cl->max_elements) {
        size_t *largest = &p.n;
        if (p.h > *largest)
            largest = &p.h;
        if (p.w > *largest)
            largest = &p.w;
        if (p.c > *largest)
            largest = &p.c;
        *largest = (*largest + 1) / 2;
    }
    return p;
}

void verify_large_shapes(chanmul_op op, chanmul_problem out[VERIFY_LARGE_SHAPES])
{
    /* one NHWC-hostile (C = 3), one wide */
    size_t elements = chanmul_llc_usable_bytes() / sizeof(float) * 5 / 4;
    chanmul_problem a = {op, 0, 1, 0, 1024, 3};
    a.h = elements / (1024 * 3) + 1;
    chanmul_problem b = {op, 0, 0, 7, 7, 1001};
    b.n = elements / (49 * 1001) + 1;
    out[0] = a;
    out[1] = b;
}
