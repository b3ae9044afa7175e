/*
 * test_plan: prepared calls (chanmul_plan_*, include/chanmul.h; impls/core/plan.c).
 *
 *  1. Every available implementation, every op it covers, a few problems of
 *     each layout (bcast: problems from chanmul_bcast_problem), threads 1 and
 *     2: a plan's chanmul_plan_exec gives the same return code and outputs
 *     bit for bit as chanmul_exec with that implementation on the same inputs
 *     (and chanmul_plan_run as chanmul_run for the ops of the short form);
 *     chanmul_plan_desc is chanmul_desc_init's descriptor; chanmul_plan_impl
 *     is the implementation itself, or for `auto` the one it picked (never a
 *     selector).
 *  2. Errors at create: each the chanmul_error chanmul_exec returns for the
 *     same problem with valid pointers, *plan left NULL.
 *  3. Errors at exec: NULL operands, overlaps, in place, the short form on
 *     an op it does not have, NULL plan.
 *  4. Empty problems: planned and run (scale_grad's sums of no rows: zeros).
 *
 * Data: small multiples of a quarter, never denormal (a peer that flushes
 * denormals runs on both paths, but the inputs stay out of that question).
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

static void fill_data(float *x, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        x[i] = (float)((int)((i * 7 + seed) % 13) - 6) * 0.25f + 0.5f;
}

/* Exactly sized (an over-read or over-write is a sanitizer report); at least one float. */
static float *alloc_floats(size_t n)
{
    float *p = malloc((n ? n : 1) * sizeof(float));
    if (!p) {
        fprintf(stderr, "test_plan: out of memory\n");
        exit(2);
    }
    return p;
}

/* Index of the first element whose bits differ, or n. */
static size_t first_difference(const float *a, const float *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (memcmp(&a[i], &b[i], sizeof(float)) != 0)
            return i;
    return n;
}

static size_t elements(const chanmul_shape *s)
{
    int err = 0;
    size_t n = chanmul_shape_elements(s, &err);
    return err ? 0 : n;
}

static int same_desc(const chanmul_desc *a, const chanmul_desc *b)
{
    if (a->p.op != b->p.op || a->p.layout != b->p.layout || a->p.n != b->p.n || a->p.h != b->p.h ||
        a->p.w != b->p.w || a->p.c != b->p.c || !chanmul_shape_equal(&a->p.a, &b->p.a) || !chanmul_shape_equal(&a->p.b, &b->p.b) ||
        a->inputs != b->inputs || a->outputs != b->outputs)
        return 0;
    for (int k = 0; k < a->inputs; k++)
        if (!chanmul_shape_equal(&a->in[k], &b->in[k]))
            return 0;
    for (int k = 0; k < a->outputs; k++)
        if (!chanmul_shape_equal(&a->out[k], &b->out[k]))
            return 0;
    return 1;
}

static chanmul_shape make_shape(int rank, const size_t *dims)
{
    chanmul_shape s;
    memset(&s, 0, sizeof s);
    s.rank = rank;
    for (int i = 0; i < rank; i++)
        s.dims[i] = dims[i];
    return s;
}

static chanmul_problem make_problem(chanmul_op op, chanmul_layout layout, size_t n, size_t h, size_t w,
                                    size_t c)
{
    chanmul_problem p;
    memset(&p, 0, sizeof p);
    p.op = op;
    p.layout = layout;
    p.n = n;
    p.h = h;
    p.w = w;
    p.c = c;
    return p;
}

static void describe(char *buf, size_t len, const chanmul_impl *impl, const chanmul_problem *p, int threads)
{
    snprintf(buf, len, "%s %s %s %zux%zux%zux%zu threads %d", impl ? impl->name : "(null)",
             chanmul_op_name(p->op), chanmul_layout_name(p->layout), p->n, p->h, p->w, p->c, threads);
}

/* ---- one call's operands ----------------------------------------------------------- */

typedef struct operands {
    chanmul_desc d;
    size_t in_n[CHANMUL_MAX_INPUTS], out_n[CHANMUL_MAX_OUTPUTS];
    float *in[CHANMUL_MAX_INPUTS];
    float *out_exec[CHANMUL_MAX_OUTPUTS], *out_plan[CHANMUL_MAX_OUTPUTS];
} operands;

/* 0, or desc_init's error. Inputs filled, outputs the sentinel. */
static int operands_make(operands *o, const chanmul_problem *p)
{
    memset(o, 0, sizeof *o);
    int err = chanmul_desc_init(&o->d, p);
    if (err)
        return err;
    for (int k = 0; k < o->d.inputs; k++) {
        o->in_n[k] = elements(&o->d.in[k]);
        o->in[k] = alloc_floats(o->in_n[k]);
        fill_data(o->in[k], o->in_n[k], 3u * (unsigned)k + 1u);
    }
    for (int k = 0; k < o->d.outputs; k++) {
        o->out_n[k] = elements(&o->d.out[k]);
        o->out_exec[k] = alloc_floats(o->out_n[k]);
        o->out_plan[k] = alloc_floats(o->out_n[k]);
        fill_sentinel(o->out_exec[k], o->out_n[k]);
        fill_sentinel(o->out_plan[k], o->out_n[k]);
    }
    return 0;
}

static void operands_free(operands *o)
{
    for (int k = 0; k < CHANMUL_MAX_INPUTS; k++)
        free(o->in[k]);
    for (int k = 0; k < CHANMUL_MAX_OUTPUTS; k++) {
        free(o->out_exec[k]);
        free(o->out_plan[k]);
    }
    memset(o, 0, sizeof *o);
}

static chanmul_tensors tensors_of(const operands *o, int plan_side)
{
    chanmul_tensors t;
    memset(&t, 0, sizeof t);
    for (int k = 0; k < o->d.inputs; k++)
        t.in[k] = o->in[k];
    for (int k = 0; k < o->d.outputs; k++)
        t.out[k] = plan_side ? o->out_plan[k] : o->out_exec[k];
    return t;
}

/* ---- 1. the plan against chanmul_exec ------------------------------------------------ */

static long compared_cases, errored_cases;

static void compare_one(const chanmul_impl *impl, const chanmul_problem *p, int threads)
{
    char what[256];
    describe(what, sizeof what, impl, p, threads);
    operands o;
    int err = operands_make(&o, p);
    CHECK(err == 0, "%s: chanmul_desc_init = %d (%s)", what, err, chanmul_strerror(err));
    if (err)
        return;

    chanmul_plan *plan = NULL;
    err = chanmul_plan_create(impl, p, threads, &plan);
    CHECK(err == 0 && plan != NULL, "%s: chanmul_plan_create = %d (%s)", what, err, chanmul_strerror(err));
    if (err || !plan) {
        operands_free(&o);
        return;
    }
    const chanmul_desc *pd = chanmul_plan_desc(plan);
    CHECK(pd != NULL && same_desc(pd, &o.d), "%s: chanmul_plan_desc is not chanmul_desc_init's descriptor", what);
    const chanmul_impl *runs = chanmul_plan_impl(plan);
    if (impl->kind == CHANMUL_KIND_SELECTOR)
        CHECK(runs != NULL && runs->kind != CHANMUL_KIND_SELECTOR && chanmul_impl_covers(runs, p->op),
              "%s: chanmul_plan_impl names %s (kind %s), not a covering non-selector", what,
              runs ? runs->name : "(null)", runs ? chanmul_kind_name(runs->kind) : "-");
    else
        CHECK(runs == impl, "%s: chanmul_plan_impl names %s, not the implementation itself", what,
              runs ? runs->name : "(null)");

    chanmul_tensors te = tensors_of(&o, 0), tp = tensors_of(&o, 1);
    int rc_exec = chanmul_exec(impl, &o.d, &te, threads);
    int rc_plan = chanmul_plan_exec(plan, &tp);
    CHECK(rc_exec == rc_plan, "%s: chanmul_plan_exec = %d (%s), chanmul_exec = %d (%s)", what, rc_plan,
          chanmul_strerror(rc_plan), rc_exec, chanmul_strerror(rc_exec));
    if (rc_exec == 0)
        compared_cases++;
    else {
        errored_cases++; /* (a peer may refuse a case: both paths must say so) */
        if (rc_exec == rc_plan)
            printf("refused by both paths: %s: %d (%s)\n", what, rc_exec, chanmul_strerror(rc_exec));
    }
    for (int k = 0; k < o.d.outputs; k++) {
        size_t at = first_difference(o.out_exec[k], o.out_plan[k], o.out_n[k]);
        if (at < o.out_n[k]) {
            uint32_t be, bp;
            memcpy(&be, &o.out_exec[k][at], sizeof be);
            memcpy(&bp, &o.out_plan[k][at], sizeof bp);
            CHECK(0, "%s: output %d differs at [%zu] of %zu: chanmul_exec 0x%08x (%g), plan 0x%08x (%g)", what, k,
                  at, o.out_n[k], be, o.out_exec[k][at], bp, o.out_plan[k][at]);
        } else {
            CHECK(1, "%s", what);
        }
    }

    /* the short form: on plans of one factor as chanmul_run; else CHANMUL_EOP */
    if (o.d.outputs == 1) {
        float *y_run = alloc_floats(o.out_n[0]), *y_plan = alloc_floats(o.out_n[0]);
        fill_sentinel(y_run, o.out_n[0]);
        fill_sentinel(y_plan, o.out_n[0]);
        int rc_prun = chanmul_plan_run(plan, o.in[0], o.in[1], y_plan);
        if (o.d.inputs == 2) {
            int rc_run = chanmul_run(impl, p, o.in[0], o.in[1], y_run, threads);
            CHECK(rc_prun == rc_run && first_difference(y_run, y_plan, o.out_n[0]) == o.out_n[0],
                  "%s: chanmul_plan_run = %d (%s), chanmul_run = %d (%s), or their outputs differ", what, rc_prun,
                  chanmul_strerror(rc_prun), rc_run, chanmul_strerror(rc_run));
        } else {
            CHECK(rc_prun == CHANMUL_EOP, "%s: chanmul_plan_run on an op of %d inputs = %d (%s), not CHANMUL_EOP",
                  what, o.d.inputs, rc_prun, chanmul_strerror(rc_prun));
        }
        float v = sentinel();
        size_t untouched = 0;
        while (untouched < o.out_n[0] && memcmp(&y_plan[untouched], &v, sizeof v) == 0)
            untouched++;
        if (o.d.inputs != 2)
            CHECK(untouched == o.out_n[0], "%s: chanmul_plan_run returned CHANMUL_EOP but wrote y[%zu]", what,
                  untouched);
        free(y_run);
        free(y_plan);
    } else {
        int rc_prun = chanmul_plan_run(plan, o.in[0], o.in[1], o.out_plan[0]);
        CHECK(rc_prun == CHANMUL_EOP, "%s: chanmul_plan_run on an op of %d outputs = %d (%s), not CHANMUL_EOP",
              what, o.d.outputs, rc_prun, chanmul_strerror(rc_prun));
    }
    chanmul_plan_free(plan);
    operands_free(&o);
}

static const struct { chanmul_layout layout; size_t n, h, w, c; } SHAPES[] = {
    {CHANMUL_NHWC, 2, 3, 5, 7},  {CHANMUL_NCHW, 2, 3, 5, 7},  {CHANMUL_NHWC, 1, 14, 14, 1},
    {CHANMUL_NCHW, 1, 14, 14, 1}, {CHANMUL_NHWC, 3, 4, 4, 64}, {CHANMUL_NCHW, 3, 4, 4, 64},
    /* the prepared range calls' forms (plan.c): a pattern of C >= 16 that 16
     * does not divide, C dividing 16, NCHW's pattern of short planes (at
     * least 8 samples), one plane per channel, and one too long for the stack */
    {CHANMUL_NHWC, 2, 3, 5, 17}, {CHANMUL_NHWC, 1, 4, 4, 40},  {CHANMUL_NHWC, 1, 3, 3, 4},
    {CHANMUL_NCHW, 8, 2, 2, 3},  {CHANMUL_NCHW, 1, 1, 1, 33},  {CHANMUL_NHWC, 1, 2, 2, 4099},
    /* the tiled kernel (C dividing the ISA's tile, or C = 1 in NCHW): less
     * than a step, whole steps with one or two vectors and a tail after them,
     * one element, and C = 64 past AVX2's tile */
    {CHANMUL_NHWC, 1, 3, 5, 2},  {CHANMUL_NHWC, 2, 7, 3, 8},   {CHANMUL_NHWC, 1, 5, 7, 32},
    {CHANMUL_NHWC, 1, 1, 3, 16}, {CHANMUL_NHWC, 1, 1, 1, 1},   {CHANMUL_NCHW, 2, 3, 5, 1},
    {CHANMUL_NHWC, 3, 1, 7, 4},  {CHANMUL_NHWC, 1, 3, 3, 64},
    /* periods of three vectors (C = 3, 6, 12, 24, 48) and of two (C = 32),
     * C = 20 whose period is five (not tiled) */
    {CHANMUL_NHWC, 1, 14, 14, 3}, {CHANMUL_NHWC, 2, 5, 3, 6},  {CHANMUL_NHWC, 1, 3, 7, 12},
    {CHANMUL_NHWC, 1, 2, 9, 24},  {CHANMUL_NHWC, 1, 3, 1, 48}, {CHANMUL_NHWC, 2, 1, 5, 20},
    {CHANMUL_NHWC, 1, 1, 1, 3},
};

static const struct { int ra; size_t a[4]; int rb; size_t b[4]; } BCAST_PAIRS[] = {
    {4, {8, 1, 6, 1}, 3, {7, 1, 5}},  /* NumPy's example */
    {3, {7, 1, 5}, 4, {8, 1, 6, 1}},  /* either way round */
    {4, {2, 3, 5, 7}, 1, {7}},        /* the channel scale's form */
    {4, {2, 3, 5, 7}, 4, {2, 3, 5, 7}}, /* equal shapes */
    {0, {0}, 2, {3, 4}},              /* a scalar */
};

static int bcast_problem(chanmul_problem *p, size_t k)
{
    chanmul_shape a = make_shape(BCAST_PAIRS[k].ra, BCAST_PAIRS[k].a);
    chanmul_shape b = make_shape(BCAST_PAIRS[k].rb, BCAST_PAIRS[k].b);
    char why[256];
    return chanmul_bcast_problem(p, &a, &b, why, sizeof why);
}

static void plans_match_exec(void)
{
    static const int THREADS[] = {1, 2};
    for (size_t i = 0; i < chanmul_impl_count(); i++) {
        const chanmul_impl *impl = chanmul_impl_at(i);
        if (!impl || !chanmul_impl_available(impl, NULL))
            continue;
        for (int op = 0; op < CHANMUL_OP_COUNT; op++) {
            if (!chanmul_impl_covers(impl, (chanmul_op)op))
                continue;
            for (size_t ti = 0; ti < COUNT_OF(THREADS); ti++) {
                if (op == CHANMUL_OP_BCAST) {
                    for (size_t k = 0; k < COUNT_OF(BCAST_PAIRS); k++) {
                        chanmul_problem p;
                        int err = bcast_problem(&p, k);
                        CHECK(err == 0, "bcast pair %zu: chanmul_bcast_problem = %d (%s)", k, err,
                              chanmul_strerror(err));
                        if (!err)
                            compare_one(impl, &p, THREADS[ti]);
                    }
                    continue;
                }
                for (size_t k = 0; k < COUNT_OF(SHAPES); k++) {
                    chanmul_problem p = make_problem((chanmul_op)op, SHAPES[k].layout, SHAPES[k].n, SHAPES[k].h,
                                                     SHAPES[k].w, SHAPES[k].c);
                    compare_one(impl, &p, THREADS[ti]);
                }
            }
        }
    }
    printf("plan vs exec: %ld cases compared, %ld refused by both paths\n", compared_cases, errored_cases);
    CHECK(compared_cases > 0, "no case was compared");
}

/* ---- 2. errors at create ------------------------------------------------------------- */

static int spy_scale(const chanmul_desc *d, const chanmul_tensors *t, int threads)
{
    (void)d;
    (void)t;
    (void)threads;
    return CHANMUL_OK;
}

static int always(const char **why)
{
    (void)why;
    return 1;
}

static int never(const char **why)
{
    if (why)
        *why = "never available (test)";
    return 0;
}

/* covers the channel scale only */
static const chanmul_impl scale_only = {"scale_only", CHANMUL_KIND_PLUGIN, 0, "the channel scale only",
                                        always, {spy_scale}, NULL, 0};
/* covers the channel scale, never runs here */
static const chanmul_impl absent = {"absent", CHANMUL_KIND_PLUGIN, 0, "never available", never, {spy_scale},
                                    NULL, 0};

/* chanmul_plan_create(impl, p, threads) against want, *plan NULL after. */
static void create_fails(const char *what, const chanmul_impl *impl, const chanmul_problem *p, int threads,
                         int want)
{
    static int dummy;
    chanmul_plan *plan = (chanmul_plan *)&dummy; /* not NULL: create must clear it */
    int err = chanmul_plan_create(impl, p, threads, &plan);
    CHECK(err == want, "%s: chanmul_plan_create = %d (%s), expected %d (%s)", what, err, chanmul_strerror(err),
          want, chanmul_strerror(want));
    CHECK(plan == NULL, "%s: chanmul_plan_create failed but left *plan non-NULL", what);
    if (err == 0 && plan && plan != (chanmul_plan *)&dummy)
        chanmul_plan_free(plan);
}

/* chanmul_exec's error for the descriptor d (built from a valid problem, then
 * spoiled by the caller) with valid pointers. */
static int exec_error(const chanmul_impl *impl, const chanmul_desc *d, int threads, operands *o)
{
    chanmul_tensors t = tensors_of(o, 0);
    return chanmul_exec(impl, d, &t, threads);
}

static void create_errors(void)
{
    const chanmul_impl *naive = chanmul_impl_find("naive");
    const chanmul_impl *autos = chanmul_impl_find("auto");
    CHECK(naive != NULL && autos != NULL, "naive or auto is not in the registry");
    if (!naive || !autos)
        return;
    chanmul_problem good = make_problem(CHANMUL_OP_SCALE, CHANMUL_NHWC, 2, 3, 5, 7);
    operands o;
    if (operands_make(&o, &good) != 0) {
        CHECK(0, "chanmul_desc_init refused 2x3x5x7");
        return;
    }
    const chanmul_impl *impls[] = {naive, autos, &scale_only};
    for (size_t k = 0; k < COUNT_OF(impls); k++) {
        const chanmul_impl *impl = impls[k];
        char what[160];
        int want;

        /* NULL problem */
        want = exec_error(impl, NULL, 1, &o);
        snprintf(what, sizeof what, "%s, NULL problem", impl->name);
        CHECK(want == CHANMUL_EPROBLEM, "%s: chanmul_exec = %d (%s)", what, want, chanmul_strerror(want));
        create_fails(what, impl, NULL, 1, CHANMUL_EPROBLEM);

        /* bad layout */
        chanmul_problem p = good;
        p.layout = (chanmul_layout)2;
        chanmul_desc d = o.d;
        d.p.layout = p.layout;
        want = exec_error(impl, &d, 1, &o);
        snprintf(what, sizeof what, "%s, layout 2", impl->name);
        CHECK(want == CHANMUL_ELAYOUT, "%s: chanmul_exec = %d (%s)", what, want, chanmul_strerror(want));
        create_fails(what, impl, &p, 1, CHANMUL_ELAYOUT);
        /* (the problem's errors come before the thread count's and the implementation's) */
        snprintf(what, sizeof what, "%s, layout 2, threads -1", impl->name);
        CHECK(exec_error(impl, &d, -1, &o) == CHANMUL_ELAYOUT, "%s: chanmul_exec disagrees", what);
        create_fails(what, impl, &p, -1, CHANMUL_ELAYOUT);
        snprintf(what, sizeof what, "NULL impl, layout 2");
        CHECK(exec_error(NULL, &d, 1, &o) == CHANMUL_ELAYOUT, "%s: chanmul_exec disagrees", what);
        create_fails(what, NULL, &p, 1, CHANMUL_ELAYOUT);

        /* bad op: past the enum, and negative */
        static const int BAD_OPS[] = {CHANMUL_OP_COUNT, 99, -1};
        for (size_t b = 0; b < COUNT_OF(BAD_OPS); b++) {
            p = good;
            p.op = (chanmul_op)BAD_OPS[b];
            d = o.d;
            d.p.op = p.op;
            want = exec_error(impl, &d, 1, &o);
            snprintf(what, sizeof what, "%s, op %d", impl->name, BAD_OPS[b]);
            CHECK(want == CHANMUL_EOP, "%s: chanmul_exec = %d (%s)", what, want, chanmul_strerror(want));
            create_fails(what, impl, &p, 1, CHANMUL_EOP);
            snprintf(what, sizeof what, "%s, op %d, threads -1", impl->name, BAD_OPS[b]);
            CHECK(exec_error(impl, &d, -1, &o) == CHANMUL_EOP, "%s: chanmul_exec disagrees", what);
            create_fails(what, impl, &p, -1, CHANMUL_EOP);
        }

        /* negative threads */
        static const int BAD_THREADS[] = {-1, -1000};
        for (size_t b = 0; b < COUNT_OF(BAD_THREADS); b++) {
            want = exec_error(impl, &o.d, BAD_THREADS[b], &o);
            snprintf(what, sizeof what, "%s, threads %d", impl->name, BAD_THREADS[b]);
            CHECK(want == CHANMUL_ETHREADS, "%s: chanmul_exec = %d (%s)", what, want, chanmul_strerror(want));
            create_fails(what, impl, &good, BAD_THREADS[b], CHANMUL_ETHREADS);
        }
    }

    /* NULL impl: after the problem's checks */
    int want = exec_error(NULL, &o.d, 1, &o);
    CHECK(want == CHANMUL_ENOIMPL, "NULL impl: chanmul_exec = %d (%s)", want, chanmul_strerror(want));
    create_fails("NULL impl", NULL, &good, 1, CHANMUL_ENOIMPL);
    CHECK(exec_error(NULL, &o.d, -1, &o) == CHANMUL_ETHREADS, "NULL impl, threads -1: chanmul_exec disagrees");
    create_fails("NULL impl, threads -1", NULL, &good, -1, CHANMUL_ETHREADS);

    /* two faults at once get the code a call would give: the thread count is
     * checked before the sizes (chanmul_run says ETHREADS for both) */
    {
        const chanmul_impl *naive_impl = chanmul_impl_find("naive");
        chanmul_problem huge = {CHANMUL_OP_SCALE, CHANMUL_NHWC, SIZE_MAX / 2, 4, 4, 4};
        static float buf[16];
        int run = chanmul_run(naive_impl, &huge, buf, buf + 4, buf + 8, -1);
        CHECK(run == CHANMUL_ETHREADS, "huge, threads -1: chanmul_run = %d", run);
        create_fails("huge problem, threads -1", naive_impl, &huge, -1, run);
        chanmul_shape a = {2, {4, 3}}, b = {1, {5}};
        chanmul_problem bad = {CHANMUL_OP_BCAST, CHANMUL_NHWC, 0, 0, 0, 0};
        bad.a = a;
        bad.b = b;
        run = chanmul_run(naive_impl, &bad, buf, buf + 4, buf + 8, -1);
        create_fails("bcast 4x3 with 5, threads -1", naive_impl, &bad, -1, run);
    }

    /* an implementation that runs nowhere */
    want = exec_error(&absent, &o.d, 1, &o);
    CHECK(want == CHANMUL_EISA, "absent: chanmul_exec = %d (%s)", want, chanmul_strerror(want));
    create_fails("an implementation not available here", &absent, &good, 1, CHANMUL_EISA);

    /* NULL plan pointer */
    int err = chanmul_plan_create(naive, &good, 1, NULL);
    CHECK(err == CHANMUL_EPROBLEM, "create with plan == NULL = %d (%s)", err, chanmul_strerror(err));

    /* an operand's size overflows */
    chanmul_problem huge = make_problem(CHANMUL_OP_SCALE, CHANMUL_NHWC, SIZE_MAX / 2, 4, 4, 4);
    create_fails("SIZE_MAX/2 x 4x4x4", naive, &huge, 1, CHANMUL_EOVERFLOW);
    operands_free(&o);

    /* an implementation that does not cover the op: the local one, and every
     * registered one with a gap (a peer), for every op it lacks */
    long gaps = 0;
    for (size_t i = 0; i <= chanmul_impl_count(); i++) {
        const chanmul_impl *impl = i < chanmul_impl_count() ? chanmul_impl_at(i) : &scale_only;
        if (!impl)
            continue;
        for (int op = 0; op < CHANMUL_OP_COUNT; op++) {
            if (chanmul_impl_covers(impl, (chanmul_op)op))
                continue;
            chanmul_problem p;
            if (op == CHANMUL_OP_BCAST) {
                if (bcast_problem(&p, 0) != 0)
                    continue;
            } else {
                p = make_problem((chanmul_op)op, CHANMUL_NCHW, 2, 3, 5, 7);
            }
            operands po;
            if (operands_make(&po, &p) != 0) {
                CHECK(0, "chanmul_desc_init refused %s", chanmul_op_name((chanmul_op)op));
                continue;
            }
            char what[160];
            snprintf(what, sizeof what, "%s does not cover %s", impl->name, chanmul_op_name((chanmul_op)op));
            want = exec_error(impl, &po.d, 1, &po);
            CHECK(want == CHANMUL_EOP, "%s: chanmul_exec = %d (%s)", what, want, chanmul_strerror(want));
            create_fails(what, impl, &p, 1, CHANMUL_EOP);
            gaps++;
            operands_free(&po);
        }
    }
    CHECK(gaps > 0, "no implementation with an uncovered op was tried");
}

/* ---- 3. errors at exec ------------------------------------------------------------------ */

static void exec_errors(void)
{
    const chanmul_impl *autos = chanmul_impl_find("auto");
    for (size_t i = 0; i < chanmul_impl_count(); i++) {
        const chanmul_impl *impl = chanmul_impl_at(i);
        if (!impl || !chanmul_impl_available(impl, NULL) || !chanmul_impl_covers(impl, CHANMUL_OP_SCALE))
            continue;
        /* C = 7: the generic checks; C = 4: the tiled plan's own (plan.c) */
        for (size_t c = 7; c >= 4; c -= 3) {
            chanmul_problem p = make_problem(CHANMUL_OP_SCALE, CHANMUL_NHWC, 2, 3, 5, c);
            const size_t total = 2 * 3 * 5 * c;
            chanmul_plan *plan = NULL;
            int err = chanmul_plan_create(impl, &p, 1, &plan);
            CHECK(err == 0 && plan, "%s: create = %d (%s)", impl->name, err, chanmul_strerror(err));
            if (err || !plan)
                continue;
            chanmul_desc d;
            chanmul_desc_init(&d, &p);

            /* one arena: x, then room for overlapping views */
            float *arena = alloc_floats(3 * total + c);
            float *x = arena, *s = arena + 2 * total + c;
            float *y = alloc_floats(total), *want = alloc_floats(total);
            fill_data(x, total, 1);
            fill_data(s, c, 4);
            for (size_t k = 0; k < total; k++)
                want[k] = x[k] * s[k % c]; /* NHWC: one correctly rounded product */

            struct {
                const char *name;
                const float *x, *s;
                float *y;
                int want;
            } bad[] = {
                {"NULL x", NULL, s, y, CHANMUL_ENULL},
                {"NULL s", x, NULL, y, CHANMUL_ENULL},
                {"NULL y", x, s, NULL, CHANMUL_ENULL},
                {"y overlapping s", x, s, s - total + 3, CHANMUL_EOVERLAP_SY},
                {"y overlapping s's start", x, s, s - 1, CHANMUL_EOVERLAP_SY},
                {"y overlapping x by one float", x, s, x + 1, CHANMUL_EOVERLAP_XY},
                {"y overlapping x from below", x + total, s, x + 5, CHANMUL_EOVERLAP_XY},
            };
            for (size_t b = 0; b < COUNT_OF(bad); b++) {
                char what[160];
                snprintf(what, sizeof what, "%s, %s", impl->name, bad[b].name);
                chanmul_tensors t = {{bad[b].x, bad[b].s, NULL}, {bad[b].y, NULL, NULL}};
                fill_sentinel(y, total);
                int rc_exec = chanmul_exec(impl, &d, &t, 1);
                int rc_plan = chanmul_plan_exec(plan, &t);
                int rc_run = chanmul_plan_run(plan, bad[b].x, bad[b].s, bad[b].y);
                CHECK(rc_plan == bad[b].want && rc_exec == bad[b].want && rc_run == bad[b].want,
                      "%s: chanmul_plan_exec = %d (%s), chanmul_plan_run = %d, chanmul_exec = %d; expected %d (%s)", what,
                      rc_plan, chanmul_strerror(rc_plan), rc_run, rc_exec, bad[b].want, chanmul_strerror(bad[b].want));
                size_t untouched = 0;
                float v = sentinel();
                while (untouched < total && memcmp(&y[untouched], &v, sizeof v) == 0)
                    untouched++;
                CHECK(untouched == total, "%s: an error, yet y[%zu] was written", what, untouched);
            }

            /* in place: y == x */
            float *xy = alloc_floats(total);
            memcpy(xy, x, total * sizeof(float));
            chanmul_tensors t = {{xy, s, NULL}, {xy, NULL, NULL}};
            err = chanmul_plan_exec(plan, &t);
            CHECK(err == 0 && first_difference(xy, want, total) == total,
                  "%s, in place: chanmul_plan_exec = %d (%s), or y differs from x * s at [%zu]", impl->name, err,
                  chanmul_strerror(err), first_difference(xy, want, total));
            memcpy(xy, x, total * sizeof(float));
            err = chanmul_plan_run(plan, xy, s, xy);
            CHECK(err == 0 && first_difference(xy, want, total) == total,
                  "%s, in place: chanmul_plan_run = %d (%s), or y differs from x * s", impl->name, err,
                  chanmul_strerror(err));
            /* out of place, the same */
            fill_sentinel(y, total);
            err = chanmul_plan_run(plan, x, s, y);
            CHECK(err == 0 && first_difference(y, want, total) == total,
                  "%s: chanmul_plan_run = %d (%s), or y differs from x * s", impl->name, err, chanmul_strerror(err));
            free(xy);

            /* NULL tensors */
            err = chanmul_plan_exec(plan, NULL);
            int rc_exec = chanmul_exec(impl, &d, NULL, 1);
            CHECK(err == CHANMUL_EPROBLEM && rc_exec == err, "%s: chanmul_plan_exec(plan, NULL) = %d (%s), exec %d",
                  impl->name, err, chanmul_strerror(err), rc_exec);

            chanmul_plan_free(plan);
            free(arena);
            free(y);
            free(want);
        }
    }

    /* the short form on plans of more than one factor, or more outputs */
    static const chanmul_op NOT_SHORT[] = {CHANMUL_OP_AFFINE, CHANMUL_OP_SCALE_GRAD};
    for (size_t k = 0; k < COUNT_OF(NOT_SHORT); k++) {
        chanmul_problem p = make_problem(NOT_SHORT[k], CHANMUL_NHWC, 1, 2, 2, 3);
        chanmul_plan *plan = NULL;
        int err = chanmul_plan_create(autos, &p, 1, &plan);
        CHECK(err == 0 && plan, "auto %s: create = %d", chanmul_op_name(NOT_SHORT[k]), err);
        float x[12], s[3], y[12];
        fill_data(x, 12, 0);
        fill_data(s, 3, 1);
        fill_sentinel(y, 12);
        err = chanmul_plan_run(plan, x, s, y);
        CHECK(err == CHANMUL_EOP, "auto %s: chanmul_plan_run = %d (%s), expected CHANMUL_EOP",
              chanmul_op_name(NOT_SHORT[k]), err, chanmul_strerror(err));
        chanmul_plan_free(plan);
    }

    /* NULL plan */
    float x[4] = {1, 2, 3, 4}, s[1] = {2}, y[4];
    chanmul_tensors t = {{x, s, NULL}, {y, NULL, NULL}};
    int err = chanmul_plan_exec(NULL, &t);
    CHECK(err == CHANMUL_EPROBLEM, "chanmul_plan_exec(NULL) = %d (%s)", err, chanmul_strerror(err));
    err = chanmul_plan_run(NULL, x, s, y);
    CHECK(err == CHANMUL_EPROBLEM, "chanmul_plan_run(NULL) = %d (%s)", err, chanmul_strerror(err));
    CHECK(chanmul_plan_impl(NULL) == NULL && chanmul_plan_desc(NULL) == NULL,
          "chanmul_plan_impl / chanmul_plan_desc of NULL are not NULL");
    chanmul_plan_free(NULL);
    CHECK(1, "chanmul_plan_free(NULL)");
}

/* ---- 4. empty problems -------------------------------------------------------------------- */

static void empty_problems(void)
{
    static const struct { size_t n, h, w, c; } EMPTY[] = {{0, 3, 5, 7}, {2, 0, 5, 7}, {2, 3, 5, 0}};
    for (size_t i = 0; i < chanmul_impl_count(); i++) {
        const chanmul_impl *impl = chanmul_impl_at(i);
        if (!impl || !chanmul_impl_available(impl, NULL))
            continue;
        for (int op = 0; op < CHANMUL_OP_COUNT; op++) {
            if (!chanmul_impl_covers(impl, (chanmul_op)op))
                continue;
            size_t count = op == CHANMUL_OP_BCAST ? 1 : COUNT_OF(EMPTY) * 2;
            for (size_t e = 0; e < count; e++) {
                chanmul_problem p;
                if (op == CHANMUL_OP_BCAST) {
                    const size_t ad[2] = {0, 3}, bd[1] = {3};
                    chanmul_shape a = make_shape(2, ad), b = make_shape(1, bd);
                    if (chanmul_bcast_problem(&p, &a, &b, NULL, 0) != 0) {
                        CHECK(0, "chanmul_bcast_problem refused 0x3 * 3");
                        continue;
                    }
                } else {
                    p = make_problem((chanmul_op)op, e % 2 ? CHANMUL_NCHW : CHANMUL_NHWC, EMPTY[e / 2].n,
                                     EMPTY[e / 2].h, EMPTY[e / 2].w, EMPTY[e / 2].c);
                }
                char what[256];
                describe(what, sizeof what, impl, &p, 1);
                operands o;
                int err = operands_make(&o, &p);
                CHECK(err == 0, "%s: chanmul_desc_init = %d", what, err);
                if (err)
                    continue;
                chanmul_plan *plan = NULL;
                err = chanmul_plan_create(impl, &p, 1, &plan);
                CHECK(err == 0 && plan, "%s: chanmul_plan_create = %d (%s)", what, err, chanmul_strerror(err));
                if (err || !plan) {
                    operands_free(&o);
                    continue;
                }
                chanmul_tensors te = tensors_of(&o, 0), tp = tensors_of(&o, 1);
                int rc_exec = chanmul_exec(impl, &o.d, &te, 1);
                int rc_plan = chanmul_plan_exec(plan, &tp);
                CHECK(rc_exec == CHANMUL_OK && rc_plan == CHANMUL_OK, "%s: chanmul_plan_exec = %d (%s), exec %d (%s)",
                      what, rc_plan, chanmul_strerror(rc_plan), rc_exec, chanmul_strerror(rc_exec));
                for (int k = 0; k < o.d.outputs; k++)
                    CHECK(first_difference(o.out_exec[k], o.out_plan[k], o.out_n[k]) == o.out_n[k],
                          "%s: output %d differs between the plan and chanmul_exec", what, k);
                if (op == CHANMUL_OP_SCALE_GRAD) {
                    /* the sums of no rows: one zero per channel (+0, bit for bit) */
                    for (int k = 1; k < o.d.outputs; k++) {
                        size_t nonzero = 0;
                        while (nonzero < o.out_n[k] && memcmp(&o.out_plan[k][nonzero], &(float){0.0f},
                                                              sizeof(float)) == 0)
                            nonzero++;
                        CHECK(o.out_n[k] == p.c && nonzero == p.c,
                              "%s: sums output %d: %zu of %zu channels written +0 (c = %zu)", what, k, nonzero,
                              o.out_n[k], p.c);
                    }
                    /* and they need their pointers */
                    if (p.c > 0) {
                        chanmul_tensors tn = tp;
                        tn.out[1] = NULL;
                        int rn = chanmul_plan_exec(plan, &tn), re = chanmul_exec(impl, &o.d, &tn, 1);
                        CHECK(rn == CHANMUL_ENULL && re == rn, "%s: NULL ds: plan %d (%s), exec %d", what, rn,
                              chanmul_strerror(rn), re);
                    }
                } else {
                    /* nothing to read or write: NULL operands are fine */
                    chanmul_tensors tn;
                    memset(&tn, 0, sizeof tn);
                    int rn = chanmul_plan_exec(plan, &tn), re = chanmul_exec(impl, &o.d, &tn, 1);
                    CHECK(rn == CHANMUL_OK && re == rn, "%s: NULL operands: plan %d (%s), exec %d", what, rn,
                          chanmul_strerror(rn), re);
                }
                chanmul_plan_free(plan);
                operands_free(&o);
            }
        }
    }
}

int main(void)
{
    plans_match_exec();
    create_errors();
    exec_errors();
    empty_problems();
    return check_summary();
}
