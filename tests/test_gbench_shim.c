/*
 * Tests of the Google Benchmark C shim (harness/gbench_shim.h).
 *
 * benchmark::Initialize parses its flags into process-wide globals and the
 * registry is global too, so each scenario runs in a forked child that starts
 * from a clean library (the parent never calls the shim).  Children count
 * their checks in a shared anonymous mapping; a child that dies (an upstream
 * BM_CHECK abort, a crash, its 30 s alarm) counts as one failure.  A child's
 * output (the library's reports and any FAIL lines) goes to a log that is
 * shown only when the scenario fails, or always with GBS_TEST_VERBOSE=1.
 *
 *   test_gbench_shim             run every scenario, last line "N passed, M failed"
 *   test_gbench_shim SCENARIO    run one scenario in this process (for a debugger)
 *
 * Results are read back from the --benchmark_out JSON file with plain
 * strstr/sscanf: each benchmark is one flat object that starts with its name.
 * Timing is asserted only where the margin is huge (a 5 ms sleep inside or
 * outside a pause); performance belongs in benchmarks, not in unit tests.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include "gbench_shim.h"

#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ---- checks ------------------------------------------------------------------ */

struct tally {
    int passed;
    int failed;
};

static struct tally local_tally;
static struct tally *tally = &local_tally; /* shared with the children when forking */
static const char *scenario_name = "-";

#define CHECK(cond) check((cond) != 0, #cond, __LINE__)

static int check(int ok, const char *what, int line)
{
    if (ok) {
        tally->passed++;
    } else {
        tally->failed++;
        fprintf(stderr, "FAIL [%s] %s:%d: %s\n", scenario_name, __FILE__, line, what);
    }
    return ok;
}

/* ---- helpers ------------------------------------------------------------------- */

static char json_path[256]; /* this scenario's --benchmark_out file */

/* The argv handed to gbs_initialize: the program name, then the given flags
 * (NULL-terminated list).  Static storage: the library keeps argv[0], and
 * the flags it consumes vanish from args[] (heap copies would leak). */
#define MAX_ARGS 16
static char arg_store[MAX_ARGS][300];
static char *args[MAX_ARGS + 1];
static int nargs;

static void add_arg(const char *a)
{
    snprintf(arg_store[nargs], sizeof arg_store[nargs], "%s", a);
    args[nargs] = arg_store[nargs];
    nargs++;
}

static void set_args(const char *first, ...)
{
    va_list ap;
    const char *a;

    nargs = 0;
    add_arg("test_gbench_shim");
    va_start(ap, first);
    for (a = first; a && nargs < MAX_ARGS; a = va_arg(ap, const char *))
        add_arg(a);
    va_end(ap);
    args[nargs] = NULL;
}

/* "--benchmark_out=<json_path>", built once per scenario. */
static const char *out_flag(void)
{
    static char flag[300];
    snprintf(flag, sizeof flag, "--benchmark_out=%s", json_path);
    return flag;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;

    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    if (buf)
        buf[n] = '\0';
    fclose(f);
    return buf;
}

/* The benchmark object named exactly name in a JSON report, or NULL; *end is
 * set to its closing brace (the objects are flat). */
static const char *json_object(const char *json, const char *name, const char **end)
{
    char key[256];
    const char *p;

    if (!json)
        return NULL;
    snprintf(key, sizeof key, "\"name\": \"%s\",", name);
    p = strstr(json, key);
    if (!p)
        return NULL;
    *end = strchr(p, '}');
    if (!*end)
        *end = p + strlen(p);
    return p;
}

/* 1 if the report has a benchmark named exactly name. */
static int json_exists(const char *json, const char *name)
{
    const char *end;

    return json_object(json, name, &end) != NULL;
}

/* 1 if the object named name contains text. */
static int json_has(const char *json, const char *name, const char *text)
{
    const char *end;
    const char *p = json_object(json, name, &end);
    const char *t = p ? strstr(p, text) : NULL;

    return t && t < end;
}

/* Reads the numeric field of the object named name; 1 on success. */
static int json_number(const char *json, const char *name, const char *field, double *out)
{
    char key[128];
    const char *end;
    const char *p = json_object(json, name, &end);
    const char *f;

    snprintf(key, sizeof key, "\"%s\": ", field);
    f = p ? strstr(p, key) : NULL;
    if (!f || f > end)
        return 0;
    return sscanf(f + strlen(key), "%lf", out) == 1;
}

static int count_occurrences(const char *text, const char *needle)
{
    int n = 0;
    const char *p = text;

    while (p && (p = strstr(p, needle)) != NULL) {
        n++;
        p += strlen(needle);
    }
    return n;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

    while (nanosleep(&ts, &ts) != 0)
        ;
}

/* What a probe benchmark saw; the probe is also the arg it is registered with. */
struct probe {
    void *seen_arg;
    int calls;
    long long loop_iters;     /* loop bodies run, over all calls */
    long long last_loop;      /* loop bodies run by the last call */
    long long last_iterations; /* gbs_iterations() after the last loop */
    int thread_index;
};

static void probe_fn(gbs_state *s, void *arg)
{
    struct probe *p = arg;
    long long n = 0;

    p->seen_arg = arg;
    p->calls++;
    while (gbs_keep_running(s))
        n++;
    p->loop_iters += n;
    p->last_loop = n;
    p->last_iterations = gbs_iterations(s);
    p->thread_index = gbs_thread_index(s);
}

/* ---- scenario: registration -------------------------------------------------- */

static void batch_fn(gbs_state *s, void *arg)
{
    struct probe *p = arg;

    p->calls++;
    p->last_loop = 0;
    while (gbs_keep_running_batch(s, 4))
        p->last_loop++;
    p->last_iterations = gbs_iterations(s);
}

static void scenario_registration(void)
{
    struct probe pa = {0}, pb = {0}, pc = {0}, pbatch = {0};
    gbs_benchmark *a, *b;

    set_args("--benchmark_min_time=0.001", NULL);
    gbs_initialize(&nargs, args);
    CHECK(nargs == 1);

    a = gbs_register("reg/a", probe_fn, &pa);
    b = gbs_register("reg/b", probe_fn, &pb);
    CHECK(a != NULL);
    CHECK(b != NULL && b != a);
    gbs_set_iterations(b, 7);
    CHECK(gbs_register(NULL, probe_fn, NULL) == NULL);
    CHECK(gbs_register("reg/nofn", NULL, NULL) == NULL);

    /* both run; the loop runs; the arg pointer arrives unchanged */
    CHECK(gbs_run_specified() == 2);
    CHECK(pa.calls >= 1);
    CHECK(pa.loop_iters >= 1);
    CHECK(pa.seen_arg == &pa);
    CHECK(pa.last_iterations == pa.last_loop);
    CHECK(pa.thread_index == 0);
    CHECK(pb.seen_arg == &pb);
    CHECK(pb.calls == 1); /* explicit iterations: no estimation runs */
    CHECK(pb.last_loop == 7);
    CHECK(pb.last_iterations == 7);

    /* cleared: nothing left to run */
    gbs_clear_registered();
    memset(&pa, 0, sizeof pa);
    memset(&pb, 0, sizeof pb);
    CHECK(gbs_run_specified() == 0);
    CHECK(pa.calls == 0 && pb.calls == 0);

    /* registering after a clear works */
    CHECK(gbs_register("reg/c", probe_fn, &pc) != NULL);
    gbs_set_iterations(gbs_register("reg/batch", batch_fn, &pbatch), 10);
    CHECK(gbs_run_specified() == 2);
    CHECK(pc.calls >= 1 && pc.seen_arg == &pc);
    /* batches of 4 over 10 iterations: 3 batches, the last one overshoots */
    CHECK(pbatch.calls == 1);
    CHECK(pbatch.last_loop == 3);
    CHECK(pbatch.last_iterations >= 10);
    gbs_shutdown();
}

/* ---- scenario: counters and the JSON report ----------------------------------- */

static int error_body_runs;
static int error_in_loop_runs;
static int stat_count_calls;
static size_t stat_count_last;

static void throughput_fn(gbs_state *s, void *arg)
{
    long long n;
    double sink = 0.0;

    (void)arg;
    while (gbs_keep_running(s)) {
        sink += 1.0;
        gbs_do_not_optimize(&sink);
    }
    n = gbs_iterations(s);
    gbs_set_bytes_processed(s, n * 1000);
    gbs_set_items_processed(s, n * 10);
    gbs_set_counter(s, "answer", 42.0, GBS_COUNTER_DEFAULT);
    gbs_set_counter(s, "per_iter", (double)n * 3.0, GBS_COUNTER_AVG_ITERATIONS);
    gbs_set_counter(s, "invariant", 2.0, GBS_COUNTER_ITERATION_INVARIANT);
    gbs_set_counter(s, "halved", 2.0, GBS_COUNTER_INVERT);
    gbs_set_label(s, "hello-label");
}

static void error_fn(gbs_state *s, void *arg)
{
    (void)arg;
    gbs_skip_with_error(s, "planted failure");
    while (gbs_keep_running(s))
        error_body_runs++;
}

static void error_in_loop_fn(gbs_state *s, void *arg)
{
    (void)arg;
    while (gbs_keep_running(s)) {
        if (++error_in_loop_runs == 3)
            gbs_skip_with_error(s, "stopped at 3");
    }
}

static void early_return_fn(gbs_state *s, void *arg)
{
    (void)s;
    (void)arg;
}

static void break_fn(gbs_state *s, void *arg)
{
    int n = 0;

    (void)arg;
    while (gbs_keep_running(s))
        if (++n == 2)
            break;
}

static double stat_count(const double *values, size_t count)
{
    (void)values;
    stat_count_calls++;
    stat_count_last = count;
    return (double)count;
}

static double stat_min(const double *values, size_t count)
{
    double m = count ? values[0] : 0.0;

    for (size_t i = 1; i < count; i++)
        if (values[i] < m)
            m = values[i];
    return m;
}

static void scenario_counters(void)
{
    gbs_benchmark *b;
    char *json, *ctx_end;
    double v, items, bytes, min_t, median_t;

    set_args("--benchmark_format=json", out_flag(), "--benchmark_out_format=json",
             "--benchmark_min_time=0.001", NULL);
    gbs_initialize(&nargs, args);
    CHECK(nargs == 1);
    gbs_add_context("chanmul_test_key", "chanmul_test_value");
    gbs_add_context("chanmul_test_key", "second_value_is_refused");

    gbs_set_iterations(gbs_register("ctr/throughput", throughput_fn, NULL), 100);
    gbs_register("ctr/error", error_fn, NULL);
    gbs_set_iterations(gbs_register("ctr/error_in_loop", error_in_loop_fn, NULL), 10);
    gbs_register("ctr/early_return", early_return_fn, NULL);
    gbs_set_iterations(gbs_register("ctr/break", break_fn, NULL), 10);
    b = gbs_register("ctr/reps", throughput_fn, NULL);
    gbs_set_repetitions(b, 3);
    gbs_report_aggregates_only(b, 1);
    gbs_add_statistic(b, "min", stat_min);
    gbs_add_statistic(b, "count", stat_count);
    b = gbs_register("ctr/display", throughput_fn, NULL);
    gbs_set_repetitions(b, 2);
    gbs_display_aggregates_only(b, 1);
    gbs_use_real_time(gbs_register("ctr/realtime", throughput_fn, NULL));

    CHECK(gbs_run_specified() == 8);
    gbs_shutdown();

    json = slurp(json_path);
    if (!CHECK(json != NULL))
        return;

    /* custom context: in "context", before "benchmarks"; a repeated key keeps its first value */
    ctx_end = strstr(json, "\"benchmarks\"");
    CHECK(ctx_end != NULL);
    CHECK(strstr(json, "\"chanmul_test_key\": \"chanmul_test_value\"") != NULL &&
          strstr(json, "\"chanmul_test_key\": \"chanmul_test_value\"") < ctx_end);
    CHECK(strstr(json, "second_value_is_refused") == NULL);

    /* throughput, counters and label: 100 iterations exactly */
    CHECK(json_number(json, "ctr/throughput/iterations:100", "iterations", &v) && v == 100);
    CHECK(json_number(json, "ctr/throughput/iterations:100", "bytes_per_second", &bytes) && bytes > 0);
    CHECK(json_number(json, "ctr/throughput/iterations:100", "items_per_second", &items) && items > 0);
    CHECK(items > 0 && fabs(bytes / items - 100.0) < 1e-6); /* same time divides both */
    CHECK(json_number(json, "ctr/throughput/iterations:100", "answer", &v) && v == 42.0);
    CHECK(json_number(json, "ctr/throughput/iterations:100", "per_iter", &v) && v == 3.0);
    CHECK(json_number(json, "ctr/throughput/iterations:100", "invariant", &v) && v == 200.0);
    CHECK(json_number(json, "ctr/throughput/iterations:100", "halved", &v) && v == 0.5);
    CHECK(json_has(json, "ctr/throughput/iterations:100", "\"label\": \"hello-label\""));
    CHECK(!json_has(json, "ctr/throughput/iterations:100", "\"error_occurred\""));

    /* errors: before the loop (body never runs), inside it (ends at the next check) */
    CHECK(json_has(json, "ctr/error", "\"error_occurred\": true"));
    CHECK(json_has(json, "ctr/error", "\"error_message\": \"planted failure\""));
    CHECK(error_body_runs == 0);
    CHECK(json_has(json, "ctr/error_in_loop/iterations:10", "\"error_occurred\": true"));
    CHECK(json_has(json, "ctr/error_in_loop/iterations:10", "\"error_message\": \"stopped at 3\""));
    CHECK(error_in_loop_runs == 3);
    /* leaving the loop early is reported, where upstream would abort */
    CHECK(json_has(json, "ctr/early_return", "\"error_occurred\": true"));
    CHECK(json_has(json, "ctr/early_return", "returned before gbs_keep_running() returned 0"));
    CHECK(json_has(json, "ctr/break/iterations:10", "\"error_occurred\": true"));

    /* repetitions reported as aggregates only, with the C statistics */
    CHECK(json_has(json, "ctr/reps/repeats:3_median", "\"aggregate_name\": \"median\""));
    CHECK(json_has(json, "ctr/reps/repeats:3_mean", "\"aggregate_name\": \"mean\""));
    CHECK(json_has(json, "ctr/reps/repeats:3_min", "\"aggregate_name\": \"min\""));
    CHECK(json_has(json, "ctr/reps/repeats:3_min", "\"run_type\": \"aggregate\""));
    CHECK(!json_exists(json, "ctr/reps/repeats:3"));
    CHECK(json_number(json, "ctr/reps/repeats:3_min", "real_time", &min_t));
    CHECK(json_number(json, "ctr/reps/repeats:3_median", "real_time", &median_t));
    CHECK(min_t > 0 && min_t <= median_t);
    /* a C statistic's value reaches the counters as is; times are rescaled */
    CHECK(json_number(json, "ctr/reps/repeats:3_count", "answer", &v) && v == 3.0);
    CHECK(stat_count_calls > 0 && stat_count_last == 3);

    /* display-only aggregates: the file still has every repetition */
    CHECK(count_occurrences(json, "\"name\": \"ctr/display/repeats:2\",") == 2);
    CHECK(json_has(json, "ctr/display/repeats:2_median", "\"aggregate_name\": \"median\""));

    /* real time: upstream appends /real_time to the name */
    CHECK(json_exists(json, "ctr/realtime/real_time"));
    free(json);
}

/* ---- scenario: timing, pause and resume ----------------------------------------- */

/* No check here compares a time with a threshold a loaded machine could cross:
 * a sleep of SLEEP_MS costs at least that much real time (a sleep never ends
 * early), and what is excluded by a pause or charged as CPU time is compared
 * with a tenth of it, where the true figure is some microseconds: a margin of
 * about a thousand, which no scheduling delay on a shared CI machine reaches
 * in the few instructions timed. */
#define SLEEP_MS 50

static void sleep_fn(gbs_state *s, void *arg)
{
    (void)arg;
    while (gbs_keep_running(s))
        sleep_ms(SLEEP_MS);
}

static void paused_fn(gbs_state *s, void *arg)
{
    (void)arg;
    while (gbs_keep_running(s)) {
        gbs_pause_timing(s);
        sleep_ms(SLEEP_MS);
        gbs_resume_timing(s);
    }
}

/* Ends every iteration paused: gbs_keep_running() ends the pause (upstream
 * would abort when the loop finished with the timer stopped). */
static void paused_tail_fn(gbs_state *s, void *arg)
{
    (void)arg;
    while (gbs_keep_running(s)) {
        gbs_pause_timing(s);
        sleep_ms(SLEEP_MS);
    }
}

/* Pause and resume out of place, the loop asked again after its end: all
 * harmless, none may abort. */
static int misuse_again = -1;

static void misuse_fn(gbs_state *s, void *arg)
{
    (void)arg;
    gbs_pause_timing(s);
    gbs_resume_timing(s);
    while (gbs_keep_running(s)) {
        gbs_resume_timing(s);
        gbs_pause_timing(s);
        gbs_pause_timing(s);
        gbs_resume_timing(s);
        gbs_resume_timing(s);
    }
    gbs_pause_timing(s);
    gbs_resume_timing(s);
    misuse_again = gbs_keep_running(s); /* after the end: 0, not an abort */
}

static void scenario_timing(void)
{
    char *json;
    double t;
    const double sleep_ns = SLEEP_MS * 1e6;

    set_args(out_flag(), "--benchmark_out_format=json", NULL);
    gbs_initialize(&nargs, args);
    CHECK(nargs == 1);
    gbs_set_iterations(gbs_register("time/sleep", sleep_fn, NULL), 3);
    gbs_set_iterations(gbs_register("time/paused", paused_fn, NULL), 3);
    gbs_set_iterations(gbs_register("time/paused_tail", paused_tail_fn, NULL), 3);
    gbs_set_iterations(gbs_register("time/misuse", misuse_fn, NULL), 3);
    gbs_benchmark *b = gbs_register("time/sleep_rt", sleep_fn, NULL);
    gbs_use_real_time(b);
    gbs_set_iterations(b, 3);
    CHECK(gbs_run_specified() == 5);
    gbs_shutdown();

    json = slurp(json_path);
    if (!CHECK(json != NULL))
        return;
    /* a sleep costs real time, not CPU time */
    CHECK(json_number(json, "time/sleep/iterations:3", "real_time", &t) && t >= sleep_ns);
    CHECK(json_number(json, "time/sleep/iterations:3", "cpu_time", &t) && t < sleep_ns / 10);
    CHECK(json_number(json, "time/sleep_rt/iterations:3/real_time", "real_time", &t) && t >= sleep_ns);
    /* a paused sleep costs neither */
    CHECK(json_number(json, "time/paused/iterations:3", "real_time", &t) && t < sleep_ns / 10);
    CHECK(json_number(json, "time/paused_tail/iterations:3", "real_time", &t) && t < sleep_ns / 10);
    CHECK(!json_has(json, "time/paused/iterations:3", "\"error_occurred\""));
    CHECK(!json_has(json, "time/paused_tail/iterations:3", "\"error_occurred\""));
    CHECK(json_number(json, "time/misuse/iterations:3", "iterations", &t) && t == 3);
    CHECK(!json_has(json, "time/misuse/iterations:3", "\"error_occurred\""));
    CHECK(misuse_again == 0);
    free(json);
}

/* ---- scenarios: the filter and the listing --------------------------------------- */

static void scenario_filter(void)
{
    struct probe alpha = {0}, beta = {0}, alphabet = {0};

    set_args("--benchmark_filter=^flt/alpha$", "--benchmark_min_time=0.001", NULL);
    gbs_initialize(&nargs, args);
    CHECK(nargs == 1);
    gbs_register("flt/alpha", probe_fn, &alpha);
    gbs_register("flt/beta", probe_fn, &beta);
    gbs_register("flt/alphabet", probe_fn, &alphabet);
    CHECK(gbs_run_specified() == 1);
    CHECK(alpha.calls >= 1);
    CHECK(beta.calls == 0);
    CHECK(alphabet.calls == 0);
    gbs_shutdown();
}

static void scenario_list(void)
{
    struct probe alpha = {0}, beta = {0}, alphabet = {0};

    set_args("--benchmark_list_tests=true", "--benchmark_filter=flt/alpha", NULL);
    gbs_initialize(&nargs, args);
    CHECK(nargs == 1);
    gbs_register("flt/alpha", probe_fn, &alpha);
    gbs_register("flt/beta", probe_fn, &beta);
    gbs_register("flt/alphabet", probe_fn, &alphabet);
    /* listing counts the matches and runs nothing */
    CHECK(gbs_run_specified() == 2);
    CHECK(alpha.calls == 0 && beta.calls == 0 && alphabet.calls == 0);
    gbs_shutdown();
}

/* ---- scenario: argv pass-through --------------------------------------------------- */

static void scenario_argv(void)
{
    struct probe once = {0};
    char capture[] = "/tmp/gbench_shim_stderr_XXXXXX";
    int fd, saved, r;
    char *text;

    set_args("--benchmark_min_time=0.001", "positional", "--benchmark_repetitions=2",
             "--chanmul_own=1", "--benchmark_bogus=1", NULL);
    gbs_initialize(&nargs, args);
    /* the known flags are gone, the rest keep their order */
    CHECK(nargs == 4);
    CHECK(nargs == 4 && strcmp(args[0], "test_gbench_shim") == 0);
    CHECK(nargs == 4 && strcmp(args[1], "positional") == 0);
    CHECK(nargs == 4 && strcmp(args[2], "--chanmul_own=1") == 0);
    CHECK(nargs == 4 && strcmp(args[3], "--benchmark_bogus=1") == 0);
    CHECK(args[nargs] == NULL); /* the shim restores the terminator */

    /* every leftover is reported, on stderr */
    fd = mkstemp(capture);
    CHECK(fd >= 0);
    fflush(stderr);
    saved = dup(2);
    dup2(fd, 2);
    r = gbs_report_unrecognized(nargs, args);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    close(fd);
    CHECK(r == 1);
    text = slurp(capture);
    CHECK(text && strstr(text, "--benchmark_bogus=1") != NULL);
    CHECK(text && strstr(text, "positional") != NULL);
    free(text);
    unlink(capture);
    CHECK(gbs_report_unrecognized(1, args) == 0);

    /* the consumed --benchmark_repetitions=2 took effect: one call per repetition */
    gbs_set_iterations(gbs_register("argv/once", probe_fn, &once), 1);
    CHECK(gbs_run_specified() == 1);
    CHECK(once.calls == 2);
    gbs_shutdown();
}

/* ---- scenario: robustness (NULLs, refused options) ---------------------------------- */

static void nulls_fn(gbs_state *s, void *arg)
{
    (void)arg;
    gbs_set_counter(s, NULL, 1.0, 0);
    gbs_set_label(s, NULL);
    gbs_do_not_optimize(NULL);
    while (gbs_keep_running(s))
        ;
    gbs_skip_with_error(s, NULL);
}

static void batch0_fn(gbs_state *s, void *arg)
{
    struct probe *p = arg;

    p->calls++;
    p->last_loop = 0;
    while (gbs_keep_running_batch(s, 0)) /* treated as 1 */
        p->last_loop++;
}

static void scenario_robustness(void)
{
    struct probe refused = {0}, mintime = {0}, batch0 = {0};
    gbs_benchmark *b;
    char *json;
    double v;

    gbs_initialize(NULL, NULL); /* no argv: defaults */
    set_args(out_flag(), "--benchmark_out_format=json", "--benchmark_min_time=0.001", NULL);
    gbs_initialize(&nargs, args); /* a second call parses again */
    CHECK(nargs == 1);

    /* NULL handles are ignored */
    gbs_use_real_time(NULL);
    gbs_measure_process_cpu_time(NULL);
    gbs_set_repetitions(NULL, 2);
    gbs_set_min_time(NULL, 1.0);
    gbs_set_min_warmup_time(NULL, 1.0);
    gbs_set_iterations(NULL, 1);
    gbs_report_aggregates_only(NULL, 1);
    gbs_display_aggregates_only(NULL, 1);
    gbs_add_statistic(NULL, "min", stat_min);
    gbs_add_context(NULL, "v");
    gbs_add_context("k", NULL);
    CHECK(gbs_keep_running(NULL) == 0);
    CHECK(gbs_keep_running_batch(NULL, 4) == 0);
    CHECK(gbs_iterations(NULL) == 0);
    CHECK(gbs_thread_index(NULL) == 0);
    CHECK(gbs_error_occurred(NULL) == 0);
    gbs_pause_timing(NULL);
    gbs_resume_timing(NULL);
    gbs_set_bytes_processed(NULL, 1);
    gbs_set_items_processed(NULL, 1);
    gbs_set_counter(NULL, "x", 1.0, 0);
    gbs_set_label(NULL, "x");
    gbs_skip_with_error(NULL, "x");
    CHECK(gbs_report_unrecognized(3, NULL) == 1);

    /* values upstream would abort on are refused; valid ones still apply */
    b = gbs_register("rob/refused", probe_fn, &refused);
    gbs_set_min_time(b, 0.0);
    gbs_set_min_time(b, -1.0);
    gbs_set_min_warmup_time(b, -1.0);
    gbs_set_repetitions(b, 0);
    gbs_set_iterations(b, 0);
    gbs_add_statistic(b, NULL, stat_min);
    gbs_add_statistic(b, "nofn", NULL);
    gbs_set_iterations(b, 4);
    gbs_set_min_time(b, 0.5);        /* refused: iterations already set */
    gbs_set_min_warmup_time(b, 0.1); /* refused: iterations already set */
    b = gbs_register("rob/mintime", probe_fn, &mintime);
    gbs_set_min_time(b, 0.001);
    gbs_set_iterations(b, 5); /* refused: min time already set */
    gbs_set_iterations(gbs_register("rob/nulls", nulls_fn, NULL), 2);
    gbs_set_iterations(gbs_register("rob/batch0", batch0_fn, &batch0), 3);

    CHECK(gbs_run_specified() == 4);
    gbs_shutdown();
    CHECK(refused.calls == 1 && refused.last_loop == 4);
    CHECK(mintime.calls >= 1);
    CHECK(batch0.calls == 1 && batch0.last_loop == 3);

    json = slurp(json_path);
    if (!CHECK(json != NULL))
        return;
    CHECK(json_number(json, "rob/refused/iterations:4", "iterations", &v) && v == 4);
    CHECK(!json_has(json, "rob/refused/iterations:4", "\"error_occurred\""));
    CHECK(json_exists(json, "rob/mintime/min_time:0.001"));
    CHECK(json_has(json, "rob/nulls/iterations:2", "\"error_message\": \"error\""));
    CHECK(!json_has(json, "rob/nulls/iterations:2", "\"label\""));
    free(json);
}

/* ---- driver ------------------------------------------------------------------------- */

static const struct scenario {
    const char *name;
    void (*run)(void);
} scenarios[] = {
    {"registration", scenario_registration},
    {"counters", scenario_counters},
    {"timing", scenario_timing},
    {"filter", scenario_filter},
    {"list", scenario_list},
    {"argv", scenario_argv},
    {"robustness", scenario_robustness},
};
#define SCENARIO_COUNT (sizeof scenarios / sizeof scenarios[0])

static int make_temp(char *path, size_t size, const char *what)
{
    const char *dir = getenv("TMPDIR");
    int fd;

    snprintf(path, size, "%s/gbench_shim_%s_XXXXXX", dir && *dir ? dir : "/tmp", what);
    fd = mkstemp(path);
    if (fd >= 0)
        close(fd);
    return fd >= 0 ? 0 : -1;
}

static void dump_file(const char *path)
{
    char *text = slurp(path);

    if (text)
        fputs(text, stderr);
    free(text);
}

/* Runs one scenario in a child; returns 0 if it passed. */
static int run_child(const struct scenario *sc, int verbose)
{
    char log_path[256];
    struct tally before = *tally;
    int status = 0, failed;
    pid_t pid;

    if (make_temp(log_path, sizeof log_path, "log") || make_temp(json_path, sizeof json_path, "json")) {
        fprintf(stderr, "FAIL [%s]: cannot create temporary files\n", sc->name);
        tally->failed++;
        return -1;
    }
    fflush(stdout);
    fflush(stderr);
    pid = fork();
    if (pid == 0) {
        int fd = open(log_path, O_WRONLY | O_TRUNC);

        if (!verbose && fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        if (fd >= 0)
            close(fd);
        alarm(30);
        scenario_name = sc->name;
        sc->run();
        fflush(stdout);
        fflush(stderr);
        exit(0);
    }
    if (pid < 0 || waitpid(pid, &status, 0) != pid) {
        fprintf(stderr, "FAIL [%s]: fork or wait failed\n", sc->name);
        tally->failed++;
    } else if (WIFSIGNALED(status)) {
        fprintf(stderr, "FAIL [%s]: child killed by signal %d (%s)\n", sc->name,
                WTERMSIG(status), WTERMSIG(status) == SIGALRM ? "timeout" : strsignal(WTERMSIG(status)));
        tally->failed++;
    } else if (WEXITSTATUS(status) != 0) {
        fprintf(stderr, "FAIL [%s]: child exited with %d\n", sc->name, WEXITSTATUS(status));
        tally->failed++;
    }
    failed = tally->failed - before.failed;
    if (failed && !verbose) {
        fprintf(stderr, "---- output of scenario %s ----\n", sc->name);
        dump_file(log_path);
        fprintf(stderr, "---- end of scenario %s ----\n", sc->name);
    }
    printf("scenario %-13s %d passed, %d failed\n", sc->name,
           tally->passed - before.passed, failed);
    unlink(log_path);
    unlink(json_path);
    return failed ? -1 : 0;
}

int main(int argc, char **argv)
{
    const char *env = getenv("GBS_TEST_VERBOSE");
    int verbose = env && *env && strcmp(env, "0") != 0;
    size_t i;

    if (argc == 2) { /* one scenario, in this process */
        for (i = 0; i < SCENARIO_COUNT; i++) {
            if (strcmp(argv[1], scenarios[i].name) != 0)
                continue;
            if (make_temp(json_path, sizeof json_path, "json"))
                return 2;
            scenario_name = scenarios[i].name;
            scenarios[i].run();
            unlink(json_path);
            printf("%d passed, %d failed\n", tally->passed, tally->failed);
            return tally->failed ? 1 : 0;
        }
        fprintf(stderr, "usage: %s [SCENARIO]\nscenarios:", argv[0]);
        for (i = 0; i < SCENARIO_COUNT; i++)
            fprintf(stderr, " %s", scenarios[i].name);
        fputc('\n', stderr);
        return 2;
    }

    tally = mmap(NULL, sizeof *tally, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (tally == MAP_FAILED) {
        perror("mmap");
        return 2;
    }
    tally->passed = tally->failed = 0;
    for (i = 0; i < SCENARIO_COUNT; i++)
        run_child(&scenarios[i], verbose);
    printf("%d passed, %d failed\n", tally->passed, tally->failed);
    return tally->failed ? 1 : 0;
}
