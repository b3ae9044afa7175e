/*
 * The performance targets T1-T4 (targets.h) evaluated on one results file.
 * Data only: harness/report/sections_targets.c turns it into Markdown.
 *
 * The evaluation walks the sites in the file's order (grouped by layout, shapes
 * sorted within a layout), so the rows, the worst points and the verdict texts
 * depend only on the results, never on memory layout or timing.
 */
#include "targets.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *targets_verdict_name(targets_verdict v)
{
    static const char *const names[] = {"PASS", "FAIL", "NOT EVALUATED"};
    return (unsigned)v < sizeof names / sizeof *names ? names[v] : "?";
}

static void set_verdict(targets_target *t, targets_verdict v, const char *fmt, ...)
{
    va_list ap;
    t->verdict = v;
    va_start(ap, fmt);
    vsnprintf(t->text, sizeof t->text, fmt, ap);
    va_end(ap);
}

static const char *label(const rp_file *f, const rp_point *p)
{
    return f->series[p->series].label;
}

static const char *plural(int threads)
{
    return threads == 1 ? "" : "s";
}

/* A ratio as the verdict texts quote it, the form of the report's tables: two
 * decimals, "-" when not finite. */
static const char *ratio_text(double ratio, char *buf, size_t len)
{
    if (!isfinite(ratio))
        return "-";
    snprintf(buf, len, "%.2f", ratio);
    return buf;
}

/* Worst first: lowest value, then the earlier site. */
static int cmp_point(const void *a, const void *b)
{
    const targets_point *x = a, *y = b;
    if (x->value != y->value)
        return x->value < y->value ? -1 : 1;
    return x->site < y->site ? -1 : x->site > y->site;
}

/* A target defined by a cache size the results do not give (0 or unknown)
 * cannot be evaluated: marks t so and returns 1. */
static int lacks_cache(targets_target *t, double bytes, const char *what)
{
    if (bytes > 0)
        return 0;
    t->cache_unknown = 1;
    set_verdict(t, TARGET_NOT_EVALUATED, "the results do not give the %s", what);
    return 1;
}

/* Once a target's points are all in (total > 0): sorts the shortfalls worst
 * first and returns the worst point, its shape in shape for the verdict text. */
static const targets_point *finish_points(targets_target *t, char *shape, size_t len)
{
    const rp_site *s = t->worst.site;
    qsort(t->shortfalls, t->nshortfalls, sizeof *t->shortfalls, cmp_point);
    snprintf(shape, len, "%s", s->shape);
    return &t->worst;
}

/* Room for one point per site (plus one: calloc(0) may return NULL, which
 * would read as out of memory). */
static targets_point *point_list(const rp_file *f)
{
    return calloc(f->nsites + 1, sizeof(targets_point));
}

/* The highest ratio to memcpy among the site's timed chanmul kernels (and which). */
static const rp_point *best_chanmul_ratio(const rp_file *f, const rp_site *s)
{
    const rp_point *best = NULL;
    for (size_t k = s->first; k < s->first + s->count; k++) {
        const rp_point *p = &f->points[k];
        if (rp_timed(p) && rp_is_chanmul(f, p) && isfinite(p->ratio) && (!best || p->ratio > best->ratio))
            best = p;
    }
    return best;
}

/* T1's roof at site s as a fraction of memcpy's: memcpy over the faster of
 * memcpy and the plain copy loop at the kernels' ISA (medians of the same
 * run), so that best->ratio (to the adjacent memcpy) times it is the ratio to
 * that roof; 1 when the run has no copy loop or memcpy is the faster. */
static double t1_roof_factor(const rp_site *s)
{
    if (!isfinite(s->copy_loop_bps) || !isfinite(s->memcpy_bps) || s->copy_loop_bps <= s->memcpy_bps)
        return 1.0;
    return s->memcpy_bps / s->copy_loop_bps;
}

/* T1 (over == 0) and T2 (over == 1): best chanmul kernel >= threshold x memcpy
 * (T1: x the faster of memcpy and the copy loop) at every shape of the size
 * range, per layout and thread count. */
static int evaluate_ratio(const rp_file *f, targets_target *t, int over)
{
    char bytes[64], shape[64], ratio[32];
    t->threshold = over ? TARGET_T2_MIN_RATIO : TARGET_T1_MIN_RATIO;
    if (lacks_cache(t, f->l3, "LLC size (l3_bytes)"))
        return 0;
    t->limit = over ? 2 * f->l3 : f->l3;
    t->groups = calloc(f->nsites + 1, sizeof *t->groups); /* a group holds at least one site */
    t->shortfalls = point_list(f);
    if (!t->groups || !t->shortfalls)
        return -1;
    int have_worst = 0;
    for (size_t i = 0; i < f->nsites;) {
        const char *layout = f->sites[i].layout;
        size_t end = rp_layout_end(f, i);
        int threads[256], nthreads = rp_site_threads(f, i, end, threads, 256);
        for (int d = 0; d < nthreads; d++) {
            targets_group g = {layout, threads[d], 0, 0, {NULL, NULL, NULL, INFINITY, 0}};
            for (size_t q = i; q < end; q++) {
                const rp_site *s = &f->sites[q];
                if (s->threads != threads[d])
                    continue;
                int in = over ? s->ws > t->limit : s->ws <= t->limit;
                if (!in)
                    continue;
                const rp_point *best = best_chanmul_ratio(f, s);
                if (!best && rp_best(f, s, rp_is_chanmul, NULL)) { /* timed, but no memcpy to compare with */
                    t->unevaluable++;
                    continue;
                }
                if (!best && !rp_best(f, s, NULL, NULL) && !isfinite(s->memcpy_bps))
                    continue; /* nothing measured here at all */
                double v = best ? best->ratio * (over ? 1.0 : t1_roof_factor(s)) : 0;
                targets_point p = {s, best, NULL, v, v < t->threshold};
                g.shapes++;
                if (p.below) {
                    g.below++;
                    t->shortfalls[t->nshortfalls++] = p;
                }
                if (v < g.worst.value)
                    g.worst = p;
            }
            if (!g.shapes)
                continue;
            t->total += g.shapes;
            t->groups[t->ngroups++] = g;
            if (!have_worst || g.worst.value < t->worst.value) {
                t->worst = g.worst;
                have_worst = 1;
            }
        }
        i = end;
    }
    if (!t->total) {
        set_verdict(t, TARGET_NOT_EVALUATED, "no shape in the data has a working set %s %s%s",
                    over ? "over 2 x LLC =" : "within the LLC,", rp_fmt_bytes(t->limit, bytes, sizeof bytes),
                    t->unevaluable ? " with a memcpy row to compare with" : "");
        return 0;
    }
    const targets_point *w = finish_points(t, shape, sizeof shape);
    if (!t->nshortfalls) /* every value >= threshold > 0: a kernel was timed at each */
        set_verdict(t, TARGET_PASS, "every shape (%zu) >= %.2f x %s; worst %s %s, %d thread%s: %s %.2f",
                    t->total, t->threshold, over ? "memcpy" : "the copy roof", w->site->layout, shape, w->site->threads, plural(w->site->threads),
                    label(f, w->kernel), w->value);
    else
        set_verdict(t, TARGET_FAIL, "%zu of %zu shapes below %.2f x %s; worst %s %s, %d thread%s: %s %s",
                    t->nshortfalls, t->total, t->threshold, over ? "memcpy" : "the copy roof", w->site->layout, shape, w->site->threads,
                    plural(w->site->threads), w->kernel ? label(f, w->kernel) : "no chanmul kernel timed",
                    w->kernel ? ratio_text(w->value, ratio, sizeof ratio) : "");
    return 0;
}

/* T3 per peer: the geometric mean, lowest and highest of chanmul / peer over
 * each layout, then over all layouts (that row only when there are several). */
static int evaluate_peer_rows(const rp_file *f, targets_target *t)
{
    const char *layouts[9]; /* at most 8 layouts, then NULL for all of them */
    size_t nl = 0;
    for (size_t i = 0; i < f->nsites && nl < 8; i++)
        if (!nl || strcmp(layouts[nl - 1], f->sites[i].layout) != 0)
            layouts[nl++] = f->sites[i].layout;
    layouts[nl++] = NULL;
    t->peers = calloc(f->nseries * nl + 1, sizeof *t->peers);
    if (!t->peers)
        return -1;
    for (size_t s = 0; s < f->nseries; s++) {
        if (strcmp(f->series[s].kind, RP_KIND_PEER) != 0)
            continue;
        for (size_t l = 0; l < nl; l++) {
            size_t n = 0;
            double log_sum = 0, lo = INFINITY, hi = 0;
            for (size_t i = 0; i < f->nsites; i++) {
                const rp_site *site = &f->sites[i];
                if (layouts[l] && strcmp(site->layout, layouts[l]) != 0)
                    continue;
                const rp_point *p = rp_at(f, site, (int)s), *chan = rp_best(f, site, rp_is_chanmul, NULL);
                if (!p || !rp_timed(p) || !chan)
                    continue;
                double v = chan->bps / p->bps;
                log_sum += log(v);
                n++;
                lo = v < lo ? v : lo;
                hi = v > hi ? v : hi;
            }
            if (!n || (nl == 2 && !layouts[l]))
                continue; /* one layout: its row is the total */
            targets_peer_row row = {(int)s, layouts[l], n, exp(log_sum / (double)n), lo, hi};
            t->peers[t->npeers++] = row;
        }
    }
    return 0;
}

/* T3: at every site where a peer was timed, best chanmul kernel >= fastest peer. */
static int evaluate_peers(const rp_file *f, targets_target *t)
{
    char shape[64], ratio[32];
    t->threshold = TARGET_T3_MIN_SPEEDUP;
    t->shortfalls = point_list(f);
    if (!t->shortfalls)
        return -1;
    t->worst.value = INFINITY;
    for (size_t i = 0; i < f->nsites; i++) {
        const rp_site *s = &f->sites[i];
        const rp_point *peer = rp_best(f, s, rp_is_peer, NULL);
        if (!peer)
            continue;
        const rp_point *chan = rp_best(f, s, rp_is_chanmul, NULL);
        t->total++;
        double v = chan ? chan->bps / peer->bps : 0;
        targets_point p = {s, chan, peer, v, v < t->threshold};
        if (p.below)
            t->shortfalls[t->nshortfalls++] = p;
        if (v < t->worst.value)
            t->worst = p;
    }
    if (!t->total) {
        set_verdict(t, TARGET_NOT_EVALUATED, "no peer implementation was timed in these results");
        return 0;
    }
    const targets_point *w = finish_points(t, shape, sizeof shape);
    if (!t->nshortfalls)
        set_verdict(t, TARGET_PASS,
                    "best chanmul kernel >= fastest peer at every point (%zu); closest %s %s, %d thread%s: %.2f x",
                    t->total, w->site->layout, shape, w->site->threads, plural(w->site->threads), w->value);
    else
        set_verdict(t, TARGET_FAIL,
                    "a peer is faster at %zu of %zu points; worst %s %s, %d thread%s: best chanmul %s x the peer",
                    t->nshortfalls, t->total, w->site->layout, shape, w->site->threads, plural(w->site->threads),
                    w->kernel ? ratio_text(w->value, ratio, sizeof ratio) : "none timed,");
    return evaluate_peer_rows(f, t);
}

/* The site of the same layout and shape as `like`, at another thread count. */
static const rp_site *find_site(const rp_file *f, const rp_site *like, int threads)
{
    for (size_t i = 0; i < f->nsites; i++) {
        const rp_site *s = &f->sites[i];
        if (s->threads == threads && strcmp(s->layout, like->layout) == 0 && s->n == like->n &&
            s->h == like->h && s->w == like->w && s->c == like->c)
            return s;
    }
    return NULL;
}

/* T4: in the L2, the best chanmul kernel at 2 threads >= threshold x the best at 1. */
static int evaluate_scaling(const rp_file *f, targets_target *t)
{
    char bytes[64], shape[64], ratio[32];
    t->threshold = TARGET_T4_MIN_SCALING;
    if (lacks_cache(t, f->l2, "L2 size (l2_bytes)"))
        return 0;
    t->limit = f->l2;
    t->rows = point_list(f);
    t->shortfalls = point_list(f);
    if (!t->rows || !t->shortfalls)
        return -1;
    t->worst.value = INFINITY;
    for (size_t i = 0; i < f->nsites; i++) {
        const rp_site *one = &f->sites[i];
        if (one->threads != 1 || one->ws > t->limit)
            continue;
        const rp_site *two = find_site(f, one, 2);
        if (!two)
            continue;
        const rp_point *a = rp_best(f, one, rp_is_chanmul, NULL), *b = rp_best(f, two, rp_is_chanmul, NULL);
        if (!a && !b)
            continue;
        double v = a && b ? b->bps / a->bps : 0;
        targets_point p = {one, b, a, v, v < t->threshold};
        t->rows[t->nrows++] = p;
        if (p.below)
            t->shortfalls[t->nshortfalls++] = p;
        if (v < t->worst.value)
            t->worst = p;
    }
    t->total = t->nrows;
    if (!t->total) {
        set_verdict(t, TARGET_NOT_EVALUATED,
                    "no shape fits the L2 (%s) with both a 1-thread and a 2-thread measurement",
                    rp_fmt_bytes(t->limit, bytes, sizeof bytes));
        return 0;
    }
    const targets_point *w = finish_points(t, shape, sizeof shape);
    if (!t->nshortfalls)
        set_verdict(t, TARGET_PASS, "every L2-resident shape (%zu) scales >= %.1f x; lowest %s %s: %.2f x",
                    t->total, t->threshold, w->site->layout, shape, w->value);
    else
        set_verdict(t, TARGET_FAIL, "%zu of %zu L2-resident shapes scale below %.1f x; worst %s %s: %s",
                    t->nshortfalls, t->total, t->threshold, w->site->layout, shape,
                    w->value > 0 ? ratio_text(w->value, ratio, sizeof ratio) : "not timed at both thread counts");
    return 0;
}

int targets_evaluate(const rp_file *f, targets_result *out)
{
    memset(out, 0, sizeof *out);
    if (evaluate_ratio(f, &out->t[TARGET_T1], 0) != 0 || evaluate_ratio(f, &out->t[TARGET_T2], 1) != 0 ||
        evaluate_peers(f, &out->t[TARGET_T3]) != 0 || evaluate_scaling(f, &out->t[TARGET_T4]) != 0) {
        targets_free(out);
        return -1;
    }
    return 0;
}

void targets_free(targets_result *r)
{
    for (int i = 0; i < TARGETS_COUNT; i++) {
        free(r->t[i].groups);
        free(r->t[i].peers);
        free(r->t[i].rows);
        free(r->t[i].shortfalls);
    }
    memset(r, 0, sizeof *r);
}
