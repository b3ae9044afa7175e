/* The classes of a failed case's departures from the reference (departures.h). */
#include "departures.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static uint32_t bits_of(float f)
{
    uint32_t b;
    memcpy(&b, &f, sizeof b);
    return b;
}

const char *departure_name(verify_departure d)
{
    switch (d) {
    case DEPARTURE_FTZ: return "flushes denormal results to zero";
    case DEPARTURE_DAZ: return "reads denormal inputs as zero";
    case DEPARTURE_NAN_LOST: return "turns NaN into a number";
    case DEPARTURE_NAN_MADE: return "gives NaN where the reference has a number";
    case DEPARTURE_SIGNED_ZERO: return "gives a zero of the other sign";
    case DEPARTURE_ULP1: return "1 ulp off";
    case DEPARTURE_ULP16: return "2 to 16 ulps off";
    case DEPARTURE_WRONG: return "wrong values";
    case DEPARTURE_SUMS: return "sums beyond their bound or out of the library's order";
    case DEPARTURE_GUARD: return "writes outside an output";
    case DEPARTURE_INPUT: return "modifies an input";
    case DEPARTURE_ERROR: return "returns an error";
    case DEPARTURE_COUNT: break;
    }
    return "?";
}

static int is_denormal(float x)
{
    return x != 0.0f && fabsf(x) < 0x1p-126f;
}

float departure_flush(float x)
{
    return is_denormal(x) ? copysignf(0.0f, x) : x;
}

static int same(float e, float a)
{
    return isnan(e) ? isnan(a) != 0 : bits_of(e) == bits_of(a);
}

static unsigned nan_into(float a)
{
    if (isinf(a))
        return a < 0 ? NAN_INTO_NEG_INF : NAN_INTO_POS_INF;
    return a == 0.0f ? NAN_INTO_ZERO : NAN_INTO_NUMBER;
}

/* The special-value explanation of got from e (0: none); flags DAZ when e is the DAZ reference's. */
static unsigned explain_special(float e, float a, int daz, unsigned *into)
{
    unsigned extra = daz ? 1u << DEPARTURE_DAZ : 0;
    if (same(e, a))
        return daz ? extra : 0;
    if (is_denormal(e) && bits_of(a) == bits_of(copysignf(0.0f, e)))
        return extra | 1u << DEPARTURE_FTZ;
    if (isnan(e) && !isnan(a)) {
        *into |= nan_into(a);
        return extra | 1u << DEPARTURE_NAN_LOST;
    }
    return 0;
}

/* Distance in ulps of two finite floats of one sign. */
static uint32_t ulps(float e, float a)
{
    uint32_t x = bits_of(e) & 0x7fffffffu, y = bits_of(a) & 0x7fffffffu;
    return x > y ? x - y : y - x;
}

static unsigned classify_one(float e, const float *e_daz, float a, unsigned *into)
{
    unsigned c = explain_special(e, a, 0, into);
    if (c)
        return c;
    if (e_daz && (c = explain_special(*e_daz, a, 1, into)) != 0)
        return c;
    if (isnan(a))
        return 1u << DEPARTURE_NAN_MADE;
    if (e == 0.0f && a == 0.0f)
        return 1u << DEPARTURE_SIGNED_ZERO;
    if (isfinite(e) && isfinite(a) && signbit(e) == signbit(a)) {
        uint32_t d = ulps(e, a);
        if (d <= 1)
            return 1u << DEPARTURE_ULP1;
        if (d <= 16)
            return 1u << DEPARTURE_ULP16;
    }
    return 1u << DEPARTURE_WRONG;
}

void departures_classify(const float *expected, const float *expected_daz, const float *got, size_t n,
                         departure_set *set)
{
    for (size_t i = 0; i < n; i++)
        if (!same(expected[i], got[i]))
            set->classes |= classify_one(expected[i], expected_daz ? &expected_daz[i] : NULL, got[i],
                                         &set->nan_into);
}

void departures_count(departure_counts *c, const departure_set *set)
{
    for (int d = 0; d < DEPARTURE_COUNT; d++)
        if (set->classes & 1u << d)
            c->cases[d]++;
    c->nan_into |= set->nan_into;
}

int departures_special_only(const departure_counts *c)
{
    for (int d = DEPARTURE_ULP1; d < DEPARTURE_COUNT; d++)
        if (c->cases[d])
            return 0;
    return 1;
}

/* "turns NaN into -inf" / "... into -inf or +inf" from the mask. */
static void nan_name(unsigned into, char *buf, size_t len)
{
    static const struct { unsigned bit; const char *name; } kinds[] = {
        {NAN_INTO_NEG_INF, "-inf"}, {NAN_INTO_POS_INF, "+inf"}, {NAN_INTO_ZERO, "zero"},
        {NAN_INTO_NUMBER, "a finite number"}};
    size_t used = (size_t)snprintf(buf, len, "turns NaN into ");
    int first = 1;
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0] && used < len; k++)
        if (into & kinds[k].bit) {
            used += (size_t)snprintf(buf + used, len - used, "%s%s", first ? "" : " or ", kinds[k].name);
            first = 0;
        }
    if (first)
        snprintf(buf, len, "%s", departure_name(DEPARTURE_NAN_LOST));
}

const char *departures_describe(const departure_counts *c, char *buf, size_t len)
{
    size_t used = 0;
    int any = 0;
    if (len)
        buf[0] = '\0';
    for (int d = 0; d < DEPARTURE_COUNT && used < len; d++) {
        if (!c->cases[d])
            continue;
        char nan[96];
        const char *name = departure_name((verify_departure)d);
        if (d == DEPARTURE_NAN_LOST) {
            nan_name(c->nan_into, nan, sizeof nan);
            name = nan;
        }
        used += (size_t)snprintf(buf + used, len - used, "%s%s (%ld case%s)", any ? "; " : "", name,
                                 c->cases[d], c->cases[d] == 1 ? "" : "s");
        any = 1;
    }
    if (any && used < len && departures_special_only(c))
        snprintf(buf + used, len - used, "; bit-exact otherwise");
    return buf;
}
