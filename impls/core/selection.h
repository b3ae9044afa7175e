/*
 * The selection file: what `chanmul tune` measured and `auto` reads. This
 * module is the one owner of its format (parse, validate, write); the tuner
 * (harness/tune/) fills the structure, `auto` (auto_select.c) looks problems
 * up in it, the report reads it for its map.
 *
 * A region of the tuned space is the set of problems nearest to one grid
 * point (same op and layout, the nearest thread count, then the smallest
 * distance over log2 N, log2 H*W and log2 C): the point's entry decides there.
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

/* The entry deciding p at threads (already resolved: >= 1), or NULL when
 * the file has none for p's op and layout. */
const chanmul_selection_entry *chanmul_selection_lookup(const chanmul_selection *sel,
                                                        const chanmul_problem *p, int threads);

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
