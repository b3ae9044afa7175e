/*
 * auto's regret and the heuristic's (selection_regret.h), from one op's view
 * of a results file. Data only: harness/report/sections_selection.c prints it.
 * Sites are walked in the file's order, so the result depends only on the
 * results (and the CPU the heuristic is asked about).
 */
#include "selection_regret.h"

#include "selection.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* An implementation auto may pick: chanmul's kernels and the peers. */
static int selectable(const rp_file *f, const rp_point *p)
{
    return rp_is_chanmul(f, p) || rp_is_peer(f, p);
}

/* The series of auto: the selector named "auto", else the first selector. */
static int auto_series(const rp_file *f)
{
    int first = -1;
    for (size_t s = 0; s < f->nseries; s++)
        if (strcmp(f->series[s].kind, RP_KIND_SELECTOR) == 0) {
            if (strcmp(f->series[s].name, "auto") == 0)
                return (int)s;
            if (first < 0)
                first = (int)s;
        }
    return first;
}

static void summarise(regret_summary *sum, double *values, size_t n)
{
    sum->sites = n;
    sum->median = sum->max = NAN;
    sum->within_close = sum->within_far = 0;
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || values[i] > sum->max)
            sum->max = values[i];
        sum->within_close += values[i] <= REGRET_CLOSE;
        sum->within_far += values[i] <= REGRET_FAR;
    }
    if (n)
        sum->median = rp_median(values, n);
}

int regret_evaluate(const rp_file *f, const chanmul_cpu_signature *cpu, regret_result *out)
{
    memset(out, 0, sizeof *out);
    out->op = f->op ? f->op : "scale";
    chanmul_op op;
    int series = auto_series(f);
    if (chanmul_op_parse(out->op, &op) != 0 || series < 0)
        return 0;
    chanmul_cpu_signature here;
    if (!cpu) {
        chanmul_cpu_signature_get(&here);
        cpu = &here;
    }
    out->sites = calloc(f->nsites + 1, sizeof *out->sites);
    out->automatic = calloc(f->nsites + 1, sizeof *out->automatic);
    out->heuristic = calloc(f->nsites + 1, sizeof *out->heuristic);
    double *values = calloc(f->nsites + 1, sizeof *values);
    if (!out->sites || !out->automatic || !out->heuristic || !values) {
        free(values);
        regret_free(out);
        return -1;
    }
    for (size_t i = 0; i < f->nsites; i++) {
        const rp_site *s = &f->sites[i];
        const rp_point *a = rp_at(f, s, series);
        if (!a)
            continue;
        out->measured = 1;
        if (a->failed) {
            out->auto_failed++;
            continue;
        }
        if (!rp_timed(a))
            continue;
        const rp_point *best = rp_best(f, s, selectable, NULL);
        if (!best) {
            out->no_best++;
            continue;
        }
        regret_site *r = &out->sites[out->nsites++];
        r->site = s;
        r->problem.op = op;
        r->problem.layout = strcmp(s->layout, "nchw") == 0 ? CHANMUL_NCHW : CHANMUL_NHWC;
        r->problem.n = s->n, r->problem.h = s->h, r->problem.w = s->w, r->problem.c = s->c;
        r->best = best;
        r->automatic = a;
        /* times are bytes / GB/s, the same bytes for both: the ratio of times */
        r->regret = best->bps / a->bps - 1;
        chanmul_tunables tun;
        char why[512];
        r->heuristic = NULL;
        chanmul_heuristic_choose(&r->problem, s->threads, cpu, &r->heuristic, &tun, why, sizeof why);
        int hs = r->heuristic ? rp_series_find(f, r->heuristic->name) : -1;
        const rp_point *h = hs >= 0 ? rp_at(f, s, hs) : NULL;
        r->heuristic_point = h && rp_timed(h) ? h : NULL;
        r->heuristic_regret = r->heuristic_point ? best->bps / h->bps - 1 : NAN;
        out->heuristic_untimed += !r->heuristic_point;
    }
    /* per thread count, ascending */
    for (size_t i = 0; i < out->nsites; i++) {
        int t = out->sites[i].site->threads;
        size_t z;
        for (z = 0; z < out->nthreads && out->automatic[z].threads != t; z++)
            ;
        if (z < out->nthreads)
            continue;
        for (z = out->nthreads++; z > 0 && out->automatic[z - 1].threads > t; z--)
            out->automatic[z] = out->automatic[z - 1];
        out->automatic[z].threads = t;
    }
    for (size_t z = 0; z < out->nthreads; z++) {
        int t = out->automatic[z].threads;
        size_t n = 0;
        for (size_t i = 0; i < out->nsites; i++)
            if (out->sites[i].site->threads == t)
                values[n++] = out->sites[i].regret;
        summarise(&out->automatic[z], values, n);
        n = 0;
        for (size_t i = 0; i < out->nsites; i++)
            if (out->sites[i].site->threads == t && isfinite(out->sites[i].heuristic_regret))
                values[n++] = out->sites[i].heuristic_regret;
        out->heuristic[z].threads = t;
        summarise(&out->heuristic[z], values, n);
    }
    free(values);
    return 0;
}

void regret_free(regret_result *r)
{
    free(r->sites);
    free(r->automatic);
    free(r->heuristic);
    memset(r, 0, sizeof *r);
}
