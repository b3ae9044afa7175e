/*
 * bug_missed_chunk.c: PLANTED BUG for the verifier's tests.
 *
 * A threaded kernel (OpenMP, honours the thread count) that splits the rows
 * of work (pixels in NHWC, planes in NCHW) into equal chunks of
 * rows / threads and gives chunk t to thread t. The last rows % threads rows
 * belong to nobody and are never written. Correct with one thread or when
 * the thread count divides the rows; wrong otherwise (and with more threads
 * than rows, nothing at all is written).
 */
#include "chanmul.h"

#include <omp.h>

int chanmul_plugin_abi = CHANMUL_PLUGIN_ABI;
const char *chanmul_plugin_name = "bug_missed_chunk";
int chanmul_plugin_threaded = 1;

int chanmul_plugin_kernel(const chanmul_problem *p, const float *x, const float *s, float *y,
                          int threads)
{
    int nthreads = threads > 0 ? threads : omp_get_num_procs();
    size_t plane = p->h * p->w;
    size_t rows = p->layout == CHANMUL_NHWC ? p->n * plane : p->n * p->c;
    size_t row_len = p->layout == CHANMUL_NHWC ? p->c : plane;
#pragma omp parallel num_threads(nthreads)
    {
        size_t team = (size_t)omp_get_num_threads(), t = (size_t)omp_get_thread_num();
        size_t chunk = rows / team; /* BUG: the remainder rows % team is dropped */
        for (size_t r = t * chunk; r < (t + 1) * chunk; r++)
            for (size_t j = 0; j < row_len; j++) {
                size_t i = r * row_len + j;
                size_t c = p->layout == CHANMUL_NHWC ? j : r % p->c;
                y[i] = x[i] * s[c];
            }
    }
    return 0;
}
