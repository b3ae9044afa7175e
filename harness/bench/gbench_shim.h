/*
 * gbench_shim.h - a small C API over Google Benchmark (built against 1.7.1).
 *
 * Upstream Google Benchmark is C++ only; this shim (harness/gbench_shim.cc)
 * is the project's only C++ file and lets the C harness register, configure
 * and run benchmarks.  Every function is safe to call from C: no C++
 * exception ever crosses this boundary, and arguments that upstream would
 * reject with an abort (BM_CHECK) are refused with a one-line warning on
 * stderr instead.  NULL handles are ignored.
 *
 * Typical use:
 *
 *     static void bench(gbs_state *s, void *arg)
 *     {
 *         struct job *job = arg;
 *         while (gbs_keep_running(s))
 *             kernel(job);
 *         gbs_set_bytes_processed(s, gbs_iterations(s) * job->bytes);
 *     }
 *
 *     gbs_initialize(&argc, argv);          // eats --benchmark_* flags
 *     ...parse the remaining arguments...
 *     gbs_benchmark *b = gbs_register("scale/naive", bench, &job);
 *     gbs_use_real_time(b);
 *     gbs_run_specified();
 *     gbs_shutdown();
 *
 * How a benchmark function is run, and the rules it follows (upstream's,
 * made forgiving here):
 *  - it is called several times: upstream starts at one iteration and grows
 *    the count until a run lasts --benchmark_min_time; only with
 *    gbs_set_iterations() is it called exactly once per repetition.  Keep
 *    costly set-up (allocation, first touch) outside, behind arg;
 *  - only the loop is timed: the clock starts at the first gbs_keep_running()
 *    and stops at the one that returns 0;
 *  - run gbs_keep_running() until it returns 0, or call gbs_skip_with_error();
 *    a function that returns early without an error is reported as an error
 *    ("returned before gbs_keep_running() returned 0") instead of aborting;
 *  - gbs_pause_timing()/gbs_resume_timing() act only inside the loop; a pause
 *    still in effect when gbs_keep_running() is next called ends there, so
 *    "work; pause; untimed check;" is a valid loop body;
 *  - the loop costs one out-of-line call per iteration (about 3 ns measured
 *    here, where upstream's inline KeepRunning costs under 1 ns and a C++
 *    range-for nothing): for bodies under a microsecond or so, claim
 *    iterations in batches with gbs_keep_running_batch().
 *
 * Notes on Google Benchmark 1.7.1 (Debian 12's package, a DEBUG build of the
 * library: it warns so on every run, but the timed loop is compiled into the
 * shim with the project's flags):
 *  1. Flags are process-wide and persist until parsed again.  The library
 *     keeps argv[0] (it must outlive the runs).  A malformed value stays in
 *     argv (1.7.1 wants --benchmark_min_time=0.5; "0.5s" and "100x" are
 *     1.8 syntax).  --help prints the usage and exits.  Upstream leaves the
 *     old tail of argv in place; the shim restores argv[*argc] == NULL.
 *     gbs_report_unrecognized() reports positional arguments too: call it
 *     after taking the program's own.
 *  2. gbs_run_specified() may be called more than once, unlike upstream's
 *     RunSpecifiedBenchmarks() without arguments (google/benchmark#2240).
 *     The console reporter is made once per process, so with
 *     --benchmark_format=json only the first run's console output is valid
 *     JSON; the --benchmark_out file is rewritten by each run.  With
 *     --benchmark_list_tests the matches are listed, not run.  An unwritable
 *     --benchmark_out makes the library exit(1).  A failed benchmark still
 *     counts: look for "error_occurred": true in the report.
 *  3. A statistic gets one value per repetition: for the times, each
 *     repetition's total in seconds (the result is then divided by the
 *     iterations of one repetition); for each counter, its reported value.
 *     So fn must scale with its input (min, max, median, quantiles do; a
 *     count does not).  It appears as "<name>_<stat>", "aggregate_name".
 *  4. In the JSON, rates are plain per-second values; the console prints
 *     bytes_per_second with binary prefixes (G/s there means GiB/s).
 */
#ifndef CHANMUL_GBENCH_SHIM_H
#define CHANMUL_GBENCH_SHIM_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gbs_state gbs_state;          /* opaque: wraps benchmark::State */
typedef struct gbs_benchmark gbs_benchmark;  /* opaque: wraps benchmark::internal::Benchmark* */
typedef void (*gbs_fn)(gbs_state *state, void *arg);

/* Counter flags for gbs_set_counter(); OR them together.  The values are the
 * shim's own, mapped onto benchmark::Counter::Flags (whose bits differ). */
enum {
    GBS_COUNTER_DEFAULT = 0,         /* report the value as given */
    GBS_COUNTER_RATE = 1,            /* divide by the measured time: per second */
    GBS_COUNTER_AVG_THREADS = 2,     /* divide by the number of threads */
    GBS_COUNTER_AVG_ITERATIONS = 4,  /* divide by the number of iterations */
    GBS_COUNTER_ITERATION_INVARIANT = 8, /* multiply by the number of iterations */
    GBS_COUNTER_INVERT = 16          /* report 1/value (applied last) */
};

/* ---- process set-up ------------------------------------------------------ */

/* benchmark::Initialize: removes the --benchmark_* flags it knows from argv, lowers *argc (see note 1). */
void gbs_initialize(int *argc, char **argv);
/* benchmark::ReportUnrecognizedArguments: prints each argv[1..argc-1] to stderr; 1 if any are left. */
int gbs_report_unrecognized(int argc, char **argv);
/* benchmark::AddCustomContext: adds key/value to the JSON "context"; a repeated key is refused. */
void gbs_add_context(const char *key, const char *value);
/* Runs the benchmarks --benchmark_filter selects; returns how many matched (see note 2). */
size_t gbs_run_specified(void);
/* benchmark::ClearRegisteredBenchmarks: unregisters all; every gbs_benchmark handle becomes invalid. */
void gbs_clear_registered(void);
/* benchmark::Shutdown: frees the custom context; call once, after the last run. */
void gbs_shutdown(void);

/* ---- registration and per-benchmark options ------------------------------ */

/* Registers fn(state, arg) under name (copied); the library owns it; NULL on failure. */
gbs_benchmark *gbs_register(const char *name, gbs_fn fn, void *arg);
/* Times by the wall clock instead of the main thread's CPU time (appends "/real_time"). */
void gbs_use_real_time(gbs_benchmark *b);
/* Counts the CPU time of every thread of the process, not only the calling thread's. */
void gbs_measure_process_cpu_time(gbs_benchmark *b);
/* Repeats the whole measurement n > 0 times (overrides --benchmark_repetitions). */
void gbs_set_repetitions(gbs_benchmark *b, int n);
/* Runs each measurement for at least seconds > 0; refused after gbs_set_iterations(). */
void gbs_set_min_time(gbs_benchmark *b, double seconds);
/* Runs untimed for seconds >= 0 before measuring; refused after gbs_set_iterations(). */
void gbs_set_min_warmup_time(gbs_benchmark *b, double seconds);
/* Runs exactly n > 0 iterations per measurement; refused after a min or warm-up time. */
void gbs_set_iterations(gbs_benchmark *b, long long n);
/* yes != 0: the console and the --benchmark_out file show only the aggregates of repetitions. */
void gbs_report_aggregates_only(gbs_benchmark *b, int yes);
/* yes != 0: the console shows only the aggregates; the --benchmark_out file keeps every run. */
void gbs_display_aggregates_only(gbs_benchmark *b, int yes);
/* Adds the aggregate name (e.g. "min") computed by fn over the repetitions (see note 3). */
void gbs_add_statistic(gbs_benchmark *b, const char *name,
                       double (*fn)(const double *values, size_t count));

/* ---- inside a benchmark function ----------------------------------------- */

/* The timed loop: while (gbs_keep_running(s)) { ... } (State::KeepRunning); 0 when done or failed. */
int gbs_keep_running(gbs_state *s);
/* As gbs_keep_running, claiming n iterations at once (n < 1 counts as 1); may overshoot the total. */
int gbs_keep_running_batch(gbs_state *s, long long n);
/* Iterations claimed so far; after the loop, all of them. */
long long gbs_iterations(const gbs_state *s);
/* Index of the calling thread in a multi-threaded benchmark, from 0. */
int gbs_thread_index(const gbs_state *s);
/* 1 once gbs_skip_with_error() has been called in this run. */
int gbs_error_occurred(const gbs_state *s);
/* Stops the clock inside the loop (State::PauseTiming); a no-op elsewhere or when stopped. */
void gbs_pause_timing(gbs_state *s);
/* Restarts the clock inside the loop (State::ResumeTiming); a no-op elsewhere or when running. */
void gbs_resume_timing(gbs_state *s);
/* Total bytes moved by all iterations; reported as "bytes_per_second" (see note 4). */
void gbs_set_bytes_processed(gbs_state *s, long long bytes);
/* Total items handled by all iterations; reported as "items_per_second". */
void gbs_set_items_processed(gbs_state *s, long long items);
/* Sets the user counter name to value, interpreted with GBS_COUNTER_* flags. */
void gbs_set_counter(gbs_state *s, const char *name, double value, int flags);
/* Sets this run's free-text "label" (copied; an empty label is not reported). */
void gbs_set_label(gbs_state *s, const char *label);
/* Marks the run failed with message (copied); the loop ends at its next check. */
void gbs_skip_with_error(gbs_state *s, const char *message);
/* benchmark::DoNotOptimize on the pointer, then ClobberMemory: the pointed-to data counts as used. */
void gbs_do_not_optimize(const void *p);

#ifdef __cplusplus
}
#endif

#endif /* CHANMUL_GBENCH_SHIM_H */
