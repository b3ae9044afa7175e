/*
 * Regression verdicts between results, as data (compare.c), and their two
 * formats (compare_format.c): the Markdown table for a pull request and the
 * JSON for tools. `chanmul compare` (compare_cli.c) and `chanmul report
 * --baseline` both use these, so they agree on every verdict.
 *
 * The model, and why (README.md "Regression testing" says it for users):
 * repetitions taken back to back inside one run do not sample the
 * run-to-run drift of a shared machine, so a test on them alone claims a
 * certainty it does not have. Every benchmark's change therefore has to clear
 * two tests: the repetitions (Mann-Whitney U), and the drift between runs,
 * estimated
 *   - from several runs per side when given (each benchmark's spread between
 *     its runs, moderated by the spread of its stratum), else
 *   - from the scatter of the changes across the benchmarks of its stratum
 *     (same thread count and cache level), whose median is the stratum's
 *     common shift: with one run per side that shift cannot be told from the
 *     machine's drift, so benchmark changes are measured relative to it and
 *     the shift itself is reported (inconclusive when beyond the threshold).
 * In the paired mode (runs of two builds in alternating rounds) drift cancels
 * within each round and the test is an exact sign-flip permutation test on
 * the rounds' log-ratios.
 * A regression needs the corrected p-value (Holm or Benjamini-Hochberg over
 * every test of the comparison) below alpha and a change beyond the
 * threshold; "no change" needs the confidence interval inside +-threshold,
 * or a significant change within it; everything else is inconclusive, with
 * the change the data could have detected.
 */
#ifndef CHANMUL_COMPARE_H
#define CHANMUL_COMPARE_H

#include "report_model.h"

#include <stdio.h>

typedef enum cmp_verdict {
    CMP_REGRESSION,
    CMP_INCONCLUSIVE,
    CMP_IMPROVEMENT,
    CMP_NO_CHANGE,
    CMP_NVERDICTS
} cmp_verdict;

/* "regression", "inconclusive", "improvement", "no change" */
const char *cmp_verdict_name(cmp_verdict v);

/* Results files (runs, rounds) per side at most. */
#define MAX_RUNS_PER_SIDE 64

typedef enum cmp_normalise { CMP_NORMALISE_NONE, CMP_NORMALISE_MEMCPY } cmp_normalise;
typedef enum cmp_correction { CMP_HOLM, CMP_BH } cmp_correction;

typedef struct cmp_options {
    double threshold;         /* fraction: 0.05 = 5% */
    double alpha;             /* over the whole comparison, after the correction */
    cmp_normalise normalise;
    cmp_correction correction;
    int paired;               /* base[r] and new[r] were run next to each other (round r) */
} cmp_options;

void cmp_options_init(cmp_options *o); /* the defaults (README.md) */

/* What a row stands for. */
typedef enum cmp_row_kind {
    CMP_ROW_BENCHMARK,        /* one benchmark name */
    CMP_ROW_IMPLEMENTATION,   /* every benchmark of one implementation: its overall change */
    CMP_ROW_STRATUM           /* every benchmark of a thread count and cache level: the common shift */
} cmp_row_kind;

typedef struct cmp_row {
    cmp_row_kind kind;
    char *name;               /* benchmark key, "impl stream (88 benchmarks)", "stratum ..." */
    char *implementation;     /* op/impl of a benchmark or implementation row; NULL for a stratum */
    size_t members;           /* benchmarks behind it (1 for a benchmark) */
    int reps_base, reps_new;  /* repetitions per run (the smallest), runs per side */
    int runs_base, runs_new;
    double base_median, new_median; /* seconds per iteration, medians of the runs (benchmarks) */
    double change;            /* estimated relative change of the time: +0.10 = 10% slower */
    double raw_change;        /* new median over base median - 1, before any drift correction */
    double ci_low, ci_high;   /* 95% interval of change (before multiplicity) */
    double p;                 /* the test's two-sided p (NAN: not tested) */
    double p_adjusted;        /* after the correction over every tested row */
    double p_repetitions;     /* Mann-Whitney on the repetitions (files mode), else NAN */
    double mde;               /* the smallest change the test could have detected here */
    cmp_verdict verdict;
    char note[256];           /* why inconclusive and what would decide it, or other remarks */
} cmp_row;

typedef struct cmp_context_change {
    char *key, *base, *new_value;
    int machine;              /* the machine or build changed (not only the revision) */
} cmp_context_change;

typedef struct cmp_result {
    cmp_options options;
    const char *mode;         /* "files" or "paired" */
    int runs_base, runs_new;
    cmp_row *rows;            /* worst first: verdict order, then the larger change first */
    size_t nrows;
    size_t tested;            /* rows with a p-value: the family the correction covers */
    size_t counts[CMP_NVERDICTS];      /* benchmark rows per verdict */
    size_t group_counts[CMP_NVERDICTS];/* implementation and stratum rows per verdict */
    char **only_base, **only_new;      /* benchmark names in one side only */
    size_t nonly_base, nonly_new;
    char **not_timed;         /* in both, but failed (verification) or untimed on a side */
    size_t nnot_timed;
    cmp_context_change *context;
    size_t ncontext;
    int exit_code;            /* 0 nothing regressed, 1 a regression, 3 inconclusive only */
} cmp_result;

/* Compares the runs base[0..nbase) with new[0..nnew) (each an rp_load()ed
 * results file; with o->paired, nbase == nnew and base[r], new[r] are round
 * r). Returns 0; -1 with a message in err (naming the file) when the inputs
 * cannot be compared: no benchmark in common, no repetitions. */
int cmp_compare(const rp_file *base, size_t nbase, const rp_file *new_runs, size_t nnew,
                const cmp_options *o, cmp_result *out, char *err, size_t errlen);
void cmp_free(cmp_result *r);

/* Markdown flags: list every row (else the benchmarks with no change are
 * counted, not listed, and at most 40 rows per verdict); add the raw change
 * (before any drift correction) and the repetitions' own p-value. */
enum { CMP_MD_ALL = 1, CMP_MD_RAW = 2 };

/* The formats. The Markdown starts with a heading of `level` naming the two
 * sides (no heading when level is 0). Return 0, -1 on a write error. */
int cmp_write_markdown(FILE *o, const cmp_result *r, const char *base_label, const char *new_label,
                       int level, int flags);
int cmp_write_json(FILE *o, const cmp_result *r, const char *const *base_paths, size_t nbase,
                   const char *const *new_paths, size_t nnew);

#endif
