/*
 * simd: explicit intrinsics, single thread. AVX-512F, AVX2 or portable range
 * kernels are chosen at run time from CPU detection (capped by CHANMUL_MAX_ISA).
 * NHWC streams the flat tensor against a repeated scale pattern; NCHW
 * broadcasts one scale per plane; tails are masked.
 */
#include "chanmul_internal.h"

int chanmul_scale_simd(const chanmul_problem *p, const float *x, const float *s, float *y,
                       int threads)
{
    (void)threads; /* single-threaded by design: the threaded variant is `stream` */
    return chanmul_run_ranges(chanmul_range_kernels_for_cpu(), p, x, s, y, 1, 0);
}
