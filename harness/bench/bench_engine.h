/*
 * The bench engine, a library: plans groups (one shape, layout and thread
 * count each, verified first), registers their benchmarks with Google
 * Benchmark through the C shim, runs them, and writes the results file. The
 * verbs `chanmul bench` and `chanmul sweep` (harness/cli/bench_cli.c) are its
 * callers; a tuner or a comparer can be another.
 */
#ifndef CHANMUL_BENCH_ENGINE_H
#define CHANMUL_BENCH_ENGINE_H

#include "verify.h"

#include <stddef.h>

/* Repetitions per benchmark unless --repetitions says otherwise: enough for
 * the rank test in `chanmul compare` to reach a small corrected alpha (with
 * 5 per side its smallest p is 0.008; with 10, 1e-5), interleaved. */
#define BENCH_DEFAULT_REPETITIONS 10
/* Seconds per repetition of `bench` (sweep profiles set their own): ten short
 * interleaved repetitions sample the drift better than five long ones. */
#define BENCH_DEFAULT_MIN_TIME 0.1

typedef struct bench_config {
    const verify_target *targets;
    size_t target_count;
    int repetitions;
    double min_time;             /* seconds per repetition; 0: BENCH_DEFAULT_MIN_TIME */
    int threaded_only_above_one; /* single-threaded kernels only at threads 1 */
    int progress;                /* repetitions done and time left on stderr */
} bench_config;

typedef struct bench_engine bench_engine;

/* A new engine for cfg (cfg->targets must outlive it); NULL when out of memory. */
bench_engine *bench_engine_new(const bench_config *cfg);
/* A plugin is someone else's code: before anything of it runs in this
 * process, its verification at p and threads (on the data bench_engine_plan
 * verifies on) runs in a child process (plugin_isolation.h). A plugin that
 * crashes, hangs or exits there is reported on stderr with its case and
 * dropped: never run again (here or at any later problem), reported in the
 * results as not timed, the other implementations' results kept. Call it for
 * every problem before the first bench_engine_plan (which runs the built-in
 * kernels, OpenMP among them: see verify_isolated). Does nothing without
 * plugins or with CHANMUL_PLUGIN_ISOLATION=0. Returns the plugins dropped
 * at p, or -1 when out of memory. */
int bench_engine_isolate_plugins(bench_engine *e, const chanmul_problem *p, int threads);
/* Verifies every target that covers p's op at p and threads, then queues the
 * baselines (once per layout, shape and thread count) and the kernels (those
 * that failed are reported, never timed). 0, or -1 when out of memory. */
int bench_engine_plan(bench_engine *e, const chanmul_problem *p, int threads);
/* Benchmarks queued so far. */
size_t bench_engine_benchmarks(const bench_engine *e);
/* Runs everything planned; gb_argv holds the program name and --benchmark_*
 * flags, argc/argv the command for the results' context. Results go to
 * json_path (if not NULL) with the memcpy ratios added. 0, or an exit code. */
int bench_engine_run(bench_engine *e, int gb_argc, char **gb_argv, const char *json_path, int argc,
                     char **argv);
void bench_engine_free(bench_engine *e);

#endif
