/*
 * The selection file: what `chanmul tune` measured and `auto` reads. This
 * module is the one owner of its format (parse, validate, write); the tuner
 * (harness/tune/) fills the structure, `auto` (auto_select.c) looks problems
 * up in it, the report reads it for its map.
 *
 * A region of the tuned space is a grid cell: chanmul_selection_decide
 * weighs the measurements at its corners.
 */
#ifndef CHANMUL_SELECTION_H
#define CHANMUL_SELECTION_H

#include "chanmul.h"

#include <stddef.h>

#define CHANMUL_SELECTION_FORMAT 1
#define CHANMUL_SELECTION_MAX_CANDIDATES 16

typedef struct chanmul_selection_entry {
    chanmul_problem p; /* the grid point */
    int threads;
    const chanmul_impl *winner, *runner_up; /* runner_up NULL when only one candidate ran */
    double winner_ns, runner_up_ns;         /* median time per call */
    double margin, margin_low, margin_high; /* runner-up / winner - 1, and its interval */
    int tie;                                /* the interval includes 0 */
    int uses_tunables;                      /* winner is stream, run with the file's tunables */
    /* every candidate's median time per call, for the report and explain */
    int candidates;
    const chanmul_impl *candidate[CHANMUL_SELECTION_MAX_CANDIDATES];
    double candidate_ns[CHANMUL_SELECTION_MAX_CANDIDATES];
} chanmul_selection_entry;

typedef struct chanmul_selection {
    chanmul_cpu_signature cpu;
    chanmul_build_identity build; /* strings owned by the selection */
    char *build_strings;
    char command[512];            /* the command that made it */
    chanmul_tunables tunables;    /* 0 fields: not measured (the default stands) */
    char tunables_evidence[512];  /* how they were measured, one line */
    chanmul_selection_entry *entries;
    size_t count;
    size_t skipped;               /* entries that could not be used here */
    char first_skip[256];         /* why the first of them was skipped */
} chanmul_selection;

/* Parses text (len bytes) read from path. Entries this process cannot use
 * (an implementation it lacks, a field out of range) are skipped and counted.
 * 0, or CHANMUL_ESELECTION with "PATH:LINE:COL: what" (or "PATH: what") in err;
 * on error *sel is left empty. */
int chanmul_selection_parse(const char *text, size_t len, const char *path, chanmul_selection *sel,
                            char *err, size_t errlen);

/* 0 when sel was made on this CPU by this build; else CHANMUL_ESELECTION and
 * why ("made on another CPU: model: file 17, this CPU 1"). */
int chanmul_selection_check_origin(const chanmul_selection *sel, char *why, size_t len);

/* The grid point nearest to p at threads (already resolved: >= 1), or NULL
 * when the file has none for p's op and layout. */
const chanmul_selection_entry *chanmul_selection_lookup(const chanmul_selection *sel,
                                                        const chanmul_problem *p, int threads);

/*
 * What the file says to run for p: the grid cell around p (the grid values
 * just below and above p's N, H*W and C among the entries of p's op, layout
 * and nearest thread count; the edge value outside the grid) gives up to 8
 * grid points, weighted by p's position in the cell in log2 (trilinear).
 * Each candidate measured at every one of them scores its expected regret:
 * the weighted mean of its time over the fastest time at each point, minus
 * 1. The pick is the lowest score, or, within SELECTION_TIE_REGRET of it,
 * the simplest (first in registry order). A winner at one grid point that is
 * slow at its neighbours so loses to one that is close to the best at all of
 * them: measured on held-out shapes, the nearest point alone picked a
 * single-threaded kernel 2.2x slower than stream at 5x20x20x160 (its nearest
 * point, 8x28x28x256, is a tie; 8x7x7x256 is not).
 */
#define SELECTION_TIE_REGRET 0.03
typedef struct chanmul_selection_decision {
    const chanmul_impl *pick, *runner_up;   /* runner_up NULL when alone */
    double pick_regret, runner_up_regret;   /* expected regrets */
    int points;                             /* grid points weighed (>= 1) */
    const chanmul_selection_entry *nearest; /* the point of largest weight */
} chanmul_selection_decision;

/* Problems larger than this many times the grid's largest are beyond the
 * file's evidence: measured, the grid's one-thread ties between simd and
 * stream, extrapolated to 12.5M elements, picked simd, 50% slower there than
 * stream with its streaming stores. */
#define SELECTION_MAX_EXTRAPOLATION 2
/* 0 and *d; -1 when the file has no entry for p's op and layout; -2 when p
 * is larger than SELECTION_MAX_EXTRAPOLATION times the largest grid point. */
int chanmul_selection_decide(const chanmul_selection *sel, const chanmul_problem *p, int threads,
                             chanmul_selection_decision *d);

/* The file's text (malloc'd, NUL-terminated), or NULL when out of memory. */
char *chanmul_selection_format(const chanmul_selection *sel);

void chanmul_selection_free(chanmul_selection *sel);

/* The heuristic: what `auto` runs without a usable file, from the ISA and the
 * caches alone. Fills impl and the tunables stream runs with. */
void chanmul_heuristic_choose(const chanmul_problem *p, int threads, const chanmul_cpu_signature *cpu,
                              const chanmul_impl **impl, chanmul_tunables *tun, char *why, size_t len);

/* Whether impl may be picked by `auto` (not the reference, not a selector,
 * not a plugin), available here and covering op. */
int chanmul_selectable(const chanmul_impl *impl, chanmul_op op);

#endif
