/*
 * How far `auto` (and the heuristic it falls back on) is from the best
 * implementation, over one op's view of a results file, as data: nothing
 * printed. `chanmul report` formats it (harness/report/sections_selection.c).
 *
 * At every site (layout, shape, threads) where auto was timed:
 *   best       the fastest timed implementation of kind chanmul or peer (those
 *              auto may pick; timed means it passed verification there)
 *   regret     auto's median time / best's - 1 (0: auto ran the best; from
 *              the median GB/s, which count the same bytes)
 *   heuristic  what chanmul_heuristic_choose() picks for the site's problem
 *              on the given CPU, with that implementation's median time there
 *              (the heuristic runs it with its default parameters, as the
 *              benchmark did): its regret the same way; NAN when that
 *              implementation was not timed at the site
 * and, per thread count, the number of sites, the median and the largest
 * regret, and how many are within 5% and within 15% of the best.
 */
#ifndef CHANMUL_SELECTION_REGRET_H
#define CHANMUL_SELECTION_REGRET_H

#include "report_model.h"

#include "chanmul.h"

#include <stddef.h>

#define REGRET_CLOSE 0.05 /* "within 5%" */
#define REGRET_FAR 0.15   /* "within 15%" */

typedef struct regret_site {
    const rp_site *site;
    chanmul_problem problem;         /* the site's problem (op, layout, shape) */
    const rp_point *best;            /* fastest chanmul kernel or peer */
    const rp_point *automatic;       /* auto's point */
    double regret;                   /* auto / best - 1, in time */
    const chanmul_impl *heuristic;   /* the heuristic's pick; NULL if it names none */
    const rp_point *heuristic_point; /* its point at the site; NULL when not timed there */
    double heuristic_regret;         /* NAN when heuristic_point is NULL */
} regret_site;

typedef struct regret_summary {
    int threads;
    size_t sites;                    /* with a regret */
    double median, max;              /* NAN when sites is 0 */
    size_t within_close, within_far; /* regret <= REGRET_CLOSE, <= REGRET_FAR */
} regret_summary;

typedef struct regret_result {
    const char *op;                  /* the view's op (f->op, "scale" when NULL) */
    int measured;                    /* auto has a point (timed or failed) in the view */
    regret_site *sites;              /* every site with auto timed and a best, site order */
    size_t nsites;
    size_t no_best;                  /* sites where auto was timed and no chanmul kernel or peer */
    size_t auto_failed;              /* sites where auto's row failed (verification) */
    size_t heuristic_untimed;        /* sites (of those above) where the heuristic's pick was not timed */
    regret_summary *automatic;       /* per thread count, ascending */
    regret_summary *heuristic;       /* the same thread counts */
    size_t nthreads;
} regret_result;

/* Evaluates f (one op's view: rp_load_op) with the heuristic as it chooses on
 * cpu (NULL: this machine, chanmul_cpu_signature_get). The result points into
 * f, which must outlive it. 0, or -1 when out of memory (out then empty). An
 * f of no op this build knows gives an empty result. */
int regret_evaluate(const rp_file *f, const chanmul_cpu_signature *cpu, regret_result *out);
void regret_free(regret_result *r);

#endif
