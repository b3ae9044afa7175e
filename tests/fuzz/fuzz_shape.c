/*
 * The shape strings of the command line and of results names
 * (harness/problem/shape.c): NxHxWxC (shape_parse), a general shape of rank
 * 0..8 (dims_parse, --shape2 and bcast's --shape), a problem string "A,B" or
 * NxHxWxC (problem_shape_parse, the results reader's), counts (int_parse) and
 * layouts; and NumPy's broadcasting of the two shapes of "A,B"
 * (chanmul_broadcast_shapes, the public API).
 *
 * Properties: what parses, formatted back, parses to the same value; the
 * broadcast is symmetric, of the larger rank, each dimension one of the
 * pair's; a bcast problem the parser accepts is one the library accepts.
 */
#include "fuzz_input.h"

#include "chanmul.h"
#include "shape.h"

/* Longest formats: 8 dimensions of 20 digits and 7 x's; two of them and a comma. */
#define DIMS_TEXT 256
#define PROBLEM_TEXT 512

static void check_nhwc(const char *s)
{
    chanmul_problem p = {CHANMUL_OP_SCALE, CHANMUL_NHWC}, q = p;
    char err[512], text[PROBLEM_TEXT];
    if (shape_parse(s, &p, err, sizeof err) != 0)
        return;
    shape_format(&p, text, sizeof text);
    FUZZ_CHECK(shape_parse(text, &q, err, sizeof err) == 0);
    FUZZ_CHECK(q.n == p.n && q.h == p.h && q.w == p.w && q.c == p.c);
}

static void check_dims(const char *s)
{
    chanmul_shape a, b;
    char err[512], text[DIMS_TEXT];
    if (dims_parse(s, &a, err, sizeof err) != 0)
        return;
    FUZZ_CHECK(a.rank >= 0 && a.rank <= CHANMUL_MAX_RANK);
    dims_format(&a, text, sizeof text);
    FUZZ_CHECK(dims_parse(text, &b, err, sizeof err) == 0);
    FUZZ_CHECK(chanmul_shape_equal(&a, &b));
}

/* NumPy's rule on the two halves of "A,B" (when both are shapes). */
static void check_broadcast(const char *s)
{
    const char *comma = strchr(s, ',');
    if (!comma)
        return;
    char *first = strndup(s, (size_t)(comma - s));
    if (!first)
        abort();
    chanmul_shape a, b, ab, ba;
    char err[512], why_ab[1024], why_ba[1024];
    int ok = dims_parse(first, &a, err, sizeof err) == 0 && dims_parse(comma + 1, &b, err, sizeof err) == 0;
    free(first);
    if (!ok)
        return;
    int rc_ab = chanmul_broadcast_shapes(&a, &b, &ab, why_ab, sizeof why_ab);
    int rc_ba = chanmul_broadcast_shapes(&b, &a, &ba, why_ba, sizeof why_ba);
    FUZZ_CHECK((rc_ab == 0) == (rc_ba == 0));
    if (rc_ab != 0)
        return;
    FUZZ_CHECK(chanmul_shape_equal(&ab, &ba));
    FUZZ_CHECK(ab.rank == (a.rank > b.rank ? a.rank : b.rank));
    for (int i = 0; i < ab.rank; i++) {
        int ka = i - (ab.rank - a.rank), kb = i - (ab.rank - b.rank);
        size_t da = ka >= 0 ? a.dims[ka] : 1, db = kb >= 0 ? b.dims[kb] : 1;
        FUZZ_CHECK(ab.dims[i] == da || ab.dims[i] == db);
    }
    /* y may be one of the operands */
    chanmul_shape self = a;
    FUZZ_CHECK(chanmul_broadcast_shapes(&self, &b, &self, NULL, 0) == 0 && chanmul_shape_equal(&self, &ab));
}

static void check_problem(const char *s)
{
    chanmul_problem p = {CHANMUL_OP_GATE, CHANMUL_NCHW}, q = {CHANMUL_OP_GATE, CHANMUL_NCHW};
    char err[512], text[PROBLEM_TEXT];
    if (problem_shape_parse(s, &p, err, sizeof err) != 0)
        return;
    shape_format(&p, text, sizeof text);
    FUZZ_CHECK(strlen(text) < sizeof text - 1); /* not cut short */
    FUZZ_CHECK(problem_shape_parse(text, &q, err, sizeof err) == 0);
    FUZZ_CHECK(q.op == p.op && q.layout == p.layout);
    FUZZ_CHECK(q.n == p.n && q.h == p.h && q.w == p.w && q.c == p.c);
    if (p.op != CHANMUL_OP_BCAST)
        return;
    FUZZ_CHECK(chanmul_shape_equal(&q.a, &p.a) && chanmul_shape_equal(&q.b, &p.b));
    chanmul_desc d; /* (its n, h, w, c checked against the fold of a and b) */
    FUZZ_CHECK(chanmul_desc_init(&d, &p) == 0);
}

static void check_small(const char *s)
{
    int v, w;
    char text[32];
    if (int_parse(s, &v) == 0) {
        FUZZ_CHECK(v >= 0);
        snprintf(text, sizeof text, "%d", v);
        FUZZ_CHECK(int_parse(text, &w) == 0 && w == v);
    }
    chanmul_layout layout;
    if (layout_parse(s, &layout) == 0)
        FUZZ_CHECK(layout == CHANMUL_NHWC || layout == CHANMUL_NCHW);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_string(data, size);
    check_nhwc(s);
    check_dims(s);
    check_broadcast(s);
    check_problem(s);
    check_small(s);
    free(s);
    return 0;
}
