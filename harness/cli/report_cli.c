/*
 * `chanmul report [RESULTS.json ...] [--out FILE] [--plots DIR] [--baseline BASE.json]
 * [--selection FILE]`:
 * turns results files (Google Benchmark JSON with chanmul's context) into
 * report.md and gnuplot plots.
 *
 * This is the verb: it reads the command line, loads the results
 * (report_data.c), makes the plots (report_plots.c), evaluates the targets
 * (targets.c), has the report library write the text (report.h) and writes
 * it to disk. All input is read and checked before anything is written; the
 * report goes through a temporary file and rename(), so a reader never sees
 * half of one.
 */
#include "report.h"
#include "report_cli.h"

#include "cli.h"
#include "files.h"
#include "paths.h"
#include "shell_word.h"

#include "chanmul.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEFAULT_RESULTS "results/latest.json"
#define DEFAULT_OUT "report.md"
#define DEFAULT_PLOTS "plots/"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: chanmul report [RESULTS.json ...] [--out FILE] [--plots DIR] [--baseline BASE.json]\n"
            "                      [--selection FILE]\n"
            "Turns results files into a Markdown report and gnuplot plots (PNG + SVG).\n"
            "  RESULTS.json  Google Benchmark JSON from chanmul's benchmarks (default %s);\n"
            "                several files (one per machine) are compared side by side\n"
            "  --out FILE    the report (default %s)\n"
            "  --plots DIR   plot data (*.dat) and images (default %s); gnuplot scripts are\n"
            "                taken from $CHANMUL_PLOT_SCRIPTS, DIR or the source tree's plots/\n"
            "  --baseline BASE.json  add \"Changes since the baseline\": chanmul compare's verdicts\n"
            "                of BASE.json against the first results file\n"
            "  --selection FILE  a selection file (chanmul tune): where it came from, whether this\n"
            "                build's auto would use it, and its map, in \"Choosing a kernel: auto\"\n"
            "Environment: CHANMUL_GNUPLOT names the gnuplot program (default gnuplot).\n"
            "Exit status: 0 report written, 2 bad usage or an unreadable / invalid results or\n"
            "selection file.\n",
            DEFAULT_RESULTS, DEFAULT_OUT, DEFAULT_PLOTS);
}

int report_parse_args(int argc, char **argv, report_args *a)
{
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        int rc;
        if ((rc = cli_option(argc, argv, &i, "--out", &v)) != 0) {
            if (rc < 0)
                return EXIT_USAGE; /* (cli_option said the value is missing) */
            if (!*v) {
                fprintf(stderr, "chanmul report: --out needs a file name\n");
                return EXIT_USAGE;
            }
            a->out = v;
        } else if ((rc = cli_option(argc, argv, &i, "--baseline", &v)) != 0) {
            if (rc < 0)
                return EXIT_USAGE; /* (cli_option said the value is missing) */
            if (!*v) {
                fprintf(stderr, "chanmul report: --baseline needs a results file\n");
                return EXIT_USAGE;
            }
            a->baseline = v;
        } else if ((rc = cli_option(argc, argv, &i, "--selection", &v)) != 0) {
            if (rc < 0)
                return EXIT_USAGE; /* (cli_option said the value is missing) */
            if (!*v) {
                fprintf(stderr, "chanmul report: --selection needs a selection file\n");
                return EXIT_USAGE;
            }
            a->selection = v;
        } else if ((rc = cli_option(argc, argv, &i, "--plots", &v)) != 0) {
            if (rc < 0)
                return EXIT_USAGE; /* (cli_option said the value is missing) */
            if (!*v) {
                fprintf(stderr, "chanmul report: --plots needs a directory\n");
                return EXIT_USAGE;
            }
            a->plots = v;
        } else if (cli_is_help(argv[i])) {
            usage(stdout);
            return 0;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            fprintf(stderr, "chanmul report: unknown option '%s'\n", argv[i]);
            usage(stderr);
            return EXIT_USAGE;
        } else {
            a->files[a->nfiles++] = argv[i];
        }
    }
    if (!a->nfiles)
        a->files[a->nfiles++] = DEFAULT_RESULTS;
    /* (its folder may be missing: make_plots makes it, once the inputs are read) */
    if (cli_check_output("chanmul report", "--out", a->out, 1) != 0)
        return EXIT_USAGE;
    return -1;
}

/* Reads every results file into r->m (r->nm counts the machines to free):
 * the channel scale's view, each other op's view when the file has other ops,
 * and the machine's name. Returns 0, or -1 after printing why. */
static int load_machines(report *r, const char *const *files, int nfiles)
{
    for (int k = 0; k < nfiles; k++) {
        char err[1024];
        if (rp_load_op(files[k], "scale", &r->m[k].f, err, sizeof err) != 0) {
            fprintf(stderr, "chanmul report: %s\n", err);
            return -1;
        }
        r->nm = k + 1;
        for (int op = 0; op < CHANMUL_OP_COUNT; op++)
            if (op != CHANMUL_OP_SCALE && r->m[k].f.other_op_rows &&
                rp_load_op(files[k], chanmul_op_name((chanmul_op)op), &r->m[k].forms[op], err, sizeof err) != 0) {
                fprintf(stderr, "chanmul report: %s\n", err);
                return -1;
            }
        report_machine *m = &r->m[k];
        char host[128];
        snprintf(m->f.tag, sizeof m->f.tag, "M%d", k + 1);
        const char *h = rp_context(&m->f, "host_name", host, sizeof host);
        if (nfiles > 1)
            snprintf(m->name, sizeof m->name, "M%d (%s)", k + 1, h ? h : files[k]);
        else
            snprintf(m->name, sizeof m->name, "%s", h ? h : files[k]);
    }
    return 0;
}

/* --baseline: `chanmul compare BASE FIRST` with compare's defaults into
 * r->changes. base and first_all_ops hold the two files, every op on both
 * sides, so compare sees what `chanmul compare` sees; the caller frees them.
 * Returns 0, or -1 after printing why. */
static int compare_baseline(report *r, const char *baseline, const char *first, rp_file *base,
                            rp_file *first_all_ops)
{
    char err[1024];
    cmp_options opt;
    cmp_options_init(&opt);
    r->baseline_path = baseline;
    if (rp_load(baseline, base, err, sizeof err) != 0 || rp_load(first, first_all_ops, err, sizeof err) != 0) {
        fprintf(stderr, "chanmul report: %s\n", err);
        return -1;
    }
    if (cmp_compare(base, 1, first_all_ops, 1, &opt, &r->changes, err, sizeof err) != 0) {
        fprintf(stderr, "chanmul report: --baseline: %s\n", err);
        return -1;
    }
    r->have_changes = 1;
    return 0;
}

/* --selection: the file read and parsed into *sel, and whether this build's
 * auto would use it into r. A file that cannot be read or parsed is bad usage:
 * returns -1 after printing the parser's message (the file and line:column). */
static int load_selection(report *r, const char *path, chanmul_selection *sel)
{
    char err[1024];
    size_t len = 0;
    char *text = file_read_all(path, "selection file", &len, err, sizeof err);
    if (!text) {
        fprintf(stderr, "chanmul report: %s\n", err);
        return -1;
    }
    int rc = chanmul_selection_parse(text, len, path, sel, err, sizeof err);
    free(text);
    if (rc != 0) {
        fprintf(stderr, "chanmul report: selection file refused: %s\n", err);
        return -1;
    }
    r->selection = sel;
    r->selection_path = path;
    /* as auto decides (auto_select.c): made here, by this build, with an entry left */
    if (chanmul_selection_check_origin(sel, r->selection_refusal, sizeof r->selection_refusal) != 0)
        r->selection_usable = 0;
    else if (sel->count == 0 && sel->skipped)
        snprintf(r->selection_refusal, sizeof r->selection_refusal,
                 "it has no usable entry (first skipped: %s)", sel->first_skip);
    else if (sel->count == 0)
        snprintf(r->selection_refusal, sizeof r->selection_refusal, "it has no entry");
    else
        r->selection_usable = 1;
    return 0;
}

/* The plots: the data files always, the images when gnuplot is there, in
 * plots_dir (created, with the report's folder; its trailing slashes removed
 * into plots_clean, as the report names it). Returns 0, or -1 after printing why. */
/* The plots are written into a staging folder inside the plots folder
 * (stage, PATH_MAX bytes), and moved into place only once report.md is
 * written: a report that fails (a full disk, an unwritable file) leaves the
 * earlier report and its plots as they were. */
static int make_plots(report *r, const char *out, const char *plots_dir, char *plots_clean, size_t len,
                      char *stage)
{
    char outdir[PATH_MAX];
    path_parent_dir(out, outdir, sizeof outdir);
    if (path_mkdirs(plots_dir) != 0) {
        fprintf(stderr, "chanmul report: cannot create the plots directory '%s': %s\n", plots_dir,
                strerror(errno));
        return -1;
    }
    if (path_mkdirs(outdir) != 0) {
        fprintf(stderr, "chanmul report: cannot create the directory of '%s': %s\n", out, strerror(errno));
        return -1;
    }
    path_trim_slashes(plots_dir, plots_clean, len);
    path_relative_dir(outdir, plots_clean, r->plots_rel, sizeof r->plots_rel);
    if (snprintf(stage, PATH_MAX, "%s/.chanmul-report-%ld", plots_clean, (long)getpid()) >= PATH_MAX) {
        fprintf(stderr, "chanmul report: the plots directory's name is too long: '%s'\n", plots_clean);
        stage[0] = '\0';
        return -1;
    }
    if (mkdir(stage, 0755) != 0) {
        fprintf(stderr, "chanmul report: cannot write in the plots directory '%s': %s\n", plots_clean,
                strerror(errno));
        stage[0] = '\0';
        return -1;
    }
    rp_plotter_init(&r->plotter, plots_clean, stage);
    report_palette(r, &r->plotter.palette, &r->plotter.npalette);
    if (!r->plotter.available)
        fprintf(stderr, "chanmul report: no images: %s\n", r->plotter.why);
    for (int k = 0; k < r->nm; k++) {
        char prefix[16] = "";
        if (r->nm > 1)
            snprintf(prefix, sizeof prefix, "m%d_", k + 1);
        if (rp_plots_make(&r->plotter, &r->m[k].f, prefix, r->m[k].plots) != 0)
            return -1;
        for (int p = 0; p < RP_PLOT_COUNT; p++)
            if (r->m[k].plots[p].failed)
                fprintf(stderr, "chanmul report: %s: %s\n", r->m[k].plots[p].file, r->m[k].plots[p].why);
    }
    rp_plotter_finish(&r->plotter);
    return 0;
}

/* Frees what the steps above filled in, however far they got. */
static void report_release(report *r, rp_file *base, rp_file *first_all_ops)
{
    for (int k = 0; k < r->nm; k++) {
        targets_free(&r->m[k].targets);
        for (int op = 0; op < CHANMUL_OP_COUNT; op++)
            regret_free(&r->m[k].regret[op]);
        rp_free(&r->m[k].f);
        for (int op = 0; op < CHANMUL_OP_COUNT; op++)
            if (r->m[k].forms[op].json)
                rp_free(&r->m[k].forms[op]);
    }
    if (first_all_ops->json)
        rp_free(first_all_ops);
    if (r->have_changes)
        cmp_free(&r->changes);
    if (base->json)
        rp_free(base);
    free(r->plotter.palette);
    free(r->m);
}

int cmd_report(int argc, char **argv)
{
    report_args a = {calloc((size_t)argc + 1, sizeof *a.files), 0, DEFAULT_OUT, DEFAULT_PLOTS, NULL, NULL};
    if (!a.files) {
        fprintf(stderr, "chanmul report: out of memory\n");
        return EXIT_USAGE;
    }
    int status = report_parse_args(argc, argv, &a);
    if (status >= 0) {
        free(a.files);
        return status;
    }

    report r;
    rp_file base, first_all_ops;
    chanmul_selection sel;
    memset(&sel, 0, sizeof sel);
    memset(&r, 0, sizeof r);
    memset(&base, 0, sizeof base);
    memset(&first_all_ops, 0, sizeof first_all_ops);
    snprintf(r.command, sizeof r.command, "chanmul");
    for (int i = 0; i < argc; i++)
        shell_word_append(r.command, sizeof r.command, argv[i]);
    r.m = calloc((size_t)a.nfiles, sizeof *r.m);
    if (!r.m) {
        fprintf(stderr, "chanmul report: out of memory\n");
        free(a.files);
        return EXIT_USAGE;
    }

    /* 1. read everything; nothing is written before all of it is good */
    status = EXIT_USAGE;
    char plots_clean[PATH_MAX], stage[PATH_MAX] = "";
    if ((a.selection && load_selection(&r, a.selection, &sel) != 0) ||
        load_machines(&r, a.files, a.nfiles) != 0 ||
        (a.baseline && compare_baseline(&r, a.baseline, a.files[0], &base, &first_all_ops) != 0))
        goto out;

    /* 2. plots */
    if (make_plots(&r, a.out, a.plots, plots_clean, sizeof plots_clean, stage) != 0)
        goto out;

    /* 3. the report: the target verdicts first (the summary at its top quotes them) */
    chanmul_cpu_signature here; /* the heuristic's choices are this machine's */
    chanmul_cpu_signature_get(&here);
    for (int k = 0; k < r.nm; k++) {
        if (targets_evaluate(&r.m[k].f, &r.m[k].targets) != 0) {
            fprintf(stderr, "chanmul report: out of memory\n");
            goto out;
        }
        for (int op = 0; op < CHANMUL_OP_COUNT; op++) {
            const rp_file *view = op == CHANMUL_OP_SCALE ? &r.m[k].f : &r.m[k].forms[op];
            if (view->json && regret_evaluate(view, &here, &r.m[k].regret[op]) != 0) {
                fprintf(stderr, "chanmul report: out of memory\n");
                goto out;
            }
        }
    }
    char *text = NULL;
    size_t len = 0;
    if (report_write(&r, &text, &len) != 0) {
        fprintf(stderr, "chanmul report: out of memory\n");
        free(text);
        goto out;
    }
    if (file_write_atomic(a.out, text, len) != 0) {
        fprintf(stderr, "chanmul report: cannot write '%s': %s\n", a.out, strerror(errno));
        free(text);
        goto out;
    }
    free(text);
    if (path_move_files(stage, plots_clean) != 0) {
        fprintf(stderr, "chanmul report: wrote %s, but could not move its plots from %s into %s: %s\n", a.out,
                stage, plots_clean, strerror(errno));
        goto out;
    }
    if (!r.plotter.failures)
        unlink(r.plotter.log_shown); /* an earlier run's log, now stale */
    int images = 0;
    for (int k = 0; k < r.nm; k++)
        for (int p = 0; p < RP_PLOT_COUNT; p++)
            images += r.m[k].plots[p].rendered;
    printf("chanmul report: wrote %s (%d machine%s, %d plot%s in %s)\n", a.out, r.nm, r.nm == 1 ? "" : "s",
           images, images == 1 ? "" : "s", plots_clean);
    status = 0;
out:
    if (stage[0])
        path_remove_flat_dir(stage); /* (empty after a report that was written) */
    report_release(&r, &base, &first_all_ops);
    chanmul_selection_free(&sel);
    free(a.files);
    return status;
}
