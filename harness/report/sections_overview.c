/*
 * The report's overview: the summary at its top, section 1 "Machines" (what
 * each results file says about the machine, the build and the run) and
 * section 7 "How to reproduce" (the commands behind the report and how much
 * to trust its numbers).
 */
#include "report_sections.h"

#include "markdown.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAIN_COMMAND "bash harness/run.sh main" /* the README's one command: build, verify, bench, report */

/* A context value of the machine's results file, "unknown" when absent. */
static const char *ctx(const report_machine *m, const char *key, char *buf, size_t len)
{
    const char *v = rp_context(&m->f, key, buf, len);
    return v ? v : "unknown";
}

/* ---- summary -------------------------------------------------------------------- */

/* One line per machine: its wins, its verification counts and its target verdicts. */
void section_summary(FILE *o, const report *r)
{
    md_heading(o, 2, "Summary");
    for (int k = 0; k < r->nm; k++) {
        const report_machine *m = &r->m[k];
        const rp_file *f = &m->f;
        char buf[256];
        size_t points = 0, pass = 0, fail = 0;
        fputs("- **", o);
        md_cell(o, m->name);
        fputs("** (", o);
        md_cell(o, ctx(m, "cpu_model", buf, sizeof buf));
        fputs(", ", o);
        md_cell(o, ctx(m, "cpu_isa", buf, sizeof buf));
        fputs("): wins: ", o);
        sweep_wins(o, f, &points);
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
                md_cell(o, f->verify[i].label);
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

/* ---- section 1: machines -------------------------------------------------------- */

/* "OpenMP 4.5 (_OPENMP 201511)" from the _OPENMP macro's value. */
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

/* The cell of machine m in row `row` of the machines table (section_machines' rows). */
static void machine_value(FILE *o, const report_machine *m, int row)
{
    char buf[512], b2[64], b3[64], b4[64];
    const rp_file *f = &m->f;
    switch (row) {
    case 0: md_code(o, f->path); break;
    case 1: md_cell(o, ctx(m, "host_name", buf, sizeof buf)); break;
    case 2: md_cell(o, ctx(m, "cpu_model", buf, sizeof buf)); break;
    case 3: {
        const char *cap = rp_context(f, "cpu_isa_cap", b2, sizeof b2);
        md_cell(o, ctx(m, "cpu_isa", buf, sizeof buf));
        fprintf(o, cap ? " (capped by CHANMUL_MAX_ISA=%s)" : " (no cap)", cap);
        break;
    }
    case 4: md_cell(o, ctx(m, "cpu_flags", buf, sizeof buf)); break;
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
                f->l3_reported > 0 ? rp_fmt_bytes(f->l3_reported, b4, sizeof b4) : "unknown");
        fputs(" as reported", o);
        if (f->l2_measured > 0 || f->l3_measured > 0)
            fprintf(o, "; measured by the cache probe: L2 %s, LLC %s",
                    f->l2_measured > 0 ? rp_fmt_bytes(f->l2_measured, b3, sizeof b3) : "no edge seen",
                    f->l3_measured > 0 ? rp_fmt_bytes(f->l3_measured, b4, sizeof b4) : "no edge seen");
        if (f->l3 != f->l3_reported || f->l2 != f->l2_reported)
            fprintf(o, " (regions sized by L2 %s, LLC %s)", rp_fmt_bytes(f->l2, b3, sizeof b3),
                    rp_fmt_bytes(f->l3, b4, sizeof b4));
        break;
    case 7: md_cell(o, ctx(m, "compiler", buf, sizeof buf)); break;
    case 8: md_code(o, ctx(m, "cflags", buf, sizeof buf)); break;
    case 9: {
        const char *v = rp_context(f, "openmp", b2, sizeof b2);
        char ver[96];
        md_cell(o, v ? openmp_version(v, ver, sizeof ver) : "unknown");
        fputs("; ", o);
        md_cell(o, ctx(m, "omp_env", buf, sizeof buf));
        break;
    }
    case 10:
        md_cell(o, ctx(m, "chanmul_version", buf, sizeof buf));
        fputs(" (git ", o);
        md_cell(o, ctx(m, "chanmul_git_revision", buf, sizeof buf));
        fputs(")", o);
        break;
    case 11: {
        const char *scaling = rp_context(f, "cpu_scaling_enabled", b2, sizeof b2);
        md_cell(o, ctx(m, "library_build_type", buf, sizeof buf));
        if (scaling)
            fprintf(o, "; CPU frequency scaling %s",
                    strcmp(scaling, "true") == 0 ? "**enabled** (numbers may vary)" : "disabled");
        break;
    }
    case 12: md_cell(o, ctx(m, "load_avg", buf, sizeof buf)); break;
    case 13: md_cell(o, ctx(m, "date", buf, sizeof buf)); break;
    case 14: md_code(o, ctx(m, "command", buf, sizeof buf)); break;
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

void section_machines(FILE *o, const report *r)
{
    static const char *rows[] = {"Results file", "Host", "CPU", "ISA used", "CPU flags", "Cores",
                                 "Caches (per instance)", "Compiler", "C flags", "OpenMP",
                                 "chanmul", "Google Benchmark build", "Load average", "Date",
                                 "Command", "Benchmarks"};
    md_heading(o, 2, "1. Machines");
    fputs("| |", o);
    for (int k = 0; k < r->nm; k++) {
        fputc(' ', o);
        md_cell(o, r->m[k].name);
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

/* ---- section 7: how to reproduce ------------------------------------------------ */

void section_reproduce(FILE *o, const report *r)
{
    md_heading(o, 2, "7. How to reproduce");
    fputs("The whole pipeline (build, verify, benchmark, report), as in the README:\n\n", o);
    fprintf(o, "```sh\n%s\n```\n\n", MAIN_COMMAND);
    fputs("The benchmark runs behind this report, as recorded in each results file:\n\n", o);
    for (int k = 0; k < r->nm; k++) {
        char buf[2048];
        fputs("- ", o);
        md_cell(o, r->m[k].name);
        fputs(": ", o);
        md_code(o, ctx(&r->m[k], "command", buf, sizeof buf));
        fputs(" -> ", o);
        md_code(o, r->m[k].f.path);
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
            md_code(o, cvkey);
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
