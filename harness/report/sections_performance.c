/*
 * The report's performance sections, all read from the medians of the model
 * (report_model.h): the throughput across machines (the end of section 1),
 * section 3 "Winners" (the fastest implementation per site and per region),
 * section 4 "Throughput tables" and section 8 "Other forms" (the same tables
 * for every other op).
 */
#include "report_sections.h"

#include "markdown.h"

#include "chanmul.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The geometric mean of v; NAN when n is 0. */
static double geomean(const double *v, size_t n)
{
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += log(v[i]);
    return n ? exp(sum / (double)n) : NAN;
}

/* The cache region of a working set, short, for a table cell: "L2", ">2xLLC". */
static const char *region_short(const rp_file *f, double ws)
{
    switch (rp_size_class(f, ws)) {
    case RP_FITS_L2: return "L2";
    case RP_FITS_LLC: return "LLC";
    case RP_OVER_LLC: return ">LLC";
    case RP_OVER_2LLC: return ">2xLLC";
    }
    return "?";
}

/* ---- section 1's end: throughput across machines -------------------------------- */

/* Same benchmark name in several files: GB/s per machine and the ratio to the first. */
void section_across(FILE *o, const report *r)
{
    if (r->nm < 2)
        return;
    const rp_file *a = &r->m[0].f;
    md_heading(o, 3, "Throughput across machines");
    fprintf(o, "The same benchmark (op/layout/implementation/shape/threads) in each results file; "
               "ratios are to %s. Absolute GB/s depend on each machine's memory system: the ratio "
               "to memcpy of each run (sections 4 and 5) is the fairer comparison of kernels.\n\n",
            r->m[0].name);

    /* geo-mean of the ratio per series and layout */
    fputs("| Implementation | Layout |", o);
    for (int k = 1; k < r->nm; k++)
        fprintf(o, " %s / %s (geo-mean) | common |", r->m[k].f.tag, a->tag);
    fputs("\n|---|---|", o);
    for (int k = 1; k < r->nm; k++)
        fputs("---:|---:|", o);
    fputc('\n', o);
    double *ratios = calloc(a->npoints ? a->npoints : 1, sizeof *ratios);
    if (!ratios)
        return;
    for (size_t s = 0; s < a->nseries; s++) {
        const char *layouts_seen[8];
        size_t nl = 0;
        for (size_t i = 0; i < a->npoints; i++) {
            const rp_point *p = &a->points[i];
            if (p->series != (int)s)
                continue;
            size_t q;
            for (q = 0; q < nl && strcmp(layouts_seen[q], p->layout) != 0; q++)
                ;
            if (q < nl || nl == 8)
                continue;
            layouts_seen[nl++] = p->layout;
        }
        for (size_t l = 0; l < nl; l++) {
            int any = 0;
            char line[2048] = "";
            for (int k = 1; k < r->nm; k++) {
                const rp_file *b = &r->m[k].f;
                size_t n = 0;
                for (size_t i = 0; i < a->npoints; i++) {
                    const rp_point *p = &a->points[i];
                    if (p->series != (int)s || strcmp(p->layout, layouts_seen[l]) != 0 || !rp_timed(p))
                        continue;
                    for (size_t j = 0; j < b->npoints; j++)
                        if (strcmp(b->points[j].key, p->key) == 0 && rp_timed(&b->points[j])) {
                            ratios[n++] = b->points[j].bps / p->bps;
                            break;
                        }
                }
                size_t u = strlen(line);
                if (n)
                    snprintf(line + u, sizeof line - u, " %.2f | %zu |", geomean(ratios, n), n);
                else
                    snprintf(line + u, sizeof line - u, " - | 0 |");
                any |= n > 0;
            }
            if (!any)
                continue;
            fputs("| ", o);
            md_cell(o, a->series[s].label);
            fprintf(o, " | %s |%s\n", layouts_seen[l], line);
        }
    }
    free(ratios);

    md_heading(o, 4, "Every common benchmark");
    fputs("| Benchmark |", o);
    for (int k = 0; k < r->nm; k++)
        fprintf(o, " %s GB/s |", r->m[k].f.tag);
    for (int k = 1; k < r->nm; k++)
        fprintf(o, " %s / %s |", r->m[k].f.tag, a->tag);
    fputs("\n|---|", o);
    for (int k = 0; k < 2 * r->nm - 1; k++)
        fputs("---:|", o);
    fputc('\n', o);
    size_t shown = 0;
    for (size_t i = 0; i < a->npoints; i++) {
        const rp_point *p = &a->points[i];
        const rp_point *others[64] = {0};
        int found = 0;
        for (int k = 1; k < r->nm && k < 64; k++) {
            const rp_file *b = &r->m[k].f;
            for (size_t j = 0; j < b->npoints; j++)
                if (strcmp(b->points[j].key, p->key) == 0) {
                    others[k] = &b->points[j];
                    found = 1;
                    break;
                }
        }
        if (!found)
            continue;
        shown++;
        char g[32];
        fputs("| ", o);
        md_code(o, p->key);
        const char *kind = a->series[p->series].kind;
        if (strcmp(kind, RP_KIND_CHANMUL) != 0 && strcmp(kind, RP_KIND_BASELINE) != 0)
            fprintf(o, " (%s)", kind); /* peers are labelled as peers everywhere */
        fprintf(o, " | %s |", p->failed ? "FAIL" : rp_fmt_gbs(p->bps, g, sizeof g));
        for (int k = 1; k < r->nm && k < 64; k++)
            fprintf(o, " %s |", !others[k] ? "-" : others[k]->failed ? "FAIL" : rp_fmt_gbs(others[k]->bps, g, sizeof g));
        for (int k = 1; k < r->nm && k < 64; k++) {
            if (others[k] && rp_timed(others[k]) && rp_timed(p))
                fprintf(o, " %.2f |", others[k]->bps / p->bps);
            else
                fputs(" - |", o);
        }
        fputc('\n', o);
    }
    if (!shown)
        fputs("| (no benchmark name appears in more than one file) |\n", o);
}

/* ---- section 3: winners --------------------------------------------------------- */

static void winner_row(FILE *o, const rp_file *f, const rp_site *s)
{
    char shape[64], ws[32], g[32], b1[32], b2[32];
    const rp_point *win = rp_best(f, s, NULL, NULL);
    fprintf(o, "| %s | %s | %d | %s | %s, %s C | ", s->layout, site_shape(s, shape, sizeof shape),
            s->threads, rp_fmt_bytes(s->ws, ws, sizeof ws), region_short(f, s->ws),
            s->c < RP_SMALL_C ? "small" : "large");
    if (!win) {
        fputs("- | - | - | - | - | - |\n", o);
        return;
    }
    const rp_point *second = rp_best(f, s, NULL, win);
    const rp_point *peer = rp_best(f, s, rp_is_peer, NULL);
    const rp_point *chan = rp_best(f, s, rp_is_chanmul, NULL);
    fputs("**", o);
    md_cell(o, point_label(f, win));
    fprintf(o, "** | %s | %s | ", rp_fmt_gbs(win->bps, g, sizeof g), md_ratio2(win->ratio, b1, sizeof b1));
    if (second) {
        md_cell(o, point_label(f, second));
        fprintf(o, " | %s | ", md_signed_pct(win->bps / second->bps, b2, sizeof b2));
    } else {
        fputs("- | - | ", o);
    }
    if (!peer)
        fputs("no peer", o);
    else if (win == peer && chan)
        fprintf(o, "peer wins: best chanmul (%s) %s", point_label(f, chan),
                md_signed_pct(chan->bps / peer->bps, b2, sizeof b2));
    else if (win == peer)
        fputs("peer wins; no chanmul kernel timed", o);
    else
        fprintf(o, "%s over %s", md_signed_pct(win->bps / peer->bps, b2, sizeof b2), point_label(f, peer));
    fputs(" |\n", o);
}

typedef struct wins {
    int series;
    int count;
} wins;

static int cmp_wins(const void *a, const void *b)
{
    const wins *x = a, *y = b;
    return x->count != y->count ? y->count - x->count : x->series - y->series;
}

/* "omp_tiled 10, simd 4" for the sites that pass select. */
static void wins_text(FILE *o, const rp_file *f, int (*select)(const rp_file *, const rp_site *, const void *),
                      const void *arg, size_t *points)
{
    wins *w = calloc(f->nseries ? f->nseries : 1, sizeof *w);
    if (!w)
        return;
    for (size_t k = 0; k < f->nseries; k++)
        w[k].series = (int)k;
    size_t n = 0;
    for (size_t i = 0; i < f->nsites; i++) {
        const rp_site *s = &f->sites[i];
        const rp_point *win = rp_best(f, s, NULL, NULL);
        if (!win || !select(f, s, arg))
            continue;
        w[win->series].count++;
        n++;
    }
    qsort(w, f->nseries, sizeof *w, cmp_wins);
    int first = 1;
    for (size_t k = 0; k < f->nseries && w[k].count; k++) {
        fprintf(o, "%s", first ? "" : ", ");
        md_cell(o, f->series[w[k].series].label);
        fprintf(o, " %d", w[k].count);
        first = 0;
    }
    if (first)
        fputs("-", o);
    free(w);
    if (points)
        *points = n;
}

typedef struct region_sel {
    const char *layout;
    int size_class; /* -1: any */
    int small_c;    /* -1: any, 0 large, 1 small */
} region_sel;

static int in_region(const rp_file *f, const rp_site *s, const void *arg)
{
    const region_sel *r = arg;
    if (r->layout && strcmp(s->layout, r->layout) != 0)
        return 0;
    if (r->size_class >= 0 && rp_size_class(f, s->ws) != r->size_class)
        return 0;
    if (r->small_c >= 0 && (s->c < RP_SMALL_C) != r->small_c)
        return 0;
    return 1;
}

void sweep_wins(FILE *o, const rp_file *f, size_t *points)
{
    region_sel all = {NULL, -1, -1};
    wins_text(o, f, in_region, &all, points);
}

static void region_row(FILE *o, const rp_file *f, const region_sel *sel, const char *name)
{
    size_t n = 0, nm = 0, nr = 0, np = 0;
    double *margins = calloc(f->nsites + 1, sizeof *margins);
    double *ratios = calloc(f->nsites + 1, sizeof *ratios);
    double *vs_peer = calloc(f->nsites + 1, sizeof *vs_peer);
    if (!margins || !ratios || !vs_peer)
        goto out;
    for (size_t i = 0; i < f->nsites; i++) {
        const rp_site *s = &f->sites[i];
        const rp_point *win = rp_best(f, s, NULL, NULL);
        if (!win || !in_region(f, s, sel))
            continue;
        n++;
        const rp_point *second = rp_best(f, s, NULL, win);
        if (second)
            margins[nm++] = win->bps / second->bps;
        const rp_point *chan = rp_best(f, s, rp_is_chanmul, NULL);
        const rp_point *peer = rp_best(f, s, rp_is_peer, NULL);
        if (chan && isfinite(chan->ratio)) {
            double best = chan->ratio;
            for (size_t k = s->first; k < s->first + s->count; k++) /* best ratio of any chanmul kernel */
                if (rp_timed(&f->points[k]) && rp_is_chanmul(f, &f->points[k]) &&
                    isfinite(f->points[k].ratio) && f->points[k].ratio > best)
                    best = f->points[k].ratio;
            ratios[nr++] = best;
        }
        if (chan && peer)
            vs_peer[np++] = chan->bps / peer->bps;
    }
    if (!n)
        goto out;
    char b1[32], b2[32];
    fprintf(o, "| %s | %s | %zu | ", sel->layout, name, n);
    wins_text(o, f, in_region, sel, NULL);
    double gm = geomean(vs_peer, np), mm = rp_median(margins, nm), mr = rp_median(ratios, nr);
    fprintf(o, " | %s | %s | %s |\n", nm ? md_signed_pct(mm, b1, sizeof b1) : "-",
            md_ratio2(mr, b2, sizeof b2), np ? md_signed_pct(gm, (char[32]){0}, 32) : "no peer");
out:
    free(margins);
    free(ratios);
    free(vs_peer);
}

void section_winners(FILE *o, const report *r)
{
    md_heading(o, 2, "3. Winners");
    fputs("The fastest implementation at each point of the sweep (layout, shape, threads), by "
          "median GB/s, and its margin over the runner-up and over the fastest peer. Regions: "
          "working set (8 bytes per element + 4 per channel) against the machine's per-core L2 "
          "and its LLC (L3); small C means C < 16, less than one AVX-512 vector of floats.\n",
          o);
    for (int k = 0; k < r->nm; k++) {
        const report_machine *m = &r->m[k];
        const rp_file *f = &m->f;
        int level = machine_heading(o, r, m, 3);
        size_t points = 0;
        fputs(r->nm == 1 ? "\nWins over the whole sweep: " : "Wins over the whole sweep: ", o);
        sweep_wins(o, f, &points);
        fprintf(o, " (of %zu points).\n", points);

        md_heading(o, level, "Regions");
        fputs("| Layout | Region | Points | Wins | Median margin of the winner over the runner-up "
              "| Best chanmul kernel, median x memcpy | Best chanmul vs fastest peer (geo-mean) |\n"
              "|---|---|---:|---|---:|---:|---:|\n",
              o);
        for (size_t i = 0; i < f->nsites;) {
            const char *layout = f->sites[i].layout;
            i = rp_layout_end(f, i);
            for (int cls = RP_FITS_L2; cls <= RP_SIZE_UNKNOWN; cls++) {
                region_sel sel = {layout, cls, -1};
                region_row(o, f, &sel, rp_size_class_name(cls));
            }
            region_sel small = {layout, -1, 1}, large = {layout, -1, 0};
            region_row(o, f, &small, "small C (< 16)");
            region_row(o, f, &large, "large C (>= 16)");
        }

        md_heading(o, level, "Winner per point");
        fputs("| Layout | Shape NxHxWxC | Threads | Working set | Region | Winner | GB/s | x memcpy "
              "| Runner-up | Margin | vs fastest peer |\n"
              "|---|---|---:|---:|---|---|---:|---:|---|---:|---|\n",
              o);
        for (size_t i = 0; i < f->nsites; i++)
            winner_row(o, f, &f->sites[i]);
    }
}

/* ---- section 4: throughput tables ----------------------------------------------- */

/* 1 when site s has a kernel's point (timed or failed), not only baselines. */
static int site_has_kernel(const rp_file *f, const rp_site *s)
{
    for (size_t k = s->first; k < s->first + s->count; k++)
        if (rp_is_kernel(f, &f->points[k]))
            return 1;
    return 0;
}

/* One throughput table per layout and thread count of f, in site order, its
 * headings at level; kernel_sites_only leaves out the shapes where only the
 * baselines ran (another op's shapes, in one op's view). */
static void throughput_tables(FILE *o, const rp_file *f, int level, int kernel_sites_only)
{
        for (size_t i = 0; i < f->nsites;) {
            const char *layout = f->sites[i].layout;
            size_t end = rp_layout_end(f, i);
            int threads[256], nt = rp_site_threads(f, i, end, threads, 256);
            for (int t = 0; t < nt; t++) {
                md_heading(o, level, "%s, %d thread%s", layout, threads[t], threads[t] == 1 ? "" : "s");
                /* columns: baselines, then kernels with a point here or a failed verification */
                int cols[256], ncols = 0;
                for (int pass = 0; pass < 2; pass++)
                    for (size_t s = 0; s < f->nseries && ncols < 256; s++) {
                        int base = strcmp(f->series[s].kind, RP_KIND_BASELINE) == 0;
                        if (base != (pass == 0))
                            continue;
                        int present = f->series[s].verify_failed && !base;
                        for (size_t q = i; q < end && !present; q++)
                            present = f->sites[q].threads == threads[t] && rp_at(f, &f->sites[q], (int)s);
                        if (present)
                            cols[ncols++] = (int)s;
                    }
                chanmul_op view_op;
                int pairs = f->op && chanmul_op_parse(f->op, &view_op) == 0 &&
                            chanmul_op_info_of(view_op)->broadcast; /* bcast's sites are pairs of shapes */
                fputs(pairs ? "| Shapes A,B | Working set |" : "| Shape NxHxWxC | Working set |", o);
                for (int c = 0; c < ncols; c++) {
                    fputc(' ', o);
                    md_cell(o, f->series[cols[c]].label);
                    fputs(" |", o);
                }
                fputs("\n|---|---:|", o);
                for (int c = 0; c < ncols; c++)
                    fputs("---:|", o);
                fputc('\n', o);
                for (size_t q = i; q < end; q++) {
                    const rp_site *s = &f->sites[q];
                    if (s->threads != threads[t] || (kernel_sites_only && !site_has_kernel(f, s)))
                        continue;
                    char shape[64], ws[32], g[32], p[32];
                    const rp_point *win = rp_best(f, s, NULL, NULL);
                    fprintf(o, "| %s | %s (%s) |", site_shape(s, shape, sizeof shape),
                            rp_fmt_bytes(s->ws, ws, sizeof ws), region_short(f, s->ws));
                    for (int c = 0; c < ncols; c++) {
                        const rp_point *pt = rp_at(f, s, cols[c]);
                        int base = strcmp(f->series[cols[c]].kind, RP_KIND_BASELINE) == 0;
                        if ((pt && pt->failed) || (!pt && f->series[cols[c]].verify_failed))
                            fputs(" FAIL |", o);
                        else if (!pt || !rp_timed(pt))
                            fputs(" - |", o);
                        else if (base)
                            fprintf(o, " %s |", rp_fmt_gbs(pt->bps, g, sizeof g));
                        else
                            fprintf(o, " %s%s (%s)%s |", pt == win ? "**" : "",
                                    rp_fmt_gbs(pt->bps, g, sizeof g), md_pct(pt->ratio, p, sizeof p),
                                    pt == win ? "**" : "");
                    }
                    fputc('\n', o);
                }
            }
            i = end;
        }
}

#define THROUGHPUT_LEGEND                                                                        \
    "Median GB/s (10^9 bytes/s) and, in brackets, the ratio to memcpy at the same layout, "      \
    "shape and thread count in the same run. Bold: the fastest at that shape. FAIL: failed "     \
    "verification, never timed; -: not measured.\n"

void section_tables(FILE *o, const report *r)
{
    md_heading(o, 2, "4. Throughput tables");
    fputs(THROUGHPUT_LEGEND, o);
    for (int k = 0; k < r->nm; k++) {
        const report_machine *m = &r->m[k];
        throughput_tables(o, &m->f, machine_heading(o, r, m, 3), 0);
    }
}

/* ---- section 8: the other forms ------------------------------------------------- */

static int has_kernel_points(const rp_file *f)
{
    for (size_t i = 0; i < f->npoints; i++)
        if (rp_is_kernel(f, &f->points[i]))
            return 1;
    return 0;
}

/* What one form moves and how it is verified, from its facts: the reader's
 * yardstick for its tables (a form that moves 12 bytes per element cannot
 * run at the speed of memcpy's 8). */
static void form_facts(FILE *o, const chanmul_op_info *info)
{
    if (info->broadcast) {
        fprintf(o, "Operands: `%s`, `%s` -> `%s`, general shapes of rank 0 to %d broadcast by NumPy's rules "
                "(aligned from the last axis, a dimension of 1 stretched); shapes are written `A,B`. It moves "
                "the bytes of every operand once: 12 per element of `%s` when one operand has the result's "
                "shape and the other is small (about 0.67 x memcpy at memory speed; memcpy here copies the "
                "result's bytes), down to 4 per element when both are stretched (an outer product, which "
                "can pass memcpy). In place: `%s` may be `%s` when `%s` has the result's shape. Verified bit "
                "for bit against the plain index arithmetic: each output element is one correctly rounded "
                "product. `auto` is not tuned for it: its heuristic runs `stream`.\n\n",
                info->operand_names[0], info->operand_names[1], info->operand_names[2], CHANMUL_MAX_RANK,
                info->operand_names[2], info->operand_names[2], info->operand_names[0], info->operand_names[0]);
        return;
    }
    int full = 0;
    fputs("Operands: ", o);
    for (int k = 0; k < info->inputs + info->outputs; k++) {
        int whole = info->operand_axes[k] == CHANMUL_AXES_ALL;
        full += whole;
        fprintf(o, "%s`%s`%s", k == 0 ? "" : k == info->inputs ? " -> " : ", ", info->operand_names[k],
                whole ? " (x's shape)" : "");
    }
    fprintf(o, ". It moves %d bytes per element of x (its operands of x's shape, each once; the smaller "
            "ones add little), against memcpy's 8: at memory speed a kernel reaches about %.2f x memcpy.",
            4 * full, 8.0 / (4.0 * full));
    if (info->in_place_input >= 0)
        fprintf(o, " In place: `%s` may be `%s`.", info->operand_names[info->inputs],
                info->operand_names[info->in_place_input]);
    switch (info->rounding) {
    case CHANMUL_ROUND_ONE_PRODUCT:
        fputs(" Verified bit for bit: each output element is one correctly rounded product.", o);
        break;
    case CHANMUL_ROUND_MULTIPLY_ADD:
        fputs(" Verified bit for bit against the reference of the rounding each implementation declares "
              "(fused, one rounding; or the product rounded, then the sum).", o);
        break;
    case CHANMUL_ROUND_REPRODUCIBLE_SUM:
        fprintf(o, " Verified: `%s` bit for bit; the sums within the documented bound of their exact "
                "values, the same bits at 1, 2, 3 and 7 threads and on a repeat, and chanmul's own kernels "
                "in the library's one order (so `auto` gives the same bits whatever it picks).",
                info->operand_names[info->inputs]);
        break;
    }
    fputs("\n\n", o);
}

/* The forms beside the channel scale (per-sample scale, spatial gate, ...):
 * a section each: what it moves and how it is verified, then the same tables,
 * from each op's own view of the results. */
void section_other_forms(FILE *o, const report *r)
{
    md_heading(o, 2, "8. Other forms");
    fputs("The other forms of the family, timed at a few sizes in the same runs. The bytes counted "
          "are every operand once; the ratio to memcpy compares with a copy of x to y timed right "
          "after each repetition. " THROUGHPUT_LEGEND "\n", o);
    int any = 0;
    for (int op = 0; op < CHANMUL_OP_COUNT; op++) {
        if (op == CHANMUL_OP_SCALE)
            continue;
        const chanmul_op_info *info = chanmul_op_info_of((chanmul_op)op);
        int shown = 0;
        for (int k = 0; k < r->nm; k++) {
            const report_machine *m = &r->m[k];
            if (!m->forms[op].json || !has_kernel_points(&m->forms[op]))
                continue;
            if (!shown) {
                md_heading(o, 3, "%s: `%s`", info->name, info->formula);
                form_facts(o, info);
            }
            shown = any = 1;
            int level = 4;
            if (r->nm > 1) {
                md_heading(o, 4, "%s", m->name);
                level = 5;
            }
            throughput_tables(o, &m->forms[op], level, 1);
        }
    }
    if (!any)
        fputs("These results hold no other form (`chanmul sweep` times them unless `--op scale`).\n\n", o);
}
