/*
 * bug_flush_denormals.c: PLANTED BUG for the verifier's tests.
 *
 * The kernel switches the SSE unit to flush-to-zero and denormals-are-zero
 * (MXCSR bits FTZ and DAZ, what -ffast-math's startup code does) for the
 * duration of the call, and restores the caller's MXCSR afterwards. Every
 * product whose exact result is denormal becomes +-0, and every denormal
 * input counts as 0. Correct on data without denormals (small integers);
 * wrong on the verifier's "random" and "special" data.
 */
#include "chanmul.h"

#include <xmmintrin.h>

int chanmul_plugin_abi = CHANMUL_PLUGIN_ABI;
const char *chanmul_plugin_name = "bug_flush_denormals";
int chanmul_plugin_threaded = 0;

#define MXCSR_DAZ 0x0040u
#define MXCSR_FTZ 0x8000u

int chanmul_plugin_kernel(const chanmul_problem *p, const float *x, const float *s, float *y,
                          int threads)
{
    (void)threads;
    size_t plane = p->h * p->w, total = p->n * plane * p->c;
    unsigned int saved = _mm_getcsr();
    _mm_setcsr(saved | MXCSR_FTZ | MXCSR_DAZ); /* BUG: denormals flushed to zero */
    __asm__ __volatile__("" ::: "memory");     /* keep the loop between the two writes */
    for (size_t i = 0; i < total; i++)
        y[i] = x[i] * s[p->layout == CHANMUL_NHWC ? i % p->c : i / plane % p->c];
    __asm__ __volatile__("" ::: "memory");
    _mm_setcsr(saved);
    return 0;
}
