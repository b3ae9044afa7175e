/* `chanmul compare`: see compare_cli.c and README.md ("Regression testing"). */
#ifndef CHANMUL_COMPARE_CLI_H
#define CHANMUL_COMPARE_CLI_H

#include "compare.h"

/* argv[0] is "compare". Returns the exit code: 0 nothing regressed, 1 a
 * regression, 2 bad input, 3 inconclusive only. */
int cmd_compare(int argc, char **argv);

/* compare's command line, read. */
typedef struct compare_args {
    cmp_options o;
    int json, flags;
    const char *out;
    const char *keep; /* paired: keep the rounds' results files in this folder */
    const char *base[MAX_RUNS_PER_SIDE], *new_files[MAX_RUNS_PER_SIDE];
    size_t nbase, nnew;
    /* paired mode */
    const char *old_exe, *new_exe;
    int rounds, rounds_given; /* default: enough for the exact test to reach alpha (paired_rounds) */
    char **run_argv; /* bench|sweep and its arguments */
    int run_argc;
} compare_args;

/* Reads the command line (argv[0] "compare") into a, and nothing else: no
 * file is read, no build run (the fuzz target calls it alone). Returns -1 to
 * go on, else the exit code after printing why (0 after --help). */
int compare_parse_args(int argc, char **argv, compare_args *a);

#endif
