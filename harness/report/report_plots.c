/*
 * `chanmul report`: the plots. For each results file it picks, from the data,
 * the slices worth drawing, writes them as gnuplot data files (*.dat, one per
 * panel) into the plots directory and renders plots/lines.gp and
 * plots/winner_map.gp into PNG and SVG, passing everything by gnuplot -e.
 *
 *   (a) throughput vs batch size N    at the (H, W, C, threads) with the most N
 *   (b) throughput vs channel count C at the (N, H, W, threads) with the most C
 *   (c) winner map over N x C         at the (H, W) with the most points
 *   (d) throughput vs threads         at the shape with the most thread counts
 */
#include "report_model.h"

#include "files.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef CHANMUL_PLOT_SCRIPTS_DIR
#define CHANMUL_PLOT_SCRIPTS_DIR "plots"
#endif

/* Colour-blind-safe colours (Okabe-Ito first), one per kernel name. */
static const char *const kernel_colors[] = {"#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00",
                                             "#56b4e9", "#9467bd", "#8c564b", "#bcbd22", "#17becf"};
#define NCOLORS (sizeof kernel_colors / sizeof kernel_colors[0])

/* ---- files ---------------------------------------------------------------------- */

/* snprintf for messages, where cutting a long path short is acceptable. */
static void message(char *buf, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, len, fmt, ap);
    va_end(ap);
}


static int file_nonempty(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0;
}

/* ---- gnuplot -------------------------------------------------------------------- */

/* Runs the program with args; its output goes to out_fd (or is captured into
 * capture when out_fd < 0). Returns the exit status, 127 when it cannot run. */
static int run(const char *const *args, int out_fd, char *capture, size_t caplen)
{
    int pipefd[2] = {-1, -1};
    if (out_fd < 0 && pipe(pipefd) != 0)
        return 127;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        if (pipefd[0] >= 0)
            close(pipefd[0]), close(pipefd[1]);
        return 127;
    }
    if (pid == 0) {
        int fd = out_fd >= 0 ? out_fd : pipefd[1];
        int devnull = open("/dev/null", O_RDONLY);
        if (devnull >= 0)
            dup2(devnull, 0);
        dup2(fd, 1);
        dup2(fd, 2);
        execvp(args[0], (char *const *)args);
        _exit(127);
    }
    if (out_fd < 0) {
        close(pipefd[1]);
        size_t used = 0;
        ssize_t n;
        char sink[256];
        while ((n = read(pipefd[0], used + 1 < caplen ? capture + used : sink,
                         used + 1 < caplen ? caplen - used - 1 : sizeof sink)) > 0)
            if (used + 1 < caplen)
                used += (size_t)n;
        if (caplen)
            capture[used] = '\0';
        close(pipefd[0]);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return 127;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

static int has_scripts(const char *dir)
{
    static const char *names[] = {"common.gp", "lines.gp", "winner_map.gp"};
    char path[PATH_MAX];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (access(path, R_OK) != 0)
            return 0;
    }
    return 1;
}

void rp_plotter_init(rp_plotter *pl, const char *dir, const char *write_dir)
{
    const char *program = getenv("CHANMUL_GNUPLOT");
    pl->program = program && *program ? program : "gnuplot";
    pl->dir = dir;
    pl->write_dir = write_dir ? write_dir : dir;
    pl->failures = 0;
    /* the log is written where the plots are, and named where they will be */
    snprintf(pl->log, sizeof pl->log, "%s/gnuplot.log", pl->write_dir);
    snprintf(pl->log_shown, sizeof pl->log_shown, "%s/gnuplot.log", dir);
    unlink(pl->log);

    /* The scripts: $CHANMUL_PLOT_SCRIPTS, the plots directory itself (the
     * default plots/ of a checkout), then the source tree this was built from. */
    const char *env = getenv("CHANMUL_PLOT_SCRIPTS");
    const char *candidates[] = {env && *env ? env : NULL, dir, CHANMUL_PLOT_SCRIPTS_DIR};
    pl->scripts[0] = '\0';
    for (size_t i = 0; i < sizeof candidates / sizeof candidates[0]; i++)
        if (candidates[i] && has_scripts(candidates[i])) {
            snprintf(pl->scripts, sizeof pl->scripts, "%s", candidates[i]);
            break;
        }

    const char *args[] = {pl->program, "--version", NULL};
    char out[256] = "";
    int rc = run(args, -1, out, sizeof out);
    out[strcspn(out, "\n")] = '\0';
    pl->available = rc == 0 && strncmp(out, "gnuplot", 7) == 0;
    message(pl->version, sizeof pl->version, "%s", pl->available ? out : "");
    if (!pl->available)
        snprintf(pl->why, sizeof pl->why,
                 "gnuplot was not found (`%s --version` failed): install gnuplot-nox and run "
                 "chanmul report again", pl->program);
    else if (!pl->scripts[0]) {
        pl->available = 0;
        snprintf(pl->why, sizeof pl->why,
                 "the gnuplot scripts (lines.gp, winner_map.gp, common.gp) were found neither in "
                 "$CHANMUL_PLOT_SCRIPTS, nor in %s, nor in %s", dir, CHANMUL_PLOT_SCRIPTS_DIR);
    }
}

void rp_plotter_finish(rp_plotter *pl)
{
    if (!pl->failures)
        unlink(pl->log);
}

/* A gnuplot single-quoted string literal: '' stands for '. */
static void gp_string(FILE *out, const char *s)
{
    fputc('\'', out);
    for (; *s; s++) {
        if (*s == '\'')
            fputc('\'', out);
        fputc(*s, out);
    }
    fputc('\'', out);
}

static void gp_var(FILE *out, const char *name, const char *value)
{
    fprintf(out, "%s=", name);
    gp_string(out, value);
    fputs("; ", out);
}

/* Renders script into base.png and base.svg; vars are the -e assignments. */
static int render(rp_plotter *pl, const char *script, const char *vars, const char *base,
                  int width, int height, char *why, size_t whylen)
{
    static const char *formats[] = {"png", "svg"};
    char script_path[sizeof pl->scripts + 32];
    snprintf(script_path, sizeof script_path, "%s/%s", pl->scripts, script);
    for (int k = 0; k < 2; k++) {
        char final[PATH_MAX], tmp[PATH_MAX + 8];
        snprintf(final, sizeof final, "%s/%s.%s", pl->write_dir, base, formats[k]);
        snprintf(tmp, sizeof tmp, "%s.tmp", final);
        char *all = NULL;
        size_t alllen = 0;
        FILE *e = open_memstream(&all, &alllen);
        if (!e)
            return -1;
        gp_var(e, "scriptdir", pl->scripts);
        gp_var(e, "format", formats[k]);
        gp_var(e, "outfile", tmp);
        fprintf(e, "width=%d; height=%d; %s", width, height, vars);
        fclose(e);
        int fd = open(pl->log, O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (fd >= 0) {
            dprintf(fd, "== %s -> %s\n", script_path, final);
        }
        const char *args[] = {pl->program, "-e", all, script_path, NULL};
        int rc = run(args, fd >= 0 ? fd : 2, NULL, 0);
        if (fd >= 0)
            close(fd);
        free(all);
        if (rc != 0 || !file_nonempty(tmp) || rename(tmp, final) != 0) {
            unlink(tmp);
            message(why, whylen, "gnuplot failed on %s (exit status %d): see %s", script, rc, pl->log_shown);
            pl->failures++;
            return -1;
        }
    }
    return 0;
}

/* ---- choosing the slices ---------------------------------------------------------- */

static int site_has_kernel(const rp_file *f, const rp_site *s)
{
    return rp_best(f, s, NULL, NULL) != NULL;
}

/* Which site dimension a line plot puts on x. */
enum { DIM_N, DIM_C, DIM_THREADS };

/* Same slice: every dimension but x (and the layout: one panel per layout). */
static int same_slice(const rp_site *a, const rp_site *b, int dim)
{
    if (a->h != b->h || a->w != b->w)
        return 0;
    if (dim != DIM_N && a->n != b->n)
        return 0;
    if (dim != DIM_C && a->c != b->c)
        return 0;
    if (dim != DIM_THREADS && a->threads != b->threads)
        return 0;
    return 1;
}

static size_t slice_points(const rp_file *f, const rp_site *ref, int dim)
{
    size_t count = 0;
    for (size_t i = 0; i < f->nsites; i++)
        if (same_slice(&f->sites[i], ref, dim) && site_has_kernel(f, &f->sites[i]))
            count++;
    return count;
}

/* Picks the slice with the most points. Ties: the most threads (batch and
 * channel plots), then the middle value of the remaining free dimension (C for
 * the batch plot, N for the channel plot) so the slice is typical, not an edge;
 * for the thread plot the largest working set that still fits the LLC. */
static const rp_site *choose_slice(const rp_file *f, int dim)
{
    size_t best_count = 0;
    const rp_site **cands = calloc(f->nsites ? f->nsites : 1, sizeof *cands);
    size_t ncand = 0;
    if (!cands)
        return NULL;
    for (size_t i = 0; i < f->nsites; i++) {
        const rp_site *s = &f->sites[i];
        if (!site_has_kernel(f, s))
            continue;
        size_t count = slice_points(f, s, dim);
        if (count > best_count)
            best_count = count, ncand = 0;
        if (count == best_count)
            cands[ncand++] = s;
    }
    const rp_site *pick = NULL;
    if (ncand && dim != DIM_THREADS) {
        int max_threads = 0;
        for (size_t i = 0; i < ncand; i++)
            if (cands[i]->threads > max_threads)
                max_threads = cands[i]->threads;
        /* distinct values of the free dimension among the candidates, ascending */
        size_t values[256], nvalues = 0;
        for (size_t i = 0; i < ncand; i++) {
            if (cands[i]->threads != max_threads)
                continue;
            size_t v = dim == DIM_N ? cands[i]->c : cands[i]->n, k;
            for (k = 0; k < nvalues && values[k] != v; k++)
                ;
            if (k == nvalues && nvalues < 256)
                values[nvalues++] = v;
        }
        for (size_t i = 1; i < nvalues; i++)
            for (size_t k = i; k > 0 && values[k - 1] > values[k]; k--) {
                size_t t = values[k];
                values[k] = values[k - 1];
                values[k - 1] = t;
            }
        size_t middle = nvalues ? values[(nvalues - 1) / 2] : 0;
        for (size_t i = 0; i < ncand && !pick; i++)
            if (cands[i]->threads == max_threads &&
                (dim == DIM_N ? cands[i]->c : cands[i]->n) == middle)
                pick = cands[i];
    } else if (ncand) {
        for (size_t i = 0; i < ncand; i++) {
            const rp_site *s = cands[i];
            int fits = !(f->l3 > 0) || s->ws <= f->l3;
            if (!pick) {
                pick = s;
                continue;
            }
            int pfits = !(f->l3 > 0) || pick->ws <= f->l3;
            if ((fits && !pfits) || (fits == pfits && (fits ? s->ws > pick->ws : s->ws < pick->ws)))
                pick = s;
        }
    }
    free(cands);
    return pick;
}

/* ---- data files ----------------------------------------------------------------- */

static void dat_header(FILE *out, const rp_file *f, const char *what)
{
    fprintf(out, "# generated by chanmul report from %s: do not edit (regenerate with chanmul report)\n",
            f->path);
    fprintf(out, "# %s\n", what);
}

static void dat_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++)
        fputc(*s == '"' ? '\'' : *s, out);
    fputc('"', out);
}

static int write_dat(const char *path, char *buf, size_t len)
{
    if (file_write_atomic(path, buf, len) != 0) {
        fprintf(stderr, "chanmul report: cannot write '%s': %s\n", path, strerror(errno));
        free(buf);
        return -1;
    }
    free(buf);
    return 0;
}

/* One panel of a plot: writes its data file (write_dat frees buf) and names it
 * and its title in the gnuplot variables as file<panel> and title<panel>. */
static int add_panel(FILE *vars, int panel, const char *path, char *buf, size_t len,
                     const char *title)
{
    if (write_dat(path, buf, len) != 0)
        return -1;
    char var[32];
    snprintf(var, sizeof var, "file%d", panel);
    gp_var(vars, var, path);
    snprintf(var, sizeof var, "title%d", panel);
    gp_var(vars, var, title);
    return 0;
}

/* Renders a plot's script with its variables (then freed), or says why not. */
static void render_plot(rp_plotter *pl, rp_plot *plot, const char *script, char *vars, int width,
                        int height)
{
    if (!pl->available)
        message(plot->why, sizeof plot->why, "not rendered: %s", pl->why);
    else if (render(pl, script, vars, plot->file, width, height, plot->why, sizeof plot->why) == 0)
        plot->rendered = 1;
    else
        plot->failed = 1;
    free(vars);
}

static const char *kernel_color(const rp_plotter *pl, const char *name)
{
    for (size_t i = 0; i < pl->npalette; i++)
        if (strcmp(pl->palette[i], name) == 0)
            return kernel_colors[i % NCOLORS];
    return "#444444";
}

static void series_style(const rp_plotter *pl, const rp_series *s, int baseline_index,
                         const char **color, int *dash, int *point)
{
    if (strcmp(s->kind, RP_KIND_BASELINE) == 0) {
        *color = baseline_index == 0 ? "#000000" : "#777777";
        *dash = baseline_index == 0 ? 2 : 3;
        *point = 0;
        return;
    }
    *color = kernel_color(pl, s->name);
    /* the selector (auto) draws over the kernel it runs: dash-dotted, its own point */
    int selector = strcmp(s->kind, RP_KIND_SELECTOR) == 0;
    *dash = strcmp(s->kind, RP_KIND_PEER) == 0 ? 4 : selector ? 5 : 1;
    *point = strcmp(s->kind, RP_KIND_CHANMUL) == 0     ? 7
             : strcmp(s->kind, RP_KIND_PEER) == 0      ? 5
             : strcmp(s->kind, RP_KIND_REFERENCE) == 0 ? 9
             : selector                                ? 11
                                                       : 13;
}

static size_t site_dim(const rp_site *s, int dim)
{
    return dim == DIM_N ? s->n : dim == DIM_C ? s->c : (size_t)s->threads;
}

static int size_index(const size_t *values, size_t n, size_t v)
{
    for (size_t i = 0; i < n; i++)
        if (values[i] == v)
            return (int)i;
    return -1;
}

static void add_sorted(size_t *values, size_t *n, size_t cap, size_t v)
{
    if (size_index(values, *n, v) >= 0 || *n == cap)
        return;
    size_t i = (*n)++;
    for (; i > 0 && values[i - 1] > v; i--)
        values[i] = values[i - 1];
    values[i] = v;
}

/* One line plot: panels per layout, x = dim, one column per series measured in the slice. */
static int line_plot(rp_plotter *pl, const rp_file *f, const char *prefix, int dim, rp_plot *plot)
{
    static const char *names[] = {"throughput_vs_batch", "throughput_vs_channels", "thread_scaling"};
    static const char *xlabels[] = {"batch size N (log scale)", "channels C (log scale)", "threads"};
    const char *name = names[dim];
    snprintf(plot->file, sizeof plot->file, "%s%s", prefix, name);
    const rp_site *ref = choose_slice(f, dim);
    char fixed[400], ws[32];
    if (ref && dim == DIM_N)
        snprintf(fixed, sizeof fixed, "C=%zu, HxW=%zux%zu, %d thread%s", ref->c, ref->h, ref->w,
                 ref->threads, ref->threads == 1 ? "" : "s");
    else if (ref && dim == DIM_C)
        snprintf(fixed, sizeof fixed, "N=%zu, HxW=%zux%zu, %d thread%s", ref->n, ref->h, ref->w,
                 ref->threads, ref->threads == 1 ? "" : "s");
    else if (ref)
        snprintf(fixed, sizeof fixed, "shape %s (working set %s)",
                 ref->shape,
                 rp_fmt_bytes(ref->ws, ws, sizeof ws));
    else
        snprintf(fixed, sizeof fixed, "no data");

    static const char *what[] = {"Throughput vs batch size N", "Throughput vs channel count C",
                                 "Thread scaling: throughput vs threads"};
    snprintf(plot->caption, sizeof plot->caption,
             "%s at %s, one panel per layout; black dashed line: memcpy (the roofline)%s.",
             what[dim], fixed, rp_series_find(f, "stream_scale") >= 0 ? ", grey dotted: STREAM scale" : "");

    /* the measured x values, ascending: at least two to draw a line */
    size_t xvals[256], nx = 0;
    for (size_t i = 0; ref && i < f->nsites; i++)
        if (same_slice(&f->sites[i], ref, dim) && site_has_kernel(f, &f->sites[i]))
            add_sorted(xvals, &nx, 256, site_dim(&f->sites[i], dim));
    static const char *dim_words[] = {"batch size", "channel count", "thread count"};
    if (!ref || nx < 2) { /* (nx >= 2 means at least two sites in the slice) */
        snprintf(plot->why, sizeof plot->why, "not drawn: the data has no slice with more than one %s",
                 dim_words[dim]);
        return 0;
    }

    /* columns: baselines first, then kernels; only series measured in the slice */
    int cols[256], ncols = 0, nbase = 0;
    for (int pass = 0; pass < 2; pass++)
        for (size_t k = 0; k < f->nseries && ncols < 256; k++) {
            int base = strcmp(f->series[k].kind, RP_KIND_BASELINE) == 0;
            if (base != (pass == 0))
                continue;
            int measured = 0;
            for (size_t i = 0; i < f->nsites && !measured; i++)
                if (same_slice(&f->sites[i], ref, dim)) {
                    const rp_point *p = rp_at(f, &f->sites[i], (int)k);
                    measured = p && rp_timed(p);
                }
            if (measured) {
                cols[ncols++] = (int)k;
                nbase += base;
            }
        }

    /* one data file per layout */
    char *vars = NULL;
    size_t varslen = 0;
    FILE *v = open_memstream(&vars, &varslen);
    if (!v)
        return -1;
    int npanels = 0;
    char xtics[1024] = "";
    for (size_t i = 0; i < f->nsites;) {
        const char *layout = f->sites[i].layout;
        size_t j = rp_layout_end(f, i);
        int any = 0;
        for (size_t k = i; k < j && !any; k++)
            any = same_slice(&f->sites[k], ref, dim) && site_has_kernel(f, &f->sites[k]);
        if (!any) {
            i = j;
            continue;
        }
        char *buf = NULL;
        size_t len = 0;
        FILE *out = open_memstream(&buf, &len);
        if (!out)
            goto fail;
        char title[640];
        snprintf(title, sizeof title, "%s: GB/s (medians) at %s, layout %s; ? = not measured or failed",
                 what[dim], fixed, layout);
        dat_header(out, f, title);
        fprintf(out, "%s", dim == DIM_N ? "N" : dim == DIM_C ? "C" : "threads");
        for (int k = 0; k < ncols; k++) {
            fputc(' ', out);
            dat_string(out, f->series[cols[k]].label);
        }
        fputc('\n', out);
        for (size_t k = i; k < j; k++) {
            const rp_site *s = &f->sites[k];
            if (!same_slice(s, ref, dim) || !site_has_kernel(f, s))
                continue;
            fprintf(out, "%zu", site_dim(s, dim));
            for (int c = 0; c < ncols; c++) {
                const rp_point *p = rp_at(f, s, cols[c]);
                if (p && rp_timed(p))
                    fprintf(out, " %.3f", p->bps / 1e9);
                else
                    fprintf(out, " ?");
            }
            fputc('\n', out);
        }
        fclose(out);
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/%s_%s.dat", pl->write_dir, plot->file, layout);
        if (add_panel(v, ++npanels, path, buf, len, layout) != 0)
            goto fail;
        i = j;
    }
    /* tics at the measured values */
    for (size_t q = 0; q < nx; q++) {
        size_t used = strlen(xtics);
        snprintf(xtics + used, sizeof xtics - used, "%s%zu", q ? "," : "", xvals[q]);
    }
    char colors[2048] = "", dashes[512] = "", pts[512] = "";
    int bi = 0;
    for (int k = 0; k < ncols; k++) {
        const char *color;
        int dash, point;
        const rp_series *s = &f->series[cols[k]];
        series_style(pl, s, strcmp(s->kind, RP_KIND_BASELINE) == 0 ? bi++ : 0, &color, &dash, &point);
        size_t u = strlen(colors);
        snprintf(colors + u, sizeof colors - u, "%s%s", k ? " " : "", color);
        u = strlen(dashes);
        snprintf(dashes + u, sizeof dashes - u, "%s%d", k ? " " : "", dash);
        u = strlen(pts);
        snprintf(pts + u, sizeof pts - u, "%s%d", k ? " " : "", point);
    }
    char maintitle[512];
    snprintf(maintitle, sizeof maintitle, "%s - %s", what[dim], fixed);
    fprintf(v, "npanels=%d; ncols=%d; nbase=%d; logx=%d; ", npanels, ncols + 1, nbase,
            dim == DIM_N ? 2 : dim == DIM_C ? 10 : 0);
    gp_var(v, "colors", colors);
    gp_var(v, "dashes", dashes);
    gp_var(v, "points", pts);
    gp_var(v, "xtics", xtics);
    gp_var(v, "xlabel", xlabels[dim]);
    gp_var(v, "maintitle", maintitle);
    fclose(v);
    render_plot(pl, plot, "lines.gp", vars, npanels > 1 ? 1300 : 800, 560);
    return 0;
fail:
    fclose(v);
    free(vars);
    return -1;
}

/* ---- the winner map ------------------------------------------------------------- */

static void tics(char *buf, size_t len, const size_t *values, size_t n)
{
    snprintf(buf, len, "(");
    for (size_t i = 0; i < n; i++) {
        size_t u = strlen(buf);
        snprintf(buf + u, len - u, "%s\"%zu\" %zu", i ? ", " : "", values[i], i);
    }
    size_t u = strlen(buf);
    snprintf(buf + u, len - u, ")");
}

static int winner_map(rp_plotter *pl, const rp_file *f, const char *prefix, rp_plot *plot)
{
    snprintf(plot->file, sizeof plot->file, "%swinner_map", prefix);
    /* the (H, W) with the most measured sites */
    const rp_site *ref = NULL;
    size_t best = 0;
    for (size_t i = 0; i < f->nsites; i++) {
        const rp_site *s = &f->sites[i];
        if (!site_has_kernel(f, s))
            continue;
        size_t count = 0;
        for (size_t k = 0; k < f->nsites; k++)
            count += f->sites[k].h == s->h && f->sites[k].w == s->w && site_has_kernel(f, &f->sites[k]);
        if (count > best)
            best = count, ref = s;
    }
    if (ref)
        snprintf(plot->caption, sizeof plot->caption,
                 "Fastest implementation over batch size N x channels C at HxW=%zux%zu, one panel "
                 "per layout (columns) and thread count (rows); each cell names the winner and its "
                 "margin over the runner-up.",
                 ref->h, ref->w);
    else
        snprintf(plot->caption, sizeof plot->caption,
                 "Fastest implementation over batch size N x channels C.");
    if (!ref) {
        snprintf(plot->why, sizeof plot->why, "not drawn: no timed kernel in the data");
        return 0;
    }
    /* grid values, layouts and thread counts of the slice */
    size_t ns[64], cs[64], ts[64];
    size_t nn = 0, nc = 0, nt = 0;
    const char *layouts[8];
    size_t nl = 0;
    for (size_t i = 0; i < f->nsites; i++) {
        const rp_site *s = &f->sites[i];
        if (s->h != ref->h || s->w != ref->w || !site_has_kernel(f, s))
            continue;
        add_sorted(ns, &nn, 64, s->n);
        add_sorted(cs, &nc, 64, s->c);
        add_sorted(ts, &nt, 64, (size_t)s->threads);
        size_t k;
        for (k = 0; k < nl && strcmp(layouts[k], s->layout) != 0; k++)
            ;
        if (k == nl && nl < 8)
            layouts[nl++] = s->layout;
    }
    /* at most three thread counts: the first, the middle and the last */
    if (nt > 3) {
        ts[1] = ts[(nt - 1) / 2];
        ts[2] = ts[nt - 1];
        nt = 3;
    }
    char *vars = NULL;
    size_t varslen = 0;
    FILE *v = open_memstream(&vars, &varslen);
    if (!v)
        return -1;
    int npanels = 0;
    char xt[2048], yt[2048];
    tics(xt, sizeof xt, cs, nc);
    tics(yt, sizeof yt, ns, nn);
    for (size_t t = 0; t < nt; t++)
        for (size_t l = 0; l < nl; l++) {
            char *buf = NULL;
            size_t len = 0;
            FILE *out = open_memstream(&buf, &len);
            if (!out)
                goto fail;
            char title[256];
            snprintf(title, sizeof title,
                     "winner map at HxW=%zux%zu, layout %s, %zu thread(s): "
                     "x index (C), y index (N), colour, winner, margin over the runner-up",
                     ref->h, ref->w, layouts[l], ts[t]);
            dat_header(out, f, title);
            int cells = 0;
            for (size_t i = 0; i < f->nsites; i++) {
                const rp_site *s = &f->sites[i];
                if (s->h != ref->h || s->w != ref->w || (size_t)s->threads != ts[t] ||
                    strcmp(s->layout, layouts[l]) != 0)
                    continue;
                const rp_point *win = rp_best(f, s, NULL, NULL);
                if (!win)
                    continue;
                const rp_point *second = rp_best(f, s, NULL, win);
                const rp_series *ws = &f->series[win->series];
                unsigned rgb = (unsigned)strtoul(kernel_color(pl, ws->name) + 1, NULL, 16);
                char margin[64];
                if (second)
                    snprintf(margin, sizeof margin, "+%.1f%%", (win->bps / second->bps - 1) * 100);
                else
                    snprintf(margin, sizeof margin, "alone");
                fprintf(out, "%d %d %u ", size_index(cs, nc, s->c), size_index(ns, nn, s->n), rgb);
                dat_string(out, ws->label);
                fputc(' ', out);
                dat_string(out, margin);
                fputc('\n', out);
                cells++;
            }
            if (!cells) /* an empty panel: keep the grid, say so */
                fprintf(out, "0 0 16777215 \"no data\" \"\"\n");
            fclose(out);
            char path[PATH_MAX];
            snprintf(path, sizeof path, "%s/%s_%s_t%zu.dat", pl->write_dir, plot->file, layouts[l], ts[t]);
            char var[32], ptitle[128];
            snprintf(ptitle, sizeof ptitle, "%s, %zu thread%s", layouts[l], ts[t], ts[t] == 1 ? "" : "s");
            if (add_panel(v, ++npanels, path, buf, len, ptitle) != 0)
                goto fail;
            snprintf(var, sizeof var, "xtics%d", npanels);
            gp_var(v, var, xt);
            snprintf(var, sizeof var, "ytics%d", npanels);
            gp_var(v, var, yt);
            fprintf(v, "nx%d=%zu; ny%d=%zu; ", npanels, nc, npanels, nn);
        }
    char maintitle[256];
    snprintf(maintitle, sizeof maintitle,
             "Fastest implementation and its margin over the runner-up (HxW=%zux%zu)", ref->h, ref->w);
    fprintf(v, "npanels=%d; nrows=%zu; ncolumns=%zu; ", npanels, nt, nl);
    gp_var(v, "maintitle", maintitle);
    fclose(v);
    int width = (int)(nl * 120 * (nc + 1)), height = (int)(nt * 90 * (nn + 2) + 60);
    width = width < 900 ? 900 : width > 2400 ? 2400 : width;
    height = height < 450 ? 450 : height > 2400 ? 2400 : height;
    render_plot(pl, plot, "winner_map.gp", vars, width, height);
    return 0;
fail:
    fclose(v);
    free(vars);
    return -1;
}

int rp_plots_make(rp_plotter *pl, const rp_file *f, const char *prefix, rp_plot *plots)
{
    memset(plots, 0, RP_PLOT_COUNT * sizeof *plots);
    if (line_plot(pl, f, prefix, DIM_N, &plots[RP_PLOT_BATCH]) != 0 ||
        line_plot(pl, f, prefix, DIM_C, &plots[RP_PLOT_CHANNELS]) != 0 ||
        winner_map(pl, f, prefix, &plots[RP_PLOT_WINNERS]) != 0 ||
        line_plot(pl, f, prefix, DIM_THREADS, &plots[RP_PLOT_THREADS]) != 0)
        return -1;
    return 0;
}
