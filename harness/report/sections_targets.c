/*
 * The performance targets in the report: the summary's table of verdicts and
 * section 5, "Performance targets", the rows and shortfalls behind each
 * verdict. The verdicts and their rows come from targets.c (evaluated before
 * the report is written); this only formats them.
 */
#include "report_sections.h"

#include "markdown.h"

#include <math.h>

#define MAX_LISTED 20 /* rows listed under a failed target */

static void verdict_line(FILE *o, const targets_target *t)
{
    fprintf(o, "**%s**: %s.\n", targets_verdict_name(t->verdict), t->text);
}

/* The columns of a shortfall's row after its layout, shape and threads. */
typedef void shortfall_columns(FILE *o, const rp_file *f, const targets_point *sf);

/* The target's shortfalls, worst first, at most MAX_LISTED of them: a line
 * saying what they are, the table head, then one row each. */
static void shortfall_table(FILE *o, const rp_file *f, const targets_target *t, const char *what,
                            const char *head, shortfall_columns *columns)
{
    char shape[64], first[32] = "";
    if (!t->nshortfalls)
        return;
    if (t->nshortfalls > MAX_LISTED)
        snprintf(first, sizeof first, " (the first %d)", MAX_LISTED);
    fprintf(o, "\n%s, worst first%s:\n\n", what, first);
    fputs(head, o);
    for (size_t q = 0; q < t->nshortfalls && q < MAX_LISTED; q++) {
        const targets_point *sf = &t->shortfalls[q];
        fprintf(o, "| %s | %s | %d | ", sf->site->layout, site_shape(sf->site, shape, sizeof shape),
                sf->site->threads);
        columns(o, f, sf);
    }
}

/* T1, T2: working set, best chanmul kernel, its GB/s, memcpy's, the copy loop's, the ratio. */
static void memcpy_shortfall(FILE *o, const rp_file *f, const targets_point *sf)
{
    char ws[64], gbs[32], memcpy_gbs[32], copy_gbs[32], ratio[64];
    fprintf(o, "%s | ", rp_fmt_bytes(sf->site->ws, ws, sizeof ws));
    md_cell(o, sf->kernel ? point_label(f, sf->kernel) : "none timed");
    fprintf(o, " | %s | %s | %s | %s |\n", sf->kernel ? rp_fmt_gbs(sf->kernel->bps, gbs, sizeof gbs) : "-",
            rp_fmt_gbs(sf->site->memcpy_bps, memcpy_gbs, sizeof memcpy_gbs),
            isfinite(sf->site->copy_loop_bps) ? rp_fmt_gbs(sf->site->copy_loop_bps, copy_gbs, sizeof copy_gbs) : "-",
            sf->kernel ? md_ratio2(sf->value, ratio, sizeof ratio) : "-");
}

/* T3: best chanmul kernel and its GB/s, the fastest peer and its GB/s, the ratio. */
static void peer_shortfall(FILE *o, const rp_file *f, const targets_point *sf)
{
    char gbs[32], peer_gbs[32], ratio[32];
    md_cell(o, sf->kernel ? point_label(f, sf->kernel) : "none timed");
    fprintf(o, " | %s | ", sf->kernel ? rp_fmt_gbs(sf->kernel->bps, gbs, sizeof gbs) : "-");
    md_cell(o, point_label(f, sf->versus));
    fprintf(o, " | %s | %s |\n", rp_fmt_gbs(sf->versus->bps, peer_gbs, sizeof peer_gbs),
            sf->kernel ? md_ratio2(sf->value, ratio, sizeof ratio) : "-");
}

/* T1 (over == 0) and T2 (over == 1). */
static void write_ratio_target(FILE *o, const rp_file *f, const targets_target *t, int over, int level)
{
    char bytes[64], ratio[64], shape[64];
    if (!over)
        md_heading(o, level, "T1: in the LLC, best chanmul kernel >= %.2f x the copy roof", t->threshold);
    else
        md_heading(o, level, "T2: beyond twice the LLC, best chanmul kernel >= %.2f x memcpy", t->threshold);
    if (t->cache_unknown) {
        verdict_line(o, t);
        return;
    }
    fprintf(o, "Shapes whose working set (8 bytes per element + s) is %s %s; per layout and "
               "thread count, the best chanmul kernel (kind chanmul: not a peer, not the reference) "
               "at each shape, as a ratio to %s in the same run.\n\n",
            over ? "over 2 x LLC =" : "within the LLC,", rp_fmt_bytes(t->limit, bytes, sizeof bytes),
            over ? "memcpy"
                 : "the copy roof: the faster of memcpy and a plain load/store copy loop at the kernels' "
                   "ISA (baseline `copy_loop`, no streaming stores), both measured in the same run. A "
                   "kernel that must load, multiply and store each element can reach the copy loop; "
                   "glibc's memcpy, tuned per CPU, is sometimes faster than any such loop in the "
                   "caches. The ratio is the kernel's to the memcpy timed right after it, times "
                   "memcpy's median over the roof's");
    fprintf(o, "| Layout | Threads | Shapes | Below target | Worst shape | Best chanmul kernel there | x %s |\n"
               "|---|---:|---:|---:|---|---|---:|\n",
            over ? "memcpy" : "roof");
    for (size_t i = 0; i < t->ngroups; i++) {
        const targets_group *g = &t->groups[i];
        fprintf(o, "| %s | %d | %zu | %zu | %s | ", g->layout, g->threads, g->shapes, g->below,
                site_shape(g->worst.site, shape, sizeof shape));
        md_cell(o, g->worst.kernel ? point_label(f, g->worst.kernel) : "none timed");
        fprintf(o, " | %s |\n", g->worst.kernel ? md_ratio2(g->worst.value, ratio, sizeof ratio) : "-");
    }
    if (!t->total) {
        fputs("| (none) | | | | | | |\n\n", o);
        verdict_line(o, t);
        return;
    }
    fputc('\n', o);
    verdict_line(o, t);
    if (t->unevaluable)
        fprintf(o, "\n%zu shape(s) could not be evaluated: no memcpy row at the same layout, shape and "
                   "threads.\n",
                t->unevaluable);
    shortfall_table(o, f, t, "Below the target",
                    over ? "| Layout | Shape | Threads | Working set | Best chanmul kernel | GB/s | memcpy GB/s | copy loop GB/s | x memcpy |\n"
                           "|---|---|---:|---:|---|---:|---:|---:|---:|\n"
                         : "| Layout | Shape | Threads | Working set | Best chanmul kernel | GB/s | memcpy GB/s | copy loop GB/s | x roof |\n"
                           "|---|---|---:|---:|---|---:|---:|---:|---:|\n",
                    memcpy_shortfall);
}

static void write_peer_target(FILE *o, const rp_file *f, const targets_target *t, int level)
{
    char lo[32], hi[32];
    md_heading(o, level, "T3: at every shape, best chanmul kernel >= fastest peer");
    if (!t->total) {
        verdict_line(o, t);
        return;
    }
    fprintf(o, "Points where a peer was timed: %zu.\n\n", t->total);
    verdict_line(o, t);
    fputs("\nGeometric-mean speed-up of the best chanmul kernel over each peer (points where both "
          "were timed):\n\n| Peer | Layout | Points | Geo-mean speed-up | Lowest | Highest |\n"
          "|---|---|---:|---:|---:|---:|\n",
          o);
    for (size_t i = 0; i < t->npeers; i++) {
        const targets_peer_row *row = &t->peers[i];
        fputs("| ", o);
        md_cell(o, f->series[row->series].label);
        fprintf(o, " | %s | %zu | %.2f x | %s | %s |\n", row->layout ? row->layout : "all", row->points,
                row->geomean, md_ratio2(row->lowest, lo, sizeof lo), md_ratio2(row->highest, hi, sizeof hi));
    }
    shortfall_table(o, f, t, "Points where a peer is faster",
                    "| Layout | Shape | Threads | Best chanmul kernel | GB/s | Fastest peer | GB/s | chanmul / peer |\n"
                    "|---|---|---:|---|---:|---|---:|---:|\n",
                    peer_shortfall);
}

/* A kernel and its GB/s in one cell, or "none timed". */
static void kernel_gbs(FILE *o, const rp_file *f, const rp_point *p)
{
    char gbs[32];
    if (p) {
        md_cell(o, point_label(f, p));
        fprintf(o, " %s", rp_fmt_gbs(p->bps, gbs, sizeof gbs));
    } else {
        fputs("none timed", o);
    }
}

static void write_scaling_target(FILE *o, const rp_file *f, const targets_target *t, int level)
{
    char bytes[32], ratio[32], shape[64];
    md_heading(o, level, "T4: in L2, 2 threads >= %.1f x 1 thread", t->threshold);
    if (t->cache_unknown) {
        verdict_line(o, t);
        return;
    }
    fprintf(o, "Shapes whose working set fits the per-core L2 (%s): the best chanmul kernel's GB/s "
               "at 2 threads over the best at 1 thread.\n\n",
            rp_fmt_bytes(t->limit, bytes, sizeof bytes));
    fputs("| Layout | Shape | Working set | 1 thread: kernel, GB/s | 2 threads: kernel, GB/s | Speed-up | |\n"
          "|---|---|---:|---|---|---:|---|\n",
          o);
    for (size_t i = 0; i < t->nrows; i++) {
        const targets_point *row = &t->rows[i]; /* versus: 1 thread; kernel: 2 threads */
        fprintf(o, "| %s | %s | %s | ", row->site->layout, site_shape(row->site, shape, sizeof shape),
                rp_fmt_bytes(row->site->ws, bytes, sizeof bytes));
        kernel_gbs(o, f, row->versus);
        fputs(" | ", o);
        kernel_gbs(o, f, row->kernel);
        fprintf(o, " | %s | %s |\n", row->versus && row->kernel ? md_ratio2(row->value, ratio, sizeof ratio) : "-",
                row->below ? "**below**" : "ok");
    }
    if (!t->total) {
        fputs("| (none) | | | | | | |\n\n", o);
        verdict_line(o, t);
        return;
    }
    fputc('\n', o);
    verdict_line(o, t);
}

/* Section 5 for one machine. */
static void machine_targets(FILE *o, const report *r, const report_machine *m)
{
    const targets_target *t = m->targets.t;
    fputc('\n', o);
    int level = machine_heading(o, r, m, 3);
    fputs("Computed from the medians above. Best chanmul kernel: the fastest implementation of "
          "kind chanmul (never a peer, the reference or a plugin) that passed verification.\n",
          o);
    write_ratio_target(o, &m->f, &t[TARGET_T1], 0, level);
    write_ratio_target(o, &m->f, &t[TARGET_T2], 1, level);
    write_peer_target(o, &m->f, &t[TARGET_T3], level);
    write_scaling_target(o, &m->f, &t[TARGET_T4], level);
}

/* The verdicts of every machine side by side; the thresholds in the names are targets.h's. */
static void targets_table(FILE *o, const report *r)
{
    char names[TARGETS_COUNT][96];
    snprintf(names[TARGET_T1], sizeof names[0], "T1: in LLC, best chanmul >= %.2f x copy roof (faster of memcpy, copy loop)", TARGET_T1_MIN_RATIO);
    snprintf(names[TARGET_T2], sizeof names[0], "T2: > 2x LLC, best chanmul >= %.2f x memcpy", TARGET_T2_MIN_RATIO);
    snprintf(names[TARGET_T3], sizeof names[0], "T3: best chanmul >= fastest peer");
    snprintf(names[TARGET_T4], sizeof names[0], "T4: in L2, 2 threads >= %.1f x 1 thread", TARGET_T4_MIN_SCALING);
    machine_columns(o, r, "| Target |", "|---|");
    for (int t = 0; t < TARGETS_COUNT; t++) {
        fprintf(o, "| %s |", names[t]);
        for (int k = 0; k < r->nm; k++) {
            const targets_target *v = &r->m[k].targets.t[t];
            fprintf(o, " **%s**: ", targets_verdict_name(v->verdict));
            md_cell(o, v->text);
            fputs(" |", o);
        }
        fputc('\n', o);
    }
}

/* The summary's digest of section 5: the verdicts of every machine side by side. */
void section_summary_targets(FILE *o, const report *r)
{
    md_heading(o, 3, "Targets");
    targets_table(o, r);
}

void section_targets(FILE *o, const report *r)
{
    md_heading(o, 2, "5. Performance targets");
    targets_table(o, r);
    for (int k = 0; k < r->nm; k++)
        machine_targets(o, r, &r->m[k]);
}
