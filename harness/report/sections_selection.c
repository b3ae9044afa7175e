/*
 * Section 10 of the report, "Choosing a kernel: `auto`": with --selection,
 * where the selection file came from, whether this build's auto would use
 * it, and its map (the winner per grid point); from the results, auto's
 * regret and the heuristic's (selection_regret.c, evaluated before the report
 * is written) and the sites where auto is furthest from the best.
 */
#include "report_sections.h"

#include "markdown.h"

#include "chanmul.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define WORST_LISTED 5 /* sites listed where auto's regret is largest */

static const char *plural(size_t n)
{
    return n == 1 ? "" : "s";
}

/* A regret as a signed percentage, "-" when there is none. */
static const char *regret_text(double regret, char *buf, size_t len)
{
    if (!isfinite(regret))
        return snprintf(buf, len, "-"), buf;
    return md_signed_pct(1 + regret, buf, len);
}

/* ---- the selection file: where it came from ------------------------------------------- */

static void origin_table(FILE *o, const report *r)
{
    const chanmul_selection *sel = r->selection;
    const chanmul_cpu_signature *c = &sel->cpu;
    char b1[32], b2[32], b3[32];
    fputs("| | |\n|---|---|\n| Selection file | ", o);
    md_code(o, r->selection_path);
    fputs(" |\n| Made on | ", o);
    md_cell(o, c->vendor);
    fprintf(o, " family %d model %d, ISA ", c->family, c->model);
    md_cell(o, c->isa);
    fputs(" (flags: ", o);
    md_cell(o, c->flags[0] ? c->flags : "none");
    fprintf(o, "), L1d %s, L2 %s, LLC %s, %d core%s |\n", rp_fmt_bytes((double)c->l1d_bytes, b1, sizeof b1),
            rp_fmt_bytes((double)c->l2_bytes, b2, sizeof b2), rp_fmt_bytes((double)c->llc_bytes, b3, sizeof b3),
            c->cores, plural((size_t)c->cores));
    fputs("| Build | chanmul ", o);
    md_cell(o, sel->build.version);
    fputs(" (git ", o);
    md_cell(o, sel->build.git_revision);
    fputs("), ", o);
    md_cell(o, sel->build.compiler);
    fputs(", ", o);
    md_code(o, sel->build.flags);
    fputs(" |\n| Command | ", o);
    if (sel->command[0])
        md_code(o, sel->command);
    else
        fputs("not recorded", o);
    fputs(" |\n| stream's tunables | ", o);
    if (sel->tunables.min_elements_per_thread)
        fprintf(o, "a second thread from %zu elements per thread", sel->tunables.min_elements_per_thread);
    else
        fputs("a second thread from the default number of elements per thread", o);
    if (sel->tunables.nontemporal_min_bytes)
        fprintf(o, "; streaming stores for outputs over %s",
                rp_fmt_bytes((double)sel->tunables.nontemporal_min_bytes, b1, sizeof b1));
    else
        fputs("; streaming stores from the default (half the LLC in use, of output)", o);
    fputs("; evidence: ", o);
    md_cell(o, sel->tunables_evidence[0] ? sel->tunables_evidence : "not recorded");
    fprintf(o, " |\n| Entries | %zu usable", sel->count);
    if (sel->skipped) {
        fprintf(o, ", %zu skipped (first: ", sel->skipped);
        md_cell(o, sel->first_skip);
        fputc(')', o);
    }
    fputs(" |\n| This build | ", o);
    if (r->selection_usable) {
        fputs("used by auto here", o);
    } else {
        fputs("refused here: ", o);
        md_cell(o, r->selection_refusal);
    }
    fputs(" |\n", o);
}

/* ---- the selection file: its map ------------------------------------------------------ */

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

typedef struct spatial {
    size_t h, w;
} spatial;

static int cmp_spatial(const void *a, const void *b)
{
    const spatial *x = a, *y = b;
    if (x->h * x->w != y->h * y->w)
        return x->h * x->w < y->h * y->w ? -1 : 1;
    if (x->h != y->h)
        return x->h < y->h ? -1 : 1;
    return x->w < y->w ? -1 : x->w > y->w;
}

/* Adds v to the set values (n of them) unless it is there. */
static void add_size(size_t *values, size_t *n, size_t v)
{
    for (size_t i = 0; i < *n; i++)
        if (values[i] == v)
            return;
    values[(*n)++] = v;
}

static int in_group(const chanmul_selection_entry *e, chanmul_op op, chanmul_layout layout, int threads)
{
    return e->p.op == op && e->p.layout == layout && e->threads == threads;
}

/* The table of one (op, layout, threads): rows N, columns C, cells the
 * winners at each spatial size of the group, in the order named under it. */
static void map_table(FILE *o, const chanmul_selection *sel, chanmul_op op, chanmul_layout layout, int threads)
{
    size_t count = sel->count, nbatches = 0, nchannels = 0, nspatials = 0;
    size_t *batches = calloc(count + 1, sizeof *batches), *channels = calloc(count + 1, sizeof *channels);
    spatial *spatials = calloc(count + 1, sizeof *spatials);
    if (!batches || !channels || !spatials)
        goto out;
    for (size_t i = 0; i < count; i++) {
        const chanmul_selection_entry *e = &sel->entries[i];
        if (!in_group(e, op, layout, threads))
            continue;
        add_size(batches, &nbatches, e->p.n);
        add_size(channels, &nchannels, e->p.c);
        size_t k;
        for (k = 0; k < nspatials && (spatials[k].h != e->p.h || spatials[k].w != e->p.w); k++)
            ;
        if (k == nspatials)
            spatials[nspatials++] = (spatial){e->p.h, e->p.w};
    }
    qsort(batches, nbatches, sizeof *batches, cmp_size);
    qsort(channels, nchannels, sizeof *channels, cmp_size);
    qsort(spatials, nspatials, sizeof *spatials, cmp_spatial);
    md_heading(o, 4, "`%s`, %s, %d thread%s", chanmul_op_name(op), chanmul_layout_name(layout), threads,
               plural((size_t)threads));
    fputs("| N |", o);
    for (size_t j = 0; j < nchannels; j++)
        fprintf(o, " C=%zu |", channels[j]);
    fputs("\n|---:|", o);
    for (size_t j = 0; j < nchannels; j++)
        fputs("---|", o);
    fputc('\n', o);
    for (size_t i = 0; i < nbatches; i++) {
        fprintf(o, "| %zu |", batches[i]);
        for (size_t j = 0; j < nchannels; j++) {
            fputc(' ', o);
            for (size_t k = 0; k < nspatials; k++) {
                const chanmul_selection_entry *hit = NULL;
                for (size_t q = 0; q < count && !hit; q++) {
                    const chanmul_selection_entry *e = &sel->entries[q];
                    if (in_group(e, op, layout, threads) && e->p.n == batches[i] && e->p.c == channels[j] &&
                        e->p.h == spatials[k].h && e->p.w == spatials[k].w)
                        hit = e;
                }
                if (k)
                    fputs(" / ", o);
                if (hit) {
                    md_cell(o, hit->winner->name);
                    if (hit->tie)
                        fputc('~', o);
                } else {
                    fputc('-', o);
                }
            }
            fputs(" |", o);
        }
        fputc('\n', o);
    }
    fputs("\ncells: ", o);
    for (size_t k = 0; k < nspatials; k++)
        fprintf(o, "%s%zux%zu", k ? " / " : "", spatials[k].h, spatials[k].w);
    fputc('\n', o);
out:
    free(batches);
    free(channels);
    free(spatials);
}

static void selection_map(FILE *o, const chanmul_selection *sel)
{
    md_heading(o, 3, "The selection map");
    if (!sel->count) {
        fputs("The file has no usable entry.\n", o);
        return;
    }
    fputs("The winner at each grid point the tuner measured: per op, layout and thread count, one row "
          "per batch size N and one column per channel count C; each cell names the winner at each "
          "spatial size HxW of the grid, in the order given under the table. `~`: a tie (the "
          "margin's interval includes 0: the simpler kernel was taken); `-`: no entry there. A "
          "problem off the grid is decided by the grid cell around it (same op and layout, the "
          "nearest thread count): each candidate's regret at the cell's points, weighted by the "
          "problem's place in the cell in log2 N, H*W and C; beyond twice the grid's largest "
          "problem, the heuristic decides.\n",
          o);
    for (int op = 0; op < CHANMUL_OP_COUNT; op++)
        for (int l = 0; l < 2; l++) {
            chanmul_layout layout = l == 0 ? CHANMUL_NHWC : CHANMUL_NCHW;
            /* the group's thread counts, ascending */
            int last = 0;
            for (;;) {
                int next = 0;
                for (size_t i = 0; i < sel->count; i++) {
                    const chanmul_selection_entry *e = &sel->entries[i];
                    if ((int)e->p.op == op && e->p.layout == layout && e->threads > last &&
                        (!next || e->threads < next))
                        next = e->threads;
                }
                if (!next)
                    break;
                map_table(o, sel, (chanmul_op)op, layout, next);
                last = next;
            }
        }
}

/* ---- regret, from the results ----------------------------------------------------------- */

/* "heuristic (stream)" when it picked one implementation at every site of
 * the thread count, else "heuristic". */
static void heuristic_label(FILE *o, const regret_result *g, int threads)
{
    const chanmul_impl *one = NULL;
    int same = 1;
    for (size_t i = 0; i < g->nsites; i++) {
        const regret_site *s = &g->sites[i];
        if (s->site->threads != threads)
            continue;
        if (!one)
            one = s->heuristic;
        same &= s->heuristic == one;
    }
    fputs("heuristic", o);
    if (one && same) {
        fputs(" (", o);
        md_cell(o, one->name);
        fputc(')', o);
    }
}

static void summary_row(FILE *o, const regret_result *g, const regret_summary *s, int heuristic)
{
    char med[32], max[32];
    fprintf(o, "| %s | %d | ", g->op, s->threads);
    if (heuristic)
        heuristic_label(o, g, s->threads);
    else
        fputs("auto", o);
    fprintf(o, " | %zu | %s | %s | %zu | %zu |\n", s->sites, regret_text(s->median, med, sizeof med),
            regret_text(s->max, max, sizeof max), s->within_close, s->within_far);
}

typedef struct ranked {
    int op;
    const regret_site *s;
} ranked;

/* Largest regret first; then op, then the site's order in its view. */
static int cmp_ranked(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->s->regret != y->s->regret)
        return x->s->regret > y->s->regret ? -1 : 1;
    if (x->op != y->op)
        return x->op - y->op;
    return x->s->site < y->s->site ? -1 : x->s->site > y->s->site;
}

static void worst_sites(FILE *o, const report *r, const report_machine *m, size_t total)
{
    ranked *list = calloc(total + 1, sizeof *list);
    size_t n = 0;
    if (!list)
        return;
    for (int op = 0; op < CHANMUL_OP_COUNT; op++)
        for (size_t i = 0; i < m->regret[op].nsites; i++)
            list[n++] = (ranked){op, &m->regret[op].sites[i]};
    qsort(list, n, sizeof *list, cmp_ranked);
    size_t shown = n < WORST_LISTED ? n : WORST_LISTED;
    if (shown == 1)
        fputs("\nThe site where auto's regret is largest:\n\n", o);
    else
        fprintf(o, "\nThe %zu sites where auto's regret is largest:\n\n", shown);
    fputs("| Op | Layout | Shape NxHxWxC | Threads | auto's pick (selection file) | Best | Regret |\n"
          "|---|---|---|---:|---|---|---:|\n",
          o);
    for (size_t i = 0; i < shown; i++) {
        const regret_site *s = list[i].s;
        const rp_file *view = list[i].op == CHANMUL_OP_SCALE ? &m->f : &m->forms[list[i].op];
        char shape[64], g[32];
        fprintf(o, "| %s | %s | %s | %d | ", m->regret[list[i].op].op, s->site->layout,
                site_shape(s->site, shape, sizeof shape), s->site->threads);
        chanmul_selection_decision dd;
        if (r->selection && chanmul_selection_decide(r->selection, &s->problem, s->site->threads, &dd) == 0)
            md_cell(o, dd.pick->name);
        else
            fputc('-', o);
        fputs(" | ", o);
        md_cell(o, point_label(view, s->best));
        fprintf(o, " | %s |\n", regret_text(s->regret, g, sizeof g));
    }
    free(list);
}

static void machine_regret(FILE *o, const report *r, const report_machine *m)
{
    int measured = 0;
    size_t sites = 0, no_best = 0, failed = 0, untimed = 0;
    for (int op = 0; op < CHANMUL_OP_COUNT; op++) {
        measured |= m->regret[op].measured;
        sites += m->regret[op].nsites;
        no_best += m->regret[op].no_best;
        failed += m->regret[op].auto_failed;
        untimed += m->regret[op].heuristic_untimed;
    }
    machine_heading(o, r, m, 4);
    if (!measured) {
        fputs("auto was not measured in ", o);
        md_code(o, m->f.path);
        fputs(" (`chanmul bench` and `chanmul sweep` time it unless `--impl` names another "
              "implementation).\n",
              o);
        return;
    }
    fputs("At every site where auto was timed: its regret (median time over that of the fastest "
          "chanmul kernel or peer timed there, minus 1), and the heuristic's (the implementation "
          "the heuristic picks for that problem on this machine, measured at that site).\n\n",
          o);
    fputs("| Op | Threads | Chooser | Sites | Median regret | Max regret | Within 5% | Within 15% |\n"
          "|---|---:|---|---:|---:|---:|---:|---:|\n",
          o);
    for (int op = 0; op < CHANMUL_OP_COUNT; op++) {
        const regret_result *g = &m->regret[op];
        for (size_t t = 0; t < g->nthreads; t++) {
            summary_row(o, g, &g->automatic[t], 0);
            summary_row(o, g, &g->heuristic[t], 1);
        }
    }
    if (!sites)
        fputs("| (none) | | | | | | | |\n", o);
    if (untimed)
        fprintf(o, "\nThe heuristic's pick was not timed (or failed verification) at %zu of the %zu "
                   "site%s: no figure for the heuristic there.\n",
                untimed, sites, plural(sites));
    if (no_best)
        fprintf(o, "\n%zu site%s where auto was timed had no chanmul kernel or peer timed to compare with.\n",
                no_best, plural(no_best));
    if (failed)
        fprintf(o, "\nauto failed verification at %zu site%s (never timed there).\n", failed, plural(failed));
    if (sites)
        worst_sites(o, r, m, sites);
}

/* ---- the section ------------------------------------------------------------------------- */

void section_selection(FILE *o, const report *r)
{
    md_heading(o, 2, "10. Choosing a kernel: `auto`");
    fputs("`auto` (kind selector) runs, per problem, the implementation that the selection file "
          "written by `chanmul tune` names for the problem's region, when that file was made on "
          "this CPU by this build; without one, a heuristic from the ISA and the caches (`chanmul "
          "explain` says which, and why). It runs one of the implementations above, so it is "
          "never a winner, a chanmul kernel or a peer in sections 3 to 5; the tables show it as "
          "`auto (selector)`.\n",
          o);
    if (r->selection) {
        md_heading(o, 3, "The selection file");
        origin_table(o, r);
        selection_map(o, r->selection);
    } else {
        fputs("\nNo selection file was given (`chanmul report --selection FILE` describes one and "
              "maps its choices).\n",
              o);
    }
    md_heading(o, 3, "Regret of auto and of the heuristic");
    for (int k = 0; k < r->nm; k++)
        machine_regret(o, r, &r->m[k]);
}
