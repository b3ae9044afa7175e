/* The driver shared by the SIMD-based kernels: picks the ISA's range kernels,
 * builds the scale pattern once, splits the flat tensor across threads by
 * bytes (boundaries on 64-byte multiples so no two threads share a line). */
#include "chanmul_internal.h"

#include <omp.h>
#include <stdlib.h>

/* Below this many elements per thread a second thread costs more than it
 * saves (an OpenMP fork and join is about half a microsecond here, with
 * libgomp's default spinning). CHANMUL_MIN_ELEMENTS_PER_THREAD in the
 * environment overrides it, read once, for tuning on another machine. */
#ifndef CHANMUL_MIN_ELEMENTS_PER_THREAD
#define CHANMUL_MIN_ELEMENTS_PER_THREAD 32768
#endif

static size_t min_elements_per_thread(void)
{
    static size_t cached; /* benign race: every thread computes the same value */
    if (!cached) {
        const char *env = getenv("CHANMUL_MIN_ELEMENTS_PER_THREAD");
        char *end;
        unsigned long long v = env ? strtoull(env, &end, 10) : 0;
        cached = env && *env && !*end && v > 0 ? (size_t)v : CHANMUL_MIN_ELEMENTS_PER_THREAD;
    }
    return cached;
}

/* NCHW planes shorter than this are streamed against a pattern of the
 * expanded scale sequence (when its period fits, and the problem is at least
 * CHANMUL_NCHW_PATTERN_MIN_PERIODS periods long so that building it costs
 * little) rather than plane by plane: a plane walk costs a blend or a masked
 * step per plane. */
#define CHANMUL_NCHW_PATTERN_BELOW_HW 64
#define CHANMUL_NCHW_PATTERN_MIN_PERIODS 8

const chanmul_range_kernels *chanmul_range_kernels_for_cpu(void)
{
    switch (chanmul_kernel_isa()) {
    case CHANMUL_ISA_AVX512: return &chanmul_range_avx512;
    case CHANMUL_ISA_AVX2: return &chanmul_range_avx2;
    case CHANMUL_ISA_SCALAR: break;
    }
    return &chanmul_range_scalar;
}

static void run_chunk(const chanmul_range_kernels *k, const chanmul_problem *p, const float *x,
                      const float *s, float *y, const chanmul_pattern *pat, size_t begin,
                      size_t end, int nontemporal)
{
    if (begin >= end)
        return;
    if (pat->values)
        k->pattern(x, y, pat, begin, end, nontemporal);
    else
        k->planes(x, y, s, p->c, p->h * p->w, begin, end, nontemporal);
}

int chanmul_run_ranges(const chanmul_range_kernels *k, const chanmul_problem *p,
                       const float *x, const float *s, float *y, int threads,
                       int allow_nontemporal)
{
    size_t total = p->n * p->h * p->w * p->c;
    if (total == 0)
        return CHANMUL_OK;
    chanmul_pattern pat = {0};
    /* On the stack: no allocation per call (small problems cannot afford one). */
    _Alignas(64) float local[CHANMUL_PATTERN_MAX_FLOATS + CHANMUL_PATTERN_SLACK + CHANMUL_MAX_LANES];
    size_t hw = p->h * p->w;
    size_t repeat = p->layout == CHANMUL_NHWC ? 1 : hw;
    /* NCHW takes the pattern only when building it costs little beside the
     * problem (a period is C*H*W floats: a whole sample). */
    if (p->layout == CHANMUL_NHWC ||
        (hw < CHANMUL_NCHW_PATTERN_BELOW_HW && p->c * hw <= CHANMUL_PATTERN_MAX_FLOATS &&
         p->c * hw * CHANMUL_NCHW_PATTERN_MIN_PERIODS <= total)) {
        int err = chanmul_pattern_init(&pat, k, s, p->c, repeat, local,
                                       sizeof local / sizeof local[0]);
        if (err)
            return err;
    }
    int nontemporal = allow_nontemporal && k->isa != CHANMUL_ISA_SCALAR &&
                      chanmul_want_nontemporal(total * sizeof(float), x == y);
    size_t max_useful = total / min_elements_per_thread() + 1;
    int nthreads = chanmul_resolve_threads(threads);
    if ((size_t)nthreads > max_useful)
        nthreads = (int)max_useful;
    if (nthreads == 1) {
        run_chunk(k, p, x, s, y, &pat, 0, total, nontemporal);
    } else {
#pragma omp parallel num_threads(nthreads)
        {
            size_t begin, end; /* the team may be smaller than asked: split by its size */
            chanmul_split_range(total, 16, omp_get_num_threads(), omp_get_thread_num(), &begin,
                                &end);
            run_chunk(k, p, x, s, y, &pat, begin, end, nontemporal);
        }
    }
    chanmul_pattern_free(&pat);
    return CHANMUL_OK;
}
