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
#include "bench_engine.h"

#include "interrupt.h"
#include "plugin_isolation.h"

#include "chanmul_internal.h"
#include "cli.h"
#include "clock.h"
#include "gbench_shim.h"
#include "results.h"
#include "shape.h"
#include "sysinfo.h"

#include <errno.h>
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>


/* The seed of the normal data every benchmark times and verifies first. */
#define BENCH_DATA_SEED 0xbe4c4da7aull

/* The baselines (memcpy, STREAM's scale, a plain load/store copy loop at the
 * kernels' ISA: the roof T1 is judged against with memcpy) and the kernels. */
typedef enum bench_what { BENCH_MEMCPY, BENCH_STREAM_SCALE, BENCH_COPY_LOOP, BENCH_KERNEL } bench_what;

typedef struct bench_group {
    chanmul_desc d; /* d.p: the problem */
    int threads;
    size_t total;   /* elements of y (x's too, except bcast's stretched a) */
    size_t in_len[CHANMUL_MAX_INPUTS], out_len[CHANMUL_MAX_OUTPUTS];
    /* the operands, allocated lazily (see group_acquire): x = in[0], y = out[0] */
    float *in[CHANMUL_MAX_INPUTS], *out[CHANMUL_MAX_OUTPUTS];
    unsigned long long last_use; /* for the least-recently-used eviction */
} bench_group;

typedef struct bench_item {
    bench_engine *engine;
    bench_what what;
    size_t group;                /* index into e->groups (which may move while planning) */
    const verify_target *target; /* BENCH_KERNEL only */
    char *failure;               /* verification failure: reported, never timed */
    int calls;                   /* times run, for progress */
    int prepared_checked;        /* 1: its prepared call gave the one-shot call's bits; -1: it did not */
} bench_item;

struct bench_engine {
    bench_config cfg;
    char **verify_status; /* per target: NULL (pass) or the first failure, for the results context */
    /* per target: the reason a plugin crashed, hung or exited in its child
     * (bench_engine_isolate_plugins); such a plugin runs no more, anywhere */
    char **dropped;
    /* per target: its runs on full-range data (random, special) at the timed
     * problems, and how they depart from the reference (departures:<impl>) */
    verify_counts *full_range;
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
    int progress_done; /* the last progress line (all started) was printed */
};

/* ---- buffers ---------------------------------------------------------------------- */

/* Bytes of all the group's operands, each counted once (the op's facts). */
/* x's buffer holds at least y's elements: the baselines copy that many (a
 * bcast's a may be smaller than its result). */
static size_t x_buffer_len(const bench_group *g)
{
    return g->in_len[0] > g->total ? g->in_len[0] : g->total;
}

static size_t group_buffer_bytes(const bench_group *g)
{
    return (size_t)chanmul_desc_bytes(&g->d) + (x_buffer_len(g) - g->in_len[0]) * sizeof(float);
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

static void group_release(bench_engine *e, bench_group *g)
{
    if (group_live(g))
        e->live_bytes -= group_buffer_bytes(g);
    group_free_buffers(g);
}

static void release_all_groups(bench_engine *e)
{
    for (size_t i = 0; i < e->group_count; i++)
        group_release(e, &e->groups[i]);
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
static void make_room(bench_engine *e, size_t need, const bench_group *keep)
{
    while (e->live_bytes && e->live_bytes + need > e->budget) {
        bench_group *oldest = NULL;
        for (size_t i = 0; i < e->group_count; i++) {
            bench_group *g = &e->groups[i];
            if (group_live(g) && g != keep && (!oldest || g->last_use < oldest->last_use))
                oldest = g;
        }
        if (!oldest)
            return;
        group_release(e, oldest);
    }
}

static float *alloc_tensor(size_t count)
{
    size_t bytes = (count * sizeof(float) + 4095) / 4096 * 4096;
    return aligned_alloc(4096, bytes ? bytes : 4096);
}

/* Makes g's buffers live; first touch by g->threads threads, chunked as the kernels
 * chunk. Values are the verifier's normal data for BENCH_DATA_SEED, the data
 * every timed implementation was verified on at this problem (verify_group):
 * the range real tensors hold, no denormals (they would time the CPU's
 * microcode assists, not memory) and no NaN. */
static int group_acquire(bench_engine *e, bench_group *g)
{
    g->last_use = ++e->uses;
    if (group_live(g))
        return 0;
    if (!e->budget)
        e->budget = live_budget();
    make_room(e, group_buffer_bytes(g), g);
    int ok = 1;
    for (int k = 0; k < g->d.inputs; k++)
        ok = (g->in[k] = alloc_tensor(k == 0 ? x_buffer_len(g) : g->in_len[k])) != NULL && ok;
    for (int k = 0; k < g->d.outputs; k++)
        ok = (g->out[k] = alloc_tensor(g->out_len[k])) != NULL && ok;
    if (!ok) {
        group_free_buffers(g);
        return -1;
    }
    e->live_bytes += group_buffer_bytes(g);
    size_t total = g->total;
    float *x = g->in[0], *y = g->out[0];
#pragma omp parallel num_threads(g->threads)
    {
        size_t begin, end;
        chanmul_split_range(total, 16, omp_get_num_threads(), omp_get_thread_num(), &begin, &end);
        for (size_t i = begin; i < end; i++) {
            /* (x's buffer may be longer than x: a bcast's stretched a) */
            x[i] = i < g->in_len[0] ? verify_normal_value(BENCH_DATA_SEED, 0, i) : 1.0f;
            y[i] = 0.0f;
        }
    }
    for (int k = 1; k < g->d.inputs; k++) /* the factors: s, g, ... */
        for (size_t i = 0; i < g->in_len[k]; i++)
            g->in[k][i] = verify_normal_value(BENCH_DATA_SEED, k, i);
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
    float q;          /* STREAM scale factor */
    bench_what what;  /* BENCH_MEMCPY, BENCH_STREAM_SCALE or BENCH_COPY_LOOP */
    void (*copy)(float *y, const float *x, size_t n); /* the copy loop at the kernels' ISA */
} baseline_job;

static baseline_job baseline_job_of(const bench_group *g, bench_what what)
{
    baseline_job job = {g->out[0], g->in[0], g->total, 3.0f, what, chanmul_range_kernels_for_cpu()->copy};
    return job;
}

/* Elements [begin, end) of the baseline. */
static inline void baseline_range(const baseline_job *j, size_t begin, size_t end)
{
    if (j->what == BENCH_MEMCPY)
        memcpy(j->y + begin, j->x + begin, (end - begin) * sizeof(float));
    else if (j->what == BENCH_COPY_LOOP)
        j->copy(j->y + begin, j->x + begin, end - begin);
    else
        for (size_t i = begin; i < end; i++) /* STREAM's scale: a plain loop the compiler vectorises */
            j->y[i] = j->q * j->x[i];
}

static void baseline_share(void *arg, int index, int count)
{
    const baseline_job *j = arg;
    size_t begin, end;
    chanmul_split_range(j->total, 16, count, index, &begin, &end);
    baseline_range(j, begin, end);
}

/* One run of a baseline on `threads` threads (already cut to the useful count). */
static void baseline_run(const baseline_job *job, int threads)
{
    if (threads <= 1) { /* the plain call: nothing between the timer and memcpy */
        baseline_range(job, 0, job->total);
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
    const baseline_job job = baseline_job_of(g, BENCH_MEMCPY);
    int threads = chanmul_useful_threads(g->total, g->threads, NULL);
    long long iters = kernel_iters / 2 > batch ? kernel_iters / 2 : batch;
    baseline_run(&job, threads); /* the kernel left y in cache state of its own */
    double t0 = monotonic_seconds();
    for (long long k = 0; k < iters; k++) {
        baseline_run(&job, threads);
        gbs_do_not_optimize(g->out[0]);
    }
    double t = monotonic_seconds() - t0;
    return t > 0 ? (double)iters * (double)group_bytes(g) / t : 0;
}

/* FNV-1a over the bits of the group's outputs (all of them: scale_grad's sums too). */
static uint64_t outputs_hash(const bench_group *g)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (int k = 0; k < g->d.outputs; k++)
        for (size_t i = 0; i < g->out_len[k]; i++) {
            uint32_t bits;
            memcpy(&bits, &g->out[k][i], sizeof bits);
            h = (h ^ bits) * 0x100000001b3ull;
        }
    return h;
}

/* The prepared call is another path to the kernel (plan.c has kernels of its
 * own for small problems), so before its first timing it must give, at this
 * problem, the bits of the one-shot call that was verified here: its outputs
 * are hashed right after the one-shot call's loop (before the adjacent
 * memcpy overwrites y), poisoned (all bits set: NaN),
 * computed by the prepared call and hashed again. */
static int prepared_matches(bench_group *g, const chanmul_plan *plan, const chanmul_tensors *t, uint64_t one_shot)
{
    for (int k = 0; k < g->d.outputs; k++)
        memset(g->out[k], 0xff, g->out_len[k] * sizeof(float));
    return chanmul_plan_exec(plan, t) == 0 && outputs_hash(g) == one_shot;
}

/* The same implementation through a prepared call (chanmul_plan_*), timed
 * right after the kernel's loop as the adjacent memcpy is, for half the
 * kernel's iterations (at least one batch): counter prepared_bytes_per_second.
 * The plan is made before the clock starts: creating it is the one-off cost
 * a program pays once per problem. 0 when no plan could be made, or when its
 * output differs from the one-shot call's (said once on stderr). */
static double adjacent_prepared_bps(bench_item *item, bench_group *g, long long kernel_iters, long long batch,
                                    uint64_t one_shot_hash)
{
    const chanmul_impl *impl = item->target->impl;
    chanmul_plan *plan = NULL;
    if (item->prepared_checked < 0 || chanmul_plan_create(impl, &g->d.p, g->threads, &plan) != 0)
        return 0;
    const chanmul_tensors t = group_tensors(g);
    if (!item->prepared_checked) {
        item->prepared_checked = prepared_matches(g, plan, &t, one_shot_hash) ? 1 : -1;
        if (item->prepared_checked < 0) {
            char shape[96];
            fprintf(stderr, "chanmul: FAIL: the prepared call of %s gives other bits than its verified one-shot call "
                            "at %s %s threads=%d: its prepared time is not reported\n",
                    impl->name, shape_format(&g->d.p, shape, sizeof shape), chanmul_layout_name(g->d.p.layout),
                    g->threads);
            chanmul_plan_free(plan);
            return 0;
        }
    }
    long long iters = kernel_iters / 2 > batch ? kernel_iters / 2 : batch;
    int rc = chanmul_plan_exec(plan, &t); /* warm-up */
    double t0 = monotonic_seconds();
    for (long long k = 0; k < iters && rc == 0; k++) {
        rc = chanmul_plan_exec(plan, &t);
        gbs_do_not_optimize(g->out[0]);
    }
    double elapsed = monotonic_seconds() - t0;
    chanmul_plan_free(plan);
    return rc == 0 && elapsed > 0 ? (double)iters * (double)group_bytes(g) / elapsed : 0;
}

/* Progress over repetitions: with interleaving the benchmarks do not finish
 * one after another. Each call of a benchmark counts as one of its
 * repetitions (the first repetition's calls while Google Benchmark finds the
 * iteration count overcount a little). On a terminal one line, rewritten at
 * most once a second; into a file or pipe (a CI log) a line at most every 30
 * seconds, so that a 20-minute sweep leaves some 40 lines, not 1200. */
static void progress(bench_item *item)
{
    bench_engine *e = item->engine;
    if (item->calls++ < e->repetitions)
        e->reps_started++;
    interrupt_progress(e->reps_started, e->item_count * (size_t)e->repetitions, "benchmark repetitions");
    if (!e->cfg.progress)
        return;
    static int tty = -1;
    if (tty < 0)
        tty = isatty(STDERR_FILENO);
    double now = monotonic_seconds();
    size_t total = e->item_count * (size_t)e->repetitions;
    int last = e->reps_started >= total;
    if (last ? e->progress_done : now - e->last_progress < (tty ? 1.0 : 30.0))
        return; /* the final line once; the others throttled */
    e->progress_done = last;
    e->last_progress = now;
    double elapsed = now - e->t0, done = (double)e->reps_started / (double)total;
    double left = done > 0 ? elapsed * (1 - done) / done : 0;
    fprintf(stderr, "%s[%zu/%zu] %.0fs elapsed, about %.0fs left%s", tty ? "\r" : "", e->reps_started, total,
            elapsed, left, tty && !last ? "" : "\n");
}

/* The call a user makes, validated and dispatched: the short form
 * chanmul_run for the ops with one factor (x, s or g, y), as the channel
 * scale was always timed; chanmul_exec with the descriptor otherwise. */
static inline int timed_call(const chanmul_impl *impl, const bench_group *g, const chanmul_tensors *t)
{
    return verify_call(impl, &g->d, t, g->threads); /* (the verifier's entry point) */
}

static void run_item(gbs_state *st, void *arg)
{
    bench_item *item = arg;
    bench_engine *e = item->engine;
    bench_group *g = &e->groups[item->group];
    progress(item);
    if (item->failure) {
        gbs_skip_with_error(st, item->failure);
        return;
    }
    if (group_acquire(e, g) != 0) {
        gbs_skip_with_error(st, "out of memory for the benchmark buffers");
        return;
    }
    int rc = 0;
    uint64_t one_shot_hash = 0; /* the kernel's outputs, until its prepared call is checked */
    /* The shim's loop check costs a few ns; on tiny problems claim iterations in
     * batches so that the check stays well under 1% of the time measured. */
    long long batch = g->total < 65536 ? (long long)(65536 / g->total) : 1;
    if (batch > 256)
        batch = 256;
    switch (item->what) {
    case BENCH_MEMCPY:
    case BENCH_STREAM_SCALE:
    case BENCH_COPY_LOOP: {
        const baseline_job job = baseline_job_of(g, item->what);
        int threads = chanmul_useful_threads(g->total, g->threads, NULL);
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
        rc = timed_call(impl, g, &t); /* warm-up, untimed */
        while (rc == 0 && gbs_keep_running_batch(st, batch))
            for (long long k = 0; k < batch && rc == 0; k++) {
                rc = timed_call(impl, g, &t);
                gbs_do_not_optimize(g->out[0]);
            }
        if (rc != 0) {
            gbs_skip_with_error(st, chanmul_strerror(rc));
            return;
        }
        if (!item->prepared_checked)
            one_shot_hash = outputs_hash(g);
        break;
    }
    }
    long long iters = gbs_iterations(st);
    gbs_set_bytes_processed(st, iters * group_bytes(g));
    gbs_set_items_processed(st, iters * (long long)g->total);
    if (item->what != BENCH_MEMCPY)
        gbs_set_counter(st, "memcpy_bytes_per_second", adjacent_memcpy_bps(g, iters, batch), GBS_COUNTER_DEFAULT);
    if (item->what == BENCH_KERNEL) {
        double prepared = adjacent_prepared_bps(item, g, iters, batch, one_shot_hash);
        if (prepared > 0)
            gbs_set_counter(st, "prepared_bytes_per_second", prepared, GBS_COUNTER_DEFAULT);
    }
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

static bench_group *add_group(bench_engine *e, const chanmul_problem *p, int threads)
{
    bench_group *groups = grow(e->groups, &e->group_cap, e->group_count + 1, sizeof *groups);
    if (!groups)
        return NULL;
    e->groups = groups;
    bench_group *g = &groups[e->group_count];
    memset(g, 0, sizeof *g);
    int err = 0;
    if (chanmul_desc_init(&g->d, p) != 0)
        return NULL;
    for (int k = 0; k < g->d.inputs; k++)
        g->in_len[k] = chanmul_shape_elements(&g->d.in[k], &err);
    for (int k = 0; k < g->d.outputs; k++)
        g->out_len[k] = chanmul_shape_elements(&g->d.out[k], &err);
    g->threads = threads;
    g->total = g->out_len[0]; /* what a memcpy of the result's bytes copies */
    e->group_count++;
    return g;
}

static int add_item(bench_engine *e, bench_what what, size_t group, const verify_target *t, char *failure)
{
    bench_item *items = grow(e->items, &e->item_cap, e->item_count + 1, sizeof *items);
    if (!items)
        return -1;
    e->items = items;
    bench_item *it = &items[e->item_count];
    memset(it, 0, sizeof *it); /* (grow's realloc leaves the new item's bytes as they were) */
    it->engine = e;
    it->what = what;
    it->group = group;
    it->target = t;
    it->failure = failure;
    e->item_count++;
    return 0;
}

/* The verifier's options for one group's problem on data d (the normal data
 * of BENCH_DATA_SEED, which every benchmark times, or the full-range data of
 * a fresh seed), its reports to log. */
static verify_options group_options(const chanmul_problem *p, int threads, verify_data d, FILE *log)
{
    verify_options o;
    verify_options_init(&o);
    o.op = (int)p->op;
    o.have_shape = 1;
    o.shape = *p;
    o.layout = (int)p->layout;
    o.threads = threads;
    o.data = (int)d;
    o.have_seed = d == VERIFY_DATA_NORMAL;
    o.seed = BENCH_DATA_SEED;
    o.in_place = 0;
    o.max_reports = d == VERIFY_DATA_NORMAL ? 1 : 0; /* corners: counted by class, described by chanmul verify */
    o.out = log;
    return o;
}

/* The data each target is verified on at a timed problem: the timed data, then the IEEE corners. */
static const verify_data group_data[] = {VERIFY_DATA_NORMAL, VERIFY_DATA_RANDOM, VERIFY_DATA_SPECIAL};

int bench_engine_isolate_plugins(bench_engine *e, const chanmul_problem *p, int threads)
{
    const bench_config *cfg = &e->cfg;
    int dropped = 0;
    for (size_t t = 0; t < cfg->target_count && plugin_isolation_enabled(); t++) {
        const verify_target *target = &cfg->targets[t];
        if (!target->plugin_path || e->dropped[t] || !chanmul_impl_covers(target->impl, p->op))
            continue;
        for (size_t d = 0; d < sizeof group_data / sizeof group_data[0]; d++) {
            verify_options o = group_options(p, threads, group_data[d], stderr);
            o.max_reports = 0; /* (the failures are reported by bench_engine_plan's run) */
            isolated_result res;
            if (verify_isolated(&o, target, &res) != 0) {
                fprintf(stderr, "chanmul: cannot start a child process for plugin %s (%s); it runs in this process\n",
                        target->impl->name, strerror(errno));
                return dropped;
            }
            if (!isolated_ended(&res))
                continue;
            char shape[96], what[256], reason[2600];
            isolated_report(stderr, target, &res);
            snprintf(reason, sizeof reason, "%s at %s %s%s%s threads=%d, not timed (%s)",
                     isolated_departures(&res, what, sizeof what), shape_format(p, shape, sizeof shape),
                     chanmul_layout_name(p->layout), p->op == CHANMUL_OP_SCALE ? "" : " op=",
                     p->op == CHANMUL_OP_SCALE ? "" : chanmul_op_name(p->op), threads,
                     res.last_case[0] ? res.last_case + strspn(res.last_case, " ") : "before its first case");
            if (!(e->dropped[t] = strdup(reason)))
                return -1;
            dropped++;
            break;
        }
    }
    return dropped;
}

/* Verifies every target at the group's exact problem on the data it will be
 * timed on (the normal data of BENCH_DATA_SEED); fills failures[t] (NULL =
 * pass). Then runs each on full-range data (random, special) at the same
 * problem, a verdict on the IEEE corners that timing does not depend on,
 * adding how it departs to full_range[t]. A dropped plugin (e->dropped) is
 * not run: its failure is why it was dropped. */
static int verify_group(bench_engine *e, const chanmul_problem *p, int threads, char **failures, FILE *log)
{
    const verify_target *all = e->cfg.targets;
    size_t count = 0, *index = calloc(e->cfg.target_count ? e->cfg.target_count : 1, sizeof *index);
    verify_target *targets = calloc(e->cfg.target_count ? e->cfg.target_count : 1, sizeof *targets);
    for (size_t t = 0; index && targets && t < e->cfg.target_count; t++) {
        failures[t] = NULL;
        if (e->dropped[t]) {
            failures[t] = strdup(e->dropped[t]);
            continue;
        }
        index[count] = t;
        targets[count++] = all[t];
    }
    if (!index || !targets) {
        free(index), free(targets);
        return -1;
    }
    verify_options o = group_options(p, threads, VERIFY_DATA_NORMAL, log);
    o.targets = targets;
    o.target_count = count;
    verify_counts *per = calloc(count, sizeof *per), total;
    if (count && per && verify_run(&o, per, &total) != 0) {
        free(per), free(index), free(targets);
        return -1;
    }
    verify_counts *cper = calloc(count ? count : 1, sizeof *cper), ctotal;
    for (size_t d = 1; count && cper && d < sizeof group_data / sizeof group_data[0]; d++) {
        verify_options corners = group_options(p, threads, group_data[d], log);
        corners.targets = targets;
        corners.target_count = count;
        if (verify_run(&corners, cper, &ctotal) != 0)
            break;
        for (size_t t = 0; t < count; t++) {
            verify_counts *acc = &e->full_range[index[t]];
            acc->passed += cper[t].passed;
            acc->failed += cper[t].failed;
            acc->skipped += cper[t].skipped;
            for (int c = 0; c < DEPARTURE_COUNT; c++)
                acc->departures.cases[c] += cper[t].departures.cases[c];
            acc->departures.nan_into |= cper[t].departures.nan_into;
        }
    }
    free(cper);
    for (size_t t = 0; t < count && per; t++) {
        if (per[t].failed) {
            char shape[96], msg[256];
            snprintf(msg, sizeof msg, "verification failed at %s %s%s%s threads=%d (see chanmul verify)",
                     shape_format(p, shape, sizeof shape), chanmul_layout_name(p->layout),
                     p->op == CHANMUL_OP_SCALE ? "" : " op=", p->op == CHANMUL_OP_SCALE ? "" : chanmul_op_name(p->op),
                     threads);
            failures[index[t]] = strdup(msg);
        }
    }
    int ok = per != NULL;
    free(per), free(index), free(targets);
    return ok ? 0 : -1;
}

/* 1 when an earlier group has group gi's layout, shape and thread count. */
static int baselines_planned(const bench_engine *e, size_t gi)
{
    const bench_group *g = &e->groups[gi];
    for (size_t k = 0; k < gi; k++) {
        /* by the problem string the baselines are named with (bcast's two
         * shapes, not the fold that other problems share) */
        const chanmul_problem *a = &e->groups[k].d.p, *b = &g->d.p;
        char sa[400], sb[400];
        if (e->groups[k].threads == g->threads && a->layout == b->layout &&
            strcmp(shape_format(a, sa, sizeof sa), shape_format(b, sb, sizeof sb)) == 0)
            return 1;
    }
    return 0;
}

/* Plans one group: verifies, then queues baselines and kernels. */
int bench_engine_plan(bench_engine *e, const chanmul_problem *p, int threads)
{
    const bench_config *cfg = &e->cfg;
    char **failures = calloc(cfg->target_count ? cfg->target_count : 1, sizeof *failures);
    if (!failures || verify_group(e, p, threads, failures, stderr) != 0) {
        free(failures);
        return -1;
    }
    if (!add_group(e, p, threads)) {
        free(failures);
        return -1;
    }
    size_t gi = e->group_count - 1;
    /* The baselines copy x to y: one pair per layout, shape and thread count,
     * whichever ops are timed there (their names have no op of their own). */
    int rc = 0;
    if (!baselines_planned(e, gi))
        rc = add_item(e, BENCH_MEMCPY, gi, NULL, NULL) | add_item(e, BENCH_STREAM_SCALE, gi, NULL, NULL) |
             add_item(e, BENCH_COPY_LOOP, gi, NULL, NULL);
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
        if (failures[t] && !e->verify_status[t])
            e->verify_status[t] = strdup(failures[t]);
        rc = add_item(e, BENCH_KERNEL, gi, target, failures[t]);
    }
    free(failures);
    return rc;
}

static void register_items(bench_engine *e)
{
    for (size_t i = 0; i < e->item_count; i++) {
        bench_item *it = &e->items[i];
        const bench_group *g = &e->groups[it->group];
        char name[256], shape[96];
        const char *op = it->what == BENCH_MEMCPY ? "memcpy"
                         : it->what == BENCH_STREAM_SCALE ? "stream_scale"
                         : it->what == BENCH_COPY_LOOP    ? "copy_loop"
                                                          : chanmul_op_name(g->d.p.op);
        const char *impl = it->what == BENCH_KERNEL ? it->target->impl->name : "baseline";
        results_format_name(name, sizeof name, op, chanmul_layout_name(g->d.p.layout), impl,
                            shape_format(&g->d.p, shape, sizeof shape), g->threads);
        /* Repetitions and minimum time come in as --benchmark_* flags (see
         * run_session) so that names stay <...>/threads:<T>/real_time. */
        gbs_use_real_time(gbs_register(name, run_item, it));
    }
}

static void add_verify_context(const bench_engine *e)
{
    const bench_config *cfg = &e->cfg;
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
            gbs_add_context(key, e->verify_status[t] ? e->verify_status[t] : "pass");
        }
        const verify_counts *fr = &e->full_range[t];
        if (fr->passed + fr->failed > 0) {
            char text[512];
            snprintf(key, sizeof key, "departures:%s", impl->name);
            gbs_add_context(key, fr->failed ? departures_describe(&fr->departures, text, sizeof text)
                                            : "none");
        }
    }
}

int bench_engine_run(bench_engine *e, int gb_argc, char **gb_argv, const char *json_path, int argc,
                     char **argv)
{
    const bench_config *cfg = &e->cfg;
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
    interrupt_remove_on_signal(raw);
    char out_flag[600], reps_flag[64], time_flag[64];
    snprintf(out_flag, sizeof out_flag, "--benchmark_out=%s", raw);
    snprintf(reps_flag, sizeof reps_flag, "--benchmark_repetitions=%d", cfg->repetitions);
    snprintf(time_flag, sizeof time_flag, "--benchmark_min_time=%g", cfg->min_time > 0 ? cfg->min_time : BENCH_DEFAULT_MIN_TIME);
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
    add_verify_context(e);
    register_items(e);
    e->t0 = monotonic_seconds();
    e->repetitions = cfg->repetitions;
    gbs_run_specified();
    release_all_groups(e);
    gbs_shutdown();
    free(args);
    int rc = results_finish(raw, json_path ? json_path : raw, stdout);
    remove(raw); /* (when json_path is NULL the summary table was all that was asked for) */
    if (rc == 0 && json_path) {
        interrupt_output_written();
        fprintf(stdout, "results: %s\n", json_path);
    }
    /* a results file that could not be read back or written (the message named
     * it; an earlier file at json_path is left whole): not a verdict */
    return rc == 0 ? 0 : EXIT_USAGE;
}

bench_engine *bench_engine_new(const bench_config *cfg)
{
    bench_engine *e = calloc(1, sizeof *e);
    if (!e)
        return NULL;
    e->cfg = *cfg;
    e->verify_status = calloc(cfg->target_count ? cfg->target_count : 1, sizeof *e->verify_status);
    e->full_range = calloc(cfg->target_count ? cfg->target_count : 1, sizeof *e->full_range);
    e->dropped = calloc(cfg->target_count ? cfg->target_count : 1, sizeof *e->dropped);
    if (!e->verify_status || !e->full_range || !e->dropped) {
        free(e->verify_status);
        free(e->full_range);
        free(e->dropped);
        free(e);
        return NULL;
    }
    return e;
}

size_t bench_engine_benchmarks(const bench_engine *e)
{
    return e->item_count;
}

void bench_engine_free(bench_engine *e)
{
    if (!e)
        return;
    release_all_groups(e);
    for (size_t i = 0; i < e->item_count; i++)
        free(e->items[i].failure);
    for (size_t t = 0; t < e->cfg.target_count; t++) {
        free(e->verify_status[t]);
        free(e->dropped[t]);
    }
    free(e->verify_status);
    free(e->dropped);
    free(e->full_range);
    free(e->items);
    free(e->groups);
    free(e);
}
