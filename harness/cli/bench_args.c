/* The command lines of `chanmul bench` and `chanmul sweep`, read (verb_args.h):
 * the options they share (common_option), then each verb's own. The verbs are
 * in bench_cli.c. */
#include "verb_args.h"

#include "bench_engine.h"
#include "shape.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- shared option handling --------------------------------------------------------- */

/* Handles the options bench and sweep share; returns 1 consumed, 0 not ours, -1 error. */
static int common_option(int argc, char **argv, int *i, bench_args *a, const char *cmd)
{
    const char *v = NULL;
    int rc;
    if (strncmp(argv[*i], "--benchmark_", 12) == 0) {
        a->gb_argv[a->gb_argc++] = argv[*i];
        return 1;
    }
    if ((rc = cli_option(argc, argv, i, "--impl", &v)) != 0) {
        a->impl_name = v;
        return rc;
    }
    if ((rc = cli_option(argc, argv, i, "--json", &v)) != 0) {
        if (rc > 0 && !*v) {
            fprintf(stderr, "chanmul %s: --json needs a file name\n", cmd);
            return -1;
        }
        a->json = v;
        return rc;
    }
    if ((rc = cli_option(argc, argv, i, "--plugin", &v)) != 0) {
        if (rc > 0 && a->plugin_count == MAX_PLUGINS) {
            fprintf(stderr, "chanmul %s: at most %d plugins\n", cmd, MAX_PLUGINS);
            return -1;
        }
        if (rc > 0)
            a->plugins[a->plugin_count++] = v;
        return rc;
    }
    if ((rc = cli_option(argc, argv, i, "--repetitions", &v)) != 0) {
        if (rc > 0 && (int_parse(v, &a->repetitions) != 0 || a->repetitions < 1)) {
            fprintf(stderr, "chanmul %s: --repetitions takes a positive integer, not '%s'\n", cmd, v);
            return -1;
        }
        return rc;
    }
    if ((rc = cli_option(argc, argv, i, "--min-time", &v)) != 0) {
        char *end;
        /* (not NaN, not inf: a timing loop must end; an hour per benchmark is plenty) */
        if (rc > 0 && (!*v || !((a->min_time = strtod(v, &end)) > 0 && a->min_time <= BENCH_MAX_MIN_TIME) || *end)) {
            fprintf(stderr, "chanmul %s: --min-time takes seconds > 0 and at most %g, not '%s'\n", cmd,
                    BENCH_MAX_MIN_TIME, v);
            return -1;
        }
        return rc;
    }
    if ((rc = cli_option(argc, argv, i, "--threads", &v)) != 0) {
        if (rc > 0 && int_parse(v, &a->threads) != 0) {
            fprintf(stderr, "chanmul %s: --threads takes a non-negative integer, not '%s'\n", cmd, v);
            return -1;
        }
        a->have_threads = 1;
        return rc;
    }
    return 0;
}

/* The defaults both verbs start from, and the Google Benchmark argv (the
 * caller's to free); -1 when out of memory. */
static int bench_args_init(bench_args *a, int argc)
{
    memset(a, 0, sizeof *a);
    a->repetitions = BENCH_DEFAULT_REPETITIONS;
    a->problem = (chanmul_problem){CHANMUL_OP_SCALE, CHANMUL_NHWC, 0, 0, 0, 0};
    a->profile = sweep_profile_default();
    a->out_dir = "results";
    a->include_large = 1;
    a->only_op = -1;
    a->gb_argv = calloc((size_t)argc + 1, sizeof *a->gb_argv);
    if (!a->gb_argv)
        return -1;
    a->gb_argv[a->gb_argc++] = "chanmul";
    return 0;
}

/* ---- chanmul bench ------------------------------------------------------------------ */

static void bench_usage(FILE *out)
{
    char ops[256];
    fprintf(out,
            "usage: chanmul bench --shape NxHxWxC [--shape2 DIMS] [--op %s] [--layout nhwc|nchw]\n"
            "                     [--impl NAME|all] [--threads T] [--repetitions R] [--min-time SEC] [--json FILE]\n"
            "                     [--plugin FILE.so ...] [--benchmark_* ...]\n"
            "Times the implementations at one shape beside memcpy and STREAM scale of the same bytes.\n"
            "Benchmark names: <op>/<layout>/<impl>/<N>x<H>x<W>x<C>/threads:<T>.\n"
            "--shape2: the second operand's shape, checked against the op's (mul: equal to --shape;\n"
            "bcast: b, any rank, broadcast with --shape by NumPy's rules; default: --shape's last axis).\n",
            cli_op_names(ops, sizeof ops));
}

int bench_parse_args(int argc, char **argv, bench_args *a)
{
    chanmul_problem *p = &a->problem;
    chanmul_shape shape2;
    int have_shape = 0, have_shape2 = 0;
    if (bench_args_init(a, argc) != 0)
        return EXIT_USAGE;
    for (int i = 1; i < argc; i++) {
        int rc = common_option(argc, argv, &i, a, "bench");
        if (rc < 0)
            return EXIT_USAGE;
        if (rc > 0)
            continue;
        int op = (int)p->op;
        if ((rc = cli_op_option(argc, argv, &i, "chanmul bench", 0, &op)) != 0) {
            if (rc < 0)
                return EXIT_USAGE;
            p->op = (chanmul_op)op;
        } else if ((rc = cli_shape_option(argc, argv, &i, "chanmul bench", p)) != 0) {
            if (rc < 0)
                return EXIT_USAGE;
            have_shape = 1;
        } else if ((rc = cli_shape2_option(argc, argv, &i, "chanmul bench", &shape2)) != 0) {
            if (rc < 0)
                return EXIT_USAGE;
            have_shape2 = 1;
        } else if ((rc = cli_layout_option(argc, argv, &i, "chanmul bench", &p->layout)) != 0) {
            if (rc < 0)
                return EXIT_USAGE;
        } else if (cli_is_help(argv[i])) {
            bench_usage(stdout);
            return 0;
        } else {
            fprintf(stderr, "chanmul bench: unknown argument '%s'\n", argv[i]);
            bench_usage(stderr);
            return EXIT_USAGE;
        }
    }
    if (!have_shape) {
        fprintf(stderr, "chanmul bench: --shape NxHxWxC is required\n");
        bench_usage(stderr);
        return EXIT_USAGE;
    }
    if (cli_shapes_resolve("chanmul bench", p, (int)p->op, have_shape, have_shape2, &shape2))
        return EXIT_USAGE;
    return -1;
}

/* ---- chanmul sweep ------------------------------------------------------------------ */

static void sweep_usage(FILE *out)
{
    char ops[256];
    fprintf(out,
            "usage: chanmul sweep [--profile quick|full] [--op %s] [--out DIR]\n"
            "                     [--impl NAME|all] [--threads T]\n"
            "                     [--repetitions R] [--min-time SEC] [--json FILE] [--plugin FILE.so ...]\n"
            "                     [--no-large] [--benchmark_* ...]\n"
            "Throughput of the channel scale over batch sizes x channel counts (HxW 14x14), both layouts,\n"
            "threads 1..cores, plus a shape far larger than the last-level cache; and each other form\n"
            "(every op but scale) at 8x14x14x64, 1x56x56x256 and 32x7x7x512. --op O: that op alone\n"
            "(for the other forms, at those sizes). Writes DIR/sweep-<profile>.json\n"
            "(default DIR: results) and prints progress with the time left on stderr.\n",
            cli_op_names(ops, sizeof ops));
}

int sweep_parse_args(int argc, char **argv, bench_args *a)
{
    if (bench_args_init(a, argc) != 0)
        return EXIT_USAGE;
    a->repetitions = 0;
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        int rc = common_option(argc, argv, &i, a, "sweep");
        if (rc < 0)
            return EXIT_USAGE;
        if (rc > 0)
            continue;
        if ((rc = cli_op_option(argc, argv, &i, "chanmul sweep", 0, &a->only_op)) != 0) {
            if (rc < 0)
                return EXIT_USAGE;
        } else if ((rc = cli_option(argc, argv, &i, "--profile", &v)) != 0) {
            if (rc < 0)
                return EXIT_USAGE; /* (cli_option said the value is missing) */
            if (!(a->profile = sweep_profile_find(v))) {
                fprintf(stderr, "chanmul sweep: unknown profile '%s' (valid: quick, full)\n", v ? v : "");
                return EXIT_USAGE;
            }
        } else if ((rc = cli_option(argc, argv, &i, "--out", &v)) != 0) {
            if (rc < 0)
                return EXIT_USAGE;
            if (!*v) {
                fprintf(stderr, "chanmul sweep: --out needs a folder\n");
                return EXIT_USAGE;
            }
            a->out_dir = v;
        } else if (strcmp(argv[i], "--no-large") == 0) {
            a->include_large = 0;
        } else if (cli_is_help(argv[i])) {
            sweep_usage(stdout);
            return 0;
        } else {
            fprintf(stderr, "chanmul sweep: unknown argument '%s'\n", argv[i]);
            sweep_usage(stderr);
            return EXIT_USAGE;
        }
    }
    return -1;
}
