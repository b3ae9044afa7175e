/*
 * `chanmul report [RESULTS.json ...] [--out FILE] [--plots DIR] [--baseline BASE.json]`: turns results
 * files (Google Benchmark JSON with chanmul's context) into report.md and
 * gnuplot plots.
 *
 * All input is read and checked before anything is written; the report goes
 * through a temporary file and rename(), so a reader never sees half of one.
 * The output depends only on the inputs and the command line (sorted, no
 * clock), so regenerating from the same results gives the same bytes.
 *
 * report_data.c reads the JSON into the model (report_model.h); targets.c
 * evaluates the performance targets on it (targets.h); report_plots.c writes the
 * plot data and runs gnuplot; this file writes the Markdown.
 */
#include "files.h"
#include "report.h"
#include "shell_word.h"

#include "cli.h"
#include "compare.h"
#include "report_model.h"
#include "targets.h"

#include "chanmul.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build_info.h" /* CHANMUL_GIT_REVISION of this build */

#define DEFAULT_RESULTS "results/latest.json"
#define DEFAULT_OUT "report.md"
#define DEFAULT_PLOTS "plots/"
#define MAIN_COMMAND "bash harness/run.sh main"

#define MAX_LISTED 20 /* rows listed under a failed target */

typedef struct machine {
    rp_file f;               /* the channel scale (and the baselines) */
    rp_file forms[CHANMUL_OP_COUNT]; /* each other op's view of the same file (not the scale's) */
    char name[160];          /* "M1 (zen5-dev)" or just the host for one file */
    rp_plot plots[RP_PLOT_COUNT];
    targets_result targets;  /* evaluated before anything is written: the summary quotes them */
} machine;

typedef struct report {
    machine *m;
    int nm;
    char plots_rel[PATH_MAX]; /* the plots directory as seen from the report's directory */
    char command[4096];       /* this command, shell-quoted */
    rp_plotter plotter;
    const char *baseline_path;  /* --baseline, or NULL */
    rp_file baseline;
    rp_file first_all_ops;      /* the first results file, every op */
    cmp_result changes;         /* the baseline against the first results file */
    int have_changes;
} report;

/* ---- Markdown helpers ----------------------------------------------------------- */

/* Text for a table cell: '|' escaped, line breaks as spaces. */
static void cell(FILE *o, const char *s)
{
    for (; s && *s; s++) {
        if (*s == '|')
            fputs("\\|", o);
        else if (*s == '\n' || *s == '\r')
            fputc(' ', o);
        else
            fputc(*s, o);
    }
}

/* Inline code: backticks inside become quotes, so the span cannot break. */
static void code(FILE *o, const char *s)
{
    fputc('`', o);
    for (; s && *s; s++)
        fputc(*s == '`' ? '\'' : *s == '|' ? '/' : *s, o);
    fputc('`', o);
}

static void heading(FILE *o, int level, const char *fmt, ...)
{
    va_list ap;
    fputc('\n', o);
    for (int i = 0; i < level; i++)
        fputc('#', o);
    fputc(' ', o);
    va_start(ap, fmt);
    vfprintf(o, fmt, ap);
    va_end(ap);
    fputs("\n\n", o);
}

/* Per-machine subsection heading, only when there are several machines. */
static int machine_heading(FILE *o, const report *r, const machine *m, int level)
{
    if (r->nm > 1) {
        heading(o, level, "%s", m->name);
        return level + 1;
    }
    return level;
}

static const char *pct(double ratio, char *buf, size_t len)
{
    if (isfinite(ratio))
        snprintf(buf, len, "%.0f%%", ratio * 100);
    else
        snprintf(buf, len, "-");
    return buf;
}

static const char *ratio2(double ratio, char *buf, size_t len)
{
    if (isfinite(ratio))
        snprintf(buf, len, "%.2f", ratio);
    else
        snprintf(buf, len, "-");
    return buf;
}

static const char *signed_pct(double ratio, char *buf, size_t len)
{
    snprintf(buf, len, "%+.1f%%", (ratio - 1) * 100);
    return buf;
}

static const char *site_shape(const rp_site *s, char *buf, size_t len)
{
    return rp_fmt_shape(s->n, s->h, s->w, s->c, buf, len);
}

static const char *ctx(const machine *m, const char *key, char *buf, size_t len)
{
    const char *v = rp_context(&m->f, key, buf, len);
    return v ? v : "unknown";
}

static const char *label(const rp_file *f, const rp_point *p)
{
    return f->series[p->series].label;
}

static double geomean(const double *v, size_t n)
{
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += log(v[i]);
    return n ? exp(sum / (double)n) : NAN;
}

/* ---- command line --------------------------------------------------------------- */

static void usage(FILE *out)
{
    fprintf(out,
            "usage: chanmul report [RESULTS.json ...] [--out FILE] [--plots DIR] [--baseline BASE.json]\n"
            "Turns results files into a Markdown report and gnuplot plots (PNG + SVG).\n"
            "  RESULTS.json  Google Benchmark JSON from chanmul's benchmarks (default %s);\n"
            "                several files (one per machine) are compared side by side\n"
            "  --out FILE    the report (default %s)\n"
            "  --plots DIR   plot data (*.dat) and images (default %s); gnuplot scripts are\n"
            "                taken from $CHANMUL_PLOT_SCRIPTS, DIR or the source tree's plots/\n"
            "  --baseline BASE.json  add \"Changes since the baseline\": chanmul compare's verdicts\n"
            "                of BASE.json against the first results file\n"
            "Environment: CHANMUL_GNUPLOT names the gnuplot program (default gnuplot).\n"
            "Exit status: 0 report written, 2 bad usage or an unreadable / invalid results file.\n",
            DEFAULT_RESULTS, DEFAULT_OUT, DEFAULT_PLOTS);
}

static int mkdirs(const char *path)
{
    char tmp[PATH_MAX];
    if (snprintf(tmp, sizeof tmp, "%s", path) >= (int)sizeof tmp) {
        errno = ENAMETOOLONG;
        return -1;
    }
    for (char *p = tmp + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
                return -1;
            *p = '/';
        }
    if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
        return -1;
    struct stat st;
    if (stat(tmp, &st) != 0)
        return -1;
    if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return -1;
    }
    return 0;
}

static void parent_dir(const char *path, char *buf, size_t len)
{
    snprintf(buf, len, "%s", path);
    char *slash = strrchr(buf, '/');
    if (!slash)
        snprintf(buf, len, ".");
    else if (slash == buf)
        buf[1] = '\0';
    else
        *slash = '\0';
}

/* to, relative to the directory from (both existing directories). */
static void relative_dir(const char *from, const char *to, char *buf, size_t len)
{
    char a[PATH_MAX], b[PATH_MAX];
    if (!realpath(from, a) || !realpath(to, b)) {
        snprintf(buf, len, "%s", to);
        return;
    }
    size_t common = 0, i = 0;
    for (; a[i] && a[i] == b[i]; i++)
        if (a[i] == '/')
            common = i;
    if (!a[i] && (b[i] == '/' || !b[i]))
        common = i;
    else if (!b[i] && a[i] == '/')
        common = i;
    buf[0] = '\0';
    for (const char *p = a + common; *p; p++)
        if (*p == '/') {
            size_t u = strlen(buf);
            snprintf(buf + u, len - u, "../");
        }
    size_t u = strlen(buf);
    snprintf(buf + u, len - u, "%s", b[common] == '/' ? b + common + 1 : b + common);
    u = strlen(buf);
    if (u == 0)
        snprintf(buf, len, ".");
    else if (buf[u - 1] == '/')
        buf[u - 1] = '\0';
}

/* ---- section 1: machines -------------------------------------------------------- */

static const char *openmp_version(const char *macro, char *buf, size_t len)
{
    static const struct { const char *macro, *version; } known[] = {
        {"200505", "2.5"}, {"200805", "3.0"}, {"201107", "3.1"}, {"201307", "4.0"},
        {"201511", "4.5"}, {"201811", "5.0"}, {"202011", "5.1"}, {"202111", "5.2"}};
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (strcmp(macro, known[i].macro) == 0) {
            snprintf(buf, len, "OpenMP %s (_OPENMP %s)", known[i].version, macro);
            return buf;
        }
    snprintf(buf, len, "_OPENMP %s", macro);
    return buf;
}

static void machine_value(FILE *o, const machine *m, int row)
{
    char buf[512], b2[64], b3[64], b4[64];
    const rp_file *f = &m->f;
    switch (row) {
    case 0: code(o, f->path); break;
    case 1: cell(o, ctx(m, "host_name", buf, sizeof buf)); break;
    case 2: cell(o, ctx(m, "cpu_model", buf, sizeof buf)); break;
    case 3: {
        const char *cap = rp_context(f, "cpu_isa_cap", b2, sizeof b2);
        cell(o, ctx(m, "cpu_isa", buf, sizeof buf));
        fprintf(o, cap ? " (capped by CHANMUL_MAX_ISA=%s)" : " (no cap)", cap);
        break;
    }
    case 4: cell(o, ctx(m, "cpu_flags", buf, sizeof buf)); break;
    case 5: {
        const char *mhz = rp_context(f, "mhz_per_cpu", b2, sizeof b2);
        const char *cpus = rp_context(f, "num_cpus", b3, sizeof b3);
        fprintf(o, "%s", ctx(m, "cores", buf, sizeof buf));
        if (cpus)
            fprintf(o, " (%s logical CPUs", cpus);
        if (cpus && mhz)
            fprintf(o, ", %s MHz", mhz);
        if (cpus)
            fputc(')', o);
        break;
    }
    case 6:
        fprintf(o, "L1d %s, L2 %s, L3 %s", f->l1d > 0 ? rp_fmt_bytes(f->l1d, b2, sizeof b2) : "unknown",
                f->l2 > 0 ? rp_fmt_bytes(f->l2, b3, sizeof b3) : "unknown",
                f->l3 > 0 ? rp_fmt_bytes(f->l3, b4, sizeof b4) : "unknown");
        break;
    case 7: cell(o, ctx(m, "compiler", buf, sizeof buf)); break;
    case 8: code(o, ctx(m, "cflags", buf, sizeof buf)); break;
    case 9: {
        const char *v = rp_context(f, "openmp", b2, sizeof b2);
        char ver[96];
        cell(o, v ? openmp_version(v, ver, sizeof ver) : "unknown");
        fputs("; ", o);
        cell(o, ctx(m, "omp_env", buf, sizeof buf));
        break;
    }
    case 10:
        cell(o, ctx(m, "chanmul_version", buf, sizeof buf));
        fputs(" (git ", o);
        cell(o, ctx(m, "chanmul_git_revision", buf, sizeof buf));
        fputs(")", o);
        break;
    case 11: {
        const char *scaling = rp_context(f, "cpu_scaling_enabled", b2, sizeof b2);
        cell(o, ctx(m, "library_build_type", buf, sizeof buf));
        if (scaling)
            fprintf(o, "; CPU frequency scaling %s",
                    strcmp(scaling, "true") == 0 ? "**enabled** (numbers may vary)" : "disabled");
        break;
    }
    case 12: cell(o, ctx(m, "load_avg", buf, sizeof buf)); break;
    case 13: cell(o, ctx(m, "date", buf, sizeof buf)); break;
    case 14: code(o, ctx(m, "command", buf, sizeof buf)); break;
    case 15: {
        size_t failed = 0, timed = 0;
        for (size_t i = 0; i < f->npoints; i++)
            failed += f->points[i].failed, timed += rp_timed(&f->points[i]);
        fprintf(o, "%zu benchmarks (%zu timed, %zu failed) at %zu sites; ", f->npoints, timed, failed,
                f->nsites);
        if (f->reps_min == f->reps_max)
            fprintf(o, "%d repetition%s", f->reps_max, f->reps_max == 1 ? "" : "s");
        else
            fprintf(o, "%d to %d repetitions", f->reps_min, f->reps_max);
        if (f->ignored)
            fprintf(o, "; %zu rows ignored (names not op/layout/impl/NxHxWxC/threads:T)", f->ignored);
        break;
    }
    }
}

static void section_machines(FILE *o, report *r)
{
    static const char *rows[] = {"Results file", "Host", "CPU", "ISA used", "CPU flags", "Cores",
                                 "Caches (per instance)", "Compiler", "C flags", "OpenMP",
                                 "chanmul", "Google Benchmark build", "Load average", "Date",
                                 "Command", "Benchmarks"};
    heading(o, 2, "1. Machines");
    fputs("| |", o);
    for (int k = 0; k < r->nm; k++) {
        fputc(' ', o);
        cell(o, r->m[k].name);
        fputs(" |", o);
    }
    fputs("\n|---|", o);
    for (int k = 0; k < r->nm; k++)
        fputs("---|", o);
    fputc('\n', o);
    for (size_t row = 0; row < sizeof rows / sizeof rows[0]; row++) {
        fprintf(o, "| %s |", rows[row]);
        for (int k = 0; k < r->nm; k++) {
            fputc(' ', o);
            machine_value(o, &r->m[k], (int)row);
            fputs(" |", o);
        }
        fputc('\n', o);
    }
}

/* Same benchmark name in several files: GB/s per machine and the ratio to the first. */
static void section_across(FILE *o, report *r)
{
    if (r->nm < 2)
        return;
    const rp_file *a = &r->m[0].f;
    heading(o, 3, "Throughput across machines");
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
            cell(o, a->series[s].label);
            fprintf(o, " | %s |%s\n", layouts_seen[l], line);
        }
    }
    free(ratios);

    heading(o, 4, "Every common benchmark");
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
        code(o, p->key);
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

/* ---- section 2: verification ---------------------------------------------------- */

static const rp_verify *find_verify(const rp_file *f, const char *impl)
{
    for (size_t i = 0; i < f->nverify; i++)
        if (strcmp(f->verify[i].impl, impl) == 0)
            return &f->verify[i];
    return NULL;
}

static void verify_cell(FILE *o, const rp_verify *v)
{
    if (!v) {
        fputs("-", o);
        return;
    }
    if (strcmp(v->status, "FAIL") == 0)
        fputs("**FAIL**", o);
    else if (strcmp(v->status, "unknown") == 0)
        fputs("not reported", o);
    else
        fputs(v->status, o);
    if (v->detail[0]) {
        fputs(": ", o);
        cell(o, v->detail);
    }
}


/* A table header: the leading columns, then one verdict column per machine
 * ("Verdict" when there is only one), and the rule line below it. */
static void machine_columns(FILE *o, const report *r, const char *head, const char *rule)
{
    fputs(head, o);
    for (int k = 0; k < r->nm; k++) {
        fputc(' ', o);
        cell(o, r->nm > 1 ? r->m[k].name : "Verdict");
        fputs(" |", o);
    }
    fprintf(o, "\n%s", rule);
    for (int k = 0; k < r->nm; k++)
        fputs("---|", o);
    fputc('\n', o);
}

static void section_verification(FILE *o, report *r)
{
    heading(o, 2, "2. Verification");
    fputs("Each implementation is proved bit-exact against the reference before it is timed "
          "(`chanmul verify`); an implementation that fails is never timed and shows as FAIL in "
          "every table. Sources: the results' `verify:<impl>` context and any benchmark row with "
          "`error_occurred`.\n\n",
          o);
    /* the union of implementations, in kind/name order of first appearance */
    const rp_verify **rows = NULL;
    size_t nrows = 0;
    for (int k = 0; k < r->nm; k++)
        nrows += r->m[k].f.nverify;
    rows = calloc(nrows ? nrows : 1, sizeof *rows);
    if (!rows)
        return;
    size_t n = 0;
    for (int k = 0; k < r->nm; k++)
        for (size_t i = 0; i < r->m[k].f.nverify; i++) {
            const rp_verify *v = &r->m[k].f.verify[i];
            size_t q;
            for (q = 0; q < n && strcmp(rows[q]->impl, v->impl) != 0; q++)
                ;
            if (q == n)
                rows[n++] = v;
        }
    for (size_t i = 1; i < n; i++) /* insertion sort: kind, then name */
        for (size_t k = i; k > 0; k--) {
            const rp_verify *x = rows[k - 1], *y = rows[k];
            int kx = rp_kind_rank(x->kind), ky = rp_kind_rank(y->kind);
            if (kx < ky || (kx == ky && strcmp(x->impl, y->impl) <= 0))
                break;
            rows[k - 1] = y;
            rows[k] = x;
        }
    if (!n) {
        fputs("The results carry no verification verdicts (no `verify:<impl>` context keys).\n", o);
        free(rows);
        return;
    }
    machine_columns(o, r, "| Implementation | Kind |", "|---|---|");
    for (size_t i = 0; i < n; i++) {
        fputs("| ", o);
        cell(o, rows[i]->label);
        fprintf(o, " | %s |", rows[i]->kind);
        for (int k = 0; k < r->nm; k++) {
            fputc(' ', o);
            verify_cell(o, find_verify(&r->m[k].f, rows[i]->impl));
            fputs(" |", o);
        }
        fputc('\n', o);
    }
    free(rows);
}

/* ---- section 3: winners --------------------------------------------------------- */

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
    cell(o, label(f, win));
    fprintf(o, "** | %s | %s | ", rp_fmt_gbs(win->bps, g, sizeof g), ratio2(win->ratio, b1, sizeof b1));
    if (second) {
        cell(o, label(f, second));
        fprintf(o, " | %s | ", signed_pct(win->bps / second->bps, b2, sizeof b2));
    } else {
        fputs("- | - | ", o);
    }
    if (!peer)
        fputs("no peer", o);
    else if (win == peer && chan)
        fprintf(o, "peer wins: best chanmul (%s) %s", label(f, chan),
                signed_pct(chan->bps / peer->bps, b2, sizeof b2));
    else if (win == peer)
        fputs("peer wins; no chanmul kernel timed", o);
    else
        fprintf(o, "%s over %s", signed_pct(win->bps / peer->bps, b2, sizeof b2), label(f, peer));
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
        cell(o, f->series[w[k].series].label);
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
    fprintf(o, " | %s | %s | %s |\n", nm ? signed_pct(mm, b1, sizeof b1) : "-",
            ratio2(mr, b2, sizeof b2), np ? signed_pct(gm, (char[32]){0}, 32) : "no peer");
out:
    free(margins);
    free(ratios);
    free(vs_peer);
}

static void section_winners(FILE *o, report *r)
{
    heading(o, 2, "3. Winners");
    fputs("The fastest implementation at each point of the sweep (layout, shape, threads), by "
          "median GB/s, and its margin over the runner-up and over the fastest peer. Regions: "
          "working set (8 bytes per element + 4 per channel) against the machine's per-core L2 "
          "and its LLC (L3); small C means C < 16, less than one AVX-512 vector of floats.\n",
          o);
    for (int k = 0; k < r->nm; k++) {
        const machine *m = &r->m[k];
        const rp_file *f = &m->f;
        int level = machine_heading(o, r, m, 3);
        size_t points = 0;
        region_sel all = {NULL, -1, -1};
        fputs(r->nm == 1 ? "\nWins over the whole sweep: " : "Wins over the whole sweep: ", o);
        wins_text(o, f, in_region, &all, &points);
        fprintf(o, " (of %zu points).\n", points);

        heading(o, level, "Regions");
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

        heading(o, level, "Winner per point");
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
                heading(o, level, "%s, %d thread%s", layout, threads[t], threads[t] == 1 ? "" : "s");
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
                fputs("| Shape NxHxWxC | Working set |", o);
                for (int c = 0; c < ncols; c++) {
                    fputc(' ', o);
                    cell(o, f->series[cols[c]].label);
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
                                    rp_fmt_gbs(pt->bps, g, sizeof g), pct(pt->ratio, p, sizeof p),
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

static void section_tables(FILE *o, report *r)
{
    heading(o, 2, "4. Throughput tables");
    fputs(THROUGHPUT_LEGEND, o);
    for (int k = 0; k < r->nm; k++) {
        const machine *m = &r->m[k];
        throughput_tables(o, &m->f, machine_heading(o, r, m, 3), 0);
    }
}

/* ---- section 8: the other forms --------------------------------------------------- */

static int has_kernel_points(const rp_file *f)
{
    for (size_t i = 0; i < f->npoints; i++)
        if (rp_is_kernel(f, &f->points[i]))
            return 1;
    return 0;
}

/* The forms beside the channel scale (per-sample scale, spatial gate, ...):
 * the same tables, from each op's own view of the results. */
static void section_other_forms(FILE *o, report *r)
{
    heading(o, 2, "8. Other forms");
    fputs("The other broadcast forms of the family, timed at a few sizes in the same runs. The bytes "
          "counted are every operand once (x, the factor, y); the ratio to memcpy compares with a "
          "copy of x to y timed right after each repetition. " THROUGHPUT_LEGEND "\n", o);
    int any = 0;
    for (int op = 0; op < CHANMUL_OP_COUNT; op++) {
        if (op == CHANMUL_OP_SCALE)
            continue;
        const chanmul_op_info *info = chanmul_op_info_of((chanmul_op)op);
        int shown = 0;
        for (int k = 0; k < r->nm; k++) {
            const machine *m = &r->m[k];
            if (!m->forms[op].json || !has_kernel_points(&m->forms[op]))
                continue;
            if (!shown)
                heading(o, 3, "%s: `%s`", info->name, info->formula);
            shown = any = 1;
            int level = 4;
            if (r->nm > 1) {
                heading(o, 4, "%s", m->name);
                level = 5;
            }
            throughput_tables(o, &m->forms[op], level, 1);
        }
    }
    if (!any)
        fputs("These results hold no other form (`chanmul sweep` times them unless `--op scale`).\n\n", o);
}

/* ---- section 5: targets --------------------------------------------------------- */

/* The verdicts and their rows come from targets.c; this only formats them. */

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

/* T1, T2: working set, best chanmul kernel, its GB/s, memcpy's, the ratio. */
static void memcpy_shortfall(FILE *o, const rp_file *f, const targets_point *sf)
{
    char ws[64], gbs[32], memcpy_gbs[32], ratio[64];
    fprintf(o, "%s | ", rp_fmt_bytes(sf->site->ws, ws, sizeof ws));
    cell(o, sf->kernel ? label(f, sf->kernel) : "none timed");
    fprintf(o, " | %s | %s | %s |\n", sf->kernel ? rp_fmt_gbs(sf->kernel->bps, gbs, sizeof gbs) : "-",
            rp_fmt_gbs(sf->site->memcpy_bps, memcpy_gbs, sizeof memcpy_gbs),
            sf->kernel ? ratio2(sf->value, ratio, sizeof ratio) : "-");
}

/* T3: best chanmul kernel and its GB/s, the fastest peer and its GB/s, the ratio. */
static void peer_shortfall(FILE *o, const rp_file *f, const targets_point *sf)
{
    char gbs[32], peer_gbs[32], ratio[32];
    cell(o, sf->kernel ? label(f, sf->kernel) : "none timed");
    fprintf(o, " | %s | ", sf->kernel ? rp_fmt_gbs(sf->kernel->bps, gbs, sizeof gbs) : "-");
    cell(o, label(f, sf->versus));
    fprintf(o, " | %s | %s |\n", rp_fmt_gbs(sf->versus->bps, peer_gbs, sizeof peer_gbs),
            sf->kernel ? ratio2(sf->value, ratio, sizeof ratio) : "-");
}

/* T1 (over == 0) and T2 (over == 1). */
static void write_ratio_target(FILE *o, const rp_file *f, const targets_target *t, int over, int level)
{
    char bytes[64], ratio[64], shape[64];
    if (!over)
        heading(o, level, "T1: in the LLC, best chanmul kernel >= %.2f x memcpy", t->threshold);
    else
        heading(o, level, "T2: beyond twice the LLC, best chanmul kernel >= %.2f x memcpy", t->threshold);
    if (t->cache_unknown) {
        verdict_line(o, t);
        return;
    }
    fprintf(o, "Shapes whose working set (8 bytes per element + s) is %s %s; per layout and "
               "thread count, the best chanmul kernel (kind chanmul: not a peer, not the reference) "
               "at each shape, as a ratio to memcpy in the same run.\n\n",
            over ? "over 2 x LLC =" : "within the LLC,", rp_fmt_bytes(t->limit, bytes, sizeof bytes));
    fputs("| Layout | Threads | Shapes | Below target | Worst shape | Best chanmul kernel there | x memcpy |\n"
          "|---|---:|---:|---:|---|---|---:|\n",
          o);
    for (size_t i = 0; i < t->ngroups; i++) {
        const targets_group *g = &t->groups[i];
        fprintf(o, "| %s | %d | %zu | %zu | %s | ", g->layout, g->threads, g->shapes, g->below,
                site_shape(g->worst.site, shape, sizeof shape));
        cell(o, g->worst.kernel ? label(f, g->worst.kernel) : "none timed");
        fprintf(o, " | %s |\n", g->worst.kernel ? ratio2(g->worst.value, ratio, sizeof ratio) : "-");
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
                    "| Layout | Shape | Threads | Working set | Best chanmul kernel | GB/s | memcpy GB/s | x memcpy |\n"
                    "|---|---|---:|---:|---|---:|---:|---:|\n",
                    memcpy_shortfall);
}

static void write_peer_target(FILE *o, const rp_file *f, const targets_target *t, int level)
{
    char lo[32], hi[32];
    heading(o, level, "T3: at every shape, best chanmul kernel >= fastest peer");
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
        cell(o, f->series[row->series].label);
        fprintf(o, " | %s | %zu | %.2f x | %s | %s |\n", row->layout ? row->layout : "all", row->points,
                row->geomean, ratio2(row->lowest, lo, sizeof lo), ratio2(row->highest, hi, sizeof hi));
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
        cell(o, label(f, p));
        fprintf(o, " %s", rp_fmt_gbs(p->bps, gbs, sizeof gbs));
    } else {
        fputs("none timed", o);
    }
}

static void write_scaling_target(FILE *o, const rp_file *f, const targets_target *t, int level)
{
    char bytes[32], ratio[32], shape[64];
    heading(o, level, "T4: in L2, 2 threads >= %.1f x 1 thread", t->threshold);
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
        fprintf(o, " | %s | %s |\n", row->versus && row->kernel ? ratio2(row->value, ratio, sizeof ratio) : "-",
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
static void machine_targets(FILE *o, const report *r, const machine *m)
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
    snprintf(names[TARGET_T1], sizeof names[0], "T1: in LLC, best chanmul >= %.2f x memcpy", TARGET_T1_MIN_RATIO);
    snprintf(names[TARGET_T2], sizeof names[0], "T2: > 2x LLC, best chanmul >= %.2f x memcpy", TARGET_T2_MIN_RATIO);
    snprintf(names[TARGET_T3], sizeof names[0], "T3: best chanmul >= fastest peer");
    snprintf(names[TARGET_T4], sizeof names[0], "T4: in L2, 2 threads >= %.1f x 1 thread", TARGET_T4_MIN_SCALING);
    machine_columns(o, r, "| Target |", "|---|");
    for (int t = 0; t < TARGETS_COUNT; t++) {
        fprintf(o, "| %s |", names[t]);
        for (int k = 0; k < r->nm; k++) {
            const targets_target *v = &r->m[k].targets.t[t];
            fprintf(o, " **%s**: ", targets_verdict_name(v->verdict));
            cell(o, v->text);
            fputs(" |", o);
        }
        fputc('\n', o);
    }
}

static void section_targets(FILE *o, report *r)
{
    heading(o, 2, "5. Performance targets");
    targets_table(o, r);
    for (int k = 0; k < r->nm; k++)
        machine_targets(o, r, &r->m[k]);
}

/* ---- section 6: plots ----------------------------------------------------------- */

static void section_plots(FILE *o, report *r)
{
    static const char *letters = "abcd";
    heading(o, 2, "6. Plots");
    if (!r->plotter.available)
        fprintf(o, "**No images**: %s. The plot data is in `%s/*.dat`.\n", r->plotter.why, r->plots_rel);
    else
        fprintf(o, "Rendered with %s from `%s/*.dat` by the scripts `plots/lines.gp` and "
                   "`plots/winner_map.gp`; every image also exists as SVG.\n",
                r->plotter.version, r->plots_rel);
    for (int k = 0; k < r->nm; k++) {
        const machine *m = &r->m[k];
        if (machine_heading(o, r, m, 3) == 3)
            fputc('\n', o);
        for (int p = 0; p < RP_PLOT_COUNT; p++) {
            const rp_plot *pl = &m->plots[p];
            fprintf(o, "**Figure %d%c.** ", k + 1, letters[p]);
            cell(o, pl->caption);
            if (pl->rendered) {
                fprintf(o, " ([SVG](%s/%s.svg))\n\n![", r->plots_rel, pl->file);
                cell(o, pl->caption);
                fprintf(o, "](%s/%s.png)\n\n", r->plots_rel, pl->file);
            } else {
                fputs(" - ", o);
                cell(o, pl->why);
                fputs("\n\n", o);
            }
        }
    }
}

/* ---- section 7: reproduce ------------------------------------------------------- */

static void section_reproduce(FILE *o, report *r)
{
    heading(o, 2, "7. How to reproduce");
    fputs("The whole pipeline (build, verify, benchmark, report), as in the README:\n\n", o);
    fprintf(o, "```sh\n%s\n```\n\n", MAIN_COMMAND);
    fputs("The benchmark runs behind this report, as recorded in each results file:\n\n", o);
    for (int k = 0; k < r->nm; k++) {
        char buf[2048];
        fputs("- ", o);
        cell(o, r->m[k].name);
        fputs(": ", o);
        code(o, ctx(&r->m[k], "command", buf, sizeof buf));
        fputs(" -> ", o);
        code(o, r->m[k].f.path);
        fputc('\n', o);
    }
    fprintf(o, "\nThis report and its plots:\n\n```sh\n%s\n```\n\n", r->command);
    fputs("Notes:\n\n", o);
    for (int k = 0; k < r->nm; k++) {
        const rp_file *f = &r->m[k].f;
        double *cvs = calloc(f->npoints + 1, sizeof *cvs);
        size_t ncv = 0;
        const rp_point *noisiest = NULL;
        for (size_t i = 0; cvs && i < f->npoints; i++)
            if (rp_timed(&f->points[i]) && isfinite(f->points[i].cv)) {
                cvs[ncv++] = f->points[i].cv;
                if (!noisiest || f->points[i].cv > noisiest->cv)
                    noisiest = &f->points[i];
            }
        fprintf(o, "- %s%s", r->nm > 1 ? r->m[k].f.tag : "", r->nm > 1 ? ": " : "");
        if (f->reps_max <= 1)
            fputs("every number is a single run (1 repetition): repeat the benchmarks "
                  "(`--benchmark_repetitions`) for medians.", o);
        else if (f->reps_min == f->reps_max)
            fprintf(o, "every number is the median of %d repetitions.", f->reps_max);
        else
            fprintf(o, "numbers are medians of %d to %d repetitions (1: a single run).", f->reps_min, f->reps_max);
        if (ncv && noisiest) {
            double worst = noisiest->cv;
            char cvkey[600];
            snprintf(cvkey, sizeof cvkey, "%s", noisiest->key);
            fprintf(o, " Run-to-run variation (CV of the time): median %.1f%%, worst %.1f%% (", rp_median(cvs, ncv) * 100,
                    worst * 100);
            code(o, cvkey);
            if (strcmp(f->series[noisiest->series].kind, RP_KIND_CHANMUL) != 0 &&
                strcmp(f->series[noisiest->series].kind, RP_KIND_BASELINE) != 0)
                fprintf(o, " (%s)", f->series[noisiest->series].kind);
            fputs(").", o);
        }
        const char *how = "none (no memcpy rows)";
        if (f->ratio_counter && !f->ratio_computed)
            how = "the run's memcpy_ratio counter (kernel and memcpy measured in the same run)";
        else if (f->ratio_computed && !f->ratio_counter)
            how = "median GB/s over the median GB/s of memcpy at the same layout, shape and "
                  "threads in the same run";
        else if (f->ratio_counter)
            how = "the run's memcpy_ratio counter, else the ratio of the medians of the same run";
        fprintf(o, " Ratios to memcpy: %s.\n", how);
        free(cvs);
    }
    fputs("- GB/s means 10^9 bytes/s; bytes = 8 per element (x read, y written) + 4 per channel (s). "
          "The machine may be shared and noisy: compare ratios and medians, not single times.\n",
          o);
}

/* ---- the report ----------------------------------------------------------------- */

static void section_summary(FILE *o, report *r)
{
    heading(o, 2, "Summary");
    for (int k = 0; k < r->nm; k++) {
        const machine *m = &r->m[k];
        const rp_file *f = &m->f;
        char buf[256];
        size_t points = 0, pass = 0, fail = 0;
        region_sel all = {NULL, -1, -1};
        fputs("- **", o);
        cell(o, m->name);
        fputs("** (", o);
        cell(o, ctx(m, "cpu_model", buf, sizeof buf));
        fputs(", ", o);
        cell(o, ctx(m, "cpu_isa", buf, sizeof buf));
        fputs("): wins: ", o);
        wins_text(o, f, in_region, &all, &points);
        fprintf(o, " of %zu points. Verification: ", points);
        for (size_t i = 0; i < f->nverify; i++) {
            pass += strcmp(f->verify[i].status, "pass") == 0;
            fail += strcmp(f->verify[i].status, "FAIL") == 0;
        }
        fprintf(o, "%zu pass, %zu FAIL", pass, fail);
        const char *sep = " (";
        for (size_t i = 0; i < f->nverify; i++)
            if (strcmp(f->verify[i].status, "FAIL") == 0) {
                fputs(sep, o);
                cell(o, f->verify[i].label);
                sep = ", ";
            }
        if (fail)
            fputc(')', o);
        fputs(". Targets:", o);
        for (int t = 0; t < TARGETS_COUNT; t++)
            fprintf(o, " T%d %s%s", t + 1, targets_verdict_name(m->targets.t[t].verdict),
                    t + 1 < TARGETS_COUNT ? "," : ".");
        fputc('\n', o);
    }
}

/* ---- changes since the baseline (--baseline) --------------------------------------- */

/* The verdicts of `chanmul compare BASE FIRST` with its defaults: the same
 * computation and the same table, so the report and compare always agree. */
static void section_changes(FILE *o, report *r)
{
    if (!r->have_changes)
        return;
    heading(o, 2, "9. Changes since the baseline");
    fputs("The verdicts of ", o);
    char cmd[2048] = "chanmul compare";
    shell_word_append(cmd, sizeof cmd, r->baseline_path);
    shell_word_append(cmd, sizeof cmd, r->m[0].f.path);
    code(o, cmd);
    fputs(" (README.md, \"Regression testing\").\n\n", o);
    cmp_write_markdown(o, &r->changes, r->baseline_path, r->m[0].f.path, 0, 0);
}

static int write_report(report *r, char **text, size_t *len)
{
    FILE *o = open_memstream(text, len);
    if (!o)
        return -1;
    fprintf(o, "<!-- generated by chanmul report (chanmul %s, %s): do not edit; regenerate with: %s -->\n",
            CHANMUL_VERSION, CHANMUL_GIT_REVISION, r->command);
    fputs("# chanmul performance report\n\n", o);
    fputs("_Generated by `chanmul report` from ", o);
    for (int k = 0; k < r->nm; k++) {
        fputs(k == 0 ? "" : k + 1 == r->nm ? " and " : ", ", o);
        code(o, r->m[k].f.path);
    }
    fputs("; regenerate with ", o);
    code(o, r->command);
    fputs(" rather than editing._\n\n", o);
    fputs("Channel-wise broadcast multiply `y = x * s[c]` on float32 tensors. Implementations: "
          "chanmul's kernels (kind chanmul), other libraries behind the same interface (marked "
          "\"(peer)\"), the scalar reference, and two baselines measured in the same run: memcpy "
          "(the roofline: the same bytes moved, no arithmetic) and a STREAM-style scale.\n",
          o);
    section_summary(o, r);
    heading(o, 3, "Targets");
    targets_table(o, r);
    section_machines(o, r);
    section_across(o, r);
    section_verification(o, r);
    section_winners(o, r);
    section_tables(o, r);
    section_targets(o, r);
    section_plots(o, r);
    section_reproduce(o, r);
    section_other_forms(o, r);
    section_changes(o, r);
    return fclose(o) == 0 ? 0 : -1;
}

/* Kernel names over all files, kind then name: one plot colour each. */
static void build_palette(report *r, const char ***names, size_t *n)
{
    size_t cap = 0;
    for (int k = 0; k < r->nm; k++)
        cap += r->m[k].f.nseries;
    const char **list = calloc(cap ? cap : 1, sizeof *list);
    const char **kinds = calloc(cap ? cap : 1, sizeof *kinds);
    size_t used = 0;
    for (int k = 0; list && kinds && k < r->nm; k++)
        for (size_t s = 0; s < r->m[k].f.nseries; s++) {
            const rp_series *se = &r->m[k].f.series[s];
            if (strcmp(se->kind, RP_KIND_BASELINE) == 0)
                continue;
            int timed = 0; /* a kernel that never ran needs no colour */
            for (size_t i = 0; i < r->m[k].f.npoints && !timed; i++)
                timed = r->m[k].f.points[i].series == (int)s && rp_timed(&r->m[k].f.points[i]);
            if (!timed)
                continue;
            size_t q;
            for (q = 0; q < used && strcmp(list[q], se->name) != 0; q++)
                ;
            if (q < used)
                continue;
            /* insert in (kind rank, name) order */
            for (q = used++; q > 0; q--) {
                int kr = rp_kind_rank(kinds[q - 1]) - rp_kind_rank(se->kind);
                if (kr < 0 || (kr == 0 && strcmp(list[q - 1], se->name) < 0))
                    break;
                list[q] = list[q - 1];
                kinds[q] = kinds[q - 1];
            }
            list[q] = se->name;
            kinds[q] = se->kind;
        }
    free(kinds);
    *names = list;
    *n = list ? used : 0;
}

int cmd_report(int argc, char **argv)
{
    const char **files = calloc((size_t)argc + 1, sizeof *files);
    const char *out = DEFAULT_OUT, *plots = DEFAULT_PLOTS, *baseline = NULL;
    int nfiles = 0;
    if (!files) {
        fprintf(stderr, "chanmul report: out of memory\n");
        return EXIT_USAGE;
    }
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        int rc;
        if ((rc = cli_option(argc, argv, &i, "--out", &v)) != 0) {
            if (rc < 0 || !*v) {
                fprintf(stderr, "chanmul report: --out needs a file name\n");
                free(files);
                return EXIT_USAGE;
            }
            out = v;
        } else if ((rc = cli_option(argc, argv, &i, "--baseline", &v)) != 0) {
            if (rc < 0 || !*v) {
                fprintf(stderr, "chanmul report: --baseline needs a results file\n");
                free(files);
                return EXIT_USAGE;
            }
            baseline = v;
        } else if ((rc = cli_option(argc, argv, &i, "--plots", &v)) != 0) {
            if (rc < 0 || !*v) {
                fprintf(stderr, "chanmul report: --plots needs a directory\n");
                free(files);
                return EXIT_USAGE;
            }
            plots = v;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            free(files);
            return 0;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            fprintf(stderr, "chanmul report: unknown option '%s'\n", argv[i]);
            usage(stderr);
            free(files);
            return EXIT_USAGE;
        } else {
            files[nfiles++] = argv[i];
        }
    }
    if (!nfiles)
        files[nfiles++] = DEFAULT_RESULTS;

    report r;
    memset(&r, 0, sizeof r);
    snprintf(r.command, sizeof r.command, "chanmul");
    for (int i = 0; i < argc; i++)
        shell_word_append(r.command, sizeof r.command, argv[i]);
    r.m = calloc((size_t)nfiles, sizeof *r.m);
    if (!r.m) {
        fprintf(stderr, "chanmul report: out of memory\n");
        free(files);
        return EXIT_USAGE;
    }

    /* 1. read everything; nothing is written before all of it is good */
    int status = EXIT_USAGE;
    for (int k = 0; k < nfiles; k++) {
        char err[1024];
        if (rp_load_op(files[k], "scale", &r.m[k].f, err, sizeof err) != 0) {
            fprintf(stderr, "chanmul report: %s\n", err);
            goto out;
        }
        r.nm = k + 1;
        for (int op = 0; op < CHANMUL_OP_COUNT; op++)
            if (op != CHANMUL_OP_SCALE && r.m[k].f.other_op_rows &&
                rp_load_op(files[k], chanmul_op_name((chanmul_op)op), &r.m[k].forms[op], err, sizeof err) != 0) {
                fprintf(stderr, "chanmul report: %s\n", err);
                goto out;
            }
        machine *m = &r.m[k];
        char host[128];
        snprintf(m->f.tag, sizeof m->f.tag, "M%d", k + 1);
        const char *h = rp_context(&m->f, "host_name", host, sizeof host);
        if (nfiles > 1)
            snprintf(m->name, sizeof m->name, "M%d (%s)", k + 1, h ? h : files[k]);
        else
            snprintf(m->name, sizeof m->name, "%s", h ? h : files[k]);
    }

    if (baseline) {
        char err[1024];
        cmp_options opt;
        cmp_options_init(&opt);
        r.baseline_path = baseline;
        /* every op on both sides: compare sees what `chanmul compare` sees */
        if (rp_load(baseline, &r.baseline, err, sizeof err) != 0 ||
            rp_load(files[0], &r.first_all_ops, err, sizeof err) != 0) {
            fprintf(stderr, "chanmul report: %s\n", err);
            goto out;
        }
        if (cmp_compare(&r.baseline, 1, &r.first_all_ops, 1, &opt, &r.changes, err, sizeof err) != 0) {
            fprintf(stderr, "chanmul report: --baseline: %s\n", err);
            goto out;
        }
        r.have_changes = 1;
    }

    /* 2. plots: data files always, images when gnuplot is there */
    char outdir[PATH_MAX];
    parent_dir(out, outdir, sizeof outdir);
    if (mkdirs(plots) != 0) {
        fprintf(stderr, "chanmul report: cannot create the plots directory '%s': %s\n", plots, strerror(errno));
        goto out;
    }
    if (mkdirs(outdir) != 0) {
        fprintf(stderr, "chanmul report: cannot create the directory of '%s': %s\n", out, strerror(errno));
        goto out;
    }
    char plots_clean[PATH_MAX];
    snprintf(plots_clean, sizeof plots_clean, "%s", plots);
    for (size_t n = strlen(plots_clean); n > 1 && plots_clean[n - 1] == '/'; n--)
        plots_clean[n - 1] = '\0';
    relative_dir(outdir, plots_clean, r.plots_rel, sizeof r.plots_rel);
    rp_plotter_init(&r.plotter, plots_clean);
    build_palette(&r, &r.plotter.palette, &r.plotter.npalette);
    if (!r.plotter.available)
        fprintf(stderr, "chanmul report: no images: %s\n", r.plotter.why);
    for (int k = 0; k < r.nm; k++) {
        char prefix[16] = "";
        if (r.nm > 1)
            snprintf(prefix, sizeof prefix, "m%d_", k + 1);
        if (rp_plots_make(&r.plotter, &r.m[k].f, prefix, r.m[k].plots) != 0)
            goto out;
        for (int p = 0; p < RP_PLOT_COUNT; p++)
            if (r.m[k].plots[p].failed)
                fprintf(stderr, "chanmul report: %s: %s\n", r.m[k].plots[p].file, r.m[k].plots[p].why);
    }
    rp_plotter_finish(&r.plotter);

    /* 3. the report: the target verdicts first (the summary at its top quotes them) */
    for (int k = 0; k < r.nm; k++)
        if (targets_evaluate(&r.m[k].f, &r.m[k].targets) != 0) {
            fprintf(stderr, "chanmul report: out of memory\n");
            goto out;
        }
    char *text = NULL;
    size_t len = 0;
    if (write_report(&r, &text, &len) != 0) {
        fprintf(stderr, "chanmul report: out of memory\n");
        free(text);
        goto out;
    }
    if (file_write_atomic(out, text, len) != 0) {
        fprintf(stderr, "chanmul report: cannot write '%s': %s\n", out, strerror(errno));
        free(text);
        goto out;
    }
    free(text);
    int images = 0;
    for (int k = 0; k < r.nm; k++)
        for (int p = 0; p < RP_PLOT_COUNT; p++)
            images += r.m[k].plots[p].rendered;
    printf("chanmul report: wrote %s (%d machine%s, %d plot%s in %s)\n", out, r.nm, r.nm == 1 ? "" : "s",
           images, images == 1 ? "" : "s", plots_clean);
    status = 0;
out:
    for (int k = 0; k < r.nm; k++) {
        targets_free(&r.m[k].targets);
        rp_free(&r.m[k].f);
        for (int op = 0; op < CHANMUL_OP_COUNT; op++)
            if (r.m[k].forms[op].json)
                rp_free(&r.m[k].forms[op]);
    }
    if (r.first_all_ops.json)
        rp_free(&r.first_all_ops);
    if (r.have_changes)
        cmp_free(&r.changes);
    if (r.baseline_path && r.baseline.json)
        rp_free(&r.baseline);
    free(r.plotter.palette);
    free(r.m);
    free(files);
    return status;
}
