/*
 * The command lines of list, verify, bench, sweep, tune, explain and probe,
 * read (harness/cli/<verb>_args.c; compare's and report's are in
 * compare_cli.h and report_cli.h). Each <verb>_parse_args reads argv (argv[0]
 * the verb, as main passes it) into its struct and does nothing else: no file
 * is read or written, no plugin loaded, no probe or measurement made, no
 * signal handler installed (the fuzz target tests/fuzz/fuzz_cli.c calls them
 * alone). It checks what needs no work: each value's form and range, the
 * options a verb requires, and the shapes against the op (cli_shapes_resolve).
 * Returns -1 to go on and run the verb, else the exit code to return: 0 after
 * --help (the usage on stdout), EXIT_USAGE after printing why on stderr.
 * The strings the structs hold point into argv, or are constants.
 */
#ifndef CHANMUL_VERB_ARGS_H
#define CHANMUL_VERB_ARGS_H

#include "cli.h"
#include "sweep_plan.h"
#include "tuner.h"
#include "verify.h"

/* ---- list, probe: no options ---------------------------------------------------- */

/* list and probe take no options (only --help): nothing to fill (the member
 * is there because C has no empty structs). */
typedef struct list_args {
    int unused;
} list_args;
typedef struct probe_args {
    int unused;
} probe_args;

int list_parse_args(int argc, char **argv, list_args *a);
int probe_parse_args(int argc, char **argv, probe_args *a);

/* ---- verify --------------------------------------------------------------------- */

typedef struct verify_args {
    /* verify_options_init's defaults, then the options; o.shape is resolved
     * (cli_shapes_resolve) when o.have_shape, and then not too large to be
     * counted (chanmul_problem_elements). o.targets is left empty. */
    verify_options o;
    const char *impl_name; /* --impl, or NULL */
    const char *plugins[MAX_PLUGINS];
    int plugin_count;
} verify_args;

int verify_parse_args(int argc, char **argv, verify_args *a);

/* ---- bench, sweep (bench_args.c: the options they share, common_option) ---------- */

typedef struct bench_args {
    /* both verbs */
    const char *impl_name, *json, *plugins[MAX_PLUGINS]; /* json: non-empty when given */
    int plugin_count;
    int repetitions; /* bench: BENCH_DEFAULT_REPETITIONS, else >= 1; sweep: 0 (the profile's) or >= 1 */
    int threads, have_threads;
    double min_time; /* 0: not given (the default), else in (0, BENCH_MAX_MIN_TIME] */
    /* "chanmul", then the --benchmark_* words in their order, NULL-terminated:
     * malloc'd by the parse function (argc + 1 entries) and the caller's to
     * free(), whatever it returned (NULL only when it was out of memory) */
    int gb_argc;
    char **gb_argv;
    /* bench: the problem, resolved (--shape is required) */
    chanmul_problem problem;
    /* sweep */
    const sweep_profile *profile; /* --profile, else sweep_profile_default() */
    const char *out_dir;          /* --out (non-empty), else "results" */
    int include_large;            /* 0 after --no-large */
    int only_op;                  /* --op, else -1 (every op) */
} bench_args;

/* The longest --min-time, in seconds. */
#define BENCH_MAX_MIN_TIME 3600.0

int bench_parse_args(int argc, char **argv, bench_args *a);
int sweep_parse_args(int argc, char **argv, bench_args *a);

/* ---- tune, explain -------------------------------------------------------------- */

typedef struct tune_args {
    const char *out;              /* --out (non-empty), or NULL: the verb picks the default path */
    const tune_profile *profile;  /* --profile, else quick */
    int op;                       /* --op, else -1 (all); never a broadcast op (not tuned) */
    int quiet;
} tune_args;

typedef struct explain_args {
    chanmul_problem p; /* --op, --layout and --shape (--shape2), resolved; --shape and --layout are required */
    int threads;       /* --threads, else 0 (the default count) */
} explain_args;

int tune_parse_args(int argc, char **argv, tune_args *a);
int explain_parse_args(int argc, char **argv, explain_args *a);

#endif
