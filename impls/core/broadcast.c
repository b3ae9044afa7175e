/*
 * bcast's shapes: NumPy's broadcasting rule, the problem it defines, and the
 * plan its kernels walk (the result's axes with size 1 dropped and adjacent
 * axes of the same broadcast kind merged, each operand's stride 0 where it is
 * stretched).
 */
#include "chanmul_internal.h"

#include <stdio.h>
#include <string.h>

/* d of shape s at axis `axis` of a result of rank `rank` (1 where s has no such axis). */
static size_t aligned_dim(const chanmul_shape *s, int rank, int axis)
{
    int k = axis - (rank - s->rank);
    return k >= 0 ? s->dims[k] : 1;
}

static const char *format_dims(const chanmul_shape *s, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    if (s->rank == 0)
        snprintf(buf, len, "scalar");
    for (int i = 0; i < s->rank && used < len; i++)
        used += (size_t)snprintf(buf + used, len - used, "%s%zu", i ? "x" : "", s->dims[i]);
    return buf;
}

int chanmul_broadcast_shapes(const chanmul_shape *a, const chanmul_shape *b, chanmul_shape *y,
                             char *why, size_t len)
{
    if (!a || !b || !y || a->rank < 0 || b->rank < 0 || a->rank > CHANMUL_MAX_RANK ||
        b->rank > CHANMUL_MAX_RANK) {
        if (why && len)
            snprintf(why, len, "a shape's rank must be 0 to %d", CHANMUL_MAX_RANK);
        return CHANMUL_EPROBLEM;
    }
    int rank = a->rank > b->rank ? a->rank : b->rank;
    chanmul_shape out; /* (written at the end: y may be a or b) */
    for (int i = 0; i < rank; i++) {
        size_t da = aligned_dim(a, rank, i), db = aligned_dim(b, rank, i);
        if (da != db && da != 1 && db != 1) {
            if (why && len) {
                char as[160], bs[160];
                snprintf(why, len,
                         "cannot broadcast shapes %s and %s: at axis %d of the result, %zu (axis %d of %s) "
                         "against %zu (axis %d of %s); aligned from the last axis, each pair of "
                         "dimensions must be equal or one of them 1",
                         format_dims(a, as, sizeof as), format_dims(b, bs, sizeof bs), i, da,
                         i - (rank - a->rank), as, db, i - (rank - b->rank), bs);
            }
            return CHANMUL_ESHAPE;
        }
        /* 0 against 1 is 0: an empty result, as in NumPy */
        out.dims[i] = da == 1 ? db : da;
    }
    out.rank = rank;
    *y = out;
    return 0;
}

/* The broadcast of a and b into *y, and no operand's size overflowing. */
static int broadcast_checked(const chanmul_shape *a, const chanmul_shape *b, chanmul_shape *y, char *why,
                             size_t len)
{
    int err = chanmul_broadcast_shapes(a, b, y, why, len);
    if (err)
        return err;
    const chanmul_shape *all[3] = {a, b, y};
    for (int k = 0; k < 3; k++)
        if (chanmul_shape_elements(all[k], &err), err) {
            if (why && len)
                snprintf(why, len, "the tensors of this broadcast are too large for size_t");
            return err;
        }
    return 0;
}

/* y's shape folded to N, H, W, C: the last three dimensions and the product of the rest. */
static void fold_result(const chanmul_shape *y, size_t nhwc[4])
{
    nhwc[0] = nhwc[1] = nhwc[2] = nhwc[3] = 1;
    int lead = y->rank > 3 ? y->rank - 3 : 0;
    for (int i = 0; i < lead; i++)
        nhwc[0] *= y->dims[i]; /* (no overflow: the caller checked y's element count) */
    for (int i = lead; i < y->rank; i++)
        nhwc[4 - (y->rank - i)] = y->dims[i];
}

int chanmul_bcast_problem(chanmul_problem *p, const chanmul_shape *a, const chanmul_shape *b,
                          char *why, size_t len)
{
    chanmul_shape y;
    if (!p)
        return CHANMUL_EPROBLEM;
    int err = broadcast_checked(a, b, &y, why, len);
    if (err)
        return err;
    chanmul_shape sa = *a, sb = *b; /* (a and b may be p's own) */
    memset(p, 0, sizeof *p);
    p->op = CHANMUL_OP_BCAST;
    p->layout = CHANMUL_NHWC;
    p->a = sa;
    p->b = sb;
    size_t nhwc[4];
    fold_result(&y, nhwc);
    p->n = nhwc[0];
    p->h = nhwc[1];
    p->w = nhwc[2];
    p->c = nhwc[3];
    return 0;
}

int chanmul_bcast_shapes_of(const chanmul_problem *p, chanmul_shape *y)
{
    int err = broadcast_checked(&p->a, &p->b, y, NULL, 0);
    if (err)
        return err == CHANMUL_EOVERFLOW ? err : CHANMUL_ESHAPE;
    size_t nhwc[4];
    fold_result(y, nhwc);
    /* n, h, w, c must be y's fold: a problem that says two things is malformed */
    if (p->n != nhwc[0] || p->h != nhwc[1] || p->w != nhwc[2] || p->c != nhwc[3])
        return CHANMUL_ESHAPE;
    return 0;
}

void chanmul_bcast_plan_of(const chanmul_desc *d, chanmul_bcast_plan *pl)
{
    const chanmul_shape *a = &d->in[0], *b = &d->in[1], *y = &d->out[0];
    int rank = y->rank, out = 0;
    unsigned kinds[CHANMUL_MAX_RANK];
    size_t dims[CHANMUL_MAX_RANK];
    for (int i = 0; i < rank; i++) {
        size_t dy = y->dims[i];
        if (dy == 1)
            continue; /* an axis of 1 walks nothing */
        unsigned kind = (aligned_dim(a, rank, i) == dy ? CHANMUL_BCAST_A : 0) |
                        (aligned_dim(b, rank, i) == dy ? CHANMUL_BCAST_B : 0);
        if (out > 0 && kinds[out - 1] == kind) {
            dims[out - 1] *= dy; /* contiguous in every operand that has it: one axis */
            continue;
        }
        kinds[out] = kind;
        dims[out++] = dy;
    }
    if (out == 0) { /* one element */
        kinds[0] = CHANMUL_BCAST_A | CHANMUL_BCAST_B;
        dims[0] = 1;
        out = 1;
    }
    pl->rank = out;
    pl->total = 1;
    size_t step_a = 1, step_b = 1;
    for (int i = out - 1; i >= 0; i--) {
        pl->dims[i] = dims[i];
        pl->kinds[i] = kinds[i];
        pl->stride_a[i] = kinds[i] & CHANMUL_BCAST_A ? step_a : 0;
        pl->stride_b[i] = kinds[i] & CHANMUL_BCAST_B ? step_b : 0;
        if (kinds[i] & CHANMUL_BCAST_A)
            step_a *= dims[i];
        if (kinds[i] & CHANMUL_BCAST_B)
            step_b *= dims[i];
        pl->total *= dims[i];
    }
}

void chanmul_bcast_row_start(const chanmul_bcast_plan *pl, size_t row, size_t *off_a, size_t *off_b,
                             size_t idx[CHANMUL_MAX_RANK])
{
    *off_a = *off_b = 0;
    for (int i = pl->rank - 2; i >= 0; i--) {
        idx[i] = row % pl->dims[i];
        row /= pl->dims[i];
        *off_a += idx[i] * pl->stride_a[i];
        *off_b += idx[i] * pl->stride_b[i];
    }
}

void chanmul_bcast_row_next(const chanmul_bcast_plan *pl, size_t *off_a, size_t *off_b,
                            size_t idx[CHANMUL_MAX_RANK])
{
    for (int i = pl->rank - 2; i >= 0; i--) {
        *off_a += pl->stride_a[i];
        *off_b += pl->stride_b[i];
        if (++idx[i] < pl->dims[i])
            return;
        *off_a -= idx[i] * pl->stride_a[i];
        *off_b -= idx[i] * pl->stride_b[i];
        idx[i] = 0;
    }
}

int chanmul_shape_equal(const chanmul_shape *a, const chanmul_shape *b)
{
    if (a->rank != b->rank || a->rank < 0 || a->rank > CHANMUL_MAX_RANK)
        return 0;
    for (int i = 0; i < a->rank; i++)
        if (a->dims[i] != b->dims[i])
            return 0;
    return 1;
}

int chanmul_problem_equal(const chanmul_problem *a, const chanmul_problem *b)
{
    return a->op == b->op && a->layout == b->layout && a->n == b->n && a->h == b->h && a->w == b->w &&
           a->c == b->c &&
           (a->op != CHANMUL_OP_BCAST || (chanmul_shape_equal(&a->a, &b->a) && chanmul_shape_equal(&a->b, &b->b)));
}
