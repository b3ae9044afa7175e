/*
 * bug_batch_from_8.c: PLANTED BUG for the verifier's tests (plugin ABI 1).
 *
 * The batch is walked in blocks of 8 samples, the way an unrolled batch loop
 * would; from a batch of 8 on, the block arithmetic is off by one and the last
 * sample is computed from the sample before it (y[N-1] = x[N-2] * s). Correct
 * for every batch below 8 (all the edge matrix's batches); wrong for 8, 9, 16,
 * 33, 64, 256: only the verifier's magnitude cases can catch it.
 */
#include "chanmul.h"

int chanmul_plugin_abi = 1;
const char *chanmul_plugin_name = "bug_batch_from_8";
int chanmul_plugin_threaded = 0;

int chanmul_plugin_kernel(const chanmul_problem *p, const float *x, const float *s, float *y,
                          int threads)
{
    (void)threads;
    size_t plane = p->h * p->w, sample = plane * p->c;
    for (size_t n = 0; n < p->n; n++) {
        /* the bug: the source sample of the last one, when the batch is >= 8 */
        size_t from = p->n >= 8 && n == p->n - 1 ? n - 1 : n;
        for (size_t j = 0; j < sample; j++) {
            size_t c = p->layout == CHANMUL_NHWC ? j % p->c : j / plane;
            y[n * sample + j] = x[from * sample + j] * s[c];
        }
    }
    return 0;
}
