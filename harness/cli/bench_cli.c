/*
 * The verbs `chanmul bench` (one shape) and `chanmul sweep` (a profile's
 * grid): their options (read by bench_args.c), then the bench engine
 * (harness/bench/bench_engine.h) plans, verifies and times.
 */
#include "bench_engine.h"
#include "chanmul_internal.h"
#include "cli.h"
#include "clock.h"
#include "interrupt.h"
#include "paths.h"
#include "shape.h"
#include "sweep_plan.h"
#include "verb_args.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* ---- chanmul bench ------------------------------------------------------------------ */

static int bench_command(command_state *cs, int argc, char **argv)
{
    bench_args a;
    int status = bench_parse_args(argc, argv, &a);
    cs->gb_argv = a.gb_argv;
    if (status >= 0)
        return status;
    chanmul_problem p = a.problem;
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

static int sweep_command(command_state *cs, int argc, char **argv)
{
    bench_args a;
    int status = sweep_parse_args(argc, argv, &a);
    cs->gb_argv = a.gb_argv;
    if (status >= 0)
        return status;
    const sweep_profile *prof = a.profile;
    const char *out_dir = a.out_dir;
    int include_large = a.include_large, only_op = a.only_op;
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
