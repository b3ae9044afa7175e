/*
 * test_ops: operations as data (include/chanmul.h). The facts table
 * (chanmul_op_info_of, chanmul_op_parse), the descriptor (chanmul_desc_init,
 * chanmul_shape_elements, chanmul_desc_bytes), the checks and the call
 * (chanmul_check_desc, chanmul_exec, chanmul_impl_covers), and every
 * registered implementation against the reference for every op it covers.
 *
 * The definitions checked (x and y are NHWC or NCHW per p.layout):
 *   scale     y = x * s[c]                  s: (C)
 *   scale_nc  y = x * s[n*C + c]            s: (N, C)
 *   gate      y = x * g[(n*H + h)*W + w]    g: (N, H, W) in both layouts
 *
 * The last line printed is exactly "N passed, M failed"; the exit status is
 * non-zero when M > 0.
 */
#include "chanmul.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

/* the ops of one factor operand (x, f -> y), whose definitions compute_expected knows */
static const chanmul_op ALL_OPS[] = {CHANMUL_OP_SCALE, CHANMUL_OP_SCALE_NC, CHANMUL_OP_GATE, CHANMUL_OP_MUL};
static const chanmul_layout ALL_LAYOUTS[] = {CHANMUL_NHWC, CHANMUL_NCHW};

/* ---- helpers ------------------------------------------------------------------- */

#define SENTINEL_BITS 0x7fa5a5a5u /* a signalling-NaN pattern no kernel produces */

static float sentinel(void)
{
    uint32_t b = SENTINEL_BITS;
    float f;
    memcpy(&f, &b, sizeof f);
    return f;
}

static void fill_sentinel(float *y, size_t n)
{
    float v = sentinel();
    for (size_t i = 0; i < n; i++)
        y[i] = v;
}

/* Index of the first element that is no longer the sentinel, or n. */
static size_t first_touched(const float *y, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint32_t b;
        memcpy(&b, &y[i], sizeof b);
        if (b != SENTINEL_BITS)
            return i;
    }
    return n;
}

/* Index of the first element whose bits differ, or n. */
static size_t first_difference(const float *a, const float *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (memcmp(&a[i], &b[i], sizeof(float)) != 0)
            return i;
    return n;
}

/* Small non-zero integers: every product is exact and far from the denormal
 * range (XNNPACK flushes denormals), and a wrong index cannot pass. */
static void fill_data(float *x, size_t total, unsigned seed)
{
    for (size_t i = 0; i < total; i++)
        x[i] = (float)(1 + (int)((i * 7 + seed) % 13)) * ((i + seed) % 3 == 0 ? -1.0f : 1.0f);
}

static void fill_factor(float *f, size_t count, unsigned seed)
{
    /* distinct for the first 1000 entries: |x * f| <= 13 * 1000 < 2^24 */
    for (size_t k = 0; k < count; k++)
        f[k] = (float)(1 + (int)((k + seed) % 1000)) * ((k + seed) % 4 == 1 ? -1.0f : 1.0f);
}

static chanmul_problem make_problem(chanmul_op op, chanmul_layout layout, size_t n, size_t h,
                                    size_t w, size_t c)
{
    chanmul_problem p = {op, layout, n, h, w, c};
    return p;
}

static const char *op_name(chanmul_op op)
{
    const chanmul_op_info *info = chanmul_op_info_of(op);
    return info && info->name ? info->name : "?";
}

static void describe(char *buf, size_t len, const chanmul_problem *p)
{
    snprintf(buf, len, "%s %zux%zux%zux%zu %s", op_name(p->op), p->n, p->h, p->w, p->c,
             chanmul_layout_name(p->layout));
}

/* Elements of the factor operand (s or g) from the definitions, not the library. */
static size_t factor_count(const chanmul_problem *p)
{
    switch (p->op) {
    case CHANMUL_OP_SCALE: return p->c;
    case CHANMUL_OP_SCALE_NC: return p->n * p->c;
    case CHANMUL_OP_GATE: return p->n * p->h * p->w;
    case CHANMUL_OP_MUL: return p->n * p->h * p->w * p->c;
    default: return 0;
    }
}

/* y from the definitions: the offset of (n, h, w, c) per layout, the factor index per op. */
static void compute_expected(const chanmul_problem *p, const float *x, const float *f, float *y)
{
    for (size_t n = 0; n < p->n; n++)
        for (size_t h = 0; h < p->h; h++)
            for (size_t w = 0; w < p->w; w++)
                for (size_t c = 0; c < p->c; c++) {
                    size_t i = p->layout == CHANMUL_NHWC ? ((n * p->h + h) * p->w + w) * p->c + c
                                                         : ((n * p->c + c) * p->h + h) * p->w + w;
                    size_t k = p->op == CHANMUL_OP_SCALE      ? c
                               : p->op == CHANMUL_OP_SCALE_NC ? n * p->c + c
                               : p->op == CHANMUL_OP_MUL      ? i /* z has x's shape and layout */
                                                              : (n * p->h + h) * p->w + w;
                    y[i] = x[i] * f[k];
                }
}

/* ---- spies: implementations that record whether they ran ---------------------------- */

static int spy_calls;
static chanmul_op spy_last_op;
static const void *spy_args[3];

static int spy_op_kernel(const chanmul_desc *d, const chanmul_tensors *t, int threads)
{
    (void)threads;
    spy_calls++;
    spy_last_op = d ? d->p.op : (chanmul_op)-1;
    if (t) {
        spy_args[0] = t->in[0];
        spy_args[1] = t->in[1];
        spy_args[2] = t->out[0];
        if (t->out[0])
            t->out[0][0] = 42.0f;
    }
    return CHANMUL_OK;
}

static int spy_abi1_kernel(const chanmul_problem *p, const float *x, const float *s, float *y,
                           int threads)
{
    (void)threads;
    spy_calls++;
    spy_last_op = p ? p->op : (chanmul_op)-1;
    spy_args[0] = x;
    spy_args[1] = s;
    spy_args[2] = y;
    if (y)
        y[0] = 43.0f;
    return CHANMUL_OK;
}

static int spy_unavailable(const char **why)
{
    *why = "the test says so";
    return 0;
}

/* covers every op of one factor (ABI 2) */
static const chanmul_impl spy_all = {"spy_all", CHANMUL_KIND_PLUGIN, 1, "test spy, every op", NULL,
                                     {spy_op_kernel, spy_op_kernel, spy_op_kernel, spy_op_kernel}, NULL, 0};
/* an ABI-2 plugin with only the channel-scale kernel */
static const chanmul_impl spy_scale_only = {"spy_scale_only", CHANMUL_KIND_PLUGIN, 1,
                                            "test spy, scale only", NULL,
                                            {[CHANMUL_OP_SCALE] = spy_op_kernel}, NULL, 0};
/* an ABI-1 plugin: only the old channel-scale signature */
static const chanmul_impl spy_abi1 = {"spy_abi1", CHANMUL_KIND_PLUGIN, 1, "test spy, ABI 1", NULL,
                                      {NULL}, spy_abi1_kernel, 0};
static const chanmul_impl spy_absent = {"spy_absent", CHANMUL_KIND_PLUGIN, 1, "never available",
                                        spy_unavailable,
                                        {spy_op_kernel, spy_op_kernel, spy_op_kernel, spy_op_kernel}, NULL, 0};

/* ---- 1. the facts table ------------------------------------------------------------- */

static int is_lower_identifier(const char *s)
{
    if (!s || !*s)
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
            return 0;
    return 1;
}

static void test_facts_table(void)
{
    /* each op's facts, written out from its definition (one row per op) */
    static const struct {
        const char *name;
        int inputs, outputs;
        const char *operands[CHANMUL_MAX_INPUTS + CHANMUL_MAX_OUTPUTS]; /* inputs, then outputs */
        int in_place_input;
        chanmul_rounding rounding;
        int broadcast;
    } want[CHANMUL_OP_COUNT] = {
        {"scale", 2, 1, {"x", "s", "y"}, 0, CHANMUL_ROUND_ONE_PRODUCT},
        {"scale_nc", 2, 1, {"x", "s", "y"}, 0, CHANMUL_ROUND_ONE_PRODUCT},
        {"gate", 2, 1, {"x", "g", "y"}, 0, CHANMUL_ROUND_ONE_PRODUCT},
        {"mul", 2, 1, {"x", "z", "y"}, 0, CHANMUL_ROUND_ONE_PRODUCT},
        {"affine", 3, 1, {"x", "s", "b", "y"}, 0, CHANMUL_ROUND_MULTIPLY_ADD},
        {"scale_grad", 3, 3, {"x", "s", "dy", "dx", "ds", "db"}, 2, CHANMUL_ROUND_REPRODUCIBLE_SUM},
        {"bcast", 2, 1, {"a", "b", "y"}, 0, CHANMUL_ROUND_ONE_PRODUCT, 1},
    };
    for (int i = 0; i < CHANMUL_OP_COUNT; i++) {
        const chanmul_op_info *info = chanmul_op_info_of((chanmul_op)i);
        CHECK(info != NULL, "chanmul_op_info_of(%d) is NULL", i);
        if (!info)
            continue;
        const char *iname = info->name ? info->name : "(null)";
        CHECK(info->op == (chanmul_op)i, "row %d says it is op %d", i, (int)info->op);
        CHECK(is_lower_identifier(info->name), "op %d's name '%s' is not a lower-case identifier", i,
              info->name ? info->name : "(null)");
        CHECK(want[i].name && info->name && strcmp(info->name, want[i].name) == 0,
              "op %d is named '%s', expected '%s'", i, info->name ? info->name : "(null)",
              want[i].name ? want[i].name : "(no row in this test)");
        CHECK(info->formula && info->formula[0], "op %s has no formula", op_name((chanmul_op)i));
        CHECK(strcmp(chanmul_op_name((chanmul_op)i), info->name ? info->name : "") == 0,
              "chanmul_op_name(%d) = '%s' differs from the table's '%s'", i, chanmul_op_name((chanmul_op)i),
              info->name ? info->name : "(null)");
        chanmul_op parsed = (chanmul_op)-1;
        int rc = chanmul_op_parse(info->name, &parsed);
        CHECK(rc == 0 && parsed == (chanmul_op)i, "chanmul_op_parse(\"%s\") = %d, op %d; expected 0, op %d",
              info->name ? info->name : "(null)", rc, (int)parsed, i);
        for (int j = i + 1; j < CHANMUL_OP_COUNT; j++) {
            const chanmul_op_info *other = chanmul_op_info_of((chanmul_op)j);
            CHECK(!other || !info->name || !other->name || strcmp(info->name, other->name) != 0,
                  "ops %d and %d share the name '%s'", i, j, iname);
            CHECK(other != info, "ops %d and %d share one table row", i, j);
        }
        CHECK(info->inputs >= 1 && info->inputs <= CHANMUL_MAX_INPUTS, "op %s has %d inputs", iname,
              info->inputs);
        CHECK(info->outputs >= 1 && info->outputs <= CHANMUL_MAX_OUTPUTS, "op %s has %d outputs",
              iname, info->outputs);
        CHECK(info->inputs == want[i].inputs && info->outputs == want[i].outputs,
              "op %s: %d inputs, %d outputs, expected %d and %d", iname, info->inputs, info->outputs,
              want[i].inputs, want[i].outputs);
        int operands = info->inputs + info->outputs;
        if (operands > CHANMUL_MAX_INPUTS + CHANMUL_MAX_OUTPUTS || info->inputs < 0 || info->outputs < 0)
            operands = 0;
        for (int k = 0; k < operands; k++) {
            const char *nm = info->operand_names[k];
            CHECK(nm && nm[0], "op %s: operand %d has no name", iname, k);
            CHECK(info->operand_axes[k] != 0 && (info->operand_axes[k] & ~(unsigned)CHANMUL_AXES_ALL) == 0,
                  "op %s: operand %d has axes 0x%x", iname, k, info->operand_axes[k]);
            for (int q = k + 1; q < operands; q++)
                CHECK(!nm || !info->operand_names[q] || strcmp(nm, info->operand_names[q]) != 0,
                      "op %s: operands %d and %d share the name '%s'", iname, k, q, nm ? nm : "(null)");
        }
        for (int k = 0; k < operands && k < want[i].inputs + want[i].outputs; k++)
            CHECK(info->operand_names[k] && want[i].operands[k] &&
                      strcmp(info->operand_names[k], want[i].operands[k]) == 0,
                  "op %s: operand %d is named %s, expected %s", iname, k,
                  info->operand_names[k] ? info->operand_names[k] : "(null)",
                  want[i].operands[k] ? want[i].operands[k] : "(null)");
        if (operands >= 2)
            CHECK(info->operand_axes[0] == CHANMUL_AXES_ALL &&
                      info->operand_axes[info->inputs] == CHANMUL_AXES_ALL,
                  "op %s: x or its first output does not span every axis", iname);
        CHECK(info->in_place_input >= -1 && info->in_place_input < info->inputs,
              "op %s: in_place_input %d out of range", iname, info->in_place_input);
        CHECK(info->in_place_input == want[i].in_place_input, "op %s: in_place_input %d, expected %d", iname,
              info->in_place_input, want[i].in_place_input);
        CHECK(info->rounding == want[i].rounding, "op %s: rounding %d, expected %d", iname,
              (int)info->rounding, (int)want[i].rounding);
        CHECK(info->broadcast == want[i].broadcast, "op %s: broadcast %d, expected %d", iname,
              info->broadcast, want[i].broadcast);
    }
    CHECK(chanmul_op_info_of(CHANMUL_OP_COUNT) == NULL, "chanmul_op_info_of(COUNT) is not NULL");
    CHECK(chanmul_op_info_of((chanmul_op)-1) == NULL, "chanmul_op_info_of(-1) is not NULL");
    CHECK(chanmul_op_info_of((chanmul_op)100) == NULL, "chanmul_op_info_of(100) is not NULL");
    CHECK(chanmul_op_info_of((chanmul_op)(-2147483647 - 1)) == NULL, "chanmul_op_info_of(INT_MIN) is not NULL");
    CHECK(strcmp(chanmul_op_name(CHANMUL_OP_COUNT), "unknown") == 0, "chanmul_op_name(COUNT) is '%s'",
          chanmul_op_name(CHANMUL_OP_COUNT));

    static const char *const bad[] = {"",       "nope",   "SCALE",  "Scale",   "GATE",     "Scale_NC",
                                      "scal",   "scale_", "scale_n", "sc",      "g",        "scale ",
                                      " scale", "gate\n", "gates",  "scalenc", "scale-nc", "scale_nc_"};
    for (size_t k = 0; k < COUNT_OF(bad); k++) {
        chanmul_op op = CHANMUL_OP_GATE;
        int rc = chanmul_op_parse(bad[k], &op);
        CHECK(rc == -1, "chanmul_op_parse(\"%s\") = %d, expected -1", bad[k], rc);
    }
    chanmul_op op = CHANMUL_OP_GATE;
    CHECK(chanmul_op_parse(NULL, &op) == -1, "chanmul_op_parse(NULL) did not fail");
}

/* ---- 2. the descriptor ------------------------------------------------------------- */

struct want_shape {
    int rank;
    size_t dims[4];
};

static int shape_is(const chanmul_shape *s, const struct want_shape *w)
{
    if (s->rank != w->rank)
        return 0;
    for (int i = 0; i < w->rank; i++)
        if (s->dims[i] != w->dims[i])
            return 0;
    return 1;
}

static void shape_text(char *buf, size_t len, int rank, const size_t *dims)
{
    int at = snprintf(buf, len, "rank %d (", rank);
    for (int i = 0; i < rank && i < CHANMUL_MAX_RANK && at > 0 && (size_t)at < len; i++)
        at += snprintf(buf + at, len - (size_t)at, i ? ",%zu" : "%zu", dims[i]);
    if (at > 0 && (size_t)at < len)
        snprintf(buf + at, len - (size_t)at, ")");
}

static void check_shape(const char *what, const char *operand, const chanmul_shape *got,
                        const struct want_shape *want)
{
    char g[160], w[160];
    shape_text(g, sizeof g, got->rank, got->dims);
    shape_text(w, sizeof w, want->rank, want->dims);
    CHECK(shape_is(got, want), "%s: %s has shape %s, expected %s", what, operand, g, w);
}

/* Checks desc_init of p against x, the factor and y given by hand. */
static void check_desc_shapes(const chanmul_problem *p, struct want_shape x, struct want_shape f,
                              struct want_shape y)
{
    char what[128];
    describe(what, sizeof what, p);
    chanmul_desc d;
    memset(&d, 0xab, sizeof d);
    int rc = chanmul_desc_init(&d, p);
    CHECK(rc == 0, "%s: chanmul_desc_init returned %d (%s)", what, rc, chanmul_strerror(rc));
    if (rc)
        return;
    CHECK(memcmp(&d.p, p, sizeof *p) == 0 || (d.p.op == p->op && d.p.layout == p->layout &&
                                             d.p.n == p->n && d.p.h == p->h && d.p.w == p->w &&
                                             d.p.c == p->c),
          "%s: d.p is not the problem", what);
    CHECK(d.inputs == 2 && d.outputs == 1, "%s: %d inputs, %d outputs; expected 2 and 1", what, d.inputs,
          d.outputs);
    check_shape(what, "x (in[0])", &d.in[0], &x);
    check_shape(what, "the factor (in[1])", &d.in[1], &f);
    check_shape(what, "y (out[0])", &d.out[0], &y);
}

#define SHAPE1(a) ((struct want_shape){1, {a}})
#define SHAPE2(a, b) ((struct want_shape){2, {a, b}})
#define SHAPE3(a, b, c) ((struct want_shape){3, {a, b, c}})
#define SHAPE4(a, b, c, d) ((struct want_shape){4, {a, b, c, d}})

static void test_desc_shapes(void)
{
    /* By hand, on N=2, H=3, W=5, C=7 (distinct primes: any mix-up shows). */
    chanmul_problem p = make_problem(CHANMUL_OP_SCALE, CHANMUL_NHWC, 2, 3, 5, 7);
    check_desc_shapes(&p, SHAPE4(2, 3, 5, 7), SHAPE1(7), SHAPE4(2, 3, 5, 7));
    p.layout = CHANMUL_NCHW;
    check_desc_shapes(&p, SHAPE4(2, 7, 3, 5), SHAPE1(7), SHAPE4(2, 7, 3, 5));
    p = make_problem(CHANMUL_OP_SCALE_NC, CHANMUL_NHWC, 2, 3, 5, 7);
    check_desc_shapes(&p, SHAPE4(2, 3, 5, 7), SHAPE2(2, 7), SHAPE4(2, 3, 5, 7));
    p.layout = CHANMUL_NCHW;
    check_desc_shapes(&p, SHAPE4(2, 7, 3, 5), SHAPE2(2, 7), SHAPE4(2, 7, 3, 5));
    p = make_problem(CHANMUL_OP_GATE, CHANMUL_NHWC, 2, 3, 5, 7);
    check_desc_shapes(&p, SHAPE4(2, 3, 5, 7), SHAPE3(2, 3, 5), SHAPE4(2, 3, 5, 7));
    p.layout = CHANMUL_NCHW;
    check_desc_shapes(&p, SHAPE4(2, 7, 3, 5), SHAPE3(2, 3, 5), SHAPE4(2, 7, 3, 5));

    /* The same rules on other shapes, dims of 1 and 0 kept (never squeezed). */
    static const size_t shapes[][4] = {{9, 13, 17, 33}, {1, 1, 1, 1}, {4, 1, 6, 11}, {3, 8, 1, 2},
                                       {0, 3, 5, 7},    {2, 0, 5, 7}, {2, 3, 5, 0}};
    for (size_t k = 0; k < COUNT_OF(shapes); k++) {
        size_t N = shapes[k][0], H = shapes[k][1], W = shapes[k][2], C = shapes[k][3];
        for (size_t l = 0; l < COUNT_OF(ALL_LAYOUTS); l++) {
            chanmul_layout layout = ALL_LAYOUTS[l];
            struct want_shape xs = layout == CHANMUL_NHWC ? SHAPE4(N, H, W, C) : SHAPE4(N, C, H, W);
            p = make_problem(CHANMUL_OP_SCALE, layout, N, H, W, C);
            check_desc_shapes(&p, xs, SHAPE1(C), xs);
            p.op = CHANMUL_OP_SCALE_NC;
            check_desc_shapes(&p, xs, SHAPE2(N, C), xs);
            p.op = CHANMUL_OP_GATE;
            check_desc_shapes(&p, xs, SHAPE3(N, H, W), xs);
        }
    }
}

static void test_desc_errors(void)
{
    chanmul_desc d;
    chanmul_problem p = make_problem(CHANMUL_OP_SCALE, CHANMUL_NHWC, 2, 3, 5, 7);
    int rc = chanmul_desc_init(&d, NULL);
    CHECK(rc == CHANMUL_EPROBLEM, "chanmul_desc_init(d, NULL) = %d (%s), expected EPROBLEM", rc,
          chanmul_strerror(rc));
    rc = chanmul_desc_init(NULL, &p);
    CHECK(rc == CHANMUL_EPROBLEM, "chanmul_desc_init(NULL, p) = %d (%s), expected EPROBLEM", rc,
          chanmul_strerror(rc));
    for (size_t o = 0; o < COUNT_OF(ALL_OPS); o++) {
        static const int bad_layouts[] = {2, -1, 7, 1000};
        for (size_t k = 0; k < COUNT_OF(bad_layouts); k++) {
            p = make_problem(ALL_OPS[o], (chanmul_layout)bad_layouts[k], 2, 3, 5, 7);
            rc = chanmul_desc_init(&d, &p);
            CHECK(rc == CHANMUL_ELAYOUT, "%s, layout %d: chanmul_desc_init = %d (%s), expected ELAYOUT",
                  op_name(ALL_OPS[o]), bad_layouts[k], rc, chanmul_strerror(rc));
        }
        /* dims whose element count or size in bytes overflows size_t */
        const size_t big = (size_t)1 << 20, count_fits = SIZE_MAX / sizeof(float) + 1;
        const size_t overflowing[][4] = {{big, big, big, big},
                                         {count_fits, 1, 1, 1},
                                         {1, 1, 1, count_fits},
                                         {1, count_fits, 1, 1},
                                         {(size_t)1 << 31, (size_t)1 << 31, 1, 1},
                                         {(size_t)1 << 16, (size_t)1 << 16, (size_t)1 << 16, (size_t)1 << 16},
                                         {SIZE_MAX, SIZE_MAX, 2, 2}};
        for (size_t l = 0; l < COUNT_OF(ALL_LAYOUTS); l++)
            for (size_t k = 0; k < COUNT_OF(overflowing); k++) {
                p = make_problem(ALL_OPS[o], ALL_LAYOUTS[l], overflowing[k][0], overflowing[k][1],
                                 overflowing[k][2], overflowing[k][3]);
                char what[160];
                describe(what, sizeof what, &p);
                rc = chanmul_desc_init(&d, &p);
                CHECK(rc == CHANMUL_EOVERFLOW, "%s: chanmul_desc_init = %d (%s), expected EOVERFLOW", what,
                      rc, chanmul_strerror(rc));
            }
        /* the boundary: SIZE_MAX / 4 elements fit */
        p = make_problem(ALL_OPS[o], CHANMUL_NHWC, SIZE_MAX / sizeof(float), 1, 1, 1);
        rc = chanmul_desc_init(&d, &p);
        CHECK(rc == 0, "%s, N = SIZE_MAX/4: chanmul_desc_init = %d (%s), expected 0", op_name(ALL_OPS[o]), rc,
              chanmul_strerror(rc));
    }
    static const int bad_ops[] = {CHANMUL_OP_COUNT, -1, 100};
    for (size_t k = 0; k < COUNT_OF(bad_ops); k++)
        for (size_t l = 0; l < COUNT_OF(ALL_LAYOUTS); l++) {
            p = make_problem((chanmul_op)bad_ops[k], ALL_LAYOUTS[l], 2, 3, 5, 7);
            rc = chanmul_desc_init(&d, &p);
            CHECK(rc == CHANMUL_EOP, "op %d, %s: chanmul_desc_init = %d (%s), expected EOP", bad_ops[k],
                  chanmul_layout_name(ALL_LAYOUTS[l]), rc, chanmul_strerror(rc));
        }
}

static void test_shape_elements_and_bytes(void)
{
    int err = -99;
    chanmul_shape s = {0, {0}};
    size_t n = chanmul_shape_elements(&s, &err);
    CHECK(n == 1 && err == 0, "rank 0: %zu elements, err %d; expected 1 and 0", n, err);
    s = (chanmul_shape){3, {2, 3, 5}};
    n = chanmul_shape_elements(&s, &err);
    CHECK(n == 30 && err == 0, "(2,3,5): %zu elements, err %d", n, err);
    s = (chanmul_shape){4, {2, 0, 5, 7}};
    err = -99;
    n = chanmul_shape_elements(&s, &err);
    CHECK(n == 0 && err == 0, "(2,0,5,7): %zu elements, err %d; expected 0 and 0", n, err);
    s = (chanmul_shape){3, {SIZE_MAX, 0, SIZE_MAX}};
    err = -99;
    n = chanmul_shape_elements(&s, &err);
    CHECK(n == 0 && err == 0, "(SIZE_MAX,0,SIZE_MAX): %zu elements, err %d; expected 0 and 0", n, err);
    s = (chanmul_shape){2, {(size_t)1 << 40, (size_t)1 << 40}};
    n = chanmul_shape_elements(&s, &err);
    CHECK(n == 0 && err == CHANMUL_EOVERFLOW, "(2^40,2^40): %zu elements, err %d; expected 0 and EOVERFLOW",
          n, err);
    s = (chanmul_shape){1, {SIZE_MAX / sizeof(float) + 1}};
    n = chanmul_shape_elements(&s, &err);
    CHECK(n == 0 && err == CHANMUL_EOVERFLOW, "(SIZE_MAX/4+1): %zu elements, err %d; expected EOVERFLOW", n,
          err);
    s = (chanmul_shape){1, {SIZE_MAX / sizeof(float)}};
    n = chanmul_shape_elements(&s, &err);
    CHECK(n == SIZE_MAX / sizeof(float) && err == 0, "(SIZE_MAX/4): %zu elements, err %d", n, err);

    /* bytes = 4 * (x + factor + y), each counted once; worked out by hand */
    struct {
        chanmul_op op;
        size_t n, h, w, c;
        double bytes;
    } cases[] = {
        {CHANMUL_OP_SCALE, 2, 3, 5, 7, 1708},        /* 4 * (210 + 7 + 210) */
        {CHANMUL_OP_SCALE_NC, 2, 3, 5, 7, 1736},     /* 4 * (210 + 14 + 210) */
        {CHANMUL_OP_GATE, 2, 3, 5, 7, 1800},         /* 4 * (210 + 30 + 210) */
        {CHANMUL_OP_SCALE, 1, 1, 1, 1, 12},          /* 4 * 3 */
        {CHANMUL_OP_SCALE_NC, 1, 1, 1, 1, 12},
        {CHANMUL_OP_GATE, 1, 1, 1, 1, 12},
        {CHANMUL_OP_SCALE, 9, 13, 17, 33, 525228},    /* 4 * (2 * 65637 + 33) */
        {CHANMUL_OP_SCALE_NC, 9, 13, 17, 33, 526284}, /* 4 * (2 * 65637 + 297) */
        {CHANMUL_OP_GATE, 9, 13, 17, 33, 533052},     /* 4 * (2 * 65637 + 1989) */
        {CHANMUL_OP_GATE, 2, 3, 4, 0, 96},            /* x, y empty; g still 24 */
        {CHANMUL_OP_SCALE, 0, 3, 4, 5, 20},           /* x, y empty; s still 5 */
        {CHANMUL_OP_SCALE_NC, 0, 3, 4, 5, 0},
        {CHANMUL_OP_MUL, 2, 3, 5, 7, 2520},           /* 4 * (210 + 210 + 210) */
        {CHANMUL_OP_MUL, 1, 1, 1, 1, 12},
    };
    for (size_t k = 0; k < COUNT_OF(cases); k++)
        for (size_t l = 0; l < COUNT_OF(ALL_LAYOUTS); l++) {
            chanmul_problem p = make_problem(cases[k].op, ALL_LAYOUTS[l], cases[k].n, cases[k].h,
                                             cases[k].w, cases[k].c);
            char what[128];
            describe(what, sizeof what, &p);
            chanmul_desc d;
            int rc = chanmul_desc_init(&d, &p);
            CHECK(rc == 0, "%s: chanmul_desc_init = %d", what, rc);
            if (rc)
                continue;
            double b = chanmul_desc_bytes(&d);
            CHECK(b == cases[k].bytes, "%s: chanmul_desc_bytes = %.0f, expected %.0f", what, b, cases[k].bytes);
        }
}

/* ---- 3. chanmul_check_desc / chanmul_exec errors ------------------------------------ */

/* One arena for the error cases, so overlaps can be arranged; compared whole
 * before and after each call: no byte of it (output or input) may change. */
#define ARENA 8192
static float arena[ARENA], arena_before[ARENA];

static void arena_fill(void)
{
    fill_data(arena, ARENA, 11);
}

static void arena_snapshot(void) { memcpy(arena_before, arena, sizeof arena); }

static size_t arena_changed(void) { return first_difference(arena, arena_before, ARENA); }

/*
 * Asserts chanmul_check_desc(d, t, threads) == want, and that chanmul_exec()
 * with the spy and with every registered implementation returns want without
 * calling a kernel or changing the arena (where y and every operand live).
 * y_len floats at y (when y is not NULL) are set to the sentinel first. With
 * short_form, the same for chanmul_check() / chanmul_run() on (x, factor, y).
 */
static void expect_desc_error(const char *what, const chanmul_desc *d, const chanmul_tensors *t,
                              float *y, size_t y_len, int threads, int want, int short_form)
{
    if (y)
        fill_sentinel(y, y_len);
    arena_snapshot();
    int got = chanmul_check_desc(d, t, threads);
    CHECK(got == want, "%s: chanmul_check_desc returned %d (%s), expected %d (%s)", what, got,
          chanmul_strerror(got), want, chanmul_strerror(want));
    spy_calls = 0;
    got = chanmul_exec(&spy_all, d, t, threads);
    CHECK(got == want, "%s: chanmul_exec(spy) returned %d (%s), expected %d (%s)", what, got,
          chanmul_strerror(got), want, chanmul_strerror(want));
    CHECK(spy_calls == 0, "%s: chanmul_exec ran the kernel although the arguments are invalid", what);
    size_t at = arena_changed();
    CHECK(at == ARENA, "%s: chanmul_exec(spy) changed arena[%zu]", what, at);
    if (y) {
        at = first_touched(y, y_len);
        CHECK(at == y_len, "%s: chanmul_exec(spy) wrote y[%zu]", what, at);
    }
    if (got != want || spy_calls != 0)
        return; /* real kernels would run on invalid arguments: already counted */
    for (size_t i = 0; i < chanmul_impl_count(); i++) {
        const chanmul_impl *impl = chanmul_impl_at(i);
        got = chanmul_exec(impl, d, t, threads);
        CHECK(got == want, "%s: chanmul_exec(%s) returned %d (%s), expected %d (%s)", what, impl->name, got,
              chanmul_strerror(got), want, chanmul_strerror(want));
        at = arena_changed();
        CHECK(at == ARENA, "%s: chanmul_exec(%s) changed arena[%zu]", what, impl->name, at);
        if (at != ARENA)
            memcpy(arena, arena_before, sizeof arena);
    }
    if (!short_form)
        return;
    const float *x = t->in[0], *f = t->in[1];
    got = chanmul_check(&d->p, x, f, y, threads);
    CHECK(got == want, "%s: chanmul_check returned %d (%s), expected %d (%s)", what, got,
          chanmul_strerror(got), want, chanmul_strerror(want));
    spy_calls = 0;
    got = chanmul_run(&spy_all, &d->p, x, f, t->out[0], threads);
    CHECK(got == want && spy_calls == 0, "%s: chanmul_run(spy) returned %d (%s), calls %d; expected %d (%s)",
          what, got, chanmul_strerror(got), spy_calls, want, chanmul_strerror(want));
    at = arena_changed();
    CHECK(at == ARENA, "%s: chanmul_run(spy) changed arena[%zu]", what, at);
    if (got != want || spy_calls != 0)
        return;
    for (size_t i = 0; i < chanmul_impl_count(); i++) {
        const chanmul_impl *impl = chanmul_impl_at(i);
        got = chanmul_run(impl, &d->p, x, f, t->out[0], threads);
        CHECK(got == want, "%s: chanmul_run(%s) returned %d (%s), expected %d (%s)", what, impl->name, got,
              chanmul_strerror(got), want, chanmul_strerror(want));
        at = arena_changed();
        CHECK(at == ARENA, "%s: chanmul_run(%s) changed arena[%zu]", what, impl->name, at);
        if (at != ARENA)
            memcpy(arena, arena_before, sizeof arena);
    }
}

static chanmul_tensors tensors(const float *x, const float *f, float *y)
{
    chanmul_tensors t;
    memset(&t, 0, sizeof t);
    t.in[0] = x;
    t.in[1] = f;
    t.out[0] = y;
    return t;
}

/* The valid case the error cases start from: N=2, H=3, W=5, C=7. */
#define X_AT 1000
#define F_AT 3000
#define Y_AT 5000

static void test_exec_null_threads_problem(void)
{
    for (size_t o = 0; o < COUNT_OF(ALL_OPS); o++)
        for (size_t l = 0; l < COUNT_OF(ALL_LAYOUTS); l++) {
            chanmul_problem p = make_problem(ALL_OPS[o], ALL_LAYOUTS[l], 2, 3, 5, 7);
            const size_t total = 210;
            chanmul_desc d;
            int rc = chanmul_desc_init(&d, &p);
            CHECK(rc == 0, "desc_init: %d", rc);
            char base[96], what[192];
            describe(base, sizeof base, &p);
            arena_fill();
            float *x = arena + X_AT, *f = arena + F_AT, *y = arena + Y_AT;
            chanmul_tensors t;

            /* the valid call is valid (else every case below proves nothing) */
            t = tensors(x, f, y);
            rc = chanmul_check_desc(&d, &t, 1);
            CHECK(rc == 0, "%s: the valid call: chanmul_check_desc = %d (%s)", base, rc, chanmul_strerror(rc));

            snprintf(what, sizeof what, "%s, NULL x", base);
            t = tensors(NULL, f, y);
            expect_desc_error(what, &d, &t, y, total, 1, CHANMUL_ENULL, 1);
            snprintf(what, sizeof what, "%s, NULL factor", base);
            t = tensors(x, NULL, y);
            expect_desc_error(what, &d, &t, y, total, 1, CHANMUL_ENULL, 1);
            snprintf(what, sizeof what, "%s, NULL y", base);
            t = tensors(x, f, NULL);
            expect_desc_error(what, &d, &t, NULL, 0, 1, CHANMUL_ENULL, 1);
            snprintf(what, sizeof what, "%s, every operand NULL", base);
            t = tensors(NULL, NULL, NULL);
            expect_desc_error(what, &d, &t, NULL, 0, 1, CHANMUL_ENULL, 1);
            snprintf(what, sizeof what, "%s, in place with x == y == NULL", base);
            t = tensors(NULL, f, NULL);
            expect_desc_error(what, &d, &t, NULL, 0, 2, CHANMUL_ENULL, 1);

            snprintf(what, sizeof what, "%s, threads -1", base);
            t = tensors(x, f, y);
            expect_desc_error(what, &d, &t, y, total, -1, CHANMUL_ETHREADS, 1);
            snprintf(what, sizeof what, "%s, threads INT_MIN", base);
            expect_desc_error(what, &d, &t, y, total, (int)(-2147483647 - 1), CHANMUL_ETHREADS, 1);
            snprintf(what, sizeof what, "%s, threads -1, in place", base);
            t = tensors(y, f, y);
            expect_desc_error(what, &d, &t, y, total, -1, CHANMUL_ETHREADS, 1);

            /* the descriptor itself */
            t = tensors(x, f, y);
            snprintf(what, sizeof what, "%s, NULL descriptor", base);
            expect_desc_error(what, NULL, &t, y, total, 1, CHANMUL_EPROBLEM, 0);
            snprintf(what, sizeof what, "%s, NULL tensors", base);
            expect_desc_error(what, &d, NULL, y, total, 1, CHANMUL_EPROBLEM, 0);
            chanmul_desc bad = d;
            bad.p.layout = (chanmul_layout)2;
            snprintf(what, sizeof what, "%s, layout 2 in the descriptor", base);
            expect_desc_error(what, &bad, &t, y, total, 1, CHANMUL_ELAYOUT, 1);
            bad = d;
            bad.p.op = (chanmul_op)CHANMUL_OP_COUNT;
            snprintf(what, sizeof what, "%s, op COUNT in the descriptor", base);
            expect_desc_error(what, &bad, &t, y, total, 1, CHANMUL_EOP, 1);
            bad = d;
            bad.p.op = (chanmul_op)-1;
            snprintf(what, sizeof what, "%s, op -1 in the descriptor", base);
            expect_desc_error(what, &bad, &t, y, total, 1, CHANMUL_EOP, 1);
            bad = d;
            bad.p.n = bad.p.h = bad.p.w = bad.p.c = (size_t)1 << 20;
            snprintf(what, sizeof what, "%s, dims 2^20 each in the descriptor", base);
            expect_desc_error(what, &bad, &t, y, total, 1, CHANMUL_EOVERFLOW, 1);
            bad = d;
            bad.p.n = SIZE_MAX / sizeof(float) + 1;
            bad.p.h = bad.p.w = bad.p.c = 1;
            snprintf(what, sizeof what, "%s, N = SIZE_MAX/4 + 1 in the descriptor", base);
            expect_desc_error(what, &bad, &t, y, total, 1, CHANMUL_EOVERFLOW, 1);

            /* no implementation, an unavailable one: valid arguments, still nothing written */
            fill_sentinel(y, total);
            arena_snapshot();
            rc = chanmul_exec(NULL, &d, &t, 1);
            CHECK(rc == CHANMUL_ENOIMPL, "%s: chanmul_exec(NULL impl) = %d (%s), expected ENOIMPL", base, rc,
                  chanmul_strerror(rc));
            CHECK(arena_changed() == ARENA, "%s: chanmul_exec(NULL impl) wrote", base);
            spy_calls = 0;
            rc = chanmul_exec(&spy_absent, &d, &t, 1);
            CHECK(rc == CHANMUL_EISA && spy_calls == 0,
                  "%s: chanmul_exec(unavailable impl) = %d (%s), calls %d; expected EISA, 0", base, rc,
                  chanmul_strerror(rc), spy_calls);
            CHECK(arena_changed() == ARENA, "%s: chanmul_exec(unavailable impl) wrote", base);

            /* and the spy runs once on the valid call, with the operands as given */
            spy_calls = 0;
            rc = chanmul_exec(&spy_all, &d, &t, 1);
            CHECK(rc == 0 && spy_calls == 1 && spy_last_op == p.op && spy_args[0] == x && spy_args[1] == f &&
                      spy_args[2] == y && y[0] == 42.0f,
                  "%s: chanmul_exec(spy) on the valid call: rc %d, calls %d, op %d", base, rc, spy_calls,
                  (int)spy_last_op);
        }
}

static void test_exec_overlap(void)
{
    for (size_t o = 0; o < COUNT_OF(ALL_OPS); o++)
        for (size_t l = 0; l < COUNT_OF(ALL_LAYOUTS); l++) {
            chanmul_problem p = make_problem(ALL_OPS[o], ALL_LAYOUTS[l], 2, 3, 5, 7);
            const ptrdiff_t total = 210, fs = (ptrdiff_t)factor_count(&p); /* 7, 14 or 30 */
            chanmul_desc d;
            chanmul_desc_init(&d, &p);
            char base[96], what[192];
            describe(base, sizeof base, &p);
            arena_fill();
            float *x = arena + X_AT, *y = arena + Y_AT;
            const float *f = arena + F_AT;
            chanmul_tensors t;

            /* y partly overlaps x */
            const ptrdiff_t xy[] = {1, -1, total - 1, -(total - 1), total / 2, -total / 2};
            for (size_t k = 0; k < COUNT_OF(xy); k++) {
                snprintf(what, sizeof what, "%s, y = x %+td", base, xy[k]);
                t = tensors(x, f, x + xy[k]);
                expect_desc_error(what, &d, &t, x + xy[k], (size_t)total, 1, CHANMUL_EOVERLAP_XY, 1);
            }
            /* the factor overlaps y: inside, equal, straddling either end, at y's last
             * element, ending at y's first; out of place and in place */
            const ptrdiff_t fy[] = {1, 0, -fs / 2, total - fs / 2, total - 1, -(fs - 1)};
            for (size_t k = 0; k < COUNT_OF(fy); k++) {
                snprintf(what, sizeof what, "%s, factor = y %+td", base, fy[k]);
                t = tensors(x, y + fy[k], y);
                expect_desc_error(what, &d, &t, y, (size_t)total, 1, CHANMUL_EOVERLAP_SY, 1);
                snprintf(what, sizeof what, "%s, in place, factor = y %+td", base, fy[k]);
                t = tensors(y, y + fy[k], y);
                expect_desc_error(what, &d, &t, y, (size_t)total, 2, CHANMUL_EOVERLAP_SY, 1);
            }

            /* the boundaries: adjacent buffers share no byte, the factor may overlap x */
            struct {
                const char *what;
                const float *x, *f;
                float *y;
            } ok[] = {{"x | y | factor adjacent", x, x + 2 * total, x + total},
                      {"factor | y | x adjacent", arena + 2000 + fs + total, arena + 2000, arena + 2000 + fs},
                      {"in place, factor just before y", y, y - fs, y},
                      {"in place, factor just after y", y, y + total, y},
                      {"factor inside x", x, x + 3, y},
                      {"factor == x", x, x, y}};
            for (size_t k = 0; k < COUNT_OF(ok); k++) {
                t = tensors(ok[k].x, ok[k].f, ok[k].y);
                int rc = chanmul_check_desc(&d, &t, 1);
                CHECK(rc == 0, "%s, %s: chanmul_check_desc = %d (%s), expected 0", base, ok[k].what, rc,
                      chanmul_strerror(rc));
                rc = chanmul_check(&p, ok[k].x, ok[k].f, ok[k].y, 1);
                CHECK(rc == 0, "%s, %s: chanmul_check = %d (%s), expected 0", base, ok[k].what, rc,
                      chanmul_strerror(rc));
            }
            /* y == x exactly: in place, allowed */
            t = tensors(y, f, y);
            int rc = chanmul_check_desc(&d, &t, 1);
            CHECK(rc == 0, "%s, y == x: chanmul_check_desc = %d (%s), expected 0", base, rc,
                  chanmul_strerror(rc));
            spy_calls = 0;
            rc = chanmul_exec(&spy_all, &d, &t, 1);
            CHECK(rc == 0 && spy_calls == 1, "%s, y == x: chanmul_exec(spy) = %d, calls %d", base, rc,
                  spy_calls);

            /* The factor inside x computes the right thing with every implementation
             * (only in place is in-place-ness asked; x is read-only here). */
            /* (5 floats past x: mul's factor, at x + 5, is as long as x) */
            static float xin[210 + 5], xcopy[210 + 5], out[210 + 8], want[210];
            fill_data(xin, (size_t)total + 5, 3 + (unsigned)o);
            memcpy(xcopy, xin, sizeof xin);
            compute_expected(&p, xcopy, xcopy + 5, want);
            for (size_t i = 0; i < chanmul_impl_count(); i++) {
                const chanmul_impl *impl = chanmul_impl_at(i);
                if (!chanmul_impl_available(impl, NULL) || !chanmul_impl_covers(impl, p.op))
                    continue;
                fill_sentinel(out, COUNT_OF(out));
                t = tensors(xin, xin + 5, out);
                rc = chanmul_exec(impl, &d, &t, 2);
                CHECK(rc == 0, "%s, %s, factor inside x: rc %d (%s)", base, impl->name, rc, chanmul_strerror(rc));
                size_t at = first_difference(out, want, (size_t)total);
                CHECK(at == (size_t)total, "%s, %s, factor inside x: y[%zu] wrong", base, impl->name, at);
                CHECK(first_touched(out + total, 8) == 8, "%s, %s, factor inside x: wrote past y", base,
                      impl->name);
                CHECK(memcmp(xin, xcopy, sizeof xin) == 0, "%s, %s, factor inside x: modified x", base,
                      impl->name);
            }
        }
}

/* A descriptor changed after chanmul_desc_init no longer matches its op and problem. */
static void test_exec_tampered(void)
{
    for (size_t o = 0; o < COUNT_OF(ALL_OPS); o++)
        for (size_t l = 0; l < COUNT_OF(ALL_LAYOUTS); l++) {
            chanmul_problem p = make_problem(ALL_OPS[o], ALL_LAYOUTS[l], 2, 3, 5, 7);
            const size_t total = 210;
            chanmul_desc d;
            chanmul_desc_init(&d, &p);
            char base[96], what[192];
            describe(base, sizeof base, &p);
            arena_fill();
            float *x = arena + X_AT, *y = arena + Y_AT;
            const float *f = arena + F_AT;
            chanmul_tensors t = tensors(x, f, y);
            chanmul_tensors t3 = t; /* a third input and a second output, for the counts */
            t3.in[2] = arena + 6000;
            t3.out[1] = arena + 7000;

            struct tamper {
                const char *what;
                chanmul_desc d;
            } cases[32];
            size_t n = 0;
#define TAMPER(text, stmt)                                                                         \
    do {                                                                                           \
        cases[n].what = text;                                                                      \
        cases[n].d = d;                                                                            \
        chanmul_desc *b = &cases[n].d;                                                             \
        stmt;                                                                                      \
        n++;                                                                                       \
    } while (0)
            const int fr = d.in[1].rank; /* 1, 2, 3 or (mul) 4 */
            TAMPER("x rank 3", b->in[0].rank = 3);
            TAMPER("x rank 5 (a trailing 1)", (b->in[0].dims[4] = 1, b->in[0].rank = 5));
            TAMPER("factor rank + 1 (a trailing 1)", (b->in[1].dims[fr] = 1, b->in[1].rank = fr + 1));
            TAMPER("factor rank - 1", b->in[1].rank = fr - 1);
            TAMPER("factor rank 0", b->in[1].rank = 0);
            if (fr != d.in[0].rank) /* (mul's factor has x's shape already) */
                TAMPER("factor rank 4 (x's shape)", (b->in[1] = d.in[0]));
            else
                TAMPER("factor of x's rank, one dimension larger", b->in[1].dims[fr - 1] += 1);
            TAMPER("y rank 3", b->out[0].rank = 3);
            TAMPER("y rank -1", b->out[0].rank = -1);
            TAMPER("x rank MAX_RANK + 1", b->in[0].rank = CHANMUL_MAX_RANK + 1);
            TAMPER("x dim 0 + 1", b->in[0].dims[0]++);
            TAMPER("x dim 3 - 1", b->in[0].dims[3]--);
            TAMPER("x dims 1 and 3 swapped", (b->in[0].dims[1] = d.in[0].dims[3], b->in[0].dims[3] = d.in[0].dims[1]));
            TAMPER("factor dim 0 + 1", b->in[1].dims[0]++);
            TAMPER("factor last dim - 1", b->in[1].dims[fr - 1]--);
            TAMPER("factor last dim 0", b->in[1].dims[fr - 1] = 0);
            TAMPER("y dim 2 + 1", b->out[0].dims[2]++);
            TAMPER("y dim 1 = 1", b->out[0].dims[1] = 1);
            TAMPER("inputs 1", b->inputs = 1);
            TAMPER("inputs 3", b->inputs = 3);
            TAMPER("inputs 0", b->inputs = 0);
            TAMPER("outputs 0", b->outputs = 0);
            TAMPER("outputs 2", b->outputs = 2);
            TAMPER("p.c changed after init", b->p.c = 6);
            TAMPER("p.n changed after init", b->p.n = 1);
            TAMPER("p.layout changed after init",
                   b->p.layout = d.p.layout == CHANMUL_NHWC ? CHANMUL_NCHW : CHANMUL_NHWC);
            TAMPER("p.op changed after init", b->p.op = (chanmul_op)((d.p.op + 1) % CHANMUL_OP_COUNT));
            TAMPER("p.op changed after init (other)", b->p.op = (chanmul_op)((d.p.op + 2) % CHANMUL_OP_COUNT));
#undef TAMPER
            for (size_t k = 0; k < n; k++) {
                snprintf(what, sizeof what, "%s, tampered: %s", base, cases[k].what);
                const chanmul_desc *b = &cases[k].d;
                expect_desc_error(what, b, b->inputs > 2 || b->outputs > 1 ? &t3 : &t, y, total, 1,
                                  CHANMUL_ESHAPE, 0);
            }
            /* what is not a tampering: dims past the rank are not part of the shape */
            chanmul_desc ok = d;
            ok.in[1].dims[CHANMUL_MAX_RANK - 1] = 12345;
            int rc = chanmul_check_desc(&ok, &t, 1);
            CHECK(rc == 0, "%s, a dim past the factor's rank set: chanmul_check_desc = %d (%s), expected 0",
                  base, rc, chanmul_strerror(rc));
        }
}

/* Coverage: an implementation without a kernel for an op refuses it (EOP). */
static void test_exec_coverage(void)
{
    for (size_t o = 0; o < COUNT_OF(ALL_OPS); o++) {
        chanmul_op op = ALL_OPS[o];
        CHECK(chanmul_impl_covers(&spy_all, op) == 1, "spy_all does not cover %s", op_name(op));
        CHECK(chanmul_impl_covers(&spy_scale_only, op) == (op == CHANMUL_OP_SCALE),
              "scale-only impl: covers(%s) = %d", op_name(op), chanmul_impl_covers(&spy_scale_only, op));
        CHECK(chanmul_impl_covers(&spy_abi1, op) == (op == CHANMUL_OP_SCALE), "ABI-1 impl: covers(%s) = %d",
              op_name(op), chanmul_impl_covers(&spy_abi1, op));
        CHECK(chanmul_impl_covers(NULL, op) == 0, "covers(NULL, %s) is not 0", op_name(op));
    }
    static const int bad_ops[] = {CHANMUL_OP_COUNT, -1, 100};
    for (size_t k = 0; k < COUNT_OF(bad_ops); k++) {
        CHECK(chanmul_impl_covers(&spy_all, (chanmul_op)bad_ops[k]) == 0, "covers(spy_all, op %d) is not 0",
              bad_ops[k]);
        CHECK(chanmul_impl_covers(&spy_abi1, (chanmul_op)bad_ops[k]) == 0, "covers(abi1, op %d) is not 0",
              bad_ops[k]);
    }
    /* the registry: covers() agrees with the kernels, and the reference covers everything */
    for (size_t i = 0; i < chanmul_impl_count(); i++) {
        const chanmul_impl *impl = chanmul_impl_at(i);
        for (size_t o = 0; o < COUNT_OF(ALL_OPS); o++) {
            int c = chanmul_impl_covers(impl, ALL_OPS[o]);
            CHECK(c == (impl->kernels[ALL_OPS[o]] != NULL), "%s: covers(%s) = %d but kernel %s", impl->name,
                  op_name(ALL_OPS[o]), c, impl->kernels[ALL_OPS[o]] ? "set" : "NULL");
            if (impl->kind == CHANMUL_KIND_REFERENCE)
                CHECK(c, "the reference does not cover %s", op_name(ALL_OPS[o]));
        }
        CHECK(impl->scale_abi1 == NULL, "built-in %s has an ABI-1 kernel", impl->name);
    }

    for (size_t o = 0; o < COUNT_OF(ALL_OPS); o++)
        for (size_t l = 0; l < COUNT_OF(ALL_LAYOUTS); l++) {
            chanmul_problem p = make_problem(ALL_OPS[o], ALL_LAYOUTS[l], 2, 3, 5, 7);
            const size_t total = 210;
            chanmul_desc d;
            chanmul_desc_init(&d, &p);
            char base[96];
            describe(base, sizeof base, &p);
            arena_fill();
            float *x = arena + X_AT, *y = arena + Y_AT;
            const float *f = arena + F_AT;
            chanmul_tensors t = tensors(x, f, y);
            const chanmul_impl *impls[] = {&spy_scale_only, &spy_abi1};
            for (size_t k = 0; k < COUNT_OF(impls); k++) {
                int covered = p.op == CHANMUL_OP_SCALE;
                int want = covered ? 0 : CHANMUL_EOP;
                float want_y0 = k == 0 ? 42.0f : 43.0f;
                fill_sentinel(y, total);
                arena_snapshot();
                spy_calls = 0;
                int rc = chanmul_exec(impls[k], &d, &t, 1);
                CHECK(rc == want, "%s, %s: chanmul_exec = %d (%s), expected %d (%s)", base, impls[k]->name, rc,
                      chanmul_strerror(rc), want, chanmul_strerror(want));
                CHECK(spy_calls == covered, "%s, %s: kernel called %d times, expected %d", base, impls[k]->name,
                      spy_calls, covered);
                if (covered) {
                    CHECK(y[0] == want_y0 && spy_last_op == p.op && spy_args[0] == x && spy_args[1] == f &&
                              spy_args[2] == y,
                          "%s, %s: the kernel was not handed the call's operands", base, impls[k]->name);
                    CHECK(first_touched(y + 1, total - 1) == total - 1, "%s, %s: more than the spy's write",
                          base, impls[k]->name);
                } else {
                    size_t at = arena_changed();
                    CHECK(at == ARENA, "%s, %s: EOP but arena[%zu] changed", base, impls[k]->name, at);
                }
                /* the short form says the same */
                fill_sentinel(y, total);
                arena_snapshot();
                spy_calls = 0;
                rc = chanmul_run(impls[k], &p, x, f, y, 1);
                CHECK(rc == want && spy_calls == covered, "%s, %s: chanmul_run = %d (%s), calls %d", base,
                      impls[k]->name, rc, chanmul_strerror(rc), spy_calls);
                if (!covered)
                    CHECK(arena_changed() == ARENA, "%s, %s: chanmul_run wrote on EOP", base, impls[k]->name);
                /* argument errors still come first */
                spy_calls = 0;
                rc = chanmul_exec(impls[k], &d, &t, -1);
                CHECK(rc == CHANMUL_ETHREADS && spy_calls == 0, "%s, %s, threads -1: chanmul_exec = %d (%s)",
                      base, impls[k]->name, rc, chanmul_strerror(rc));
            }
        }
}

/* ---- 4. every implementation against the reference ------------------------------------ */

#define GUARD 16

static void test_every_impl_matches_reference(void)
{
    static const size_t shapes[][4] = {{9, 13, 17, 33}, {1, 1, 1, 1}, {2, 3, 5, 7},  {1, 7, 7, 33},
                                       {3, 2, 2, 1},    {2, 1, 1, 64}, {4, 5, 3, 16}, {1, 2, 9, 100},
                                       {5, 1, 1, 3},    {1, 16, 16, 1}};
    const chanmul_impl *ref = chanmul_impl_find("reference");
    CHECK(ref != NULL, "no implementation named 'reference'");
    if (!ref)
        return;
    size_t runs = 0;
    for (size_t k = 0; k < COUNT_OF(shapes); k++)
        for (size_t o = 0; o < COUNT_OF(ALL_OPS); o++)
            for (size_t l = 0; l < COUNT_OF(ALL_LAYOUTS); l++) {
                chanmul_problem p = make_problem(ALL_OPS[o], ALL_LAYOUTS[l], shapes[k][0], shapes[k][1],
                                                 shapes[k][2], shapes[k][3]);
                char base[96];
                describe(base, sizeof base, &p);
                const size_t total = p.n * p.h * p.w * p.c, fs = factor_count(&p);
                float *x = malloc(total * sizeof *x), *xcopy = malloc(total * sizeof *x);
                float *f = malloc(fs * sizeof *f), *fcopy = malloc(fs * sizeof *f);
                float *want = malloc(total * sizeof *want), *def = malloc(total * sizeof *def);
                float *ybuf = malloc((total + 2 * GUARD) * sizeof *ybuf);
                if (!x || !xcopy || !f || !fcopy || !want || !def || !ybuf) {
                    CHECK(0, "out of memory");
                    free(x), free(xcopy), free(f), free(fcopy), free(want), free(def), free(ybuf);
                    return;
                }
                float *y = ybuf + GUARD;
                fill_data(x, total, (unsigned)(k + o));
                fill_factor(f, fs, (unsigned)(k * 3 + l));
                memcpy(xcopy, x, total * sizeof *x);
                memcpy(fcopy, f, fs * sizeof *f);
                chanmul_desc d;
                int rc = chanmul_desc_init(&d, &p);
                CHECK(rc == 0, "%s: chanmul_desc_init = %d", base, rc);

                /* the reference is the definition */
                compute_expected(&p, x, f, def);
                chanmul_tensors t = tensors(x, f, want);
                rc = chanmul_exec(ref, &d, &t, 1);
                CHECK(rc == 0, "%s: reference returned %d (%s)", base, rc, chanmul_strerror(rc));
                size_t at = first_difference(want, def, total);
                CHECK(at == total, "%s: the reference differs from the definition at y[%zu]: %g, expected %g",
                      base, at, at < total ? want[at] : 0.0, at < total ? def[at] : 0.0);

                for (size_t i = 0; i < chanmul_impl_count(); i++) {
                    const chanmul_impl *impl = chanmul_impl_at(i);
                    if (!chanmul_impl_covers(impl, p.op) || !chanmul_impl_available(impl, NULL))
                        continue;
                    for (int threads = 1; threads <= 2; threads++)
                        for (int via_run = 0; via_run <= 1; via_run++)
                            for (int in_place = 0; in_place <= 1; in_place++) {
                                char what[224];
                                snprintf(what, sizeof what, "%s, %s, threads %d, %s%s", base, impl->name,
                                         threads, via_run ? "chanmul_run" : "chanmul_exec",
                                         in_place ? ", in place" : "");
                                fill_sentinel(ybuf, total + 2 * GUARD);
                                if (in_place)
                                    memcpy(y, x, total * sizeof *y);
                                const float *xin = in_place ? y : x;
                                if (via_run) {
                                    rc = chanmul_run(impl, &p, xin, f, y, threads);
                                } else {
                                    t = tensors(xin, f, y);
                                    rc = chanmul_exec(impl, &d, &t, threads);
                                }
                                runs++;
                                CHECK(rc == 0, "%s: returned %d (%s)", what, rc, chanmul_strerror(rc));
                                at = first_difference(y, want, total);
                                CHECK(at == total, "%s: y[%zu] = %g, reference %g", what, at,
                                      at < total ? y[at] : 0.0, at < total ? want[at] : 0.0);
                                at = first_touched(y + total, GUARD);
                                CHECK(at == GUARD, "%s: wrote the guard element %zu past y's end", what, at);
                                at = first_touched(ybuf, GUARD);
                                CHECK(at == GUARD, "%s: wrote the guard element %zu before y", what,
                                      GUARD - at);
                                CHECK(memcmp(f, fcopy, fs * sizeof *f) == 0, "%s: modified the factor", what);
                                CHECK(memcmp(x, xcopy, total * sizeof *x) == 0, "%s: modified x", what);
                            }
                }
                free(x), free(xcopy), free(f), free(fcopy), free(want), free(def), free(ybuf);
            }
    CHECK(runs >= COUNT_OF(shapes) * COUNT_OF(ALL_OPS) * COUNT_OF(ALL_LAYOUTS) * 8,
          "only %zu runs compared: is the reference itself not available?", runs);
    printf("compared %zu runs with the reference\n", runs);
}

/* ---- 5. zero-sized problems ----------------------------------------------------------- */

static void test_zero_size(void)
{
    static const size_t shapes[][4] = {{0, 2, 3, 4}, {2, 0, 3, 4}, {2, 3, 0, 4}, {2, 3, 4, 0},
                                       {0, 0, 0, 0}, {0, (size_t)1 << 40, (size_t)1 << 40, 1},
                                       {(size_t)1 << 40, 1, 1, 0}, {1, (size_t)1 << 40, 0, (size_t)1 << 40}};
    static float x[64], f[64], y[64];
    fill_data(x, 64, 4);
    fill_factor(f, 64, 4);
    for (size_t k = 0; k < COUNT_OF(shapes); k++)
        for (size_t o = 0; o < COUNT_OF(ALL_OPS); o++)
            for (size_t l = 0; l < COUNT_OF(ALL_LAYOUTS); l++) {
                chanmul_problem p = make_problem(ALL_OPS[o], ALL_LAYOUTS[l], shapes[k][0], shapes[k][1],
                                                 shapes[k][2], shapes[k][3]);
                char name[128];
                describe(name, sizeof name, &p);
                chanmul_desc d;
                int got = chanmul_desc_init(&d, &p);
                CHECK(got == 0, "zero-size %s: chanmul_desc_init = %d (%s)", name, got, chanmul_strerror(got));
                if (got)
                    continue;
                chanmul_tensors none = tensors(NULL, NULL, NULL), some = tensors(x, f, y),
                                inplace = tensors(y, f, y);
                got = chanmul_check_desc(&d, &none, 1);
                CHECK(got == 0, "zero-size %s, NULL operands: chanmul_check_desc = %d (%s)", name, got,
                      chanmul_strerror(got));
                got = chanmul_check(&p, NULL, NULL, NULL, 1);
                CHECK(got == 0, "zero-size %s, NULL operands: chanmul_check = %d (%s)", name, got,
                      chanmul_strerror(got));
                spy_calls = 0;
                got = chanmul_exec(&spy_all, &d, &none, 1);
                CHECK(got == 0 && spy_calls == 0, "zero-size %s: chanmul_exec(spy) = %d, calls %d", name, got,
                      spy_calls);
                got = chanmul_exec(&spy_all, &d, &some, 1);
                CHECK(got == 0 && spy_calls == 0, "zero-size %s: chanmul_exec(spy, buffers) = %d, calls %d",
                      name, got, spy_calls);
                if (spy_calls != 0)
                    continue; /* real kernels would be handed an empty problem */
                for (size_t i = 0; i < chanmul_impl_count(); i++) {
                    const chanmul_impl *impl = chanmul_impl_at(i);
                    if (!chanmul_impl_available(impl, NULL) || !chanmul_impl_covers(impl, p.op))
                        continue;
                    for (int threads = 0; threads <= 2; threads++) {
                        got = chanmul_exec(impl, &d, &none, threads);
                        CHECK(got == 0, "zero-size %s, %s, NULL operands, threads %d: chanmul_exec = %d (%s)",
                              name, impl->name, threads, got, chanmul_strerror(got));
                        fill_sentinel(y, 64);
                        got = chanmul_exec(impl, &d, &some, threads);
                        size_t at = first_touched(y, 64);
                        CHECK(got == 0 && at == 64, "zero-size %s, %s, threads %d: chanmul_exec = %d, wrote y[%zu]",
                              name, impl->name, threads, got, at);
                        got = chanmul_exec(impl, &d, &inplace, threads);
                        at = first_touched(y, 64);
                        CHECK(got == 0 && at == 64,
                              "zero-size %s, %s, threads %d, in place: chanmul_exec = %d, wrote y[%zu]", name,
                              impl->name, threads, got, at);
                        got = chanmul_run(impl, &p, x, f, y, threads);
                        at = first_touched(y, 64);
                        CHECK(got == 0 && at == 64, "zero-size %s, %s, threads %d: chanmul_run = %d, wrote y[%zu]",
                              name, impl->name, threads, got, at);
                    }
                }
            }
}

/* ---- 6. scale_grad: its operands, its checks, its sums over no rows ---------------------- */

static int bits_equal(const float *a, const float *b, size_t n)
{
    return memcmp(a, b, n * sizeof(float)) == 0;
}

static void test_scale_grad(void)
{
    enum { C = 5, ROWS = 6, TOTAL = ROWS * C };
    static float x[TOTAL], s[C], dy[TOTAL], dx[TOTAL], ds[C], db[C];
    static float ref_dx[TOTAL], ref_ds[C], ref_db[C], own_ds[C], own_db[C];
    fill_data(x, TOTAL, 1);
    fill_data(dy, TOTAL, 2);
    fill_factor(s, C, 3);
    for (int l = 0; l < 2; l++) {
        chanmul_problem p = make_problem(CHANMUL_OP_SCALE_GRAD, ALL_LAYOUTS[l], 2, 1, 3, C);
        chanmul_desc d;
        CHECK(chanmul_desc_init(&d, &p) == 0 && d.inputs == 3 && d.outputs == 3 &&
                  d.out[1].rank == 1 && d.out[1].dims[0] == C && d.in[2].rank == 4,
              "scale_grad %s: descriptor", chanmul_layout_name(p.layout));
        chanmul_tensors t = {{x, s, dy}, {dx, ds, db}};
        /* the checks: dx may be dy (in place), nothing else may alias */
        chanmul_tensors in_place = {{x, s, dx}, {dx, ds, db}}, dx_on_x = {{x, s, dy}, {x, ds, db}};
        chanmul_tensors shifted = {{x, s, dx + 1}, {dx, ds, db}}, ds_on_s = {{x, s, dy}, {dx, s, db}};
        chanmul_tensors same_sums = {{x, s, dy}, {dx, ds, ds}}, no_db = {{x, s, dy}, {dx, ds, NULL}};
        CHECK(chanmul_check_desc(&d, &t, 1) == 0, "scale_grad: separate operands refused");
        CHECK(chanmul_check_desc(&d, &in_place, 1) == 0, "scale_grad: dx == dy refused");
        CHECK(chanmul_check_desc(&d, &dx_on_x, 1) == CHANMUL_EOVERLAP_SY, "scale_grad: dx == x accepted");
        CHECK(chanmul_check_desc(&d, &shifted, 1) == CHANMUL_EOVERLAP_XY, "scale_grad: dx overlapping dy accepted");
        CHECK(chanmul_check_desc(&d, &ds_on_s, 1) == CHANMUL_EOVERLAP_SY, "scale_grad: ds == s accepted");
        CHECK(chanmul_check_desc(&d, &same_sums, 1) == CHANMUL_EOVERLAP_SY, "scale_grad: ds == db accepted");
        CHECK(chanmul_check_desc(&d, &no_db, 1) == CHANMUL_ENULL, "scale_grad: NULL db accepted");
        /* small integers: every sum is exact, so every implementation gives the
         * reference's bits, and all of chanmul's the same */
        chanmul_tensors ref = {{x, s, dy}, {ref_dx, ref_ds, ref_db}};
        CHECK(chanmul_exec(chanmul_impl_find("reference"), &d, &ref, 1) == 0, "scale_grad reference failed");
        for (size_t i = 0; i < chanmul_impl_count(); i++) {
            const chanmul_impl *impl = chanmul_impl_at(i);
            if (!chanmul_impl_covers(impl, p.op) || !chanmul_impl_available(impl, NULL))
                continue;
            for (int threads = 1; threads <= 3; threads++) {
                int rc = chanmul_exec(impl, &d, &t, threads);
                CHECK(rc == 0 && bits_equal(dx, ref_dx, TOTAL) && bits_equal(ds, ref_ds, C) &&
                          bits_equal(db, ref_db, C),
                      "scale_grad %s %s threads %d: rc %d, or outputs differ from the reference",
                      chanmul_layout_name(p.layout), impl->name, threads, rc);
            }
        }
        /* no rows: the sums are zero, written; dx has no elements (NULL allowed) */
        for (int empty = 0; empty < 3; empty++) {
            chanmul_problem e = make_problem(CHANMUL_OP_SCALE_GRAD, ALL_LAYOUTS[l], empty == 0 ? 0 : 2,
                                             empty == 1 ? 0 : 1, empty == 2 ? 0 : 3, C);
            chanmul_desc de;
            CHECK(chanmul_desc_init(&de, &e) == 0, "scale_grad empty: descriptor");
            chanmul_tensors only_sums = {{NULL, s, NULL}, {NULL, own_ds, own_db}};
            chanmul_tensors missing = {{NULL, s, NULL}, {NULL, NULL, own_db}};
            CHECK(chanmul_exec(chanmul_impl_find("naive"), &de, &missing, 1) == CHANMUL_ENULL,
                  "scale_grad with no rows and ds NULL: accepted");
            for (size_t i = 0; i < chanmul_impl_count(); i++) {
                const chanmul_impl *impl = chanmul_impl_at(i);
                if (!chanmul_impl_covers(impl, e.op) || !chanmul_impl_available(impl, NULL))
                    continue;
                fill_sentinel(own_ds, C);
                fill_sentinel(own_db, C);
                int rc = chanmul_exec(impl, &de, &only_sums, 2);
                int zeros = 1;
                for (int c = 0; c < C; c++)
                    zeros = zeros && memcmp(&own_ds[c], &(float){0.0f}, sizeof(float)) == 0 &&
                            memcmp(&own_db[c], &(float){0.0f}, sizeof(float)) == 0;
                CHECK(rc == 0 && zeros, "scale_grad %s with no rows (%zux%zux%zux%zu): rc %d, sums %s",
                      impl->name, e.n, e.h, e.w, e.c, rc, zeros ? "+0" : "not all +0");
            }
        }
    }
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0); /* failures already found survive a later crash */
    test_facts_table();
    test_desc_shapes();
    test_desc_errors();
    test_shape_elements_and_bytes();
    test_exec_null_threads_problem();
    test_exec_overlap();
    test_exec_tampered();
    test_exec_coverage();
    test_every_impl_matches_reference();
    test_zero_size();
    test_scale_grad();
    return check_summary();
}
