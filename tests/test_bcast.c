/*
 * test_bcast: the general broadcast, y = a * b by NumPy's rules
 * (CHANMUL_OP_BCAST, include/chanmul.h).
 *
 *  1. chanmul_broadcast_shapes on NumPy's examples, scalars, empty results,
 *     rank 8; its refusals (CHANMUL_ESHAPE, the documented message naming both
 *     shapes and the first conflicting axis; CHANMUL_EPROBLEM for a rank
 *     outside 0..8).
 *  2. chanmul_bcast_problem's fold (n, h, w, c: y's last three dimensions and
 *     the product of the rest) and chanmul_desc_init / chanmul_check_desc
 *     refusing a problem or descriptor that says two things.
 *  3. Every available implementation that covers bcast, at 1, 2 and 3
 *     threads, bit for bit against the reference (NaN only as "both NaN"),
 *     over shapes of every family form either way round, of no form, edge row
 *     lengths, empty results and 200 seeded random pairs; inputs in exactly
 *     sized heap blocks (an over-read is a sanitizer report), misaligned by
 *     0..15 floats; y between guard zones that must not change. The
 *     reference itself is checked against an odometer written here. Peers may
 *     refuse a case with CHANMUL_EOP (counted as skipped), nothing else.
 *  4. The in-place rule (y may be a only when a has y's shape; never b),
 *     NULL operands, and the short form chanmul_run / chanmul_check.
 *
 * Data: small integers times powers of two (every product exact, normal,
 * far from the denormals XNNPACK flushes, no NaN it would map to -inf); a
 * second pass with NaN, infinities, signed zeros and denormals runs
 * chanmul's own implementations only.
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

/* ---- shapes ------------------------------------------------------------------------ */

/* "8x1x6x1" or "scalar" (rank 0), as the CLI writes them; aborts on a typo in a table. */
static chanmul_shape S(const char *text)
{
    chanmul_shape s;
    memset(&s, 0, sizeof s);
    if (strcmp(text, "scalar") == 0)
        return s;
    const char *p = text;
    for (;;) {
        char *end;
        unsigned long long v = strtoull(p, &end, 10);
        if (end == p || s.rank == CHANMUL_MAX_RANK) {
            fprintf(stderr, "test_bcast: bad shape '%s' in a table\n", text);
            abort();
        }
        s.dims[s.rank++] = (size_t)v;
        if (*end == '\0')
            return s;
        if (*end != 'x') {
            fprintf(stderr, "test_bcast: bad shape '%s' in a table\n", text);
            abort();
        }
        p = end + 1;
    }
}

static const char *shape_text(const chanmul_shape *s, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    if (s->rank == 0) {
        snprintf(buf, len, "scalar");
        return buf;
    }
    if (s->rank < 0 || s->rank > CHANMUL_MAX_RANK) {
        snprintf(buf, len, "(rank %d)", s->rank);
        return buf;
    }
    for (int i = 0; i < s->rank && used < len; i++)
        used += (size_t)snprintf(buf + used, len - used, "%s%zu", i ? "x" : "", s->dims[i]);
    return buf;
}

static size_t count_of(const chanmul_shape *s)
{
    size_t n = 1;
    for (int i = 0; i < s->rank; i++)
        n *= s->dims[i];
    return n;
}

/* ---- values ------------------------------------------------------------------------ */

static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* +-(1..255) * 2^(-3..3): some 3500 distinct values, so an element read from
 * the wrong place almost never matches; every product is exact and normal. */
static void fill_values(float *v, size_t n, uint64_t seed)
{
    static const float scale[7] = {0.125f, 0.25f, 0.5f, 1.0f, 2.0f, 4.0f, 8.0f};
    uint64_t st = seed * 0x2545f4914f6cdd1dull + 1;
    for (size_t i = 0; i < n; i++) {
        uint64_t r = splitmix64(&st);
        float m = (float)(1 + (int)(r % 255)) * scale[(r >> 8) % 7];
        v[i] = (r >> 16) & 1 ? -m : m;
    }
}

static float from_bits(uint32_t b)
{
    float f;
    memcpy(&f, &b, sizeof f);
    return f;
}

static uint32_t bits_of(float f)
{
    uint32_t b;
    memcpy(&b, &f, sizeof b);
    return b;
}

/* NaN, infinities, signed zeros, denormals, the extremes, mixed with ordinary values. */
static void fill_special(float *v, size_t n, uint64_t seed)
{
    static const uint32_t special[] = {
        0x7fc00000u, /* NaN */
        0xffc00001u, /* -NaN with a payload */
        0x7f800000u, /* inf */
        0xff800000u, /* -inf */
        0x00000000u, /* 0 */
        0x80000000u, /* -0 */
        0x00000001u, /* the smallest denormal */
        0x807fffffu, /* the largest negative denormal */
        0x00800000u, /* FLT_MIN */
        0x7f7fffffu, /* FLT_MAX */
        0x3f800000u, /* 1 */
        0xbf000000u, /* -0.5 */
        0x1f800000u, /* 2^-64: a product of two of these is denormal */
    };
    fill_values(v, n, seed);
    uint64_t st = seed ^ 0x5bd1e995u;
    for (size_t i = 0; i < n; i++) {
        uint64_t r = splitmix64(&st);
        if (r % 3 == 0)
            v[i] = from_bits(special[(r >> 8) % COUNT_OF(special)]);
    }
}

static int is_nan(float f)
{
    uint32_t b = bits_of(f);
    return (b & 0x7f800000u) == 0x7f800000u && (b & 0x007fffffu) != 0;
}

/* The same bits, or both NaN (which NaN x * NaN gives depends on the operand
 * order, and the product is free to run either way round). */
static int same_value(float x, float y) { return bits_of(x) == bits_of(y) || (is_nan(x) && is_nan(y)); }

static size_t first_different(const float *got, const float *want, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!same_value(got[i], want[i]))
            return i;
    return n;
}

#define SENTINEL_BITS 0x7fa5a5a5u /* a signalling-NaN pattern no product produces */

static void fill_sentinel(float *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        v[i] = from_bits(SENTINEL_BITS);
}

/* Index of the first element that is no longer the sentinel, or n. */
static size_t first_touched(const float *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (bits_of(v[i]) != SENTINEL_BITS)
            return i;
    return n;
}

/* y = a * b from NumPy's rule, written here independently of the library:
 * an odometer over y's index, each operand's offset kept by strides (0 along
 * an axis where the operand has 1 or no such axis). */
static void definition(const chanmul_shape *sa, const float *a, const chanmul_shape *sb, const float *b,
                       const chanmul_shape *sy, float *y)
{
    size_t stride_a[CHANMUL_MAX_RANK], stride_b[CHANMUL_MAX_RANK], idx[CHANMUL_MAX_RANK];
    const chanmul_shape *ops[2] = {sa, sb};
    size_t *strides[2] = {stride_a, stride_b};
    for (int k = 0; k < 2; k++) {
        size_t step = 1;
        for (int i = sy->rank - 1; i >= 0; i--) {
            int j = i - (sy->rank - ops[k]->rank);
            size_t d = j >= 0 ? ops[k]->dims[j] : 1;
            strides[k][i] = d == 1 ? 0 : step;
            step *= d;
        }
    }
    size_t total = count_of(sy), oa = 0, ob = 0;
    for (int i = 0; i < sy->rank; i++)
        idx[i] = 0;
    for (size_t e = 0; e < total; e++) {
        y[e] = a[oa] * b[ob];
        for (int i = sy->rank - 1; i >= 0; i--) {
            oa += stride_a[i];
            ob += stride_b[i];
            if (++idx[i] < sy->dims[i])
                break;
            oa -= idx[i] * stride_a[i];
            ob -= idx[i] * stride_b[i];
            idx[i] = 0;
        }
    }
}

/* ---- 1. chanmul_broadcast_shapes ---------------------------------------------------- */

static void expect_broadcast(const char *as, const char *bs, const char *ys)
{
    chanmul_shape a = S(as), b = S(bs), want = S(ys);
    for (int swap = 0; swap <= 1; swap++) {
        const chanmul_shape *l = swap ? &b : &a, *r = swap ? &a : &b;
        chanmul_shape y;
        memset(&y, 0xa5, sizeof y);
        char why[512] = "untouched", got[160];
        int rc = chanmul_broadcast_shapes(l, r, &y, why, sizeof why);
        CHECK(rc == 0 && chanmul_shape_equal(&y, &want), "broadcast %s with %s: rc %d (%s), shape %s, expected %s",
              swap ? bs : as, swap ? as : bs, rc, chanmul_strerror(rc), rc == 0 ? shape_text(&y, got, sizeof got) : why,
              ys);
        memset(&y, 0xa5, sizeof y);
        rc = chanmul_broadcast_shapes(l, r, &y, NULL, 0);
        CHECK(rc == 0 && chanmul_shape_equal(&y, &want), "broadcast %s with %s, why NULL: rc %d, or another shape",
              swap ? bs : as, swap ? as : bs, rc);
    }
}

/* a with b refused with CHANMUL_ESHAPE and message, whatever the message buffer. */
static void expect_conflict(const char *as, const char *bs, const char *message)
{
    chanmul_shape a = S(as), b = S(bs), y;
    char why[512] = "untouched";
    int rc = chanmul_broadcast_shapes(&a, &b, &y, why, sizeof why);
    CHECK(rc == CHANMUL_ESHAPE, "broadcast %s with %s: rc %d (%s), expected ESHAPE", as, bs, rc,
          chanmul_strerror(rc));
    /* the documented message, exactly; anything after it only as a further
     * clause ("; ...") */
    size_t n = strlen(message);
    CHECK(strncmp(why, message, n) == 0 && (why[n] == '\0' || (why[n] == ';' && why[n + 1] == ' ')),
          "broadcast %s with %s: message \"%s\", expected \"%s\"", as, bs, why, message);
    rc = chanmul_broadcast_shapes(&a, &b, &y, NULL, 0);
    CHECK(rc == CHANMUL_ESHAPE, "broadcast %s with %s, why NULL: rc %d, expected ESHAPE", as, bs, rc);
    /* a short buffer: truncated, terminated */
    char small[17];
    memset(small, 'Z', sizeof small);
    rc = chanmul_broadcast_shapes(&a, &b, &y, small, 16);
    CHECK(rc == CHANMUL_ESHAPE && small[16] == 'Z' && memchr(small, '\0', 16) != NULL &&
              strncmp(small, message, strlen(small)) == 0,
          "broadcast %s with %s, a 16-byte message buffer: rc %d, \"%.16s\", or it wrote past the buffer", as, bs,
          rc, small);
    /* len 0: nothing written */
    char none[4] = "abc";
    rc = chanmul_broadcast_shapes(&a, &b, &y, none, 0);
    CHECK(rc == CHANMUL_ESHAPE && strcmp(none, "abc") == 0, "broadcast %s with %s, len 0: rc %d, buffer \"%.3s\"",
          as, bs, rc, none);
}

static void test_broadcast_shapes(void)
{
    /* NumPy's examples (the broadcasting page) */
    expect_broadcast("10x5", "5", "10x5");
    expect_broadcast("256x256x3", "3", "256x256x3");
    expect_broadcast("8x1x6x1", "7x1x5", "8x7x6x5");
    expect_broadcast("5x4", "1", "5x4");
    expect_broadcast("5x4", "4", "5x4");
    expect_broadcast("15x3x5", "15x1x5", "15x3x5");
    expect_broadcast("15x3x5", "3x5", "15x3x5");
    expect_broadcast("15x3x5", "3x1", "15x3x5");
    expect_broadcast("4x1", "3", "4x3");
    /* the family's shapes */
    expect_broadcast("32x28x28x64", "64", "32x28x28x64");
    expect_broadcast("4x1x9x16", "1x7x1x16", "4x7x9x16");
    expect_broadcast("2x5x5x1", "2x5x5x8", "2x5x5x8");
    expect_broadcast("3x1x1x8", "3x4x4x8", "3x4x4x8");
    /* scalars */
    expect_broadcast("scalar", "scalar", "scalar");
    expect_broadcast("scalar", "7", "7");
    expect_broadcast("scalar", "3x5", "3x5");
    expect_broadcast("scalar", "2x1x4", "2x1x4");
    expect_broadcast("scalar", "1x1x1x1x1x1x1x1", "1x1x1x1x1x1x1x1");
    expect_broadcast("scalar", "0", "0");
    expect_broadcast("scalar", "3x0x2", "3x0x2");
    /* ones */
    expect_broadcast("1", "1", "1");
    expect_broadcast("1x1", "7x1x1", "7x1x1");
    expect_broadcast("1x1x1", "1", "1x1x1");
    /* 0 against 1 is 0; 0 against 0 is 0 */
    expect_broadcast("0x5", "1x5", "0x5");
    expect_broadcast("0x5", "5", "0x5");
    expect_broadcast("3x0", "1", "3x0");
    expect_broadcast("1", "0", "0");
    expect_broadcast("2x1", "0", "2x0");
    expect_broadcast("4x0x3", "1x1x3", "4x0x3");
    expect_broadcast("0x1", "1x0", "0x0");
    expect_broadcast("0", "0", "0");
    /* rank 8 */
    expect_broadcast("2x1x3x1x2x1x3x2", "1x2x1x3x1x2x1x2", "2x2x3x3x2x2x3x2");
    expect_broadcast("2x2x2x2x2x2x2x2", "2x2x2x2x2x2x2x2", "2x2x2x2x2x2x2x2");
    expect_broadcast("1x1x1x1x1x1x1x5", "5", "1x1x1x1x1x1x1x5");
    expect_broadcast("7x1x1x1x1x1x1x1", "1x6x5x4x3x2x1x9", "7x6x5x4x3x2x1x9");

    /* the conflicts: the documented message, and the first axis counted from
     * the left of the result */
    expect_conflict("8x4x6x1", "7x1x5",
                    "cannot broadcast shapes 8x4x6x1 and 7x1x5: at axis 1 of the result, 4 (axis 1 of 8x4x6x1) "
                    "against 7 (axis 0 of 7x1x5)");
    expect_conflict("7x1x5", "8x4x6x1",
                    "cannot broadcast shapes 7x1x5 and 8x4x6x1: at axis 1 of the result, 7 (axis 0 of 7x1x5) "
                    "against 4 (axis 1 of 8x4x6x1)");
    expect_conflict("2x3", "4x5",
                    "cannot broadcast shapes 2x3 and 4x5: at axis 0 of the result, 2 (axis 0 of 2x3) against 4 "
                    "(axis 0 of 4x5)");
    expect_conflict("3", "2x4",
                    "cannot broadcast shapes 3 and 2x4: at axis 1 of the result, 3 (axis 0 of 3) against 4 "
                    "(axis 1 of 2x4)");
    expect_conflict("10x5", "10",
                    "cannot broadcast shapes 10x5 and 10: at axis 1 of the result, 5 (axis 1 of 10x5) against 10 "
                    "(axis 0 of 10)");
    expect_conflict("0x5", "2x5",
                    "cannot broadcast shapes 0x5 and 2x5: at axis 0 of the result, 0 (axis 0 of 0x5) against 2 "
                    "(axis 0 of 2x5)");
    expect_conflict("2x2x2x2x2x2x2x3", "2x2x2x2x2x2x2x4",
                    "cannot broadcast shapes 2x2x2x2x2x2x2x3 and 2x2x2x2x2x2x2x4: at axis 7 of the result, 3 "
                    "(axis 7 of 2x2x2x2x2x2x2x3) against 4 (axis 7 of 2x2x2x2x2x2x2x4)");
    expect_conflict("5x1x3", "2x1x1x1x4",
                    "cannot broadcast shapes 5x1x3 and 2x1x1x1x4: at axis 4 of the result, 3 (axis 2 of 5x1x3) "
                    "against 4 (axis 4 of 2x1x1x1x4)");

    /* ranks outside 0..8 */
    const int bad_ranks[] = {9, -1, 100, -1000};
    for (size_t k = 0; k < COUNT_OF(bad_ranks); k++)
        for (int which = 0; which < 2; which++) {
            chanmul_shape good = S("3x5"), bad;
            memset(&bad, 0, sizeof bad);
            for (int i = 0; i < CHANMUL_MAX_RANK; i++)
                bad.dims[i] = 1;
            bad.rank = bad_ranks[k];
            chanmul_shape y;
            char why[256] = "";
            int rc = which ? chanmul_broadcast_shapes(&good, &bad, &y, why, sizeof why)
                           : chanmul_broadcast_shapes(&bad, &good, &y, why, sizeof why);
            CHECK(rc == CHANMUL_EPROBLEM && why[0] != '\0', "a rank of %d as %s: rc %d (%s), message \"%s\"",
                  bad_ranks[k], which ? "b" : "a", rc, chanmul_strerror(rc), why);
            rc = which ? chanmul_broadcast_shapes(&good, &bad, &y, NULL, 0)
                       : chanmul_broadcast_shapes(&bad, &good, &y, NULL, 0);
            CHECK(rc == CHANMUL_EPROBLEM, "a rank of %d as %s, why NULL: rc %d", bad_ranks[k], which ? "b" : "a",
                  rc);
        }
}

/* ---- 2. the problem and the descriptor ---------------------------------------------- */

static void test_bcast_problem(void)
{
    struct {
        const char *a, *b;
        size_t n, h, w, c;
    } cases[] = {
        {"8x1x6x1", "7x1x5", 8, 7, 6, 5},
        {"7x1x5", "8x1x6x1", 8, 7, 6, 5},
        {"10x5", "5", 1, 1, 10, 5},
        {"5", "scalar", 1, 1, 1, 5},
        {"scalar", "scalar", 1, 1, 1, 1},
        {"3x1", "1x4", 1, 1, 3, 4},
        {"15x3x5", "3x1", 1, 15, 3, 5},
        {"32x28x28x64", "64", 32, 28, 28, 64},
        {"2x3x4x5x6", "6", 6, 4, 5, 6},
        {"3x1x1x1", "1x4", 3, 1, 1, 4},
        {"2x1x3x1x2x1x3x2", "1x2x1x3x1x2x1x2", 72, 2, 3, 2},
        {"2x2x2x2x2x2x2x2", "2", 32, 2, 2, 2},
        {"0x5", "5", 1, 1, 0, 5},
        {"4x0x3", "1x1x3", 1, 4, 0, 3},
        {"2x1", "0", 1, 1, 2, 0},
        {"0x2x3x4x5", "5", 0, 3, 4, 5},
    };
    for (size_t k = 0; k < COUNT_OF(cases); k++) {
        chanmul_shape a = S(cases[k].a), b = S(cases[k].b), y;
        chanmul_problem p;
        memset(&p, 0x5a, sizeof p);
        char why[256] = "";
        int rc = chanmul_bcast_problem(&p, &a, &b, why, sizeof why);
        CHECK(rc == 0, "chanmul_bcast_problem(%s, %s) = %d (%s): %s", cases[k].a, cases[k].b, rc,
              chanmul_strerror(rc), why);
        if (rc)
            continue;
        CHECK(p.op == CHANMUL_OP_BCAST && p.layout == CHANMUL_NHWC && chanmul_shape_equal(&p.a, &a) && chanmul_shape_equal(&p.b, &b),
              "chanmul_bcast_problem(%s, %s): op %d, layout %d, or the shapes not kept", cases[k].a, cases[k].b,
              (int)p.op, (int)p.layout);
        CHECK(p.n == cases[k].n && p.h == cases[k].h && p.w == cases[k].w && p.c == cases[k].c,
              "chanmul_bcast_problem(%s, %s): folded to %zux%zux%zux%zu, expected %zux%zux%zux%zu", cases[k].a,
              cases[k].b, p.n, p.h, p.w, p.c, cases[k].n, cases[k].h, cases[k].w, cases[k].c);
        /* the descriptor: a, b and their broadcast */
        chanmul_desc d;
        rc = chanmul_desc_init(&d, &p);
        chanmul_broadcast_shapes(&a, &b, &y, NULL, 0);
        CHECK(rc == 0 && d.inputs == 2 && d.outputs == 1 && chanmul_shape_equal(&d.in[0], &a) && chanmul_shape_equal(&d.in[1], &b) &&
                  chanmul_shape_equal(&d.out[0], &y) && d.p.op == CHANMUL_OP_BCAST,
              "chanmul_desc_init(bcast %s, %s) = %d, or its operands are not a, b and y", cases[k].a, cases[k].b,
              rc);
        /* the same problem written by hand (no chanmul_bcast_problem) */
        chanmul_problem q;
        memset(&q, 0, sizeof q);
        q.op = CHANMUL_OP_BCAST;
        q.layout = CHANMUL_NHWC;
        q.n = cases[k].n, q.h = cases[k].h, q.w = cases[k].w, q.c = cases[k].c;
        q.a = a, q.b = b;
        rc = chanmul_desc_init(&d, &q);
        CHECK(rc == 0, "bcast %s, %s written by hand: chanmul_desc_init = %d (%s)", cases[k].a, cases[k].b, rc,
              chanmul_strerror(rc));
        /* a fold that disagrees with the shapes */
        for (int field = 0; field < 5; field++) {
            chanmul_problem t = q;
            size_t *f[4] = {&t.n, &t.h, &t.w, &t.c};
            if (field < 4)
                *f[field] += 1;
            else
                t.n = t.h = t.w = t.c = 0; /* an empty fold of non-empty shapes, or the reverse */
            if (field == 4 && cases[k].n * cases[k].h * cases[k].w * cases[k].c == 0)
                t.n = t.h = t.w = t.c = 1;
            rc = chanmul_desc_init(&d, &t);
            CHECK(rc == CHANMUL_ESHAPE, "bcast %s, %s folded to %zux%zux%zux%zu: chanmul_desc_init = %d (%s), expected ESHAPE",
                  cases[k].a, cases[k].b, t.n, t.h, t.w, t.c, rc, chanmul_strerror(rc));
        }
    }
    /* h and w the other way round: the same element count, not the fold */
    {
        chanmul_shape a = S("2x3x4x5"), b = S("5");
        chanmul_problem p;
        chanmul_desc d;
        CHECK(chanmul_bcast_problem(&p, &a, &b, NULL, 0) == 0, "bcast 2x3x4x5, 5 refused");
        size_t h = p.h;
        p.h = p.w, p.w = h;
        int rc = chanmul_desc_init(&d, &p);
        CHECK(rc == CHANMUL_ESHAPE, "bcast 2x3x4x5, 5 folded to 2x4x3x5: chanmul_desc_init = %d, expected ESHAPE", rc);
    }

    /* shapes that do not broadcast, in a problem */
    {
        chanmul_shape a = S("8x4x6x1"), b = S("7x1x5");
        chanmul_problem p;
        char why[512] = "";
        int rc = chanmul_bcast_problem(&p, &a, &b, why, sizeof why);
        CHECK(rc == CHANMUL_ESHAPE && strncmp(why, "cannot broadcast shapes 8x4x6x1 and 7x1x5: at axis 1", 52) == 0,
              "chanmul_bcast_problem(8x4x6x1, 7x1x5) = %d, message \"%s\"", rc, why);
        /* a good problem whose b is then changed so they no longer broadcast */
        CHECK(chanmul_bcast_problem(&p, &a, &(chanmul_shape){1, {1}}, NULL, 0) == 0, "8x4x6x1, 1 refused");
        p.b = S("7x1x5");
        chanmul_desc d;
        rc = chanmul_desc_init(&d, &p);
        CHECK(rc == CHANMUL_ESHAPE, "bcast 8x4x6x1 against 7x1x5 in a problem: chanmul_desc_init = %d (%s), expected ESHAPE",
              rc, chanmul_strerror(rc));
        /* a rank outside 0..8 in a problem */
        p.a.rank = CHANMUL_MAX_RANK + 1;
        rc = chanmul_desc_init(&d, &p);
        CHECK(rc == CHANMUL_ESHAPE || rc == CHANMUL_EPROBLEM,
              "bcast with a of rank 9 in a problem: chanmul_desc_init = %d (%s)", rc, chanmul_strerror(rc));
        p.a.rank = -1;
        rc = chanmul_desc_init(&d, &p);
        CHECK(rc == CHANMUL_ESHAPE || rc == CHANMUL_EPROBLEM,
              "bcast with a of rank -1 in a problem: chanmul_desc_init = %d (%s)", rc, chanmul_strerror(rc));
        a.rank = 9;
        rc = chanmul_bcast_problem(&p, &a, &b, why, sizeof why);
        CHECK(rc == CHANMUL_EPROBLEM, "chanmul_bcast_problem with a of rank 9 = %d, expected EPROBLEM", rc);
    }

    /* sizes that overflow size_t: an operand, or only the result */
    {
        struct {
            chanmul_shape a, b;
        } big[] = {
            {{1, {(size_t)1 << 62}}, {0, {0}}},                          /* a's bytes */
            {{2, {(size_t)1 << 31, 1}}, {1, {(size_t)1 << 31}}},         /* y: 2^62 elements, 2^64 bytes */
            {{2, {(size_t)1 << 32, 1}}, {1, {(size_t)1 << 32}}},         /* y: 2^64 elements */
            {{1, {1}}, {3, {(size_t)1 << 40, (size_t)1 << 40, 1}}},      /* b */
        };
        for (size_t k = 0; k < COUNT_OF(big); k++) {
            chanmul_problem p;
            char as[160], bs[160], why[256] = "";
            int rc = chanmul_bcast_problem(&p, &big[k].a, &big[k].b, why, sizeof why);
            CHECK(rc == CHANMUL_EOVERFLOW, "chanmul_bcast_problem(%s, %s) = %d (%s), expected EOVERFLOW",
                  shape_text(&big[k].a, as, sizeof as), shape_text(&big[k].b, bs, sizeof bs), rc, chanmul_strerror(rc));
        }
    }

    /* chanmul_check_desc: a descriptor changed after chanmul_desc_init */
    {
        chanmul_shape a = S("8x1x6x1"), b = S("7x1x5");
        chanmul_problem p;
        chanmul_desc d0;
        CHECK(chanmul_bcast_problem(&p, &a, &b, NULL, 0) == 0 && chanmul_desc_init(&d0, &p) == 0,
              "bcast 8x1x6x1, 7x1x5 refused");
        static float fa[48], fb[35], fy[1680];
        chanmul_tensors t = {{fa, fb, NULL}, {fy, NULL, NULL}};
        CHECK(chanmul_check_desc(&d0, &t, 1) == 0, "bcast 8x1x6x1, 7x1x5: chanmul_check_desc refused it");
        /* bytes: every operand once, 4 * (48 + 35 + 1680) */
        CHECK(chanmul_desc_bytes(&d0) == 4.0 * (48 + 35 + 1680), "bcast 8x1x6x1, 7x1x5: chanmul_desc_bytes = %.0f",
              chanmul_desc_bytes(&d0));
        for (int change = 0; change < 7; change++) {
            chanmul_desc d = d0;
            const char *what = "";
            switch (change) {
            case 0: d.out[0].dims[0] = 4, what = "y's first dimension"; break;
            case 1: d.in[0] = d0.in[1], d.in[1] = d0.in[0], what = "a and b swapped"; break;
            case 2: d.p.c = 7, what = "the problem's c"; break;
            case 3: d.inputs = 3, what = "three inputs"; break;
            case 4: d.in[1].rank = 2, d.in[1].dims[0] = 1, d.in[1].dims[1] = 5, what = "b (1,5), the problem's b (7,1,5)"; break;
            case 5: d.p.b = S("1x5"), what = "the problem's b (1,5), the operand (7,1,5)"; break;
            case 6: d.out[0].rank = 5, d.out[0].dims[4] = 1, what = "y of rank 5"; break;
            }
            int rc = chanmul_check_desc(&d, &t, 1);
            CHECK(rc == CHANMUL_ESHAPE, "bcast 8x1x6x1, 7x1x5, %s: chanmul_check_desc = %d (%s), expected ESHAPE", what,
                  rc, chanmul_strerror(rc));
        }
    }
}

/* ---- 3. every implementation against the reference ----------------------------------- */

#define GUARD 16

static const chanmul_impl *reference;
static size_t runs, skipped, cases_run;
static unsigned long long run_salt; /* varies y's offset from run to run */

/* One operand in a heap block of exactly its size, off floats in (an
 * over-read past its end is a sanitizer report); *base is what to free. */
static float *operand(size_t n, size_t off, float **base)
{
    *base = malloc((off + n) * sizeof(float) + (off + n == 0)); /* (never malloc(0)) */
    return *base ? *base + off : NULL;
}

/* Runs a * b through every implementation; special: NaN, infinities and
 * denormals (chanmul's own implementations only). */
static void run_pair(const chanmul_shape *sa, const chanmul_shape *sb, uint64_t seed, int special)
{
    char as[160], bs[160], label[400];
    snprintf(label, sizeof label, "%s,%s%s", shape_text(sa, as, sizeof as), shape_text(sb, bs, sizeof bs),
             special ? " special" : "");
    chanmul_problem p;
    chanmul_desc d;
    char why[512] = "";
    int rc = chanmul_bcast_problem(&p, sa, sb, why, sizeof why);
    CHECK(rc == 0, "%s: chanmul_bcast_problem = %d: %s", label, rc, why);
    if (rc)
        return;
    rc = chanmul_desc_init(&d, &p);
    CHECK(rc == 0, "%s: chanmul_desc_init = %d (%s)", label, rc, chanmul_strerror(rc));
    if (rc)
        return;
    const chanmul_shape *sy = &d.out[0];
    size_t na = count_of(sa), nb = count_of(sb), ny = count_of(sy);
    size_t off_a = seed % 16, off_b = (seed * 5 + 3) % 16;
    float *abase, *bbase;
    float *a = operand(na, off_a, &abase), *b = operand(nb, off_b, &bbase);
    float *acopy = malloc(na * sizeof(float) + 1), *bcopy = malloc(nb * sizeof(float) + 1);
    float *def = malloc(ny * sizeof(float) + 1), *want = malloc(ny * sizeof(float) + 1);
    float *ybase = malloc((ny + 2 * GUARD + 16) * sizeof(float));
    if (!a || !b || !acopy || !bcopy || !def || !want || !ybase) {
        CHECK(0, "%s: out of memory", label);
        goto done;
    }
    cases_run++;
    (special ? fill_special : fill_values)(a, na, seed * 2 + 1);
    (special ? fill_special : fill_values)(b, nb, seed * 2 + 2);
    memcpy(acopy, a, na * sizeof(float));
    memcpy(bcopy, b, nb * sizeof(float));

    /* the reference is the definition */
    definition(sa, a, sb, b, sy, def);
    fill_sentinel(want, ny);
    chanmul_tensors t = {{a, b, NULL}, {want, NULL, NULL}};
    rc = chanmul_exec(reference, &d, &t, 1);
    size_t at = first_different(want, def, ny);
    CHECK(rc == 0 && at == ny, "%s: the reference returned %d, or differs from the definition at y[%zu]: 0x%08x, expected 0x%08x",
          label, rc, at, at < ny ? bits_of(want[at]) : 0u, at < ny ? bits_of(def[at]) : 0u);

    for (size_t i = 0; i < chanmul_impl_count(); i++) {
        const chanmul_impl *impl = chanmul_impl_at(i);
        if (!chanmul_impl_covers(impl, CHANMUL_OP_BCAST) || !chanmul_impl_available(impl, NULL))
            continue;
        int peer = impl->kind == CHANMUL_KIND_PEER;
        if (special && peer)
            continue; /* XNNPACK flushes denormals and clamps NaN: its own departures */
        for (int threads = 1; threads <= 3; threads++) {
            size_t off_y = (size_t)(seed + run_salt++) % 16, span = ny + 2 * GUARD + off_y;
            float *y = ybase + GUARD + off_y;
            fill_sentinel(ybase, span);
            t = (chanmul_tensors){{a, b, NULL}, {y, NULL, NULL}};
            rc = chanmul_exec(impl, &d, &t, threads);
            if (peer && rc == CHANMUL_EOP) { /* a peer's refusal of a case it does not support */
                skipped++;
                at = first_touched(ybase, span);
                CHECK(at == span, "%s, %s, threads %d: refused with EOP but wrote ybase[%zu]", label, impl->name,
                      threads, at);
                continue;
            }
            runs++;
            CHECK(rc == 0, "%s, %s, threads %d: returned %d (%s)", label, impl->name, threads, rc, chanmul_strerror(rc));
            if (rc)
                continue;
            at = first_different(y, want, ny);
            char where[160] = "";
            if (at < ny) { /* y's index of the first mismatch, as the verifier prints it */
                size_t idx[CHANMUL_MAX_RANK], rest = at, used = 0;
                for (int k = sy->rank - 1; k >= 0; k--) {
                    idx[k] = rest % sy->dims[k];
                    rest /= sy->dims[k];
                }
                for (int k = 0; k < sy->rank && used < sizeof where; k++)
                    used += (size_t)snprintf(where + used, sizeof where - used, "%s%zu", k ? ", " : "", idx[k]);
            }
            CHECK(at == ny,
                  "%s, %s, threads %d, offsets %zu,%zu,%zu: first mismatch at y(%s) [flat %zu]: 0x%08x (%g), reference 0x%08x (%g)",
                  label, impl->name, threads, off_a, off_b, off_y, where, at, at < ny ? bits_of(y[at]) : 0u,
                  at < ny ? (double)y[at] : 0.0, at < ny ? bits_of(want[at]) : 0u, at < ny ? (double)want[at] : 0.0);
            at = first_touched(ybase, GUARD + off_y);
            CHECK(at == GUARD + off_y, "%s, %s, threads %d: wrote %zu floats before y", label, impl->name, threads,
                  GUARD + off_y - at);
            at = first_touched(y + ny, GUARD);
            CHECK(at == GUARD, "%s, %s, threads %d: wrote y's end + %zu", label, impl->name, threads, at);
            CHECK(memcmp(a, acopy, na * sizeof(float)) == 0 && memcmp(b, bcopy, nb * sizeof(float)) == 0,
                  "%s, %s, threads %d: modified an input", label, impl->name, threads);
        }
    }

    /* an empty result: nothing written, with the operands or with none */
    if (ny == 0)
        for (size_t i = 0; i < chanmul_impl_count(); i++) {
            const chanmul_impl *impl = chanmul_impl_at(i);
            if (!chanmul_impl_covers(impl, CHANMUL_OP_BCAST) || !chanmul_impl_available(impl, NULL))
                continue;
            chanmul_tensors none = {{NULL, NULL, NULL}, {NULL, NULL, NULL}};
            rc = chanmul_exec(impl, &d, &none, 2);
            CHECK(rc == 0, "%s (empty), %s, NULL operands: returned %d (%s)", label, impl->name, rc, chanmul_strerror(rc));
            float *y = ybase + GUARD;
            fill_sentinel(ybase, 2 * GUARD);
            t = (chanmul_tensors){{a, b, NULL}, {y, NULL, NULL}};
            rc = chanmul_exec(impl, &d, &t, 2);
            at = first_touched(ybase, 2 * GUARD);
            CHECK(rc == 0 && at == 2 * GUARD, "%s (empty), %s: returned %d, wrote ybase[%zu]", label, impl->name, rc, at);
        }
done:
    free(abase), free(bbase), free(acopy), free(bcopy), free(def), free(want), free(ybase);
}

static void run_pair_text(const char *a, const char *b, uint64_t seed)
{
    chanmul_shape sa = S(a), sb = S(b);
    run_pair(&sa, &sb, seed, 0);
}

static void test_every_impl_matches_reference(void)
{
    /* fixed pairs: NumPy's examples; the family's forms either way round; none */
    static const char *const pairs[][2] = {
        /* NumPy's and the examples */
        {"10x5", "5"}, {"5", "10x5"}, {"32x28x28x64", "64"}, {"8x1x6x1", "7x1x5"}, {"7x1x5", "8x1x6x1"},
        {"4x1x9x16", "1x7x1x16"}, {"5x4", "1"}, {"15x3x5", "15x1x5"}, {"15x3x5", "3x1"}, {"256x16x3", "3"},
        /* the channel scale, b stretched and a stretched */
        {"7x9x64", "64"}, {"64", "7x9x64"}, {"2x3x3x17", "1x1x17"}, {"1x17", "2x3x3x17"},
        /* per-sample (N,1,C) x (N,HW,C), either way round */
        {"3x1x33", "3x20x33"}, {"3x20x33", "3x1x33"}, {"4x1x1x16", "4x5x5x16"},
        /* NCHW-like (C,1) x (C,HW), and a batch of it (N,C,1) */
        {"17x1", "17x50"}, {"17x50", "17x1"}, {"2x17x1x1", "2x17x9x5"}, {"1x5x1", "3x5x65"},
        /* a gate (N,H,W,1), and one value for all */
        {"5x17x1", "5x17x3"}, {"2x5x5x1", "2x5x5x8"}, {"scalar", "3x5"}, {"3x5", "scalar"}, {"1", "100"},
        /* equal shapes */
        {"3x5x7", "3x5x7"}, {"1000", "1000"}, {"scalar", "scalar"}, {"1", "1"}, {"1x1x1", "1"},
        /* none of them: both operands stretched somewhere */
        {"5x1", "1x7"}, {"65x1", "1x130"}, {"2x1x4x1x3", "1x5x1x2x1"}, {"2x17x1", "17x50"},
        {"3x1x2x70", "4x1x1"}, {"1x3x1x5x1x7", "2x1x4x1x6x1"}, {"4x9x1", "4x1x3"},
        /* blocks: (N,1,W,C) x (1,H,1,C) and its NCHW kin, short and long rows */
        {"2x1x3x16", "1x5x1x16"}, {"2x1x3x1025", "1x5x1x1025"}, {"2x1x3x7", "1x5x3x1"}, {"2x1x3x65", "1x5x3x1"},
        {"3x1x14x64", "1x14x1x64"}, {"3x1x2x1x5", "4x1x2x5"},
        /* rank 8 */
        {"2x3x1x2x1x2x3", "3x1x2x1x2x1"}, {"2x1x3x1x2x1x3x2", "1x2x1x3x1x2x1x2"}, {"1x1x1x1x1x1x1x5", "5"},
        {"2x2x2x2x2x2x2x2", "2x2x2x2x2x2x2x2"}, {"3x1x2x1x2x1x2x17", "1x2x1x2x1x2x1x17"},
        {"2x1x2x1x2x1x2x1", "1x3x1x3x1x3x1x3"},
        /* empty results: a dimension 0 */
        {"0x5", "5"}, {"3x0", "1"}, {"4x0x3", "1x1x3"}, {"0", "scalar"}, {"2x1", "0"}, {"5x0x1", "1x7"},
        {"2x0x3x4", "1x1x3x4"}, {"1x0", "7x1"},
    };
    for (size_t k = 0; k < COUNT_OF(pairs); k++) {
        chanmul_shape sa = S(pairs[k][0]), sb = S(pairs[k][1]);
        run_pair(&sa, &sb, k, 0);
        run_pair(&sa, &sb, k + 1000, 1);
    }

    /* edge row lengths (vector widths, the pattern slack of 64, a block's
     * 1024), in every kind of row the plan has */
    static const size_t lengths[] = {1, 2, 3, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 128, 129, 1023, 1025};
    static const char *const templates[][2] = {
        {"3x1x%zu", "1x4x%zu"},   /* pairs of whole rows: the SIMD pair (pattern) path from 64 floats */
        {"3x1x2x%zu", "4x1x1"},   /* a stretched b along the rows, in no form */
        {"4x1x3x1", "1x5x3x%zu"}, /* a stretched a along the rows, in no form */
        {"5x%zu", "%zu"},         /* the channel scale */
        {"%zu", "5x%zu"},         /* the channel scale, a the stretched one */
        {"3x1x%zu", "3x4x%zu"},   /* the per-sample scale, a stretched */
        {"%zux1", "%zux9"},       /* NCHW's (C,1) x (C,HW) */
        {"2x3x1", "2x3x%zu"},     /* (N,C,1) x (N,C,HW) */
        {"2x1x3x%zu", "1x5x1x%zu"}, /* (N,1,W,C) x (1,H,1,C): blocks below 1024, rows above */
        {"2x1x%zu", "2x5x1"},     /* whole a against a b that stretches both ways */
    };
    for (size_t t = 0; t < COUNT_OF(templates); t++)
        for (size_t i = 0; i < COUNT_OF(lengths); i++) {
            char a[64], b[64];
            snprintf(a, sizeof a, templates[t][0], lengths[i], lengths[i]);
            snprintf(b, sizeof b, templates[t][1], lengths[i], lengths[i]);
            run_pair_text(a, b, 2000 + t * 100 + i);
        }

    /* random pairs from a fixed seed: ranks 0..8, random 1s, results under ~200k elements */
    uint64_t rng = 20261202;
    for (int r = 0; r < 200; r++) {
        int rank = (int)(splitmix64(&rng) % (CHANMUL_MAX_RANK + 1));
        size_t dims[CHANMUL_MAX_RANK], total = 1;
        for (int i = 0; i < rank; i++) {
            uint64_t u = splitmix64(&rng);
            /* mostly small, sometimes up to 300 (a row past the slack) */
            dims[i] = u % 4 == 0 ? 1 + u / 4 % 300 : 1 + u / 4 % 9;
            total *= dims[i];
        }
        while (total > 200000) { /* halve the largest until it fits */
            int largest = 0;
            for (int i = 1; i < rank; i++)
                if (dims[i] > dims[largest])
                    largest = i;
            total /= dims[largest];
            dims[largest] = (dims[largest] + 1) / 2;
            total *= dims[largest];
        }
        if (rank > 0 && splitmix64(&rng) % 40 == 0) /* now and then an empty result */
            dims[splitmix64(&rng) % (unsigned)rank] = 0;
        chanmul_shape ops[2];
        for (int k = 0; k < 2; k++) {
            int rk = (int)(splitmix64(&rng) % (unsigned)(rank + 1));
            if (k == 1 && splitmix64(&rng) % 2)
                rk = rank; /* often one operand has the result's rank */
            ops[k].rank = rk;
            for (int i = 0; i < rk; i++)
                ops[k].dims[i] = splitmix64(&rng) % 3 == 0 ? 1 : dims[rank - rk + i];
        }
        if (splitmix64(&rng) % 2) { /* either operand may be the larger */
            chanmul_shape s = ops[0];
            ops[0] = ops[1];
            ops[1] = s;
        }
        run_pair(&ops[0], &ops[1], 5000 + (uint64_t)r, 0);
    }
    CHECK(cases_run > 500 && runs > cases_run * 10, "only %zu cases and %zu runs: is the reference not available?",
          cases_run, runs);
    printf("bcast: %zu cases, %zu runs compared with the reference, %zu skipped (a peer's CHANMUL_EOP)\n",
           cases_run, runs, skipped);
}

/* ---- 4. in place, overlaps, NULL operands, the short form ----------------------------- */

/* The arena for the overlap cases: compared whole before and after each refused call. */
#define ARENA 4096
static float arena[ARENA], arena_before[ARENA];

static void arena_fill(uint64_t seed)
{
    fill_values(arena, ARENA, seed);
    memcpy(arena_before, arena, sizeof arena);
}

static int arena_unchanged(void) { return memcmp(arena, arena_before, sizeof arena) == 0; }

/* chanmul_check_desc and then chanmul_exec (every covering implementation) return want, and write nothing. */
static void expect_refused(const char *what, const chanmul_desc *d, const chanmul_tensors *t, int want)
{
    memcpy(arena_before, arena, sizeof arena);
    int rc = chanmul_check_desc(d, t, 1);
    CHECK(rc == want, "%s: chanmul_check_desc = %d (%s), expected %d (%s)", what, rc, chanmul_strerror(rc), want,
          chanmul_strerror(want));
    for (size_t i = 0; i < chanmul_impl_count(); i++) {
        const chanmul_impl *impl = chanmul_impl_at(i);
        if (!chanmul_impl_covers(impl, CHANMUL_OP_BCAST) || !chanmul_impl_available(impl, NULL))
            continue;
        rc = chanmul_exec(impl, d, t, 2);
        CHECK(rc == want && arena_unchanged(), "%s, %s: chanmul_exec = %d (%s), expected %d; or it wrote", what,
              impl->name, rc, chanmul_strerror(rc), want);
        memcpy(arena, arena_before, sizeof arena);
    }
}

static int make(chanmul_problem *p, chanmul_desc *d, const char *a, const char *b)
{
    chanmul_shape sa = S(a), sb = S(b);
    return chanmul_bcast_problem(p, &sa, &sb, NULL, 0) == 0 && chanmul_desc_init(d, p) == 0;
}

static void test_in_place_and_errors(void)
{
    chanmul_problem p;
    chanmul_desc d;
    arena_fill(7);
    float *base = arena + 64;

    /* a stretched (5 against y's 3x5): y == a is refused, so is any overlap of a */
    CHECK(make(&p, &d, "5", "3x5"), "5, 3x5 refused");
    float *a = base, *b = base + 1024, *y = base + 2048;
    expect_refused("y == a, a (5) stretched to y (3x5)", &d, &(chanmul_tensors){{a, b, NULL}, {a, NULL, NULL}},
                   CHANMUL_EOVERLAP_XY);
    expect_refused("y = a - 3, a (5) stretched to y (3x5)", &d,
                   &(chanmul_tensors){{a, b, NULL}, {a - 3, NULL, NULL}}, CHANMUL_EOVERLAP_XY);
    expect_refused("y = a + 4, a (5) stretched to y (3x5)", &d,
                   &(chanmul_tensors){{a, b, NULL}, {a + 4, NULL, NULL}}, CHANMUL_EOVERLAP_XY);
    /* b has y's shape here, but b is not the in-place input */
    expect_refused("y == b (3x5), a (5) stretched", &d, &(chanmul_tensors){{a, b, NULL}, {b, NULL, NULL}},
                   CHANMUL_EOVERLAP_SY);
    expect_refused("y = b + 1", &d, &(chanmul_tensors){{a, b, NULL}, {b + 1, NULL, NULL}}, CHANMUL_EOVERLAP_SY);
    /* y just past a and just before b: no byte shared, accepted */
    CHECK(chanmul_check_desc(&d, &(chanmul_tensors){{a, a + 20, NULL}, {a + 5, NULL, NULL}}, 1) == 0,
          "y right after a (5) and b right after y (3x5): refused");
    /* NULL operands of a non-empty problem */
    expect_refused("a NULL", &d, &(chanmul_tensors){{NULL, b, NULL}, {y, NULL, NULL}}, CHANMUL_ENULL);
    expect_refused("b NULL", &d, &(chanmul_tensors){{a, NULL, NULL}, {y, NULL, NULL}}, CHANMUL_ENULL);
    expect_refused("y NULL", &d, &(chanmul_tensors){{a, b, NULL}, {NULL, NULL, NULL}}, CHANMUL_ENULL);
    {
        int rc = chanmul_check_desc(&d, &(chanmul_tensors){{a, b, NULL}, {y, NULL, NULL}}, -1);
        CHECK(rc == CHANMUL_ETHREADS, "threads -1: chanmul_check_desc = %d, expected ETHREADS", rc);
    }
    /* a scalar b (one element) is still an operand */
    CHECK(make(&p, &d, "3x5", "scalar"), "3x5, scalar refused");
    expect_refused("scalar b NULL", &d, &(chanmul_tensors){{a, NULL, NULL}, {y, NULL, NULL}}, CHANMUL_ENULL);
    expect_refused("y == b, b a scalar", &d, &(chanmul_tensors){{a, b, NULL}, {b, NULL, NULL}}, CHANMUL_EOVERLAP_SY);
    expect_refused("y = b - 14, b a scalar inside y", &d, &(chanmul_tensors){{a, b, NULL}, {b - 14, NULL, NULL}},
                   CHANMUL_EOVERLAP_SY);
    /* both stretched (5,1) x (1,7): neither may be y */
    CHECK(make(&p, &d, "5x1", "1x7"), "5x1, 1x7 refused");
    expect_refused("y == a, (5,1) x (1,7)", &d, &(chanmul_tensors){{a, b, NULL}, {a, NULL, NULL}},
                   CHANMUL_EOVERLAP_XY);
    expect_refused("y == b, (5,1) x (1,7)", &d, &(chanmul_tensors){{a, b, NULL}, {b, NULL, NULL}},
                   CHANMUL_EOVERLAP_SY);
    /* equal shapes: y == a in place, y == b refused, a == b (a square) fine */
    CHECK(make(&p, &d, "3x5", "3x5"), "3x5, 3x5 refused");
    expect_refused("y == b, equal shapes", &d, &(chanmul_tensors){{a, b, NULL}, {b, NULL, NULL}},
                   CHANMUL_EOVERLAP_SY);
    expect_refused("y == a == b, equal shapes", &d, &(chanmul_tensors){{a, a, NULL}, {a, NULL, NULL}},
                   CHANMUL_EOVERLAP_SY);
    expect_refused("y = a + 1, equal shapes", &d, &(chanmul_tensors){{a, b, NULL}, {a + 1, NULL, NULL}},
                   CHANMUL_EOVERLAP_XY);
    {
        float want[15];
        for (int i = 0; i < 15; i++)
            want[i] = a[i] * a[i];
        for (size_t i = 0; i < chanmul_impl_count(); i++) {
            const chanmul_impl *impl = chanmul_impl_at(i);
            if (!chanmul_impl_covers(impl, CHANMUL_OP_BCAST) || !chanmul_impl_available(impl, NULL))
                continue;
            fill_sentinel(y, 15);
            int rc = chanmul_exec(impl, &d, &(chanmul_tensors){{a, a, NULL}, {y, NULL, NULL}}, 2);
            CHECK((rc == 0 && first_different(y, want, 15) == 15) ||
                      (impl->kind == CHANMUL_KIND_PEER && rc == CHANMUL_EOP),
                  "a == b (a square), %s: rc %d, or not a * a", impl->name, rc);
        }
    }
    /* an empty result: NULL operands accepted, even a non-empty a's */
    CHECK(make(&p, &d, "2x1", "0"), "2x1, 0 refused");
    CHECK(chanmul_check_desc(&d, &(chanmul_tensors){{NULL, NULL, NULL}, {NULL, NULL, NULL}}, 1) == 0,
          "empty result (2x1, 0): NULL operands refused");
    CHECK(chanmul_check_desc(&d, &(chanmul_tensors){{a, NULL, NULL}, {a, NULL, NULL}}, 1) == 0,
          "empty result (2x1, 0): y == a refused");

    /* in place on a, a of y's shape: every implementation, against the reference */
    static const char *const in_place[][2] = {
        {"3x5", "5"},        {"7x9x64", "64"},     {"3x20x33", "3x1x33"}, {"17x50", "17x1"}, {"5x17x3", "5x17x1"},
        {"4x7x9x16", "1x7x1x16"}, {"3x5", "scalar"}, {"3x5x7", "3x5x7"}, {"2x3x70", "3x1"},
        {"4x5x1025", "5x1"}, {"3x14x14x64", "14x1x64"}, {"2x2x2x2x2x2x2x130", "2x1x2x1x2x1x130"},
        {"1x3x5", "3x5"},    /* y (1,3,5), a (1,3,5) */
        {"3x5", "1x3x5"},    /* a (3,5) of y's size, not its rank: if accepted, right */
    };
    for (size_t k = 0; k < COUNT_OF(in_place); k++) {
        if (!make(&p, &d, in_place[k][0], in_place[k][1])) {
            CHECK(0, "in place %s, %s: refused", in_place[k][0], in_place[k][1]);
            continue;
        }
        size_t na = count_of(&d.in[0]), nb = count_of(&d.in[1]), ny = count_of(&d.out[0]);
        int a_same = chanmul_shape_equal(&d.in[0], &d.out[0]);
        CHECK(na == ny, "in place %s, %s: a is not y's size", in_place[k][0], in_place[k][1]);
        float *ya = malloc((ny + 2 * GUARD) * sizeof(float)), *bb = malloc(nb * sizeof(float));
        float *orig = malloc(ny * sizeof(float)), *want = malloc(ny * sizeof(float));
        if (!ya || !bb || !orig || !want) {
            CHECK(0, "out of memory");
            free(ya), free(bb), free(orig), free(want);
            return;
        }
        fill_values(orig, ny, k + 77);
        fill_values(bb, nb, k + 78);
        CHECK(chanmul_exec(reference, &d, &(chanmul_tensors){{orig, bb, NULL}, {want, NULL, NULL}}, 1) == 0,
              "in place %s, %s: the reference failed", in_place[k][0], in_place[k][1]);
        for (size_t i = 0; i < chanmul_impl_count(); i++) {
            const chanmul_impl *impl = chanmul_impl_at(i);
            if (!chanmul_impl_covers(impl, CHANMUL_OP_BCAST) || !chanmul_impl_available(impl, NULL))
                continue;
            for (int threads = 1; threads <= 3; threads++) {
                float *yy = ya + GUARD;
                fill_sentinel(ya, ny + 2 * GUARD);
                memcpy(yy, orig, ny * sizeof(float));
                chanmul_tensors t = {{yy, bb, NULL}, {yy, NULL, NULL}};
                int rc = chanmul_check_desc(&d, &t, threads);
                CHECK(rc == 0 || (!a_same && rc == CHANMUL_EOVERLAP_XY),
                      "in place %s, %s: chanmul_check_desc = %d (%s)", in_place[k][0], in_place[k][1], rc,
                      chanmul_strerror(rc));
                if (rc != 0)
                    continue;
                rc = chanmul_exec(impl, &d, &t, threads);
                if (impl->kind == CHANMUL_KIND_PEER && rc == CHANMUL_EOP)
                    continue;
                size_t at = first_different(yy, want, ny);
                CHECK(rc == 0 && at == ny, "in place %s, %s, %s, threads %d: rc %d, y[%zu] = %g, reference %g",
                      in_place[k][0], in_place[k][1], impl->name, threads, rc, at, at < ny ? (double)yy[at] : 0.0,
                      at < ny ? (double)want[at] : 0.0);
                CHECK(first_touched(ya, GUARD) == GUARD && first_touched(yy + ny, GUARD) == GUARD,
                      "in place %s, %s, %s, threads %d: wrote a guard", in_place[k][0], in_place[k][1], impl->name,
                      threads);
            }
        }
        free(ya), free(bb), free(orig), free(want);
    }
}

static void test_short_form(void)
{
    /* y (3x5) larger than a (5): chanmul_run(impl, p, a, b, y, threads) */
    chanmul_problem p, q;
    chanmul_shape sa = S("5"), sb = S("3x5");
    CHECK(chanmul_bcast_problem(&p, &sa, &sb, NULL, 0) == 0, "5, 3x5 refused");
    arena_fill(11);
    float *a = arena + 64, *b = arena + 1024, *y = arena + 2048;
    float want[15];
    for (int i = 0; i < 15; i++)
        want[i] = a[i % 5] * b[i];
    for (size_t i = 0; i < chanmul_impl_count(); i++) {
        const chanmul_impl *impl = chanmul_impl_at(i);
        if (!chanmul_impl_covers(impl, CHANMUL_OP_BCAST) || !chanmul_impl_available(impl, NULL))
            continue;
        for (int threads = 0; threads <= 3; threads++) {
            fill_sentinel(y - GUARD, 15 + 2 * GUARD);
            int rc = chanmul_run(impl, &p, a, b, y, threads);
            if (impl->kind == CHANMUL_KIND_PEER && rc == CHANMUL_EOP)
                continue;
            CHECK(rc == 0 && first_different(y, want, 15) == 15 && first_touched(y - GUARD, GUARD) == GUARD &&
                      first_touched(y + 15, GUARD) == GUARD,
                  "chanmul_run(%s, 5 x 3x5, threads %d): rc %d (%s), or wrong, or a guard written", impl->name,
                  threads, rc, chanmul_strerror(rc));
        }
    }
    const chanmul_impl *naive = chanmul_impl_find("naive");
    CHECK(naive != NULL, "no implementation named 'naive'");
    int rc = chanmul_check(&p, a, b, y, 1);
    CHECK(rc == 0, "chanmul_check(5 x 3x5) = %d (%s)", rc, chanmul_strerror(rc));
    /* y overlapping a, which is smaller than y: never in place */
    struct {
        const char *what;
        const float *a, *b;
        float *y;
        int want;
    } bad[] = {
        {"y == a (a stretched)", a, b, (float *)a, CHANMUL_EOVERLAP_XY},
        {"y = a - 10", a, b, (float *)a - 10, CHANMUL_EOVERLAP_XY},
        {"y = a + 2", a, b, (float *)a + 2, CHANMUL_EOVERLAP_XY},
        {"y == b", a, b, (float *)b, CHANMUL_EOVERLAP_SY},
        {"y = b + 3", a, b, (float *)b + 3, CHANMUL_EOVERLAP_SY},
        {"a NULL", NULL, b, y, CHANMUL_ENULL},
        {"b NULL", a, NULL, y, CHANMUL_ENULL},
        {"y NULL", a, b, NULL, CHANMUL_ENULL},
    };
    for (size_t k = 0; k < COUNT_OF(bad); k++) {
        memcpy(arena_before, arena, sizeof arena);
        rc = chanmul_check(&p, bad[k].a, bad[k].b, bad[k].y, 1);
        CHECK(rc == bad[k].want, "chanmul_check, 5 x 3x5, %s: %d (%s), expected %d (%s)", bad[k].what, rc,
              chanmul_strerror(rc), bad[k].want, chanmul_strerror(bad[k].want));
        rc = chanmul_run(naive, &p, bad[k].a, bad[k].b, bad[k].y, 1);
        CHECK(rc == bad[k].want && arena_unchanged(), "chanmul_run, 5 x 3x5, %s: %d (%s), expected %d; or it wrote",
              bad[k].what, rc, chanmul_strerror(rc), bad[k].want);
        memcpy(arena, arena_before, sizeof arena);
    }
    rc = chanmul_run(naive, &p, a, b, y, -1);
    CHECK(rc == CHANMUL_ETHREADS, "chanmul_run, threads -1: %d, expected ETHREADS", rc);

    /* in place through the short form: a of y's shape */
    sa = S("3x5"), sb = S("5");
    CHECK(chanmul_bcast_problem(&q, &sa, &sb, NULL, 0) == 0, "3x5, 5 refused");
    float *x = arena + 3000, *s = arena + 3100;
    for (int i = 0; i < 15; i++)
        want[i] = x[i] * s[i % 5];
    rc = chanmul_run(naive, &q, x, s, x, 1);
    CHECK(rc == 0 && first_different(x, want, 15) == 15, "chanmul_run in place (3x5 x 5): rc %d, or wrong", rc);

    /* the short form's cached descriptor: the same fold (n, h, w, c = 1, 1, 3, 5), other shapes */
    static const char *const same_fold[][2] = {{"3x5", "5"}, {"3x5", "3x1"}, {"1x5", "3x1"}, {"1x3x5", "5"},
                                               {"3x1", "1x5"}, {"3x5", "1x3x5"}, {"3x5", "5"}};
    for (size_t k = 0; k < COUNT_OF(same_fold); k++) {
        chanmul_shape ka = S(same_fold[k][0]), kb = S(same_fold[k][1]), ky;
        chanmul_problem r;
        CHECK(chanmul_bcast_problem(&r, &ka, &kb, NULL, 0) == 0 && r.n == 1 && r.h == 1 && r.w == 3 && r.c == 5,
              "%s, %s: not the fold 1x1x3x5", same_fold[k][0], same_fold[k][1]);
        chanmul_broadcast_shapes(&ka, &kb, &ky, NULL, 0);
        float ka_v[15], kb_v[15], out[15], expect[15];
        fill_values(ka_v, count_of(&ka), k + 900);
        fill_values(kb_v, count_of(&kb), k + 901);
        definition(&ka, ka_v, &kb, kb_v, &ky, expect);
        for (size_t i = 0; i < chanmul_impl_count(); i++) {
            const chanmul_impl *impl = chanmul_impl_at(i);
            if (!chanmul_impl_covers(impl, CHANMUL_OP_BCAST) || !chanmul_impl_available(impl, NULL))
                continue;
            fill_sentinel(out, 15);
            rc = chanmul_run(impl, &r, ka_v, kb_v, out, 1);
            if (impl->kind == CHANMUL_KIND_PEER && rc == CHANMUL_EOP)
                continue;
            CHECK(rc == 0 && first_different(out, expect, 15) == 15,
                  "chanmul_run(%s, %s x %s) after another problem of the same fold: rc %d, or wrong", impl->name,
                  same_fold[k][0], same_fold[k][1], rc);
        }
        /* the check of a stretched a's overlap follows the shapes, not the
         * last call's (a of y's size but not its rank, (3,5) against y's
         * (1,3,5): either answer, the same bytes in the same order) */
        rc = chanmul_check(&r, ka_v, kb_v, ka_v, 1);
        int a_same = chanmul_shape_equal(&ka, &ky), a_size = count_of(&ka) == 15;
        CHECK(a_same ? rc == CHANMUL_OK : a_size ? rc == CHANMUL_OK || rc == CHANMUL_EOVERLAP_XY : rc == CHANMUL_EOVERLAP_XY,
              "chanmul_check(%s x %s, y == a) = %d (%s)", same_fold[k][0], same_fold[k][1], rc, chanmul_strerror(rc));
    }
    /* a problem whose fold disagrees with its shapes, in the short form */
    q.c = 4;
    rc = chanmul_run(naive, &q, x, s, y, 1);
    CHECK(rc == CHANMUL_ESHAPE, "chanmul_run with a fold 1x1x3x4 of 3x5, 5: %d, expected ESHAPE", rc);
    rc = chanmul_check(&q, x, s, y, 1);
    CHECK(rc == CHANMUL_ESHAPE, "chanmul_check with a fold 1x1x3x4 of 3x5, 5: %d, expected ESHAPE", rc);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0); /* failures already found survive a later crash */
    reference = chanmul_impl_find("reference");
    CHECK(reference != NULL && reference->kind == CHANMUL_KIND_REFERENCE, "no reference implementation");
    if (!reference)
        return check_summary();
    printf("bcast: cpu isa %s\n", chanmul_isa_name(chanmul_cpu_isa()));
    test_broadcast_shapes();
    test_bcast_problem();
    test_every_impl_matches_reference();
    test_in_place_and_errors();
    test_short_form();
    return check_summary();
}
