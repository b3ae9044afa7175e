/*
 * Benchmarks through the Google Benchmark C shim.
 *
 * A "group" is one (shape, layout, thread count). Its buffers are allocated
 * when its first benchmark runs and first-touched by the threads that will use
 * them, split the way chanmul's threaded kernels split work (STREAM's rule),
 * then reused by every benchmark of the group. Each group times the memcpy and
 * STREAM-scale baselines on the same buffers, then every implementation that
 * passed the verifier at this exact shape, layout and thread count; the others
 * are registered too but report "verification failed" (never timed).
 * Bytes are counted explicitly: 4 read + 4 written per element, plus 4*C for s.
 *
 * Repetitions are interleaved across benchmarks (Google Benchmark's random
 * interleaving, on by default): a repetition of one benchmark is followed by
 * one of another, so that the machine's drift spreads over all of them rather
 * than hitting one benchmark's repetitions back to back. Groups therefore stay
 * live (allocated) in a least-recently-used set bounded by a memory budget,
 * instead of one at a time. Every kernel repetition also times a memcpy of the
 * same bytes right after its loop (counter memcpy_bytes_per_second), so that
 * its memcpy_ratio compares two timings taken at the same moment.
 */
#include "bench.h"

#include "chanmul_internal.h"
#include "cli.h"
#include "gbench_shim.h"
#include "results.h"
#include "shape.h"
#include "sysinfo.h"

#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Repetitions per benchmark unless --repetitions says otherwise: enough for
 * the rank test in `chanmul compare` to reach a small corrected alpha (with
 * 5 per side its smallest p is 0.008; with 10, 1e-5), interleaved. */
#define DEFAULT_REPETITIONS 10
/* Seconds per repetition of `bench` (sweep profiles set their own): ten short
 * interleaved repetitions sample the drift better than five long ones. */
#define DEFAULT_MIN_TIME 0.1

typedef enum bench_what { BENCH_MEMCPY, BENCH_STREAM_SCALE, BENCH_KERNEL } bench_what;

typedef struct bench_group {
    chanmul_desc d; /* d.p: the problem */
    int threads;
    size_t total;   /* elements of x (and y) */
    size_t in_len[CHANMUL_MAX_INPUTS], out_len[CHANMUL_MAX_OUTPUTS];
    /* the operands, allocated lazily (see group_acquire): x = in[0], y = out[0] */
    float *in[CHANMUL_MAX_INPUTS], *out[CHANMUL_MAX_OUTPUTS];
    unsigned long long last_use; /* for the least-recently-used eviction */
} bench_group;

typedef struct bench_item {
    bench_what what;
    size_t group;                /* index into session.groups (which may move while planning) */
    const verify_target *target; /* BENCH_KERNEL only */
    char *failure;               /* verification failure: reported, never timed */
    int calls;                   /* times run, for progress */
} bench_item;

typedef struct bench_session {
    bench_group *groups;
    size_t group_count, group_cap;
    bench_item *items;
    size_t item_count, item_cap;
    size_t live_bytes;       /* buffers of the groups that are allocated */
    size_t budget;           /* the most they may take (see live_budget) */
    unsigned long long uses; /* clock for last_use */
    size_t reps_started; /* repetitions begun, for progress */
    int repetitions;     /* per benchmark */
    double t0, last_progress;
    int progress;
} bench_session;

static bench_session session;

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ---- buffers ---------------------------------------------------------------------- */

/* Bytes of all the group's operands, each counted once (the op's facts). */
static size_t group_buffer_bytes(const bench_group *g)
{
    return (size_t)chanmul_desc_bytes(&g->d);
}

static int group_live(const bench_group *g)
{
    return g->in[0] != NULL;
}

static void group_free_buffers(bench_group *g)
{
    for (int k = 0; k < CHANMUL_MAX_INPUTS; k++) {
        free(g->in[k]);
        g->in[k] = NULL;
    }
    for (int k = 0; k < CHANMUL_MAX_OUTPUTS; k++) {
        free(g->out[k]);
        g->out[k] = NULL;
    }
}

static void group_release(bench_group *g)
{
    if (group_live(g))
        session.live_bytes -= group_buffer_bytes(g);
    group_free_buffers(g);
}

static void release_all_groups(void)
{
    for (size_t i = 0; i < session.group_count; i++)
        group_release(&session.groups[i]);
}

/* The memory the live groups may hold: a quarter of the RAM, at most 4 GiB
 * (the quick sweep's groups take about 1.5 GiB on a 32 MiB LLC). */
static size_t live_budget(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    size_t quarter = pages > 0 && page > 0 ? (size_t)pages / 4 * (size_t)page : (size_t)1 << 30;
    size_t cap = (size_t)4 << 30;
    return quarter < cap ? quarter : cap;
}

/* Frees least recently used groups until `need` more bytes fit the budget. */
static void make_room(size_t need, const bench_group *keep)
{
    while (session.live_bytes && session.live_bytes + need > session.budget) {
        bench_group *oldest = NULL;
        for (size_t i = 0; i < session.group_count; i++) {
            bench_group *g = &session.groups[i];
            if (group_live(g) && g != keep && (!oldest || g->last_use < oldest->last_use))
                oldest = g;
        }
        if (!oldest)
            return;
        group_release(oldest);
    }
}

static float *alloc_tensor(size_t count)
{
    size_t bytes = (count * sizeof(float) + 4095) / 4096 * 4096;
    return aligned_alloc(4096, bytes ? bytes : 4096);
}

/* Makes g's buffers live; first touch by g->threads threads, chunked as the kernels
 * chunk. Values are ordinary normal floats (no denormals: they would time the
 * CPU's microcode assists, not memory). */
static int group_acquire(bench_group *g)
{
    g->last_use = ++session.uses;
    if (group_live(g))
        return 0;
    if (!session.budget)
        session.budget = live_budget();
    make_room(group_buffer_bytes(g), g);
    int ok = 1;
    for (int k = 0; k < g->d.inputs; k++)
        ok = (g->in[k] = alloc_tensor(g->in_len[k])) != NULL && ok;
    for (int k = 0; k < g->d.outputs; k++)
        ok = (g->out[k] = alloc_tensor(g->out_len[k])) != NULL && ok;
    if (!ok) {
        group_free_buffers(g);
        return -1;
    }
    session.live_bytes += group_buffer_bytes(g);
    size_t total = g->total;
    float *x = g->in[0], *y = g->out[0];
#pragma omp parallel num_threads(g->threads)
    {
        size_t begin, end;
        chanmul_split_range(total, 16, omp_get_num_threads(), omp_get_thread_num(), &begin, &end);
        for (size_t i = begin; i < end; i++) {
            x[i] = 1.0f + (float)(i % 7) * 0.125f;
            y[i] = 0.0f;
        }
    }
    for (int k = 1; k < g->d.inputs; k++) /* the factors: s, g, ... */
        for (size_t i = 0; i < g->in_len[k]; i++)
            g->in[k][i] = 0.5f + (float)(i % 5) * 0.25f;
    for (int k = 1; k < g->d.outputs; k++)
        memset(g->out[k], 0, g->out_len[k] * sizeof(float));
    return 0;
}

/* Bytes one call moves (the op's facts: every operand once, STREAM's rule). */
static long long group_bytes(const bench_group *g)
{
    return (long long)chanmul_desc_bytes(&g->d);
}

/* The group's operands for chanmul_exec. */
static chanmul_tensors group_tensors(const bench_group *g)
{
    chanmul_tensors t = {{0}, {0}};
    for (int k = 0; k < g->d.inputs; k++)
        t.in[k] = g->in[k];
    for (int k = 0; k < g->d.outputs; k++)
        t.out[k] = g->out[k];
    return t;
}

/* ---- the timed functions ----------------------------------------------------------- */

/* The baselines split their work exactly as the `stream` kernel does: an even
 * share per thread on 64-byte boundaries, dispatched by the same thread team
 * (OpenMP when the team cannot take it), and no more threads than the same
 * rule finds useful (a tiny copy split across threads is slower than one
 * memcpy, and a roofline must not be handicapped): so a ratio to memcpy
 * compares the work, not threading costs. */
typedef struct baseline_job {
    float *y;
    const float *x;
    size_t total;
    float q;   /* STREAM scale factor */
    int scale; /* 0: memcpy, 1: STREAM scale */
} baseline_job;

static void baseline_share(void *arg, int index, int count)
{
    const baseline_job *j = arg;
    size_t begin, end;
    chanmul_split_range(j->total, 16, count, index, &begin, &end);
    if (!j->scale) {
        memcpy(j->y + begin, j->x + begin, (end - begin) * sizeof(float));
        return;
    }
    for (size_t i = begin; i < end; i++) /* STREAM's scale: a plain loop the compiler vectorises */
        j->y[i] = j->q * j->x[i];
}

/* One run of a baseline on `threads` threads (already cut to the useful count). */
static void baseline_run(const baseline_job *job, int threads)
{
    if (threads <= 1) { /* the plain call: nothing between the timer and memcpy */
        if (!job->scale)
            memcpy(job->y, job->x, job->total * sizeof(float));
        else
            for (size_t i = 0; i < job->total; i++)
                job->y[i] = job->q * job->x[i];
        return;
    }
    if (chanmul_team_run(threads, baseline_share, (void *)job) == 0)
        return;
#pragma omp parallel num_threads(threads)
    baseline_share((void *)job, omp_get_thread_num(), omp_get_num_threads());
}

/* The memcpy of the same bytes timed right after a kernel's loop, outside
 * Google Benchmark's clock, for half the kernel's iterations (at least one
 * batch): the ratio of two timings taken at the same moment cancels the
 * machine's drift that a memcpy row timed at another moment does not. */
static double adjacent_memcpy_bps(const bench_group *g, long long kernel_iters, long long batch)
{
    const baseline_job job = {g->out[0], g->in[0], g->total, 3.0f, 0};
    int threads = chanmul_useful_threads(g->total, g->threads);
    long long iters = kernel_iters / 2 > batch ? kernel_iters / 2 : batch;
    baseline_run(&job, threads); /* the kernel left y in cache state of its own */
    double t0 = now_seconds();
    for (long long k = 0; k < iters; k++) {
        baseline_run(&job, threads);
        gbs_do_not_optimize(g->out[0]);
    }
    double t = now_seconds() - t0;
    return t > 0 ? (double)iters * (double)group_bytes(g) / t : 0;
}

/* Progress over repetitions: with interleaving the benchmarks do not finish
 * one after another. Each call of a benchmark counts as one of its
 * repetitions (the first repetition's calls while Google Benchmark finds the
 * iteration count overcount a little); printed at most once a second. */
static void progress(bench_item *item)
{
    if (!session.progress)
        return;
    if (item->calls++ < session.repetitions)
        session.reps_started++;
    double now = now_seconds();
    size_t total = session.item_count * (size_t)session.repetitions;
    if (now - session.last_progress < 1.0 && session.reps_started < total)
        return;
    session.last_progress = now;
    double elapsed = now - session.t0, done = (double)session.reps_started / (double)total;
    double left = done > 0 ? elapsed * (1 - done) / done : 0;
    fprintf(stderr, "[%zu/%zu] %.0fs elapsed, about %.0fs left\n", session.reps_started, total, elapsed, left);
}

static void run_item(gbs_state *st, void *arg)
{
    bench_item *item = arg;
    bench_group *g = &session.groups[item->group];
    progress(item);
    if (item->failure) {
        gbs_skip_with_error(st, item->failure);
        return;
    }
    if (group_acquire(g) != 0) {
        gbs_skip_with_error(st, "out of memory for the benchmark buffers");
        return;
    }
    int rc = 0;
    /* The shim's loop check costs a few ns; on tiny problems claim iterations in
     * batches so that the check stays well under 1% of the time measured. */
    long long batch = g->total < 65536 ? (long long)(65536 / g->total) : 1;
    if (batch > 256)
        batch = 256;
    switch (item->what) {
    case BENCH_MEMCPY:
    case BENCH_STREAM_SCALE: {
        const baseline_job job = {g->out[0], g->in[0], g->total, 3.0f, item->what == BENCH_STREAM_SCALE};
        int threads = chanmul_useful_threads(g->total, g->threads);
        baseline_run(&job, threads); /* warm-up, untimed */
        while (gbs_keep_running_batch(st, batch))
            for (long long k = 0; k < batch; k++) {
                baseline_run(&job, threads);
                gbs_do_not_optimize(g->out[0]);
            }
        break;
    }
    case BENCH_KERNEL: {
        const chanmul_impl *impl = item->target->impl;
        const chanmul_tensors t = group_tensors(g);
        rc = chanmul_exec(impl, &g->d, &t, g->threads); /* warm-up, untimed */
        while (rc == 0 && gbs_keep_running_batch(st, batch))
            for (long long k = 0; k < batch && rc == 0; k++) {
                rc = chanmul_exec(impl, &g->d, &t, g->threads);
                gbs_do_not_optimize(g->out[0]);
            }
        if (rc != 0) {
            gbs_skip_with_error(st, chanmul_strerror(rc));
            return;
        }
        break;
    }
    }
    long long iters = gbs_iterations(st);
    gbs_set_bytes_processed(st, iters * group_bytes(g));
    gbs_set_items_processed(st, iters * (long long)g->total);
    if (item->what != BENCH_MEMCPY)
        gbs_set_counter(st, "memcpy_bytes_per_second", adjacent_memcpy_bps(g, iters, batch), GBS_COUNTER_DEFAULT);
}

/* ---- planning ----------------------------------------------------------------------- */

static void *grow(void *array, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return array;
    size_t ncap = *cap ? *cap * 2 : 64;
    while (ncap < need)
        ncap *= 2;
    void *bigger = realloc(array, ncap * elem);
    if (bigger)
        *cap = ncap;
    return bigger;
}

static bench_group *add_group(const chanmul_problem *p, int threads)
{
    bench_group *groups = grow(session.groups, &session.group_cap, session.group_count + 1, sizeof *groups);
    if (!groups)
        return NULL;
    session.groups = groups;
    bench_group *g = &groups[session.group_count];
    memset(g, 0, sizeof *g);
    int err = 0;
    if (chanmul_desc_init(&g->d, p) != 0)
        return NULL;
    for (int k = 0; k < g->d.inputs; k++)
        g->in_len[k] = chanmul_shape_elements(&g->d.in[k], &err);
    for (int k = 0; k < g->d.outputs; k++)
        g->out_len[k] = chanmul_shape_elements(&g->d.out[k], &err);
    g->threads = threads;
    g->total = g->in_len[0];
    session.group_count++;
    return g;
}

static int add_item(bench_what what, size_t group, const verify_target *t, char *failure)
{
    bench_item *items = grow(session.items, &session.item_cap, session.item_count + 1, sizeof *items);
    if (!items)
        return -1;
    session.items = items;
    bench_item *it = &items[session.item_count];
    it->what = what;
    it->group = group;
    it->target = t;
    it->failure = failure;
    session.item_count++;
    return 0;
}

/* Verifies every target at the group's exact problem; fills failures[t] (NULL = pass). */
static int verify_group(const chanmul_problem *p, int threads, const verify_target *targets,
                        size_t count, char **failures, FILE *log)
{
    verify_options o;
    verify_options_init(&o);
    o.op = (int)p->op;
    o.have_shape = 1;
    o.shape = *p;
    o.layout = (int)p->layout;
    o.threads = threads;
    o.data = VERIFY_DATA_RANDOM;
    o.in_place = 0;
    o.max_reports = 1;
    o.out = log;
    o.targets = targets;
    o.target_count = count;
    verify_counts *per = calloc(count, sizeof *per), total;
    if (per && verify_run(&o, per, &total) != 0) {
        free(per);
        return -1;
    }
    for (size_t t = 0; t < count && per; t++) {
        failures[t] = NULL;
        if (per[t].failed) {
            char shape[96], msg[256];
            snprintf(msg, sizeof msg, "verification failed at %s %s%s%s threads=%d (see chanmul verify)",
                     shape_format(p, shape, sizeof shape), chanmul_layout_name(p->layout),
                     p->op == CHANMUL_OP_SCALE ? "" : " op=", p->op == CHANMUL_OP_SCALE ? "" : chanmul_op_name(p->op),
                     threads);
            failures[t] = strdup(msg);
        }
    }
    int ok = per != NULL;
    free(per);
    return ok ? 0 : -1;
}

typedef struct bench_config {
    const verify_target *targets;
    size_t target_count;
    int repetitions;
    double min_time;
    int threaded_only_above_one; /* single-threaded kernels only at threads 1 */
} bench_config;

/* Per target: "pass" or the first failure, for the results context. */
static char **verify_status;

/* 1 when an earlier group has group gi's layout, shape and thread count. */
static int baselines_planned(size_t gi)
{
    const bench_group *g = &session.groups[gi];
    for (size_t k = 0; k < gi; k++) {
        const chanmul_problem *a = &session.groups[k].d.p, *b = &g->d.p;
        if (session.groups[k].threads == g->threads && a->layout == b->layout && a->n == b->n &&
            a->h == b->h && a->w == b->w && a->c == b->c)
            return 1;
    }
    return 0;
}

/* Plans one group: verifies, then queues baselines and kernels. */
static int plan_group(const bench_config *cfg, const chanmul_problem *p, int threads)
{
    char **failures = calloc(cfg->target_count, sizeof *failures);
    if (!failures || verify_group(p, threads, cfg->targets, cfg->target_count, failures, stderr) != 0) {
        free(failures);
        return -1;
    }
    if (!add_group(p, threads)) {
        free(failures);
        return -1;
    }
    size_t gi = session.group_count - 1;
    /* The baselines copy x to y: one pair per layout, shape and thread count,
     * whichever ops are timed there (their names have no op of their own). */
    int rc = 0;
    if (!baselines_planned(gi))
        rc = add_item(BENCH_MEMCPY, gi, NULL, NULL) | add_item(BENCH_STREAM_SCALE, gi, NULL, NULL);
    for (size_t t = 0; t < cfg->target_count && rc == 0; t++) {
        const verify_target *target = &cfg->targets[t];
        if (!chanmul_impl_covers(target->impl, p->op)) {
            free(failures[t]);
            continue;
        }
        if (!chanmul_impl_available(target->impl, NULL)) {
            free(failures[t]);
            continue;
        }
        if (threads > 1 && cfg->threaded_only_above_one && !target->impl->threaded) {
            free(failures[t]);
            continue;
        }
        if (failures[t] && !verify_status[t])
            verify_status[t] = strdup(failures[t]);
        rc = add_item(BENCH_KERNEL, gi, target, failures[t]);
    }
    free(failures);
    return rc;
}

static void register_items(void)
{
    for (size_t i = 0; i < session.item_count; i++) {
        bench_item *it = &session.items[i];
        const bench_group *g = &session.groups[it->group];
        char name[256], shape[96];
        const char *op = it->what == BENCH_MEMCPY ? "memcpy"
                         : it->what == BENCH_STREAM_SCALE ? "stream_scale"
                                                          : chanmul_op_name(g->d.p.op);
        const char *impl = it->what == BENCH_KERNEL ? it->target->impl->name : "baseline";
        results_format_name(name, sizeof name, op, chanmul_layout_name(g->d.p.layout), impl,
                            shape_format(&g->d.p, shape, sizeof shape), g->threads);
        /* Repetitions and minimum time come in as --benchmark_* flags (see
         * run_session) so that names stay <...>/threads:<T>/real_time. */
        gbs_use_real_time(gbs_register(name, run_item, it));
    }
}

static void add_verify_context(const bench_config *cfg)
{
    for (size_t t = 0; t < cfg->target_count; t++) {
        const chanmul_impl *impl = cfg->targets[t].impl;
        char key[128];
        snprintf(key, sizeof key, "impl_kind:%s", impl->name);
        gbs_add_context(key, chanmul_kind_name(impl->kind));
        snprintf(key, sizeof key, "verify:%s", impl->name);
        const char *why = NULL;
        if (!chanmul_impl_available(impl, &why)) {
            char msg[256];
            snprintf(msg, sizeof msg, "skipped: %s", why);
            gbs_add_context(key, msg);
        } else {
            gbs_add_context(key, verify_status[t] ? verify_status[t] : "pass");
        }
    }
}

/* Runs the planned session; gb_argv holds the program name and --benchmark_* flags.
 * Results go to json_path (if not NULL) after the memcpy ratios are added. */
static int run_session(const bench_config *cfg, int gb_argc, char **gb_argv, const char *json_path,
                       int argc, char **argv)
{
    /* Google Benchmark's own JSON goes to a private temporary file (mkstemps:
     * no predictable name in a shared /tmp), then becomes json_path with the
     * memcpy ratios added; it is removed either way. */
    char raw[512];
    snprintf(raw, sizeof raw, "%s/chanmul-bench-XXXXXX.json", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    int raw_fd = mkstemps(raw, 5);
    if (raw_fd < 0) {
        fprintf(stderr, "chanmul: cannot create a temporary results file in %s\n",
                getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
        return EXIT_USAGE;
    }
    close(raw_fd);
    char out_flag[600], reps_flag[64], time_flag[64];
    snprintf(out_flag, sizeof out_flag, "--benchmark_out=%s", raw);
    snprintf(reps_flag, sizeof reps_flag, "--benchmark_repetitions=%d", cfg->repetitions);
    snprintf(time_flag, sizeof time_flag, "--benchmark_min_time=%g", cfg->min_time > 0 ? cfg->min_time : DEFAULT_MIN_TIME);
    char **args = calloc((size_t)gb_argc + 7, sizeof *args);
    if (!args) {
        remove(raw);
        return EXIT_USAGE;
    }
    int n = 0;
    /* Our defaults first: a user's --benchmark_* flag given later wins. */
    args[n++] = gb_argv[0];
    args[n++] = reps_flag;
    args[n++] = time_flag;
    args[n++] = "--benchmark_display_aggregates_only=true";
    args[n++] = "--benchmark_enable_random_interleaving=true";
    for (int i = 1; i < gb_argc; i++)
        args[n++] = gb_argv[i];
    args[n++] = out_flag;
    args[n++] = "--benchmark_out_format=json";
    gbs_initialize(&n, args);
    if (gbs_report_unrecognized(n, args)) {
        free(args);
        remove(raw);
        return EXIT_USAGE;
    }
    sysinfo info;
    sysinfo_collect(&info);
    sysinfo_add_context(&info, argc, argv);
    add_verify_context(cfg);
    register_items();
    session.t0 = now_seconds();
    session.repetitions = cfg->repetitions;
    gbs_run_specified();
    release_all_groups();
    gbs_shutdown();
    free(args);
    int rc = results_finish(raw, json_path ? json_path : raw, stdout);
    remove(raw); /* (when json_path is NULL the summary table was all that was asked for) */
    if (rc == 0 && json_path)
        fprintf(stdout, "results: %s\n", json_path);
    return rc == 0 ? 0 : EXIT_VERDICT;
}

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
        if (rc > 0 && ((a->min_time = strtod(v, &end)) <= 0 || *end)) {
            fprintf(stderr, "chanmul %s: --min-time takes seconds > 0, not '%s'\n", cmd, v);
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
 * (whichever way it returns): the Google Benchmark argv, the targets and the
 * per-target verification status. */
static char **command_gb_argv;
static verify_target *command_targets;
static size_t command_target_count;

static void command_release(void)
{
    free(command_gb_argv);
    command_gb_argv = NULL;
    if (verify_status)
        for (size_t t = 0; t < command_target_count; t++)
            free(verify_status[t]);
    free(verify_status);
    verify_status = NULL;
    if (command_targets)
        cli_targets_free(command_targets);
    command_targets = NULL;
}

static int bench_command(int argc, char **argv);
static int sweep_command(int argc, char **argv);

int cmd_bench(int argc, char **argv)
{
    int rc = bench_command(argc, argv);
    command_release();
    return rc;
}

int cmd_sweep(int argc, char **argv)
{
    int rc = sweep_command(argc, argv);
    command_release();
    return rc;
}

static int bench_args_init(bench_args *a, int argc)
{
    memset(a, 0, sizeof *a);
    a->repetitions = DEFAULT_REPETITIONS;
    a->gb_argv = command_gb_argv = calloc((size_t)argc + 1, sizeof *a->gb_argv);
    if (!a->gb_argv)
        return -1;
    a->gb_argv[a->gb_argc++] = "chanmul";
    return 0;
}

/* ---- chanmul bench ------------------------------------------------------------------ */

static void bench_usage(FILE *out)
{
    fprintf(out,
            "usage: chanmul bench --shape NxHxWxC [--op scale|scale_nc|gate] [--layout nhwc|nchw] [--impl NAME|all]\n"
            "                     [--threads T] [--repetitions R] [--min-time SEC] [--json FILE]\n"
            "                     [--plugin FILE.so ...] [--benchmark_* ...]\n"
            "Times the implementations at one shape beside memcpy and STREAM scale of the same bytes.\n"
            "Benchmark names: <op>/<layout>/<impl>/<N>x<H>x<W>x<C>/threads:<T>.\n");
}

static int bench_command(int argc, char **argv)
{
    bench_args a;
    chanmul_problem p = {CHANMUL_OP_SCALE, CHANMUL_NHWC, 0, 0, 0, 0};
    int have_shape = 0;
    if (bench_args_init(&a, argc) != 0)
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
    int err;
    if (chanmul_problem_elements(&p, &err) == 0) {
        fprintf(stderr, "chanmul bench: shape has %s; nothing to time\n",
                err ? "too many elements" : "a zero dimension");
        return EXIT_USAGE;
    }
    verify_target *targets;
    size_t count;
    /* without --impl, a plugin is benchmarked beside all the built-ins */
    if (cli_targets(a.impl_name ? a.impl_name : "all", a.plugins, a.plugin_count, (int)p.op,
                    &targets, &count) != 0)
        return EXIT_USAGE;
    command_targets = targets;
    verify_status = calloc(count, sizeof *verify_status);
    command_target_count = count;
    bench_config cfg = {targets, count, a.repetitions, a.min_time, 0};
    int threads = chanmul_resolve_threads(a.have_threads ? a.threads : 0);
    fprintf(stderr, "chanmul bench: verifying %zu implementation(s) at this shape first\n", count);
    if (!verify_status || plan_group(&cfg, &p, threads) != 0) {
        fprintf(stderr, "chanmul bench: out of memory\n");
        return EXIT_USAGE;
    }
    return run_session(&cfg, a.gb_argc, a.gb_argv, a.json, argc, argv);
}

/* ---- chanmul sweep ------------------------------------------------------------------ */

typedef struct sweep_profile {
    const char *name;
    const size_t *batches;
    size_t batch_count;
    const size_t *channels;
    size_t channel_count;
    size_t h, w;
    int repetitions;
    double min_time;
    int threaded_only_above_one;
} sweep_profile;

static const size_t quick_batches[] = {1, 8, 64};
static const size_t quick_channels[] = {1, 3, 17, 64, 256, 1000};
static const size_t full_batches[] = {1, 2, 4, 8, 16, 32, 64, 128};
static const size_t full_channels[] = {1, 2, 3, 4, 7, 8, 16, 17, 32, 33, 64, 100, 128, 256, 512, 1000, 1001};
/* Shapes the targets name beside the grid: NCHW planes of 7x7 and 13x17. */
static const chanmul_problem extra_shapes[] = {{0, 0, 16, 7, 7, 64}, {0, 0, 8, 13, 17, 32}};
/* The other forms, at a few everyday sizes of squeeze-and-excitation gates and
 * attention maps (each profile): an early stage, a middle one, a late one. */
static const chanmul_problem other_form_shapes[] = {
    {0, 0, 8, 14, 14, 64}, {0, 0, 1, 56, 56, 256}, {0, 0, 32, 7, 7, 512}};

static const sweep_profile profiles[] = {
    {"quick", quick_batches, 3, quick_channels, 6, 14, 14, DEFAULT_REPETITIONS, 0.01, 1},
    {"full", full_batches, 8, full_channels, 17, 14, 14, DEFAULT_REPETITIONS, 0.05, 0},
};

static void sweep_usage(FILE *out)
{
    fprintf(out,
            "usage: chanmul sweep [--profile quick|full] [--op scale|scale_nc|gate] [--out DIR]\n"
            "                     [--impl NAME|all] [--threads T]\n"
            "                     [--repetitions R] [--min-time SEC] [--json FILE] [--plugin FILE.so ...]\n"
            "                     [--no-large] [--benchmark_* ...]\n"
            "Throughput of the channel scale over batch sizes x channel counts (HxW 14x14), both layouts,\n"
            "threads 1..cores, plus a shape far larger than the last-level cache; and each other form\n"
            "(scale_nc, gate) at 8x14x14x64, 1x56x56x256 and 32x7x7x512. --op O: that op alone (for\n"
            "scale_nc and gate, at those sizes). Writes DIR/sweep-<profile>.json\n"
            "(default DIR: results) and prints progress with the time left on stderr.\n");
}

static int sweep_command(int argc, char **argv)
{
    bench_args a;
    const sweep_profile *prof = &profiles[0];
    const char *out_dir = "results";
    int include_large = 1, only_op = -1;
    if (bench_args_init(&a, argc) != 0)
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
            prof = NULL;
            for (size_t k = 0; rc > 0 && k < sizeof profiles / sizeof profiles[0]; k++)
                if (strcmp(v, profiles[k].name) == 0)
                    prof = &profiles[k];
            if (!prof) {
                fprintf(stderr, "chanmul sweep: unknown profile '%s' (valid: quick, full)\n", v ? v : "");
                return EXIT_USAGE;
            }
        } else if ((rc = cli_option(argc, argv, &i, "--out", &v)) != 0) {
            if (rc < 0)
                return EXIT_USAGE;
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
    command_targets = targets;
    verify_status = calloc(count, sizeof *verify_status);
    command_target_count = count;
    if (!verify_status)
        return EXIT_USAGE;
    bench_config cfg = {targets, count, a.repetitions ? a.repetitions : prof->repetitions,
                        a.min_time > 0 ? a.min_time : prof->min_time, prof->threaded_only_above_one};
    int max_threads = a.have_threads ? chanmul_resolve_threads(a.threads) : chanmul_default_threads();
    int min_threads = a.have_threads ? max_threads : 1;

    /* The shape list: the grid, the extra shapes, then the large one. */
    size_t shape_cap = prof->batch_count * prof->channel_count + 8 +
                       CHANMUL_OP_COUNT * sizeof other_form_shapes / sizeof other_form_shapes[0],
           shape_count = 0;
    chanmul_problem *shapes = calloc(shape_cap, sizeof *shapes);
    if (!shapes)
        return EXIT_USAGE;
    for (size_t b = 0; b < prof->batch_count && (only_op < 0 || only_op == CHANMUL_OP_SCALE); b++)
        for (size_t c = 0; c < prof->channel_count; c++)
            shapes[shape_count++] = (chanmul_problem){CHANMUL_OP_SCALE, CHANMUL_NHWC, prof->batches[b],
                                                      prof->h, prof->w, prof->channels[c]};
    for (size_t e = 0; e < sizeof extra_shapes / sizeof extra_shapes[0] && (only_op < 0 || only_op == CHANMUL_OP_SCALE); e++)
        shapes[shape_count++] = extra_shapes[e];
    for (int op = 0; op < CHANMUL_OP_COUNT; op++) {
        if (op == CHANMUL_OP_SCALE || (only_op >= 0 && only_op != op))
            continue;
        for (size_t e = 0; e < sizeof other_form_shapes / sizeof other_form_shapes[0]; e++) {
            shapes[shape_count] = other_form_shapes[e];
            shapes[shape_count++].op = (chanmul_op)op;
        }
    }
    if (include_large && (only_op < 0 || only_op == CHANMUL_OP_SCALE)) {
        /* Working set (x + y) 4x the last-level cache: the streaming-store
         * regime, at a vector-friendly C and at an odd small one. Not just
         * over 2x: on a VM whose two CPUs may sit under two L3s, 2.5x was
         * sometimes partly cached. */
        size_t elements = chanmul_llc_bytes() * 4 / (2 * sizeof(float));
        static const size_t big_channels[] = {64, 3};
        for (size_t b = 0; b < sizeof big_channels / sizeof big_channels[0]; b++) {
            chanmul_problem big = {CHANMUL_OP_SCALE, CHANMUL_NHWC, 0, 14, 14, big_channels[b]};
            big.n = elements / (14 * 14 * big_channels[b]) + 1;
            shapes[shape_count++] = big;
        }
    }

    char out_path[1024];
    snprintf(out_path, sizeof out_path, "%s/sweep-%s.json", out_dir, prof->name);
    /* the folder the results go to: --json's when given (compare --paired does), else --out */
    char json_dir[1024];
    if (a.json) {
        snprintf(json_dir, sizeof json_dir, "%s", a.json);
        char *slash = strrchr(json_dir, '/');
        if (slash)
            *(slash == json_dir ? slash + 1 : slash) = '\0';
        else
            snprintf(json_dir, sizeof json_dir, ".");
        out_dir = json_dir;
    }
    if (access(out_dir, W_OK) != 0) {
        fprintf(stderr, "chanmul sweep: output folder '%s' does not exist or is not writable\n", out_dir);
        return EXIT_USAGE;
    }
    fprintf(stderr, "chanmul sweep: profile %s, %zu shapes x 2 layouts x threads %d..%d; verifying each "
                    "implementation at every point first\n",
            prof->name, shape_count, min_threads, max_threads);
    double t_verify = now_seconds();
    for (size_t k = 0; k < shape_count; k++)
        for (int layout = 0; layout < 2; layout++)
            for (int t = min_threads; t <= max_threads; t++) {
                chanmul_problem p = shapes[k];
                p.layout = (chanmul_layout)layout;
                if (plan_group(&cfg, &p, t) != 0) {
                    fprintf(stderr, "chanmul sweep: out of memory while planning\n");
                    return EXIT_USAGE;
                }
            }
    fprintf(stderr, "chanmul sweep: verified in %.0fs; %zu benchmarks to run\n", now_seconds() - t_verify,
            session.item_count);
    free(shapes);
    session.progress = 1;
    return run_session(&cfg, a.gb_argc, a.gb_argv, a.json ? a.json : out_path, argc, argv);
}
