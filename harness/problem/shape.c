#include "shape.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Reads one unsigned decimal number at *text, advancing it. */
static int read_dim(const char **text, size_t *out)
{
    const char *t = *text;
    if (!isdigit((unsigned char)*t))
        return -1;
    size_t v = 0;
    for (; isdigit((unsigned char)*t); t++) {
        size_t d = (size_t)(*t - '0');
        if (v > (SIZE_MAX - d) / 10)
            return -2;
        v = v * 10 + d;
    }
    *out = v;
    *text = t;
    return 0;
}

int shape_parse(const char *text, chanmul_problem *p, char *err, size_t errlen)
{
    static const char *names[4] = {"N", "H", "W", "C"};
    size_t dims[4];
    const char *t = text ? text : "";
    for (int i = 0; i < 4; i++) {
        int rc = read_dim(&t, &dims[i]);
        if (rc == -2) {
            snprintf(err, errlen, "malformed shape '%s': %s is too large", text, names[i]);
            return -1;
        }
        if (rc != 0) {
            snprintf(err, errlen,
                     "malformed shape '%s': expected NxHxWxC, four non-negative integers "
                     "separated by 'x' (e.g. 32x28x28x64); %s is missing or not a number",
                     text, names[i]);
            return -1;
        }
        if (i < 3 && *t++ != 'x') {
            snprintf(err, errlen,
                     "malformed shape '%s': expected NxHxWxC with exactly four dimensions "
                     "separated by 'x' (e.g. 32x28x28x64)",
                     text);
            return -1;
        }
    }
    if (*t != '\0') {
        snprintf(err, errlen,
                 "malformed shape '%s': unexpected '%s' after C; expected NxHxWxC (e.g. 32x28x28x64)",
                 text, t);
        return -1;
    }
    p->n = dims[0];
    p->h = dims[1];
    p->w = dims[2];
    p->c = dims[3];
    return 0;
}

int layout_parse(const char *text, chanmul_layout *layout)
{
    if (text && strcasecmp(text, "nhwc") == 0)
        *layout = CHANMUL_NHWC;
    else if (text && strcasecmp(text, "nchw") == 0)
        *layout = CHANMUL_NCHW;
    else
        return -1;
    return 0;
}

int int_parse(const char *text, int *value)
{
    if (!text || !isdigit((unsigned char)*text))
        return -1;
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (errno || *end || v > INT32_MAX)
        return -1;
    *value = (int)v;
    return 0;
}

int u64_parse(const char *text, unsigned long long *value)
{
    /* digits only: strtoull alone takes "-1" (as 2^64-1) and " 5" */
    if (!text || !isdigit((unsigned char)*text))
        return -1;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno || *end)
        return -1;
    *value = v;
    return 0;
}

const char *shape_format(const chanmul_problem *p, char *buf, size_t len)
{
    if (p->op == CHANMUL_OP_BCAST) {
        char a[160], b[160];
        snprintf(buf, len, "%s,%s", dims_format(&p->a, a, sizeof a), dims_format(&p->b, b, sizeof b));
        return buf;
    }
    snprintf(buf, len, "%zux%zux%zux%zu", p->n, p->h, p->w, p->c);
    return buf;
}

int problem_shape_parse(const char *text, chanmul_problem *p, char *err, size_t errlen)
{
    if (!text || !strchr(text, ',')) { /* (a memcpy row's shape is its kernels') */
        chanmul_problem q = {p->op == CHANMUL_OP_BCAST ? CHANMUL_OP_SCALE : p->op, CHANMUL_NHWC, 0, 0, 0, 0};
        if (shape_parse(text, &q, err, errlen) != 0)
            return -1;
        q.layout = p->layout;
        *p = q;
        return 0;
    }
    const char *comma = strchr(text, ',');
    char first[256];
    if ((size_t)(comma - text) >= sizeof first) {
        snprintf(err, errlen, "malformed bcast shapes '%s': expected A,B (e.g. 8x1x6x1,7x1x5)", text ? text : "");
        return -1;
    }
    memcpy(first, text, (size_t)(comma - text));
    first[comma - text] = '\0';
    chanmul_shape a, b;
    if (dims_parse(first, &a, err, errlen) != 0 || dims_parse(comma + 1, &b, err, errlen) != 0)
        return -1;
    return chanmul_bcast_problem(p, &a, &b, err, errlen) == 0 ? 0 : -1;
}

void bcast_default_b(const chanmul_shape *a, chanmul_shape *b)
{
    b->rank = a->rank > 0;
    if (a->rank > 0)
        b->dims[0] = a->dims[a->rank - 1];
}

int dims_parse(const char *text, chanmul_shape *s, char *err, size_t errlen)
{
    const char *t = text ? text : "";
    int rank = 0;
    if (strcmp(t, "scalar") == 0) { /* rank 0, as dims_format writes it */
        s->rank = 0;
        return 0;
    }
    for (;;) {
        if (rank == CHANMUL_MAX_RANK) {
            snprintf(err, errlen, "malformed shape '%s': more than %d dimensions", text, CHANMUL_MAX_RANK);
            return -1;
        }
        int rc = read_dim(&t, &s->dims[rank]);
        if (rc == -2) {
            snprintf(err, errlen, "malformed shape '%s': dimension %d is too large", text, rank);
            return -1;
        }
        if (rc != 0) {
            snprintf(err, errlen,
                     "malformed shape '%s': expected 1 to %d non-negative integers separated by 'x' "
                     "(e.g. 7x1x5), or scalar; dimension %d is missing or not a number",
                     text, CHANMUL_MAX_RANK, rank);
            return -1;
        }
        rank++;
        if (*t == '\0')
            break;
        if (*t++ != 'x') {
            snprintf(err, errlen, "malformed shape '%s': unexpected '%s' after dimension %d", text, t - 1,
                     rank - 1);
            return -1;
        }
    }
    s->rank = rank;
    return 0;
}

const char *dims_format(const chanmul_shape *s, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    if (s->rank == 0)
        snprintf(buf, len, "scalar");
    for (int i = 0; i < s->rank && used < len; i++)
        used += (size_t)snprintf(buf + used, len - used, "%s%zu", i ? "x" : "", s->dims[i]);
    return buf;
}

void operand_logical_shape(const chanmul_problem *p, int k, chanmul_shape *s)
{
    const chanmul_op_info *info = chanmul_op_info_of(p->op);
    unsigned axes = info ? info->operand_axes[k] : 0;
    const size_t dims[4] = {p->n, p->h, p->w, p->c};
    static const unsigned bits[4] = {CHANMUL_AXIS_N, CHANMUL_AXIS_H, CHANMUL_AXIS_W, CHANMUL_AXIS_C};
    s->rank = 0;
    for (int a = 0; a < 4; a++)
        if (axes & bits[a])
            s->dims[s->rank++] = dims[a];
}

int shape2_check(const chanmul_problem *p, const chanmul_shape *given, char *err, size_t errlen)
{
    const chanmul_op_info *info = chanmul_op_info_of(p->op);
    if (!info || info->inputs < 2) {
        snprintf(err, errlen, "op %s has no second operand for --shape2", chanmul_op_name(p->op));
        return -1;
    }
    chanmul_shape x, want;
    operand_logical_shape(p, 0, &x);
    operand_logical_shape(p, 1, &want);
    int axis = 0;
    while (axis < want.rank && axis < given->rank && want.dims[axis] == given->dims[axis])
        axis++;
    if (axis == want.rank && axis == given->rank)
        return 0;
    char xs[160], ws[160], gs[160], where[96];
    if (axis < want.rank && axis < given->rank)
        snprintf(where, sizeof where, "they differ first at axis %d (%zu against %zu)", axis,
                 given->dims[axis], want.dims[axis]);
    else
        snprintf(where, sizeof where, "they differ first at axis %d (rank %d against %d)", axis,
                 given->rank, want.rank);
    const char *name = info->operand_names[1];
    if (info->operand_axes[1] == CHANMUL_AXES_ALL)
        snprintf(err, errlen, "shapes differ: x is %s and %s is %s; %s (op %s multiplies tensors of equal shape)",
                 dims_format(&x, xs, sizeof xs), name, dims_format(given, gs, sizeof gs), where, info->name);
    else
        snprintf(err, errlen, "shapes differ: x is %s, so op %s needs %s of shape %s, not %s; %s",
                 dims_format(&x, xs, sizeof xs), info->name, name, dims_format(&want, ws, sizeof ws),
                 dims_format(given, gs, sizeof gs), where);
    return -1;
}
