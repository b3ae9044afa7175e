/* Portable range kernels: plain C for any CPU (no ISA flags; the compiler may
 * use the baseline vector unit). Streaming stores are not available here. */
#include "chanmul_internal.h"

static void stream_pattern(const float *x, float *y, const chanmul_pattern *pat, size_t begin,
                           size_t end, int nontemporal)
{
    (void)nontemporal;
    size_t period = pat->period, k = begin ? begin % period : 0;
    /* runs of the pattern without a wrap inside, so the compiler can vectorise
     * each run with the baseline vector unit */
    for (size_t i = begin; i < end;) {
        size_t run = period - k < end - i ? period - k : end - i;
        const float *pv = pat->values + k;
        for (size_t j = 0; j < run; j++)
            y[i + j] = x[i + j] * pv[j];
        i += run;
        k = 0;
    }
}

static void stream_planes(const float *x, float *y, const float *s, size_t c, size_t hw,
                          size_t begin, size_t end, int nontemporal)
{
    (void)nontemporal;
    size_t i = begin;
    while (i < end) {
        size_t plane = i / hw;
        size_t stop = (plane + 1) * hw < end ? (plane + 1) * hw : end;
        float scale = s[plane % c];
        for (; i < stop; i++)
            y[i] = x[i] * scale;
    }
}

static void copy_floats(float *y, const float *x, size_t n)
{
    for (size_t i = 0; i < n; i++) /* the compiler's baseline vectors (SSE2) */
        y[i] = x[i];
}

const chanmul_range_kernels chanmul_range_scalar = {CHANMUL_ISA_SCALAR, stream_pattern, stream_planes,
                                                   chanmul_build_pattern_portable, copy_floats, NULL, 0};
