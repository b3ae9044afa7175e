/* The per-op facts table (impls/core/ops.inc) and the descriptor built from it. */
#include "chanmul_internal.h"

#include <stdint.h>
#include <string.h>

static const chanmul_op_info op_table[CHANMUL_OP_COUNT] = {
#define CHANMUL_OP(name_, ENUM, formula_, in, out, names, axes, in_place, rounding_, bcast_)  \
    [CHANMUL_OP_##ENUM] = {CHANMUL_OP_##ENUM, #name_, formula_, in, out, CHANMUL_UNPAREN names, \
                           CHANMUL_UNPAREN axes, in_place, rounding_, bcast_},
#include "ops.inc"
#undef CHANMUL_OP
};

const chanmul_op_info *chanmul_op_info_of(chanmul_op op)
{
    return (unsigned)op < CHANMUL_OP_COUNT ? &op_table[op] : NULL;
}

int chanmul_op_parse(const char *name, chanmul_op *op)
{
    for (int i = 0; name && i < CHANMUL_OP_COUNT; i++)
        if (strcmp(name, op_table[i].name) == 0) {
            *op = (chanmul_op)i;
            return 0;
        }
    return -1;
}

const char *chanmul_op_name(chanmul_op op)
{
    const chanmul_op_info *info = chanmul_op_info_of(op);
    return info ? info->name : "unknown";
}

size_t chanmul_shape_elements(const chanmul_shape *s, int *err)
{
    /* overflow by the compiler's checked multiply, not by division: this runs
     * on every call, and four 64-bit divisions cost more than a small kernel */
    size_t total = 1;
    int overflow = 0;
    *err = 0;
    for (int i = 0; i < s->rank; i++) {
        if (s->dims[i] == 0)
            return 0;
        overflow |= __builtin_mul_overflow(total, s->dims[i], &total);
    }
    size_t bytes;
    if (overflow || __builtin_mul_overflow(total, sizeof(float), &bytes)) {
        *err = CHANMUL_EOVERFLOW;
        return 0;
    }
    return total;
}

/* The shape on `axes` of p's data tensor, in memory order. Written out axis by
 * axis from p itself: a table of extents built first and read back costs a
 * failed store-to-load forward per element on some CPUs (this runs on every
 * call: it was most of a small call's time). */
static inline void shape_on_axes(const chanmul_problem *p, unsigned axes, chanmul_shape *s)
{
    int rank = 0;
    if (axes & CHANMUL_AXIS_N)
        s->dims[rank++] = p->n;
    if (p->layout == CHANMUL_NCHW && (axes & CHANMUL_AXIS_C))
        s->dims[rank++] = p->c;
    if (axes & CHANMUL_AXIS_H)
        s->dims[rank++] = p->h;
    if (axes & CHANMUL_AXIS_W)
        s->dims[rank++] = p->w;
    if (p->layout == CHANMUL_NHWC && (axes & CHANMUL_AXIS_C))
        s->dims[rank++] = p->c;
    s->rank = rank;
}

void chanmul_shape_on_axes(const chanmul_problem *p, unsigned axes, chanmul_shape *s)
{
    shape_on_axes(p, axes, s);
}

int chanmul_desc_init(chanmul_desc *d, const chanmul_problem *p)
{
    if (!d || !p)
        return CHANMUL_EPROBLEM;
    if (p->layout != CHANMUL_NHWC && p->layout != CHANMUL_NCHW)
        return CHANMUL_ELAYOUT;
    const chanmul_op_info *info = chanmul_op_info_of(p->op);
    if (!info)
        return CHANMUL_EOP;
    int err = 0;
    if (info->broadcast) { /* the operands are the problem's own shapes */
        chanmul_shape y;
        if ((err = chanmul_bcast_shapes_of(p, &y)) != 0)
            return err;
        d->p = *p;
        d->inputs = 2;
        d->outputs = 1;
        d->in[0] = p->a;
        d->in[1] = p->b;
        d->in[2].rank = 0;
        d->out[0] = y;
        d->out[1].rank = d->out[2].rank = 0;
        return 0;
    }
    size_t total = chanmul_problem_elements(p, &err);
    if (err)
        return err;
    /* (no memset: a call's descriptor is built on every chanmul_run, and only
     * the operands the op has are read) */
    d->p = *p;
    d->inputs = info->inputs;
    d->outputs = info->outputs;
    for (int k = 0; k < info->inputs + info->outputs; k++) {
        chanmul_shape *s = k < info->inputs ? &d->in[k] : &d->out[k - info->inputs];
        shape_on_axes(p, info->operand_axes[k], s);
        /* an operand's dims are some of x's: it can only overflow when x is
         * empty (a zero dimension outside it) */
        if (total == 0 && (chanmul_shape_elements(s, &err), err))
            return err;
    }
    for (int k = info->inputs; k < CHANMUL_MAX_INPUTS; k++)
        d->in[k].rank = 0;
    for (int k = info->outputs; k < CHANMUL_MAX_OUTPUTS; k++)
        d->out[k].rank = 0;
    return 0;
}

double chanmul_desc_bytes(const chanmul_desc *d)
{
    double bytes = 0;
    int err;
    for (int k = 0; k < d->inputs; k++)
        bytes += (double)chanmul_shape_elements(&d->in[k], &err) * sizeof(float);
    for (int k = 0; k < d->outputs; k++)
        bytes += (double)chanmul_shape_elements(&d->out[k], &err) * sizeof(float);
    return bytes;
}
