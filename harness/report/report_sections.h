/*
 * The sections of report.md, each writing Markdown (markdown.h) from a filled
 * report (report.h). Private to the report: report_write.c puts them in order.
 *
 *   sections_overview.c      Summary, 1 Machines, 7 How to reproduce
 *   sections_performance.c   1's Throughput across machines, 3 Winners,
 *                            4 Throughput tables, 8 Other forms
 *   sections_verification.c  2 Verification
 *   sections_targets.c       the Summary's Targets table, 5 Performance targets
 *   sections_plots.c         6 Plots
 *   sections_changes.c       9 Changes since the baseline
 *   sections_selection.c     10 Choosing a kernel: `auto` (the selection file, regret)
 *   sections_prepared.c      11 Small problems: the one-shot and the prepared call
 *   report_sections.c        what several of them share (below)
 */
#ifndef CHANMUL_REPORT_SECTIONS_H
#define CHANMUL_REPORT_SECTIONS_H

#include "report.h"

#include <stddef.h>
#include <stdio.h>

/* ---- the sections, in report order ------------------------------------------------ */

void section_summary(FILE *o, const report *r);
void section_summary_targets(FILE *o, const report *r); /* "### Targets": every machine's verdicts */
void section_machines(FILE *o, const report *r);
void section_across(FILE *o, const report *r);          /* only with several machines */
void section_verification(FILE *o, const report *r);
void section_winners(FILE *o, const report *r);
void section_tables(FILE *o, const report *r);
void section_targets(FILE *o, const report *r);
void section_plots(FILE *o, const report *r);
void section_reproduce(FILE *o, const report *r);
void section_other_forms(FILE *o, const report *r);
void section_changes(FILE *o, const report *r);         /* only with --baseline */
void section_selection(FILE *o, const report *r);
void section_prepared(FILE *o, const report *r);

/* ---- shared by the sections (report_sections.c, but sweep_wins) ------------------- */

/* A subsection heading per machine, only when there are several: returns the
 * level the machine's own headings take (level, or level + 1 below it). */
int machine_heading(FILE *o, const report *r, const report_machine *m, int level);

/* A table header: the leading columns (head, and their rule line), then one
 * column per machine ("Verdict" when there is only one). */
void machine_columns(FILE *o, const report *r, const char *head, const char *rule);

/* The site's shape, NxHxWxC. */
const char *site_shape(const rp_site *s, char *buf, size_t len);

/* The point's implementation, as people read it: "onednn (peer)". */
const char *point_label(const rp_file *f, const rp_point *p);

/* "omp_tiled 10, simd 4": the winners over every site of f and how many sites
 * each won; *points (when not NULL) the sites that had a winner.
 * sections_performance.c, beside the regions' wins; the summary quotes it. */
void sweep_wins(FILE *o, const rp_file *f, size_t *points);

#endif
