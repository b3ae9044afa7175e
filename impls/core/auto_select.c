/*
 * `auto`: the implementation chosen per problem. The choice, in order:
 *  1. CHANMUL_IMPL=NAME forces an implementation (when it covers the op);
 *  2. the selection file (CHANMUL_TUNING, else the default path) when it was
 *     made on this CPU by this build: the entry of the problem's region;
 *  3. the heuristic, from the ISA and the caches alone.
 * The file is read once per process; the decision is made once per problem
 * shape and thread count (a per-thread cache of the last one), never per
 * element. CHANMUL_VERBOSE=1 logs the file's state once and each decision.
 */
#include "chanmul_internal.h"
#include "grad_sums.h"
#include "json_fields.h"
#include "selection.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- what auto may pick ------------------------------------------------------------- */

int chanmul_selectable(const chanmul_impl *impl, chanmul_op op)
{
    /* auto declares what its registry row says (a product, then a sum): it may
     * run only what rounds the same way, or its results would change with the pick */
    const chanmul_impl *self = chanmul_impl_find("auto");
    /* sums: only chanmul's own kernels, which share one fixed order, or the
     * sums would change their last bits with the pick (and so with the threads) */
    int sums = chanmul_op_info_of(op)->rounding == CHANMUL_ROUND_REPRODUCIBLE_SUM;
    return impl && (impl->kind == CHANMUL_KIND_CHANMUL || (impl->kind == CHANMUL_KIND_PEER && !sums)) &&
           impl->kernels[op] && chanmul_impl_fuses(impl, op) == chanmul_impl_fuses(self, op) &&
           chanmul_impl_available(impl, NULL);
}

/* ---- the heuristic ------------------------------------------------------------------ */

/*
 * stream is the roofline kernel: it reaches memcpy's speed wherever the
 * problem is large enough to stream, and below that it stays on one thread.
 * Its two parameters come from the caches (its defaults): a second thread
 * from an L1d's worth of floats, streaming stores once the output cannot
 * stay in the last-level cache.
 *
 * One exception, measured (chanmul tune, quick grid, on the Zen 5 and Zen 3
 * machines): the spatial gate where stream's walk is short. In NHWC each
 * factor covers a run of C elements, and below 16 channels every run costs
 * a masked step: stream and simd were 2.4-3.8x slower than Eigen's column
 * broadcast at C = 8. In NCHW each sample walks its own pattern of H*W
 * factors, whose set-up dominates samples under 1024 elements (2x slower at
 * 8 channels of 7x7). There, a per-sample loop is faster: eigen when it was
 * built, else map.
 */
#define HEURISTIC_GATE_NHWC_MIN_C 16
#define HEURISTIC_GATE_NCHW_MIN_SAMPLE 1024

static const chanmul_impl *first_selectable(const char *a, const char *b, chanmul_op op)
{
    const chanmul_impl *impl = chanmul_impl_find(a);
    return chanmul_selectable(impl, op) ? impl : chanmul_impl_find(b);
}

void chanmul_heuristic_choose(const chanmul_problem *p, int threads, const chanmul_cpu_signature *cpu,
                              const chanmul_impl **impl, chanmul_tunables *tun, char *why, size_t len)
{
    (void)threads;
    memset(tun, 0, sizeof *tun); /* stream's defaults, which are the cache-derived ones */
    int short_gate = p->op == CHANMUL_OP_GATE &&
                     (p->layout == CHANMUL_NHWC ? p->c < HEURISTIC_GATE_NHWC_MIN_C
                                                : p->c * p->h * p->w < HEURISTIC_GATE_NCHW_MIN_SAMPLE);
    if (short_gate) {
        *impl = first_selectable("eigen", "map", p->op);
        snprintf(why, len, "heuristic (%s): %s, a per-sample loop for a gate whose factor walk is short "
                 "(NHWC under %d channels, NCHW samples under %d elements)",
                 cpu->isa, (*impl)->name, HEURISTIC_GATE_NHWC_MIN_C, HEURISTIC_GATE_NCHW_MIN_SAMPLE);
        return;
    }
    *impl = chanmul_impl_find("stream");
    if (chanmul_op_info_of(p->op)->rounding == CHANMUL_ROUND_REPRODUCIBLE_SUM) {
        snprintf(why, len, "heuristic (%s): stream, the sums in their fixed order, one more thread per "
                 "%d elements, no streaming stores", cpu->isa, CHANMUL_GRAD_MIN_ELEMENTS_PER_THREAD);
        return;
    }
    snprintf(why, len, "heuristic (%s): stream with its defaults, a second thread from %zu elements "
             "(L1d %zu KiB), streaming stores from %zu KiB of output (x and y fill the LLC: %s)",
             cpu->isa, chanmul_default_min_elements_per_thread(), cpu->l1d_bytes >> 10,
             chanmul_llc_usable_bytes() >> 11, chanmul_cache_sizes_status());
}

/* ---- the process's selection file --------------------------------------------------- */

static struct {
    pthread_once_t once;
    int verbose;
    const chanmul_impl *forced;
    char forced_name[64];   /* CHANMUL_IMPL as given */
    int usable;             /* the file was read and is for this CPU and build */
    chanmul_selection sel;
    chanmul_cpu_signature cpu;
    char path[1024];
    char status[1200];
} state = {PTHREAD_ONCE_INIT};

const char *chanmul_selection_default_path(char *buf, size_t len)
{
    const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    if (xdg && *xdg)
        snprintf(buf, len, "%s/chanmul/selection.json", xdg);
    else if (home && *home)
        snprintf(buf, len, "%s/.cache/chanmul/selection.json", home);
    else
        return NULL;
    return buf;
}

static void load_once(void)
{
    const char *v = getenv("CHANMUL_VERBOSE");
    state.verbose = v && *v && strcmp(v, "0") != 0;
    chanmul_cpu_signature_get(&state.cpu);
    const char *forced = getenv("CHANMUL_IMPL");
    if (forced && *forced) {
        snprintf(state.forced_name, sizeof state.forced_name, "%s", forced);
        state.forced = chanmul_impl_find(forced);
        if (!state.forced || state.forced->kind == CHANMUL_KIND_SELECTOR)
            /* a misconfiguration, said whatever the verbosity: once per process */
            fprintf(stderr, "chanmul auto: CHANMUL_IMPL='%s' names no implementation auto can run; "
                            "ignored\n", forced);
        if (state.forced && state.forced->kind == CHANMUL_KIND_SELECTOR)
            state.forced = NULL;
    }
    const char *env = getenv("CHANMUL_TUNING");
    char buf[1024];
    const char *path = env ? env : chanmul_selection_default_path(buf, sizeof buf);
    if (!path || !*path) {
        snprintf(state.status, sizeof state.status, "no selection file (%s)",
                 env ? "CHANMUL_TUNING is empty" : "neither CHANMUL_TUNING nor HOME is set");
    } else {
        snprintf(state.path, sizeof state.path, "%s", path);
        char err[1024];
        size_t len = 0;
        struct stat st;
        char *text = NULL;
        if (!env && stat(path, &st) != 0)
            snprintf(state.status, sizeof state.status, "no selection file (none at the default path %s)",
                     path);
        else if (!(text = chanmul_read_text_file(path, &len, err, sizeof err)))
            snprintf(state.status, sizeof state.status, "selection file unreadable: %s", err);
        else if (chanmul_selection_parse(text, len, path, &state.sel, err, sizeof err) != 0)
            snprintf(state.status, sizeof state.status, "selection file refused: %s", err);
        else if (chanmul_selection_check_origin(&state.sel, err, sizeof err) != 0)
            snprintf(state.status, sizeof state.status, "selection file %s refused: %s", path, err);
        else if (state.sel.count == 0)
            snprintf(state.status, sizeof state.status, "selection file %s has no usable entry%s%s", path,
                     state.sel.skipped ? ": " : "", state.sel.first_skip);
        else {
            state.usable = 1;
            int n = snprintf(state.status, sizeof state.status, "selection file %s: %zu entries", path,
                             state.sel.count);
            if (state.sel.skipped && n > 0 && (size_t)n < sizeof state.status)
                snprintf(state.status + n, sizeof state.status - (size_t)n,
                         ", %zu skipped (first: %s)", state.sel.skipped, state.sel.first_skip);
        }
        free(text);
        if (!state.usable)
            chanmul_selection_free(&state.sel);
    }
    if (state.verbose)
        fprintf(stderr, "chanmul auto: %s\n", state.status);
}

const char *chanmul_selection_status(void)
{
    pthread_once(&state.once, load_once);
    return state.status;
}

/* ---- choosing ----------------------------------------------------------------------- */

static const chanmul_impl *stream_impl(void)
{
    /* NULL until found. A relaxed atomic: user threads may make their first
     * calls at once, and a plain pointer one writes while another reads is a
     * data race (ThreadSanitizer reports it) even though both find the same
     * row; the row itself is a constant, so nothing needs ordering. */
    static const chanmul_impl *_Atomic stream;
    const chanmul_impl *s = atomic_load_explicit(&stream, memory_order_relaxed);
    if (!s) {
        s = chanmul_impl_find("stream");
        atomic_store_explicit(&stream, s, memory_order_relaxed);
    }
    return s;
}


int chanmul_auto_choose(const chanmul_problem *p, int threads, chanmul_choice *c)
{
    if (!p)
        return CHANMUL_EPROBLEM;
    if ((unsigned)p->op >= CHANMUL_OP_COUNT)
        return CHANMUL_EOP;
    if (p->layout != CHANMUL_NHWC && p->layout != CHANMUL_NCHW)
        return CHANMUL_ELAYOUT;
    if (threads < 0)
        return CHANMUL_ETHREADS;
    pthread_once(&state.once, load_once);
    memset(c, 0, sizeof *c);
    int resolved = chanmul_resolve_threads(threads);
    if (state.forced && state.forced->kernels[p->op]) {
        c->impl = state.forced;
        c->source = CHANMUL_CHOICE_FORCED;
        snprintf(c->why, sizeof c->why, "forced by CHANMUL_IMPL=%s", state.forced_name);
        return 0;
    }
    chanmul_selection_decision dd;
    int decided = state.usable ? chanmul_selection_decide(&state.sel, p, resolved, &dd) : -1;
    if (decided == 0) {
        const chanmul_selection_entry *e = dd.nearest;
        c->impl = dd.pick;
        c->runner_up = dd.runner_up;
        c->source = CHANMUL_CHOICE_FILE;
        c->measured = 1;
        c->expected_regret = dd.pick_regret;
        c->grid_points = dd.points;
        /* the margin as measured at the region's nearest grid point when that
         * point's own verdict is this pair; else the expected one, no interval */
        if (e->winner == dd.pick && e->runner_up == dd.runner_up) {
            c->margin = e->margin;
            c->margin_low = e->margin_low;
            c->margin_high = e->margin_high;
            c->tie = e->tie;
        } else {
            c->margin = dd.runner_up ? (1 + dd.runner_up_regret) / (1 + dd.pick_regret) - 1 : NAN;
            c->margin_low = c->margin_high = NAN;
            c->tie = dd.runner_up && c->margin < SELECTION_TIE_REGRET;
        }
        c->region = e->p;
        c->region_threads = e->threads;
        if (dd.pick == stream_impl())
            c->tunables = state.sel.tunables; /* the tuner timed stream with these */
        snprintf(c->why, sizeof c->why, "%s; cell of %d grid point%s around it at %d thread%s, nearest "
                 "%zux%zux%zux%zu %s", state.status, dd.points, dd.points == 1 ? "" : "s", e->threads,
                 e->threads == 1 ? "" : "s", e->p.n, e->p.h, e->p.w, e->p.c,
                 chanmul_layout_name(e->p.layout));
        return 0;
    }
    c->source = CHANMUL_CHOICE_HEURISTIC;
    char rule[300];
    chanmul_heuristic_choose(p, resolved, &state.cpu, &c->impl, &c->tunables, rule, sizeof rule);
    snprintf(c->why, sizeof c->why, "%s%s; %s", state.status,
             !state.usable  ? ""
             : decided == -2 ? " (the problem is beyond the tuned grid's largest point)"
                             : " (none for this op and layout)",
             rule);
    return 0;
}

/* ---- running ------------------------------------------------------------------------ */

typedef struct decision {
    chanmul_problem p;
    int threads;
    const chanmul_impl *impl;
    int stream_tuned; /* impl is stream, run with tun */
    chanmul_tunables tun;
} decision;


int chanmul_auto_exec(const chanmul_desc *d, const chanmul_tensors *t, int threads)
{
    static _Thread_local decision last;
    static _Thread_local int have_last;
    if (!have_last || last.threads != threads || !chanmul_problem_equal(&last.p, &d->p)) {
        chanmul_choice c;
        int err = chanmul_auto_choose(&d->p, threads, &c);
        if (err)
            return err;
        last.p = d->p;
        last.threads = threads;
        last.impl = c.impl;
        last.tun = c.tunables;
        last.stream_tuned = c.impl == stream_impl();
        have_last = 1;
        if (state.verbose)
            fprintf(stderr, "chanmul auto: %s %s %zux%zux%zux%zu threads %d -> %s (%s)\n",
                    chanmul_op_name(d->p.op), chanmul_layout_name(d->p.layout), d->p.n, d->p.h, d->p.w,
                    d->p.c, threads, c.impl->name, c.why);
    }
    if (last.stream_tuned)
        return chanmul_stream_tuned(d, t, threads, &last.tun);
    return last.impl->kernels[d->p.op](d, t, threads);
}
