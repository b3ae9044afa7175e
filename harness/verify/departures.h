/*
 * How a failed case departs from the reference, in classes a reader can act
 * on ("flushes denormal results to zero; turns NaN into -inf; bit-exact
 * otherwise") instead of a wall of FAIL lines. A failed case may show several
 * classes; the verifier counts, per implementation, the cases showing each.
 *
 * The element classes are tried in order against the reference's value e and,
 * when given, the value e' the reference computes with denormal inputs read
 * as zero (the DAZ reference): a result equal to e' is "reads denormal inputs
 * as zero", a signed zero where e (or e') is denormal is "flushes denormal
 * results to zero", a number where e (or e') is NaN is "turns NaN into ...".
 * Only what none of them explains is a numeric error (ulps, or wrong).
 */
#ifndef CHANMUL_DEPARTURES_H
#define CHANMUL_DEPARTURES_H

#include <stddef.h>

typedef enum verify_departure {
    /* the IEEE special-value departures (a peer's documented modes) */
    DEPARTURE_FTZ = 0,     /* denormal results flushed to zero */
    DEPARTURE_DAZ,         /* denormal inputs read as zero */
    DEPARTURE_NAN_LOST,    /* a NaN result came out as a number */
    DEPARTURE_NAN_MADE,    /* NaN where the reference has a number */
    DEPARTURE_SIGNED_ZERO, /* a zero of the other sign */
    /* numeric errors */
    DEPARTURE_ULP1,        /* 1 ulp from the reference */
    DEPARTURE_ULP16,       /* 2 to 16 ulps */
    DEPARTURE_WRONG,       /* anything else: another value */
    /* not values */
    DEPARTURE_SUMS,        /* sums beyond their bound, or not in the library's order */
    DEPARTURE_GUARD,       /* wrote outside an output */
    DEPARTURE_INPUT,       /* modified an input */
    DEPARTURE_ERROR,       /* returned an error */
    DEPARTURE_COUNT
} verify_departure;

/* What NaN turned into (DEPARTURE_NAN_LOST), a mask of these. */
enum { NAN_INTO_NEG_INF = 1, NAN_INTO_POS_INF = 2, NAN_INTO_ZERO = 4, NAN_INTO_NUMBER = 8 };

/* One failed case's classes: a mask of 1u << verify_departure, and nan_into. */
typedef struct departure_set {
    unsigned classes, nan_into;
} departure_set;

/* Per implementation: the failed cases that showed each class. */
typedef struct departure_counts {
    long cases[DEPARTURE_COUNT];
    unsigned nan_into;
} departure_counts;

/* The class names as printed ("flushes denormal results to zero", ...). */
const char *departure_name(verify_departure d);

/* x with a denormal read as a zero of its sign (what DAZ does to an input). */
float departure_flush(float x);

/* Adds the classes of got[0..n) against expected (and expected_daz, the DAZ
 * reference's values, or NULL) to *set. Elements that agree are skipped:
 * NaN agrees with any NaN, everything else bit for bit. */
void departures_classify(const float *expected, const float *expected_daz, const float *got, size_t n,
                         departure_set *set);

/* Counts one failed case's set. */
void departures_count(departure_counts *c, const departure_set *set);

/* "flushes denormal results to zero (12 cases); turns NaN into -inf (3); bit-exact
 * otherwise" into buf (always terminated); "" when no case failed. Returns buf. */
const char *departures_describe(const departure_counts *c, char *buf, size_t len);

/* 1 when every failure is an IEEE special-value departure (no numeric error,
 * no stray write, no error return): "bit-exact otherwise". */
int departures_special_only(const departure_counts *c);

#endif
