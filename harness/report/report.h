/*
 * `chanmul report` as a library: loaded results files (report_model.h), their
 * plots and target verdicts in, the Markdown of report.md out. Reading the
 * files, rendering the plots and writing report.md to disk are the caller's
 * (the verb: harness/cli/report_cli.c), so the text depends only on what is
 * passed here: sorted, no clock, the same inputs give the same bytes.
 *
 * report_write.c writes the report from the sections (sections_*.c, declared
 * in report_sections.h); report_data.c reads the JSON into the model;
 * targets.c evaluates the performance targets; report_plots.c writes the plot
 * data and runs gnuplot.
 */
#ifndef CHANMUL_REPORT_H
#define CHANMUL_REPORT_H

#include "compare.h"
#include "report_model.h"
#include "selection_regret.h"
#include "targets.h"

#include "selection.h"

#include "chanmul.h"

#include <limits.h>
#include <stddef.h>

/* One results file: one machine, one column or subsection of the report. */
typedef struct report_machine {
    rp_file f;                       /* the channel scale (and the baselines) */
    rp_file forms[CHANMUL_OP_COUNT]; /* each other op's view of the same file (not the scale's);
                                        json NULL: not loaded (the file has no other op) */
    char name[160];                  /* "M1 (zen5-dev)" or just the host for one file */
    rp_plot plots[RP_PLOT_COUNT];    /* made (rp_plots_make) before the report is written */
    targets_result targets;          /* evaluated before the report is written: the summary quotes them */
    regret_result regret[CHANMUL_OP_COUNT]; /* auto's regret per op (the scale from f, the others
                                               from forms): evaluated before the report is written */
} report_machine;

typedef struct report {
    report_machine *m;
    int nm;
    char plots_rel[PATH_MAX];  /* the plots directory as seen from the report's directory */
    char command[4096];        /* the command that made the report, shell-quoted */
    rp_plotter plotter;        /* what made the plots: named in section 6 */
    const char *baseline_path; /* --baseline, or NULL */
    cmp_result changes;        /* the baseline against the first results file */
    int have_changes;          /* changes is filled in: section 9 is written */
    const chanmul_selection *selection; /* --selection, parsed; NULL: none given */
    const char *selection_path;
    int selection_usable;      /* auto in this build would use it (origin checked, entries left) */
    char selection_refusal[1024]; /* why not, when not usable */
} report;

/* The kernel names over every machine, kind then name: the plotter's palette,
 * so a kernel has one colour in every plot. *names (free() it) points into
 * r's series. */
void report_palette(const report *r, const char ***names, size_t *n);

/* Writes the whole report into a new buffer (*text, NUL-terminated, free() it).
 * Returns 0, or -1 when out of memory. */
int report_write(const report *r, char **text, size_t *len);

/* The verb, `chanmul report [RESULTS.json ...] [--out FILE] [--plots DIR]
 * [--baseline BASE.json] [--selection FILE]`, is defined in harness/cli/report_cli.c; it is
 * declared here because harness/cli/main.c reaches it through this header.
 * argv[0] is "report". Returns 0, or 2 (EXIT_USAGE) on bad usage or a results
 * (or selection) file that cannot be read; the report is then not written. */
int cmd_report(int argc, char **argv);

#endif
