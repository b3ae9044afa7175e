/*
 * bug_grad_thread_order.c: PLANTED BUG for the verifier's tests (plugin ABI 2,
 * op scale_grad).
 *
 * The reduction most threaded code writes: the rows cut into one chunk per
 * thread, each chunk summed (in double, so within the error bound), the
 * chunks' partials then added. Every result is accurate, but its last bits
 * follow the thread count: the verifier's bound passes it, its cross-thread
 * rule (the same bits at 1, 2, 3 and 7 threads) must not. The chunks are
 * summed one after another here, in the order a team of `threads` would
 * have: the trap is the order, not a race.
 */
#include "chanmul.h"

#include <math.h>
#include <stdlib.h>

int chanmul_plugin_abi = CHANMUL_PLUGIN_ABI;
const char *chanmul_plugin_name = "bug_grad_thread_order";
int chanmul_plugin_threaded = 1;

static size_t offset(const chanmul_problem *p, size_t row, size_t c)
{
    size_t plane = p->h * p->w;
    return p->layout == CHANMUL_NHWC ? row * p->c + c : (row / plane * p->c + c) * plane + row % plane;
}

int chanmul_plugin_scale_grad(const chanmul_desc *d, const chanmul_tensors *t, int threads)
{
    const chanmul_problem *p = &d->p;
    const float *x = t->in[0], *s = t->in[1], *dy = t->in[2];
    float *dx = t->out[0], *ds = t->out[1], *db = t->out[2];
    size_t rows = p->n * p->h * p->w, chunks = threads > 0 ? (size_t)threads : 2;
    for (size_t c = 0; c < p->c; c++) {
        double total_s = 0.0, total_b = 0.0;
        for (size_t k = 0; k < chunks; k++) { /* the bug: the chunks follow the thread count */
            double part_s = 0.0, part_b = 0.0;
            for (size_t r = rows * k / chunks; r < rows * (k + 1) / chunks; r++) {
                size_t i = offset(p, r, c);
                part_s += (double)dy[i] * (double)x[i];
                part_b += (double)dy[i];
            }
            total_s += part_s;
            total_b += part_b;
        }
        ds[c] = isnan(total_s) ? NAN : (float)total_s;
        db[c] = isnan(total_b) ? NAN : (float)total_b;
    }
    for (size_t r = 0; r < rows; r++) /* after the sums: dx may be dy */
        for (size_t c = 0; c < p->c; c++) {
            size_t i = offset(p, r, c);
            dx[i] = dy[i] * s[c];
        }
    return 0;
}
