/* Portable range kernels: plain C for any CPU (no ISA flags; the compiler may
 * use the baseline vector unit). Streaming stores are not available here. */
#include "chanmul_internal.h"

static void nhwc(const float *x, float *y, const chanmul_pattern *pat, size_t begin,
                 size_t end, int nontemporal)
{
    (void)nontemporal;
    size_t period = pat->period, k = begin % period;
    for (size_t i = begin; i < end; i++) {
        y[i] = x[i] * pat->values[k];
        if (++k == period)
            k = 0;
    }
}

static void nchw(const float *x, float *y, const float *s, size_t c, size_t hw, size_t begin,
                 size_t end, int nontemporal)
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

const chanmul_range_kernels chanmul_range_scalar = {CHANMUL_ISA_SCALAR, 1, nhwc, nchw};
