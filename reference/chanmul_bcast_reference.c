/*
 * The ground truth of the general broadcast, y = a * b by NumPy's rules: for
 * every element of y, its index over y's axes, and each operand's element at
 * that index with its own dimensions of 1 held at 0 (the shapes aligned from
 * the last axis). Plain index arithmetic, one IEEE single-precision multiply
 * per output (see reference.h); nothing is merged or collapsed.
 */
#include "reference.h"

/* Offset in s (row-major) of y's index idx, s aligned to y's last axis. */
static size_t operand_offset(const chanmul_shape *s, const chanmul_shape *y, const size_t *idx)
{
    size_t off = 0;
    for (int k = 0; k < s->rank; k++) {
        size_t i = idx[k + (y->rank - s->rank)];
        off = off * s->dims[k] + (s->dims[k] == 1 ? 0 : i);
    }
    return off;
}

int chanmul_bcast_reference(const chanmul_desc *d, const chanmul_tensors *t, int threads)
{
    (void)threads; /* single-threaded by design */
    const chanmul_shape *sa = &d->in[0], *sb = &d->in[1], *sy = &d->out[0];
    const float *a = t->in[0], *b = t->in[1];
    float *y = t->out[0];
    size_t total = 1;
    for (int k = 0; k < sy->rank; k++)
        total *= sy->dims[k];
    size_t idx[CHANMUL_MAX_RANK];
    for (size_t i = 0; i < total; i++) {
        size_t rest = i;
        for (int k = sy->rank - 1; k >= 0; k--) {
            idx[k] = rest % sy->dims[k];
            rest /= sy->dims[k];
        }
        y[i] = a[operand_offset(sa, sy, idx)] * b[operand_offset(sb, sy, idx)];
    }
    return CHANMUL_OK;
}
