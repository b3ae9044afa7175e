/*
 * The performance targets T1-T4 of one results file, evaluated as data: the
 * verdicts, the rows behind them and the shortfalls, with nothing printed.
 * `chanmul report` formats them (harness/report/sections_targets.c); anything else that needs the
 * verdicts (a CI check, another format) reads the same data.
 *
 * Every target compares the best chanmul kernel at a site (the fastest timed
 * implementation of kind chanmul: never a peer, the reference or a plugin)
 * with something measured in the same run:
 *   T1  working set within the LLC:  best chanmul / memcpy  >= TARGET_T1_MIN_RATIO
 *   T2  working set over 2 x LLC:    best chanmul / memcpy  >= TARGET_T2_MIN_RATIO
 *   T3  every site a peer was timed: best chanmul / fastest peer >= TARGET_T3_MIN_SPEEDUP
 *   T4  working set within the L2:   best at 2 threads / best at 1 thread >= TARGET_T4_MIN_SCALING
 */
#ifndef CHANMUL_TARGETS_H
#define CHANMUL_TARGETS_H

#include "report_model.h"

#include <stddef.h>

#define TARGET_T1_MIN_RATIO 0.90    /* in the LLC: best chanmul kernel vs memcpy */
#define TARGET_T2_MIN_RATIO 1.20    /* beyond twice the LLC */
#define TARGET_T3_MIN_SPEEDUP 1.0   /* best chanmul kernel vs the fastest peer */
#define TARGET_T4_MIN_SCALING 1.70  /* 2 threads vs 1, in the L2 */

typedef enum targets_id { TARGET_T1, TARGET_T2, TARGET_T3, TARGET_T4, TARGETS_COUNT } targets_id;

typedef enum targets_verdict { TARGET_PASS, TARGET_FAIL, TARGET_NOT_EVALUATED } targets_verdict;

/* "PASS", "FAIL", "NOT EVALUATED". */
const char *targets_verdict_name(targets_verdict v);

/* One evaluated site of a target. */
typedef struct targets_point {
    const rp_site *site;     /* T4: the 1-thread site */
    const rp_point *kernel;  /* the best chanmul kernel there (T4: at 2 threads); NULL: none timed */
    const rp_point *versus;  /* what it is measured against: T3 the fastest peer, T4 the best chanmul
                                kernel at 1 thread (NULL: none timed); T1, T2: NULL, memcpy is
                                site->memcpy_bps */
    double value;            /* x memcpy (T1, T2), chanmul / peer (T3), 2 threads / 1 thread (T4);
                                0 when a side was not timed */
    int below;               /* value < the target's threshold */
} targets_point;

/* T1, T2: the shapes of one (layout, thread count) in the target's size range. */
typedef struct targets_group {
    const char *layout;
    int threads;
    size_t shapes;           /* evaluated */
    size_t below;            /* of them below the threshold */
    targets_point worst;     /* the lowest value; the first site met on a tie */
} targets_group;

/* T3: the best chanmul kernel against one peer, over one layout or all of them
 * (at the sites where both were timed). */
typedef struct targets_peer_row {
    int series;              /* the peer's index into the file's series */
    const char *layout;      /* NULL: all layouts (only present when there are several) */
    size_t points;
    double geomean;          /* geometric mean of chanmul / peer */
    double lowest, highest;
} targets_peer_row;

typedef struct targets_target {
    targets_verdict verdict;
    char text[512];          /* one line, the verdict's reason: "7 of 52 shapes below 0.90 x memcpy; ..." */
    double threshold;        /* TARGET_*_MIN_* */
    int cache_unknown;       /* T1, T2, T4: the results do not give the cache size the target is
                                defined by; nothing else below is filled in */
    double limit;            /* working-set bound in bytes: T1 the LLC, T2 2 x LLC (lower bound),
                                T4 the L2; 0 for T3 or when cache_unknown */
    size_t total;            /* shapes (T1, T2, T4) or points (T3) evaluated */
    size_t unevaluable;      /* T1, T2: shapes where a chanmul kernel was timed but no memcpy */
    targets_point worst;     /* what the verdict text names: the lowest value (T3: the closest
                                when it passes); site NULL when total is 0 */
    targets_group *groups;   /* T1, T2: per layout (file order), then thread count (ascending) */
    size_t ngroups;
    targets_peer_row *peers; /* T3: per peer series (file order), per layout, then all layouts */
    size_t npeers;
    targets_point *rows;     /* T4: every L2-resident shape timed at 1 or 2 threads, site order */
    size_t nrows;
    targets_point *shortfalls; /* the points below the threshold, worst (lowest value) first */
    size_t nshortfalls;
} targets_target;

typedef struct targets_result {
    targets_target t[TARGETS_COUNT]; /* indexed by targets_id */
} targets_result;

/* Evaluates T1-T4 on f. The result points into f (sites, points, layout
 * names), so f must outlive it. Returns 0, or -1 when out of memory (out is
 * then empty and needs no targets_free). */
int targets_evaluate(const rp_file *f, targets_result *out);
void targets_free(targets_result *r);

#endif
