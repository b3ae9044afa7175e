/*
 * The verbs `chanmul bench` (one shape) and `chanmul sweep` (a profile's
 * grid): their options, then the bench engine (harness/bench/bench_engine.h)
 * plans, verifies and times.
 */
#include "bench_engine.h"
#include "chanmul_internal.h"
#include "cli.h"
#include "clock.h"
#include "interrupt.h"
#include "paths.h"
#include "shape.h"
#include "sweep_plan.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The longest --min-time, in seconds. */
#define BENCH_MAX_MIN_TIME 3600.0

/* ---- shared option handling --------------------------------------------------------- */

typedef struct bench_args {
    const char *impl_name, *json, *plugins[MAX_PLUGINS];
    int plugin_count, repetitions, threads, have_threads;
    double min_time;
    int gb_argc;
    char **gb_argv;
} bench_args;

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

/* What one bench or sweep command allocated, released when it returns
 * (whichever way it returns): the Google Benchmark argv, the targets, the engine. */
typedef struct command_state {
    char **gb_argv;
    verify_target *targets;
    bench_engine *engine;
} command_state;

static void command_release(command_state *cs)
{
    free(cs->gb_argv);
    if (cs->targets)
        cli_targets_free(cs->targets);
    bench_engine_free(cs->engine);
    memset(cs, 0, sizeof *cs);
}

static int bench_command(command_state *cs, int argc, char **argv);
static int sweep_command(command_state *cs, int argc, char **argv);

int cmd_bench(int argc, char **argv)
{
    command_state cs = {0};
    int rc = bench_command(&cs, argc, argv);
    command_release(&cs);
    return rc;
}

int cmd_sweep(int argc, char **argv)
{
    command_state cs = {0};
    int rc = sweep_command(&cs, argc, argv);
    command_release(&cs);
    return rc;
}

static int bench_args_init(command_state *cs, bench_args *a, int argc)
{
    memset(a, 0, sizeof *a);
    a->repetitions = BENCH_DEFAULT_REPETITIONS;
    a->gb_argv = cs->gb_argv = calloc((size_t)argc + 1, sizeof *a->gb_argv);
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

static int bench_command(command_state *cs, int argc, char **argv)
{
    bench_args a;
    chanmul_problem p = {CHANMUL_OP_SCALE, CHANMUL_NHWC, 0, 0, 0, 0};
    chanmul_shape shape2;
    int have_shape = 0, have_shape2 = 0;
    if (bench_args_init(cs, &a, argc) != 0)
        return EXIT_USAGE;
    for (int i = 1; i < argc; i++) {
        int rc = common_option(argc, argv, &i, &a, "bench");
        if (rc < 0)
            return EXIT_USAGE;
        if (rc > 0)
            continue;
        int op = (int)p.op;
        if ((rc = cli_op_option(argc, argv, &i, "chanmul bench", 0, &op)) != 0) {
            if (rc < 0)
                return EXIT_USAGE;
            p.op = (chanmul_op)op;
        } else if ((rc = cli_shape_option(argc, argv, &i, "chanmul bench", &p)) != 0) {
            if (rc < 0)
                return EXIT_USAGE;
            have_shape = 1;
        } else if ((rc = cli_shape2_option(argc, argv, &i, "chanmul bench", &shape2)) != 0) {
            if (rc < 0)
                return EXIT_USAGE;
            have_shape2 = 1;
        } else if ((rc = cli_layout_option(argc, argv, &i, "chanmul bench", &p.layout)) != 0) {
            if (rc < 0)
                return EXIT_USAGE;
        } else if (strcmp(argv[i], "--help") == 0) {
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
    if (cli_shapes_resolve("chanmul bench", &p, (int)p.op, have_shape, have_shape2, &shape2))
        return EXIT_USAGE;
    if (a.json && cli_check_output("chanmul bench", "--json", a.json, 0) != 0)
        return EXIT_USAGE;
    interrupt_install("chanmul bench", a.json); /* (from here on: the probe, the verification, the timing) */
    int err;
    if (chanmul_problem_elements(&p, &err) == 0) {
        fprintf(stderr, "chanmul bench: shape has %s; nothing to time\n",
                err ? "too many elements" : "a zero dimension");
        return EXIT_USAGE;
    }
    chanmul_desc d;
    if (chanmul_desc_init(&d, &p) == 0) {
        /* the timed buffers (x at least as long as y, as the baselines copy it) beside the verifier's case */
        double timed = chanmul_desc_bytes(&d) + (double)chanmul_shape_elements(&d.out[0], &err) * sizeof(float);
        if (cli_check_memory("chanmul bench", &p, timed < 1.8e19 ? (size_t)timed : SIZE_MAX) != 0)
            return EXIT_USAGE;
    }
    cli_ensure_cache_probe("bench");
    verify_target *targets;
    size_t count;
    /* without --impl, a plugin is benchmarked beside all the built-ins */
    if (cli_targets(a.impl_name ? a.impl_name : "all", a.plugins, a.plugin_count, (int)p.op,
                    &targets, &count) != 0)
        return EXIT_USAGE;
    cs->targets = targets;
    bench_config cfg = {targets, count, a.repetitions, a.min_time, 0, 0};
    int threads = chanmul_resolve_threads(a.have_threads ? a.threads : 0);
    fprintf(stderr, "chanmul bench: verifying %zu implementation(s) at this shape first\n", count);
    if (!(cs->engine = bench_engine_new(&cfg)) || bench_engine_isolate_plugins(cs->engine, &p, threads) < 0 ||
        bench_engine_plan(cs->engine, &p, threads) != 0) {
        fprintf(stderr, "chanmul bench: out of memory\n");
        return EXIT_USAGE;
    }
    return bench_engine_run(cs->engine, a.gb_argc, a.gb_argv, a.json, argc, argv);
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

static int sweep_command(command_state *cs, int argc, char **argv)
{
    bench_args a;
    const sweep_profile *prof = sweep_profile_default();
    const char *out_dir = "results";
    int include_large = 1, only_op = -1;
    if (bench_args_init(cs, &a, argc) != 0)
        return EXIT_USAGE;
    a.repetitions = 0;
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        int rc = common_option(argc, argv, &i, &a, "sweep");
        if (rc < 0)
            return EXIT_USAGE;
        if (rc > 0)
            continue;
        if ((rc = cli_op_option(argc, argv, &i, "chanmul sweep", 0, &only_op)) != 0) {
            if (rc < 0)
                return EXIT_USAGE;
        } else if ((rc = cli_option(argc, argv, &i, "--profile", &v)) != 0) {
            if (rc < 0)
                return EXIT_USAGE; /* (cli_option said the value is missing) */
            if (!(prof = sweep_profile_find(v))) {
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
            out_dir = v;
        } else if (strcmp(argv[i], "--no-large") == 0) {
            include_large = 0;
        } else if (strcmp(argv[i], "--help") == 0) {
            sweep_usage(stdout);
            return 0;
        } else {
            fprintf(stderr, "chanmul sweep: unknown argument '%s'\n", argv[i]);
            sweep_usage(stderr);
            return EXIT_USAGE;
        }
    }
    verify_target *targets;
    size_t count;
    if (cli_targets(a.impl_name ? a.impl_name : "all", a.plugins, a.plugin_count, only_op, &targets, &count) != 0)
        return EXIT_USAGE;
    cs->targets = targets;
    bench_config cfg = {targets, count, a.repetitions ? a.repetitions : prof->repetitions,
                        a.min_time > 0 ? a.min_time : prof->min_time, prof->threaded_only_above_one, 1};
    int max_threads = a.have_threads ? chanmul_resolve_threads(a.threads) : chanmul_default_threads();
    int min_threads = a.have_threads ? max_threads : 1;
    static char out_path[1024]; /* (static: the interrupt handler names it) */
    snprintf(out_path, sizeof out_path, "%s/sweep-%s.json", out_dir, prof->name);
    /* the file the results go to: --json's when given (compare --paired does), else in --out */
    if (cli_check_output("chanmul sweep", a.json ? "--json" : "--out", a.json ? a.json : out_path, 0) != 0)
        return EXIT_USAGE;
    interrupt_install("chanmul sweep", a.json ? a.json : out_path);
    cli_ensure_cache_probe("sweep"); /* the DRAM shapes are sized from the LLC */
    size_t shape_count;
    chanmul_problem *shapes = sweep_shapes(prof, only_op, include_large, &shape_count);
    if (!shapes || !(cs->engine = bench_engine_new(&cfg))) {
        free(shapes);
        fprintf(stderr, "chanmul sweep: out of memory\n");
        return EXIT_USAGE;
    }
    fprintf(stderr, "chanmul sweep: profile %s, %zu shapes x 2 layouts x threads %d..%d; verifying each "
                    "implementation at every point first\n",
            prof->name, shape_count, min_threads, max_threads);
    double t_verify = monotonic_seconds();
    /* two passes over the points: the plugins, each in a child, at every point
     * first (before the built-ins run OpenMP here: see bench_engine.h), then the plan */
    for (int pass = 0; pass < 2; pass++)
        for (size_t k = 0; k < shape_count; k++)
            for (int layout = 0; layout < (chanmul_op_info_of(shapes[k].op)->broadcast ? 1 : 2); layout++)
                for (int t = min_threads; t <= max_threads; t++) { /* (bcast: row-major, one layout) */
                    chanmul_problem p = shapes[k];
                    p.layout = (chanmul_layout)layout;
                    if (pass == 0 ? bench_engine_isolate_plugins(cs->engine, &p, t) < 0
                                  : bench_engine_plan(cs->engine, &p, t) != 0) {
                        free(shapes);
                        fprintf(stderr, "chanmul sweep: out of memory while planning\n");
                        return EXIT_USAGE;
                    }
                }
    free(shapes);
    fprintf(stderr, "chanmul sweep: verified in %.0fs; %zu benchmarks to run\n",
            monotonic_seconds() - t_verify, bench_engine_benchmarks(cs->engine));
    return bench_engine_run(cs->engine, a.gb_argc, a.gb_argv, a.json ? a.json : out_path, argc, argv);
}
