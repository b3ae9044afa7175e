/* The tuner (tuner.h): stream's tunables first, then every grid point. */
#include "tuner.h"

#include "chanmul_internal.h"
#include "clock.h"
#include "interrupt.h"
#include "verify.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- one timed problem -------------------------------------------------------------- */

/* A candidate: an implementation, or stream under given tunables. */
typedef struct candidate {
    const chanmul_impl *impl;
    const chanmul_tunables *tun; /* non-NULL: stream run with these */
    double ns[32];               /* per round */
} candidate;

#define MAX_ROUNDS 32

typedef struct bench_buffers {
    chanmul_desc d;
    chanmul_tensors t;
    float *block; /* every operand, each on pages of its own */
} bench_buffers;

/* Every operand of the op (inputs, then outputs), each 4 KiB-aligned with a
 * page between neighbours (no 4K aliasing between x and y). Inputs of x's
 * shape hold values about 1, the smaller ones about 0.5 to 1.5: no
 * denormals, overflow or NaN, whatever the op computes. Every operand, not
 * only x, a factor and y: the ops with more (affine's b, scale_grad's dy, ds,
 * db) would otherwise be refused (CHANMUL_ENULL) on every call and all time
 * alike. */
static int buffers_init(bench_buffers *b, const chanmul_problem *p)
{
    int err = chanmul_desc_init(&b->d, p);
    if (err)
        return err;
    int operands = b->d.inputs + b->d.outputs;
    size_t count[CHANMUL_MAX_INPUTS + CHANMUL_MAX_OUTPUTS], offset[CHANMUL_MAX_INPUTS + CHANMUL_MAX_OUTPUTS];
    size_t bytes = 0;
    for (int k = 0; k < operands; k++) {
        const chanmul_shape *shape = k < b->d.inputs ? &b->d.in[k] : &b->d.out[k - b->d.inputs];
        count[k] = chanmul_shape_elements(shape, &err);
        if (err)
            return err;
        offset[k] = bytes;
        bytes += (count[k] * sizeof(float) + 4095) / 4096 * 4096 + 4096;
    }
    b->block = aligned_alloc(4096, bytes ? bytes : 4096);
    if (!b->block)
        return CHANMUL_ENOMEM;
    memset(&b->t, 0, sizeof b->t);
    size_t data = count[0];
    for (int k = 0; k < operands; k++) {
        float *v = (float *)((char *)b->block + offset[k]);
        for (size_t i = 0; i < count[k]; i++)
            v[i] = k >= b->d.inputs ? 0.0f
                   : count[k] == data ? 1.0f + (float)(i % 251) * 0.0039f
                                      : 0.5f + (float)(i % 127) * 0.0078f;
        if (k < b->d.inputs)
            b->t.in[k] = v;
        else
            b->t.out[k - b->d.inputs] = v;
    }
    return 0;
}

static int call(const candidate *c, const bench_buffers *b, int threads)
{
    if (c->tun) {
        int err = chanmul_check_desc(&b->d, &b->t, threads);
        return err ? err : chanmul_stream_tuned(&b->d, &b->t, threads, c->tun);
    }
    return chanmul_exec(c->impl, &b->d, &b->t, threads);
}

/* Calls per batch so that a batch lasts at least `seconds`. */
static long calibrate(const candidate *c, const bench_buffers *b, int threads, double seconds)
{
    long k = 1;
    for (;;) {
        double t0 = monotonic_seconds();
        for (long i = 0; i < k; i++)
            call(c, b, threads);
        double dt = monotonic_seconds() - t0;
        if (dt >= seconds || k >= (1L << 26))
            return k;
        long next = dt > 0 ? (long)(k * seconds / dt * 1.2) + 1 : k * 10;
        k = next > k * 10 ? k * 10 : next;
    }
}

static unsigned long long next_random(unsigned long long *state)
{
    *state += 0x9E3779B97F4A7C15ull;
    unsigned long long z = *state;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/*
 * Times every candidate `rounds` times, each round in a shuffled order. Each
 * timed batch follows untimed calls of the same candidate for `settle`
 * seconds: the candidate timed before it may have left threads of its own
 * runtime spinning (libgomp's idle workers spin for milliseconds before they
 * sleep, and this machine has two cores), or this candidate's own workers
 * asleep. Measured without it on the Zen 5 machine: stream's median at two
 * threads came out up to 2.4x slower than in a run of its own. What a caller
 * repeating one problem sees is the settled state, so that is what is timed.
 */
static int time_candidates(candidate *c, int count, const chanmul_problem *p, int threads, int rounds,
                           double seconds, double settle, unsigned long long *rng)
{
    bench_buffers b;
    int err = buffers_init(&b, p);
    if (err)
        return err;
    long calls[CHANMUL_SELECTION_MAX_CANDIDATES];
    for (int i = 0; i < count; i++) {
        /* warm-up, excluded (STREAM's rule); a call that fails would be
         * timed as a fast one: the tuner stops instead */
        if ((err = call(&c[i], &b, threads)) != 0) {
            free(b.block);
            return err;
        }
        calls[i] = calibrate(&c[i], &b, threads, seconds);
    }
    int order[CHANMUL_SELECTION_MAX_CANDIDATES];
    for (int r = 0; r < rounds; r++) {
        for (int i = 0; i < count; i++)
            order[i] = i;
        for (int i = count - 1; i > 0; i--) {
            int j = (int)(next_random(rng) % (unsigned long long)(i + 1));
            int tmp = order[i];
            order[i] = order[j];
            order[j] = tmp;
        }
        for (int i = 0; i < count; i++) {
            candidate *cc = &c[order[i]];
            long k = calls[order[i]];
            long settle_calls = (long)((double)k * settle / seconds) + 1;
            for (long j = 0; j < settle_calls; j++)
                call(cc, &b, threads);
            double t0 = monotonic_seconds();
            for (long j = 0; j < k; j++)
                call(cc, &b, threads);
            cc->ns[r] = (monotonic_seconds() - t0) * 1e9 / (double)k;
        }
    }
    free(b.block);
    return 0;
}

/* ---- statistics --------------------------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median_of(const double *v, int n)
{
    double s[MAX_ROUNDS];
    memcpy(s, v, (size_t)n * sizeof *s);
    qsort(s, (size_t)n, sizeof *s, cmp_double);
    return n % 2 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
}

/* The paired margin of b over a: median over rounds of b/a - 1, and a
 * distribution-free interval for it (order statistics of the ratios at the
 * ranks whose binomial(n, 1/2) tails hold at most 5% each: about 90%). */
static void paired_margin(const candidate *a, const candidate *b, int n, double *margin, double *lo,
                          double *hi)
{
    double r[MAX_ROUNDS];
    for (int i = 0; i < n; i++)
        r[i] = b->ns[i] / a->ns[i] - 1.0;
    qsort(r, (size_t)n, sizeof *r, cmp_double);
    *margin = n % 2 ? r[n / 2] : 0.5 * (r[n / 2 - 1] + r[n / 2]);
    /* largest l with P(Binomial(n, 1/2) < l) <= 0.05 (at least 1: the extremes) */
    int l = 1;
    for (int k = 2; k <= n / 2; k++) {
        double tail = 0, coef = 1;
        for (int j = 0; j < k; j++) {
            tail += coef;
            coef = coef * (n - j) / (j + 1);
        }
        if (tail / pow(2.0, n) > 0.05)
            break;
        l = k;
    }
    *lo = r[l - 1];
    *hi = r[n - l];
}

/* ---- stream's tunables ---------------------------------------------------------------- */

/* Ladder rungs for one threshold. */
#define LADDER_MAX 16
/* The threshold rungs get more rounds than a grid point: one noisy rung
 * should not move a parameter every problem uses. */
#define LADDER_ROUND_FACTOR 2

/*
 * Where on a ladder of sizes to switch from variant A (below) to variant B
 * (from the threshold up), given ratio[k] = B's time / A's time at rung k
 * (median of paired rounds): the rung whose switch costs least in all, the
 * cost at each rung being the chosen variant's time over the faster one's.
 * Returns the rung, or `rungs` when B should never be used. A single noisy
 * rung moves the answer by at most one rung, unlike a "first win" rule.
 */
static double switch_cost(const double *ratio, int rungs, int k)
{
    double cost = 0;
    for (int j = 0; j < rungs; j++) {
        double fastest = ratio[j] < 1 ? ratio[j] : 1;
        cost += (j >= k ? ratio[j] : 1) / fastest;
    }
    return cost;
}

static int best_switch(const double *ratio, int rungs)
{
    int best = rungs;
    double best_cost = INFINITY;
    for (int k = 0; k <= rungs; k++) {
        double cost = switch_cost(ratio, rungs, k);
        if (cost < best_cost - 1e-9) {
            best_cost = cost;
            best = k;
        }
    }
    return best;
}

/*
 * The measured switch replaces the built-in default (at rung default_k) only
 * when it saves more than TUNE_KEEP_DEFAULT per rung on average: on this
 * project's 2-vCPU machines the ratios around the default flip between runs
 * minutes apart (a second thread at 16k-64k elements: 0.68-0.96 in one run,
 * 1.05-1.18 in another), and a threshold that follows one run's noise costs
 * every problem in between. 1: keep the default.
 */
#define TUNE_KEEP_DEFAULT 0.03
static int keep_default(const double *ratio, int rungs, int best_k, int default_k)
{
    return switch_cost(ratio, rungs, default_k) - switch_cost(ratio, rungs, best_k) <=
           TUNE_KEEP_DEFAULT * rungs;
}

/* The first rung at or above v (rungs when none is). */
static int rung_of(const size_t *elements, int rungs, size_t v)
{
    int k = 0;
    while (k < rungs && elements[k] < v)
        k++;
    return k;
}

/* One rung: stream under tun_b against tun_a at `elements` elements (scale,
 * NHWC, C = 64), the median of paired rounds of B's time over A's. */
static int rung_ratio(const tune_options *o, int threads, const chanmul_tunables *tun_a,
                      const chanmul_tunables *tun_b, size_t elements, unsigned long long *rng,
                      double *ratio)
{
    const chanmul_impl *stream = chanmul_impl_find("stream");
    int rounds = o->profile->rounds * LADDER_ROUND_FACTOR;
    if (rounds > MAX_ROUNDS)
        rounds = MAX_ROUNDS;
    chanmul_problem p = {CHANMUL_OP_SCALE, CHANMUL_NHWC, elements / 64, 1, 1, 64};
    candidate c[2] = {{stream, tun_b, {0}}, {stream, tun_a, {0}}};
    int err = time_candidates(c, 2, &p, threads, rounds, o->profile->batch_seconds,
                              o->profile->settle_seconds, rng);
    if (err)
        return err;
    double m, lo, hi;
    paired_margin(&c[1], &c[0], rounds, &m, &lo, &hi);
    *ratio = 1.0 + m;
    return 0;
}

/* A rung more than twice as far from 1 as both its neighbours (or its one
 * neighbour at an end), in either direction: on a 2-vCPU VM a rung's few
 * milliseconds can fall on a spell where the host takes one vCPU away (one
 * quick tune measured a second thread 36x slower at 128k elements between
 * rungs of 0.68 and 0.74), and the switch rule would follow that one rung. */
#define LADDER_SPIKE 2.0
static int is_spike(const double *ratio, int rungs, int k)
{
    double r = ratio[k], lo = INFINITY, hi = 0;
    for (int j = k - 1; j <= k + 1; j += 2)
        if (j >= 0 && j < rungs) {
            lo = fmin(lo, ratio[j]);
            hi = fmax(hi, ratio[j]);
        }
    return rungs > 1 && (r > LADDER_SPIKE * hi || r * LADDER_SPIKE < lo);
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Times stream under tun_b against tun_a at each rung (scale, NHWC, C = 64,
 * `elements[k]` elements), into ratio[k] and the evidence line. A spike
 * (is_spike) is measured twice more and the median of the three kept; the
 * evidence shows each remeasured rung as "median (of a, b, c)". */
static int ladder(const tune_options *o, int threads, const chanmul_tunables *tun_a,
                  const chanmul_tunables *tun_b, const size_t *elements, int rungs, double *ratio,
                  unsigned long long *rng, char *evidence, size_t len, int used, int mib)
{
    for (int k = 0; k < rungs; k++) {
        int err = rung_ratio(o, threads, tun_a, tun_b, elements[k], rng, &ratio[k]);
        if (err)
            return err;
    }
    double again[LADDER_MAX][3];
    int remeasured[LADDER_MAX] = {0};
    for (int k = 0; k < rungs; k++) {
        if (!is_spike(ratio, rungs, k))
            continue;
        again[k][0] = ratio[k];
        for (int t = 1; t < 3; t++) {
            int err = rung_ratio(o, threads, tun_a, tun_b, elements[k], rng, &again[k][t]);
            if (err)
                return err;
        }
        double sorted[3] = {again[k][0], again[k][1], again[k][2]};
        qsort(sorted, 3, sizeof sorted[0], compare_doubles);
        ratio[k] = sorted[1];
        remeasured[k] = 1;
    }
    for (int k = 0; k < rungs && used > 0 && (size_t)used < len; k++) {
        if (mib)
            used += snprintf(evidence + used, len - (size_t)used, " %zu MiB: %.2f",
                             elements[k] * sizeof(float) >> 20, ratio[k]);
        else
            used += snprintf(evidence + used, len - (size_t)used, " %zu: %.2f", elements[k], ratio[k]);
        if (remeasured[k] && used > 0 && (size_t)used < len)
            used += snprintf(evidence + used, len - (size_t)used, " (of %.2f, %.2f, %.2f)", again[k][0],
                             again[k][1], again[k][2]);
    }
    return 0;
}

/*
 * The thread threshold: stream on the channel scale (NHWC, C = 64) from 2k to
 * 256k elements, with every thread against one; the second thread is used
 * from the rung best_switch finds.
 */
static int tune_thread_threshold(const tune_options *o, int threads, chanmul_selection *sel,
                                 unsigned long long *rng, char *evidence, size_t len)
{
    static const chanmul_tunables split = {1, 0};
    static const chanmul_tunables single = {(size_t)1 << 40, 0};
    size_t elements[LADDER_MAX];
    double ratio[LADDER_MAX];
    int rungs = 0;
    for (size_t total = 2048; total <= ((size_t)1 << 18) && rungs < LADDER_MAX; total *= 2)
        elements[rungs++] = total;
    int used = snprintf(evidence, len, "second thread (stream, scale nhwc C=64, %d threads over 1, "
                        "median time ratio):", threads);
    int err = ladder(o, threads, &single, &split, elements, rungs, ratio, rng, evidence, len, used, 0);
    if (err)
        return err;
    int k = best_switch(ratio, rungs);
    if (keep_default(ratio, rungs, k, rung_of(elements, rungs, chanmul_default_min_elements_per_thread()))) {
        sel->tunables.min_elements_per_thread = 0; /* the default stands */
        if (used > 0 && (size_t)used < len)
            snprintf(evidence + strlen(evidence), len - strlen(evidence),
                     " (the default, %zu, kept: within noise of the best switch)",
                     chanmul_default_min_elements_per_thread());
    } else {
        sel->tunables.min_elements_per_thread = k < rungs ? elements[k] : (size_t)1 << 40;
    }
    if (o->log)
        fprintf(o->log, "tune: %s -> a second thread from %zu elements (0: the default)\n", evidence,
                sel->tunables.min_elements_per_thread);
    return 0;
}

/*
 * The streaming-store threshold: stream with streaming stores forced on
 * against off, at outputs from a quarter of the LLC to four times it; they
 * are used past the geometric middle between the rung best_switch finds and
 * the one below it.
 */
static int tune_nontemporal(const tune_options *o, int threads, chanmul_selection *sel,
                            unsigned long long *rng, char *evidence, size_t len)
{
    static const chanmul_tunables always = {0, 1};
    static const chanmul_tunables never = {0, (size_t)1 << 62};
    size_t llc = chanmul_llc_usable_bytes(), elements[LADDER_MAX];
    double ratio[LADDER_MAX];
    int rungs = 0;
    for (size_t bytes = llc / 4; bytes <= llc * 4 && rungs < LADDER_MAX; bytes *= 2)
        elements[rungs++] = bytes / sizeof(float);
    int used = snprintf(evidence, len, "streaming stores (stream, scale nhwc C=64, %d threads, on over "
                        "off):", threads);
    int err = ladder(o, threads, &never, &always, elements, rungs, ratio, rng, evidence, len, used, 1);
    if (err)
        return err;
    int k = best_switch(ratio, rungs);
    size_t at = k < rungs ? elements[k] * sizeof(float) : 0;
    /* the default (chanmul_want_nontemporal): from half the LLC of output on,
     * where x and y together fill it */
    int default_k = rung_of(elements, rungs, llc / 2 / sizeof(float));
    sel->tunables.nontemporal_min_bytes =
        keep_default(ratio, rungs, k, default_k) ? 0
        : k == rungs                              ? (size_t)1 << 62
        : k == 0                                  ? at / 2
                                                  : (size_t)sqrt((double)at * (double)(elements[k - 1] * sizeof(float)));
    if (o->log)
        fprintf(o->log, "tune: %s -> streaming stores past %zu bytes (0: the default)\n", evidence,
                sel->tunables.nontemporal_min_bytes);
    return 0;
}

/* ---- the grid ------------------------------------------------------------------------- */

typedef struct grid_point {
    chanmul_problem p;
    int threads;
} grid_point;

static size_t grid_points(const tune_options *o, int max_threads, grid_point *out)
{
    const tune_profile *prof = o->profile;
    size_t n = 0;
    int thread_counts[2] = {1, max_threads};
    for (int op = 0; op < CHANMUL_OP_COUNT; op++) {
        if (o->op >= 0 && op != o->op)
            continue;
        /* bcast's problems are pairs of shapes, not points of this grid: auto
         * runs stream for them by its heuristic (not tuned yet) */
        if (chanmul_op_info_of((chanmul_op)op)->broadcast)
            continue;
        int coarse = op == CHANMUL_OP_MUL || op == CHANMUL_OP_AFFINE || op == CHANMUL_OP_SCALE_GRAD;
        const size_t *channels = coarse ? prof->form_channels : prof->channels;
        size_t channel_count = coarse ? prof->form_channel_count : prof->channel_count;
        for (int layout = 0; layout < 2; layout++)
            for (int ti = 0; ti < (max_threads > 1 ? 2 : 1); ti++)
                for (size_t bi = 0; bi < prof->batch_count; bi++)
                    for (size_t si = 0; si < prof->spatial_count; si++)
                        for (size_t ci = 0; ci < channel_count; ci++) {
                            chanmul_problem p = {(chanmul_op)op, (chanmul_layout)layout, prof->batches[bi],
                                                 prof->spatials[si], prof->spatials[si], channels[ci]};
                            if (p.n * p.h * p.w * p.c > prof->max_elements)
                                continue;
                            if (out)
                                out[n] = (grid_point){p, thread_counts[ti]};
                            n++;
                        }
    }
    return n;
}

/* Passes the verifier at the point on every data set (bit-exact, as for
 * bench): `auto` must pass the whole verifier, so a candidate that departs on
 * any data (xnnpack flushes denormals) is never selected. The failure reports
 * go to sink: the tuner only needs the verdict. */
static int passes_verifier(const chanmul_impl *impl, const grid_point *g, FILE *sink)
{
    verify_target t = {impl, NULL};
    for (int data = 0; data < verify_data_modes_of(g->p.op); data++) {
        verify_case vc = {g->p, g->threads, 0, 0, 0, 0, (verify_data)data, 20261202ull + (unsigned)data};
        if (verify_case_run(&t, &vc, sink) != 1)
            return 0;
    }
    return 1;
}

/* A win inside the noise: the paired interval reaches 0, and the median
 * margin is below TUNE_TIE_MARGIN. Both, because under a noisy spell the
 * interval of a few rounds can reach 0 even for a kernel half as fast, and
 * the simpler kernel must not then take the region. */
#define TUNE_TIE_MARGIN 0.03
static int is_tie(double margin, double margin_low)
{
    return margin_low <= 0 && margin < TUNE_TIE_MARGIN;
}

static int tune_point(const tune_options *o, const grid_point *g, const chanmul_selection *sel,
                      chanmul_selection_entry *e, unsigned long long *rng, FILE *sink)
{
    candidate c[CHANMUL_SELECTION_MAX_CANDIDATES];
    int count = 0;
    const chanmul_impl *stream = chanmul_impl_find("stream");
    for (size_t i = 0; i < chanmul_impl_count() && count < CHANMUL_SELECTION_MAX_CANDIDATES; i++) {
        const chanmul_impl *impl = chanmul_impl_at(i);
        if (!chanmul_selectable(impl, g->p.op) ||
            !passes_verifier(impl, g, sink))
            continue;
        c[count++] = (candidate){impl, impl == stream ? &sel->tunables : NULL, {0}};
    }
    memset(e, 0, sizeof *e);
    e->p = g->p;
    e->threads = g->threads;
    if (count == 0)
        return 1; /* nothing passed: no entry (auto falls back to the heuristic there) */
    int err = time_candidates(c, count, &g->p, g->threads, o->profile->rounds, o->profile->batch_seconds,
                              o->profile->settle_seconds, rng);
    if (err)
        return err;
    int n = o->profile->rounds, fastest = 0;
    double med[CHANMUL_SELECTION_MAX_CANDIDATES];
    for (int i = 0; i < count; i++) {
        med[i] = median_of(c[i].ns, n);
        if (med[i] < med[fastest])
            fastest = i;
        e->candidate[i] = c[i].impl;
        e->candidate_ns[i] = med[i];
    }
    e->candidates = count;
    /* a win inside the noise is a tie, and a tie goes to the simpler kernel:
     * the first in registry order (chanmul's own from the plainest up, then
     * the peers) among those not clearly slower than the fastest */
    int chosen = fastest;
    for (int i = 0; i < count; i++) {
        double m, lo, hi;
        if (i == fastest)
            continue;
        paired_margin(&c[fastest], &c[i], n, &m, &lo, &hi);
        if (is_tie(m, lo) && i < chosen)
            chosen = i;
    }
    int runner = -1;
    for (int i = 0; i < count; i++)
        if (i != chosen && (runner < 0 || med[i] < med[runner]))
            runner = i;
    e->winner = c[chosen].impl;
    e->winner_ns = med[chosen];
    e->uses_tunables = c[chosen].tun != NULL;
    if (runner >= 0) {
        e->runner_up = c[runner].impl;
        e->runner_up_ns = med[runner];
        paired_margin(&c[chosen], &c[runner], n, &e->margin, &e->margin_low, &e->margin_high);
        e->tie = chosen != fastest || is_tie(e->margin, e->margin_low);
    }
    return 0;
}

int tune_run(const tune_options *o, chanmul_selection *sel)
{
    memset(sel, 0, sizeof *sel);
    chanmul_cpu_signature_get(&sel->cpu);
    sel->build = *chanmul_build_identity_get();
    snprintf(sel->command, sizeof sel->command, "%s", o->command ? o->command : "chanmul tune");
    unsigned long long rng = 20261202ull;
    int threads = chanmul_default_threads();
    int err = 0;
    double t_start = monotonic_seconds();
    if (chanmul_impl_available(chanmul_impl_find("stream"), NULL)) {
        char ev1[256] = "", ev2[256] = "";
        if (o->progress)
            fprintf(stderr, "tune: stream's thread and streaming-store thresholds...\n");
        if (threads > 1)
            err = tune_thread_threshold(o, threads, sel, &rng, ev1, sizeof ev1);
        if (!err)
            err = tune_nontemporal(o, threads, sel, &rng, ev2, sizeof ev2);
        if (err)
            return err;
        snprintf(sel->tunables_evidence, sizeof sel->tunables_evidence, "%s; %s", ev1, ev2);
    }
    size_t total = grid_points(o, threads, NULL);
    grid_point *grid = calloc(total ? total : 1, sizeof *grid);
    sel->entries = calloc(total ? total : 1, sizeof *sel->entries);
    if (!grid || !sel->entries) {
        free(grid);
        return CHANMUL_ENOMEM;
    }
    grid_points(o, threads, grid);
    /* the time left, from the work done: each point weighted by its size */
    double work_total = 0, work_done = 0;
    for (size_t i = 0; i < total; i++)
        work_total += 1.0 + (double)(grid[i].p.n * grid[i].p.h * grid[i].p.w * grid[i].p.c) / 65536.0;
    double t_grid = monotonic_seconds();
    FILE *sink = fopen("/dev/null", "w");
    if (!sink) {
        free(grid);
        chanmul_selection_free(sel);
        return CHANMUL_ENOMEM;
    }
    for (size_t i = 0; i < total && !err; i++) {
        chanmul_selection_entry *e = &sel->entries[sel->count];
        int rc = tune_point(o, &grid[i], sel, e, &rng, sink);
        if (rc < 0)
            err = rc;
        else if (rc == 0)
            sel->count++;
        work_done += 1.0 + (double)(grid[i].p.n * grid[i].p.h * grid[i].p.w * grid[i].p.c) / 65536.0;
        interrupt_progress(i + 1, total, "grid points");
        const grid_point *g = &grid[i];
        if (o->log && rc == 0)
            fprintf(o->log, "tune: %s %s %zux%zux%zux%zu threads %d: %s (%s %+.1f%% [%+.1f%%, %+.1f%%]%s)\n",
                    chanmul_op_name(g->p.op), chanmul_layout_name(g->p.layout), g->p.n, g->p.h, g->p.w,
                    g->p.c, g->threads, e->winner->name, e->runner_up ? e->runner_up->name : "-",
                    100 * e->margin, 100 * e->margin_low, 100 * e->margin_high, e->tie ? ", tie" : "");
        if (o->progress && (isatty(fileno(stderr)) || (i + 1) % 16 == 0 || i + 1 == total)) {
            double elapsed = monotonic_seconds() - t_grid;
            int tty = isatty(fileno(stderr));
            fprintf(stderr, "%stune: %zu/%zu points, %.0f s, about %.0f s left%s", tty ? "\r" : "", i + 1,
                    total, monotonic_seconds() - t_start, elapsed / work_done * (work_total - work_done),
                    tty && i + 1 < total ? "   " : "\n");
        }
    }
    fclose(sink);
    free(grid);
    if (err)
        chanmul_selection_free(sel);
    return err;
}
