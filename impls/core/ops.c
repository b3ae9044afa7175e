/* The per-op facts table (impls/core/ops.inc) and the descriptor built from it. */
#include "chanmul_internal.h"

#include <stdint.h>
#include <string.h>

static const chanmul_op_info op_table[CHANMUL_OP_COUNT] = {
#define CHANMUL_OP(name_, ENUM, formula_, in, out, names, axes, in_place, rounding_)          \
    [CHANMUL_OP_##ENUM] = {CHANMUL_OP_##ENUM, #name_, formula_, in, out, CHANMUL_UNPAREN names, \
                           CHANMUL_UNPAREN axes, in_place, rounding_},
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
    size_t total = 1;
    *err = 0;
    for (int i = 0; i < s->rank; i++)
        if (s->dims[i] == 0)
            return 0;
    for (int i = 0; i < s->rank; i++) {
        if (total > SIZE_MAX / s->dims[i]) {
            *err = CHANMUL_EOVERFLOW;
            return 0;
        }
        total *= s->dims[i];
    }
    if (total > SIZE_MAX / sizeof(float)) {
        *err = CHANMUL_EOVERFLOW;
        return 0;
    }
    return total;
}

/* The data tensor's logical axes in memory order, for a layout. */
static void memory_order(const chanmul_problem *p, unsigned axes[4], size_t extents[4])
{
    static const unsigned nhwc[4] = {CHANMUL_AXIS_N, CHANMUL_AXIS_H, CHANMUL_AXIS_W, CHANMUL_AXIS_C};
    static const unsigned nchw[4] = {CHANMUL_AXIS_N, CHANMUL_AXIS_C, CHANMUL_AXIS_H, CHANMUL_AXIS_W};
    const unsigned *order = p->layout == CHANMUL_NHWC ? nhwc : nchw;
    for (int i = 0; i < 4; i++) {
        axes[i] = order[i];
        extents[i] = order[i] == CHANMUL_AXIS_N ? p->n
                     : order[i] == CHANMUL_AXIS_H ? p->h
                     : order[i] == CHANMUL_AXIS_W ? p->w
                                                  : p->c;
    }
}

static chanmul_shape shape_on_axes(const chanmul_problem *p, unsigned kept)
{
    unsigned axes[4];
    size_t extents[4];
    chanmul_shape s = {0, {0}};
    memory_order(p, axes, extents);
    for (int i = 0; i < 4; i++)
        if (kept & axes[i])
            s.dims[s.rank++] = extents[i];
    return s;
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
    memset(d, 0, sizeof *d);
    d->p = *p;
    d->inputs = info->inputs;
    d->outputs = info->outputs;
    int err = 0;
    for (int k = 0; k < info->inputs; k++) {
        d->in[k] = shape_on_axes(p, info->operand_axes[k]);
        if (chanmul_shape_elements(&d->in[k], &err), err)
            return err;
    }
    for (int k = 0; k < info->outputs; k++) {
        d->out[k] = shape_on_axes(p, info->operand_axes[info->inputs + k]);
        if (chanmul_shape_elements(&d->out[k], &err), err)
            return err;
    }
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
