/*
 * bug_grad_drops_tail.c: PLANTED BUG for the verifier's tests (plugin ABI 2,
 * op scale_grad).
 *
 * A blocked reduction that sums whole blocks of 256 rows and forgets the
 * last, partial one: ds and db leave out the final R mod 256 rows (all of
 * them below 256 rows), while dx is right everywhere. Shapes of a multiple
 * of 256 rows pass; the verifier's bound against the exact sum catches the
 * others. The sums are otherwise in a fixed order, the same at every thread
 * count.
 */
#include "chanmul.h"

#include <math.h>

int chanmul_plugin_abi = CHANMUL_PLUGIN_ABI;
const char *chanmul_plugin_name = "bug_grad_drops_tail";
int chanmul_plugin_threaded = 0;

#define BLOCK_ROWS 256

static size_t offset(const chanmul_problem *p, size_t row, size_t c)
{
    size_t plane = p->h * p->w;
    return p->layout == CHANMUL_NHWC ? row * p->c + c : (row / plane * p->c + c) * plane + row % plane;
}

int chanmul_plugin_scale_grad(const chanmul_desc *d, const chanmul_tensors *t, int threads)
{
    (void)threads;
    const chanmul_problem *p = &d->p;
    const float *x = t->in[0], *s = t->in[1], *dy = t->in[2];
    float *dx = t->out[0], *ds = t->out[1], *db = t->out[2];
    size_t rows = p->n * p->h * p->w;
    size_t whole = rows / BLOCK_ROWS * BLOCK_ROWS; /* the bug: rows [whole, rows) are never summed */
    for (size_t c = 0; c < p->c; c++) {
        double sum_s = 0.0, sum_b = 0.0;
        for (size_t b = 0; b < whole; b += BLOCK_ROWS) {
            double part_s = 0.0, part_b = 0.0;
            for (size_t r = b; r < b + BLOCK_ROWS; r++) {
                size_t i = offset(p, r, c);
                part_s += (double)dy[i] * (double)x[i];
                part_b += (double)dy[i];
            }
            sum_s += part_s;
            sum_b += part_b;
        }
        ds[c] = isnan(sum_s) ? NAN : (float)sum_s;
        db[c] = isnan(sum_b) ? NAN : (float)sum_b;
    }
    for (size_t r = 0; r < rows; r++)
        for (size_t c = 0; c < p->c; c++) {
            size_t i = offset(p, r, c);
            dx[i] = dy[i] * s[c];
        }
    return 0;
}
