/*
 * stream: the roofline kernel. The SIMD range kernels of the best allowed ISA
 * (flat streams: NHWC against a repeated scale pattern, NCHW with one blend
 * per plane boundary), work cut evenly by bytes across an explicit number of
 * threads on 64-byte boundaries, no threads at all for problems too small to
 * pay for them, and streaming stores when the output is larger than the
 * last-level cache and not in place.
 */
#include "chanmul_internal.h"

int chanmul_scale_stream(const chanmul_problem *p, const float *x, const float *s, float *y,
                         int threads)
{
    return chanmul_run_ranges(chanmul_range_kernels_for_cpu(), p, x, s, y, threads, 1);
}
