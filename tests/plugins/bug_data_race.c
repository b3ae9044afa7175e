/*
 * bug_data_race.c: PLANTED BUG for the verifier's tests.
 *
 * A threaded kernel (OpenMP, honours the thread count) that stages each row
 * of work (a pixel's C channels in NHWC, a plane in NCHW) through a scratch
 * buffer: copy the row of x in, scale it there, copy it out to y. The scratch
 * row is allocated once per call and SHARED by all threads, so two threads
 * working at the same time overwrite each other's staged rows. Correct with
 * one thread; with two or more threads running at once, rows come out with
 * another row's data. On this 2-core machine the larger matrix shapes keep
 * both threads busy long enough that this fails every time.
 */
#include "chanmul.h"

#include <omp.h>
#include <stdlib.h>

int chanmul_plugin_abi = CHANMUL_PLUGIN_ABI;
const char *chanmul_plugin_name = "bug_data_race";
int chanmul_plugin_threaded = 1;

int chanmul_plugin_kernel(const chanmul_problem *p, const float *x, const float *s, float *y,
                          int threads)
{
    int nthreads = threads > 0 ? threads : omp_get_num_procs();
    size_t plane = p->h * p->w;
    size_t rows = p->layout == CHANMUL_NHWC ? p->n * plane : p->n * p->c;
    size_t row_len = p->layout == CHANMUL_NHWC ? p->c : plane;
    /* volatile: every access really goes to the shared buffer, as it would in a
     * kernel with more work per staged row. */
    volatile float *scratch = malloc(row_len * sizeof(float)); /* BUG: one for all threads */
    if (!scratch)
        return CHANMUL_ENOMEM;
    long long nrows = (long long)rows;
#pragma omp parallel for num_threads(nthreads) schedule(static)
    for (long long r = 0; r < nrows; r++) {
        const float *xr = x + (size_t)r * row_len;
        float *yr = y + (size_t)r * row_len;
        for (size_t j = 0; j < row_len; j++)
            scratch[j] = xr[j];
        for (size_t j = 0; j < row_len; j++)
            scratch[j] = scratch[j] * s[p->layout == CHANMUL_NHWC ? j : (size_t)r % p->c];
        for (size_t j = 0; j < row_len; j++)
            yr[j] = scratch[j];
    }
    free((void *)scratch);
    return 0;
}
