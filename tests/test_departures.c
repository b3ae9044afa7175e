/*
 * test_departures: the verifier's classes of a failed case's departures from
 * the reference (harness/verify/departures.h), on hand-made expected /
 * expected_daz / got arrays: flushed denormals, denormal inputs read as zero,
 * NaN turned into a number or made from one, signed zeros, 1 and 2..16 ulps,
 * wrong values, agreement (NaN with any NaN); then the per-implementation
 * counts, the summary line (exact text, truncation into small buffers) and
 * departures_special_only.
 *
 * The last line printed is exactly "N passed, M failed"; the exit status is
 * non-zero when M > 0.
 */
#include "departures.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

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

/* The classes of one element: expected e (and e_daz when daz), got a. */
static departure_set classify1(float e, const float *e_daz, float a)
{
    departure_set set = {0, 0};
    departures_classify(&e, e_daz, &a, 1, &set);
    return set;
}

#define BIT(d) (1u << (d))

static void expect_set(const char *what, departure_set got, unsigned classes, unsigned nan_into)
{
    CHECK(got.classes == classes && got.nan_into == nan_into,
          "%s: classes 0x%x, nan_into 0x%x; expected 0x%x, 0x%x", what, got.classes, got.nan_into, classes, nan_into);
}

static void classes(void)
{
    const float denorm = from_bits(0x00400000u);      /* 2^-127, positive denormal */
    const float neg_denorm = from_bits(0x80000123u);  /* a negative denormal */
    const float tiny = from_bits(0x00000001u);        /* the smallest denormal */
    const float qnan = NAN, other_nan = from_bits(0x7fc12345u), neg_nan = from_bits(0xffc00001u);

    /* FTZ: a denormal result, a zero of its sign */
    expect_set("denormal -> +0", classify1(denorm, NULL, 0.0f), BIT(DEPARTURE_FTZ), 0);
    expect_set("negative denormal -> -0", classify1(neg_denorm, NULL, -0.0f), BIT(DEPARTURE_FTZ), 0);
    expect_set("smallest denormal -> +0", classify1(tiny, NULL, 0.0f), BIT(DEPARTURE_FTZ), 0);
    /* a zero of the other sign is no flush: a sign flip of a non-zero value, a wrong value */
    departure_set s = classify1(denorm, NULL, -0.0f);
    CHECK(!(s.classes & BIT(DEPARTURE_FTZ)), "denormal -> -0 counted as FTZ (0x%x)", s.classes);
    expect_set("denormal -> -0", s, BIT(DEPARTURE_WRONG), 0);
    s = classify1(neg_denorm, NULL, 0.0f);
    CHECK(!(s.classes & BIT(DEPARTURE_FTZ)), "negative denormal -> +0 counted as FTZ (0x%x)", s.classes);
    expect_set("negative denormal -> +0", s, BIT(DEPARTURE_WRONG), 0);
    /* (also with the DAZ reference, which reads that result as +0: -0 is still unexplained) */
    float flushed = departure_flush(denorm);
    CHECK(bits_of(flushed) == 0u, "departure_flush(2^-127) = 0x%08x", bits_of(flushed));
    CHECK(bits_of(departure_flush(neg_denorm)) == 0x80000000u, "departure_flush(negative denormal) = 0x%08x",
          bits_of(departure_flush(neg_denorm)));
    CHECK(departure_flush(1.5f) == 1.5f && bits_of(departure_flush(-0.0f)) == 0x80000000u,
          "departure_flush changed a normal number or a zero");
    s = classify1(denorm, &flushed, -0.0f);
    CHECK(s.classes != 0 && !(s.classes & BIT(DEPARTURE_FTZ)), "denormal -> -0, DAZ reference +0: classes 0x%x",
          s.classes);

    /* signed zeros */
    expect_set("+0 -> -0", classify1(0.0f, NULL, -0.0f), BIT(DEPARTURE_SIGNED_ZERO), 0);
    expect_set("-0 -> +0", classify1(-0.0f, NULL, 0.0f), BIT(DEPARTURE_SIGNED_ZERO), 0);

    /* NaN lost, and what it became */
    expect_set("NaN -> -inf", classify1(qnan, NULL, -INFINITY), BIT(DEPARTURE_NAN_LOST), NAN_INTO_NEG_INF);
    expect_set("NaN -> +inf", classify1(qnan, NULL, INFINITY), BIT(DEPARTURE_NAN_LOST), NAN_INTO_POS_INF);
    expect_set("NaN -> -0", classify1(neg_nan, NULL, -0.0f), BIT(DEPARTURE_NAN_LOST), NAN_INTO_ZERO);
    expect_set("NaN -> 3", classify1(qnan, NULL, 3.0f), BIT(DEPARTURE_NAN_LOST), NAN_INTO_NUMBER);

    /* NaN made */
    expect_set("1 -> NaN", classify1(1.0f, NULL, qnan), BIT(DEPARTURE_NAN_MADE), 0);
    expect_set("+inf -> NaN", classify1(INFINITY, NULL, qnan), BIT(DEPARTURE_NAN_MADE), 0);
    expect_set("0 -> -NaN", classify1(0.0f, NULL, neg_nan), BIT(DEPARTURE_NAN_MADE), 0);

    /* DAZ: got is the DAZ reference's value, not the reference's */
    {
        float e = 3.0f, e_daz = 2.0f; /* e.g. x = 1 + (a denormal read as 0) ... any pair */
        expect_set("got = expected_daz", classify1(e, &e_daz, 2.0f), BIT(DEPARTURE_DAZ), 0);
        /* a denormal input read as zero, and the denormal result flushed as well */
        float e2 = from_bits(0x00000100u), e2_daz = from_bits(0x00000080u);
        expect_set("got = flush(expected_daz)", classify1(e2, &e2_daz, 0.0f), BIT(DEPARTURE_FTZ), 0);
        expect_set("got = +0, expected_daz denormal, expected normal", classify1(1.0f, &e2_daz, 0.0f),
                   BIT(DEPARTURE_DAZ) | BIT(DEPARTURE_FTZ), 0);
        /* the DAZ reference's NaN turned into -inf */
        float n_daz = qnan;
        expect_set("expected_daz NaN -> -inf", classify1(5.0f, &n_daz, -INFINITY),
                   BIT(DEPARTURE_DAZ) | BIT(DEPARTURE_NAN_LOST), NAN_INTO_NEG_INF);
        /* matching neither: numeric */
        expect_set("got neither expected nor expected_daz", classify1(e, &e_daz, 7.0f), BIT(DEPARTURE_WRONG), 0);
        /* equal to the reference: no class, whatever the DAZ reference says */
        expect_set("got = expected, expected_daz differs", classify1(e, &e_daz, 3.0f), 0, 0);
    }

    /* ulps */
    expect_set("1 -> nextafter(1, 2)", classify1(1.0f, NULL, nextafterf(1.0f, 2.0f)), BIT(DEPARTURE_ULP1), 0);
    expect_set("1 -> nextafter(1, 0)", classify1(1.0f, NULL, nextafterf(1.0f, 0.0f)), BIT(DEPARTURE_ULP1), 0);
    expect_set("1 -> 5 ulps up", classify1(1.0f, NULL, from_bits(bits_of(1.0f) + 5)), BIT(DEPARTURE_ULP16), 0);
    expect_set("-1 -> 5 ulps", classify1(-1.0f, NULL, from_bits(bits_of(-1.0f) + 5)), BIT(DEPARTURE_ULP16), 0);
    expect_set("1 -> 2 ulps", classify1(1.0f, NULL, from_bits(bits_of(1.0f) + 2)), BIT(DEPARTURE_ULP16), 0);
    expect_set("1 -> 16 ulps", classify1(1.0f, NULL, from_bits(bits_of(1.0f) + 16)), BIT(DEPARTURE_ULP16), 0);
    expect_set("1 -> 17 ulps", classify1(1.0f, NULL, from_bits(bits_of(1.0f) + 17)), BIT(DEPARTURE_WRONG), 0);

    /* wrong */
    expect_set("1 -> 2", classify1(1.0f, NULL, 2.0f), BIT(DEPARTURE_WRONG), 0);
    expect_set("1 -> -1", classify1(1.0f, NULL, -1.0f), BIT(DEPARTURE_WRONG), 0);
    expect_set("+inf -> -inf", classify1(INFINITY, NULL, -INFINITY), BIT(DEPARTURE_WRONG), 0);
    expect_set("+inf -> FLT_MAX", classify1(INFINITY, NULL, from_bits(0x7f7fffffu)), BIT(DEPARTURE_WRONG), 0);

    /* agreement: no class */
    expect_set("1 = 1", classify1(1.0f, NULL, 1.0f), 0, 0);
    expect_set("denormal = denormal", classify1(denorm, NULL, denorm), 0, 0);
    expect_set("-0 = -0", classify1(-0.0f, NULL, -0.0f), 0, 0);
    expect_set("NaN = another NaN", classify1(qnan, NULL, other_nan), 0, 0);
    expect_set("NaN = -NaN", classify1(qnan, NULL, neg_nan), 0, 0);
    expect_set("-inf = -inf", classify1(-INFINITY, NULL, -INFINITY), 0, 0);

    /* arrays: the classes of every element add up; agreeing elements add nothing */
    {
        const float e[] = {1.0f, denorm, qnan, 1.0f, 4.0f, 0.0f};
        const float g[] = {1.0f, 0.0f, -INFINITY, nextafterf(1.0f, 2.0f), 4.0f, other_nan};
        departure_set set = {0, 0};
        departures_classify(e, NULL, g, COUNT_OF(e), &set);
        expect_set("array", set,
                   BIT(DEPARTURE_FTZ) | BIT(DEPARTURE_NAN_LOST) | BIT(DEPARTURE_ULP1) | BIT(DEPARTURE_NAN_MADE),
                   NAN_INTO_NEG_INF);
        /* adds to what the set had */
        departures_classify(e, NULL, g, 0, &set);
        expect_set("array, n = 0 adds nothing", set,
                   BIT(DEPARTURE_FTZ) | BIT(DEPARTURE_NAN_LOST) | BIT(DEPARTURE_ULP1) | BIT(DEPARTURE_NAN_MADE),
                   NAN_INTO_NEG_INF);
        const float e2[] = {qnan}, g2[] = {0.0f};
        departures_classify(e2, NULL, g2, 1, &set);
        CHECK(set.nan_into == (NAN_INTO_NEG_INF | NAN_INTO_ZERO), "nan_into accumulates: 0x%x", set.nan_into);
        /* with a DAZ reference array */
        const float ed[] = {1.0f, 3.0f, 3.0f}, dd[] = {1.0f, 2.0f, 2.0f}, gd[] = {1.0f, 2.0f, 3.0f};
        departure_set sd = {0, 0};
        departures_classify(ed, dd, gd, COUNT_OF(ed), &sd);
        expect_set("array with a DAZ reference", sd, BIT(DEPARTURE_DAZ), 0);
    }
}

/* ---- the counts and the summary line --------------------------------------------------- */

static void count_n(departure_counts *c, unsigned classes, unsigned nan_into, int times)
{
    departure_set set = {classes, nan_into};
    for (int i = 0; i < times; i++)
        departures_count(c, &set);
}

static void summary(void)
{
    char buf[512];
    departure_counts c;
    memset(&c, 0, sizeof c);

    CHECK(strcmp(departures_describe(&c, buf, sizeof buf), "") == 0, "no failures: '%s', not ''", buf);
    CHECK(departures_special_only(&c), "no failures: not special-only");

    count_n(&c, BIT(DEPARTURE_FTZ), 0, 3);
    count_n(&c, BIT(DEPARTURE_NAN_LOST), NAN_INTO_NEG_INF, 1);
    CHECK(c.cases[DEPARTURE_FTZ] == 3 && c.cases[DEPARTURE_NAN_LOST] == 1 && c.nan_into == NAN_INTO_NEG_INF,
          "counts: FTZ %ld, NAN_LOST %ld, nan_into 0x%x", c.cases[DEPARTURE_FTZ], c.cases[DEPARTURE_NAN_LOST],
          c.nan_into);
    const char *want = "flushes denormal results to zero (3 cases); turns NaN into -inf (1 case); bit-exact otherwise";
    const char *got = departures_describe(&c, buf, sizeof buf);
    CHECK(got == buf, "departures_describe does not return buf");
    CHECK(strcmp(buf, want) == 0, "summary: '%s'\n  expected '%s'", buf, want);
    CHECK(departures_special_only(&c), "FTZ and NaN lost only: not special-only");

    /* every length of buffer, each exactly sized on the heap: a prefix, terminated */
    size_t full = strlen(want);
    for (size_t len = 0; len <= full + 2; len++) {
        char *small = malloc(len ? len : 1);
        if (!small)
            return;
        if (len)
            memset(small, 'Z', len);
        departures_describe(&c, small, len);
        if (len == 0) {
            CHECK(1, "len 0");
        } else {
            size_t keep = len - 1 < full ? len - 1 : full;
            CHECK(memchr(small, '\0', len) != NULL && strlen(small) == keep && strncmp(small, want, keep) == 0,
                  "a buffer of %zu bytes: not the summary's first %zu characters, terminated", len, keep);
        }
        free(small);
    }
    {
        char sixteen[16];
        departures_describe(&c, sixteen, sizeof sixteen);
        CHECK(strcmp(sixteen, "flushes denorma") == 0, "16 bytes: '%.16s'", sixteen);
    }

    /* a numeric error: no "bit-exact otherwise" */
    departure_counts w = c;
    count_n(&w, BIT(DEPARTURE_WRONG), 0, 1);
    departures_describe(&w, buf, sizeof buf);
    CHECK(strstr(buf, "bit-exact otherwise") == NULL, "with a wrong value: '%s'", buf);
    CHECK(strcmp(buf, "flushes denormal results to zero (3 cases); turns NaN into -inf (1 case); wrong values "
                      "(1 case)") == 0,
          "with a wrong value: '%s'", buf);
    CHECK(!departures_special_only(&w), "with a wrong value: special-only");

    /* each of the non-special classes ends special-only; each special class keeps it */
    for (int d = 0; d < DEPARTURE_COUNT; d++) {
        departure_counts one;
        memset(&one, 0, sizeof one);
        count_n(&one, BIT(d), d == DEPARTURE_NAN_LOST ? NAN_INTO_ZERO : 0, 2);
        int special = d < DEPARTURE_ULP1;
        CHECK(departures_special_only(&one) == special, "class %d (%s): special_only %d", d,
              departure_name((verify_departure)d), departures_special_only(&one));
        departures_describe(&one, buf, sizeof buf);
        CHECK((strstr(buf, "bit-exact otherwise") != NULL) == special && strstr(buf, "(2 cases)") != NULL,
              "class %d: '%s'", d, buf);
    }

    /* several classes in one case, and NaN into several things */
    departure_counts m;
    memset(&m, 0, sizeof m);
    count_n(&m, BIT(DEPARTURE_DAZ) | BIT(DEPARTURE_NAN_LOST), NAN_INTO_NEG_INF, 1);
    count_n(&m, BIT(DEPARTURE_NAN_LOST), NAN_INTO_POS_INF, 1);
    departures_describe(&m, buf, sizeof buf);
    CHECK(strcmp(buf, "reads denormal inputs as zero (1 case); turns NaN into -inf or +inf (2 cases); "
                      "bit-exact otherwise") == 0,
          "DAZ and NaN lost into two: '%s'", buf);
    /* NaN lost with no recorded target: the class's own name */
    departure_counts u;
    memset(&u, 0, sizeof u);
    count_n(&u, BIT(DEPARTURE_NAN_LOST), 0, 1);
    departures_describe(&u, buf, sizeof buf);
    CHECK(strcmp(buf, "turns NaN into a number (1 case); bit-exact otherwise") == 0, "NaN lost, no mask: '%s'", buf);
    /* a long line into small buffers: each terminated, in bounds */
    departure_counts all;
    memset(&all, 0, sizeof all);
    for (int d = 0; d < DEPARTURE_COUNT; d++)
        count_n(&all, BIT(d), d == DEPARTURE_NAN_LOST ? 15u : 0, d + 1);
    departures_describe(&all, buf, sizeof buf);
    size_t all_len = strlen(buf);
    CHECK(all_len > 16 && strstr(buf, "bit-exact") == NULL, "every class: '%s'", buf);
    for (size_t len = 1; len <= all_len + 1; len += 7) {
        char *small = malloc(len);
        if (!small)
            return;
        departures_describe(&all, small, len);
        CHECK(strlen(small) == len - 1 && strncmp(small, buf, len - 1) == 0,
              "every class into %zu bytes: not the first %zu characters", len, len - 1);
        free(small);
    }
}

int main(void)
{
    classes();
    summary();
    return check_summary();
}
