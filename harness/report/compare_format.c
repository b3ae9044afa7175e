/* The two formats of a comparison (compare.h): Markdown for a pull request,
 * JSON for tools. Both print the same cmp_result; neither decides anything. */
#include "compare.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Rows listed per verdict in the Markdown before "... and N more". */
#define LISTED_PER_VERDICT 40
#define LISTED_NAMES 20

static const char *fmt_time(double seconds, int normalised, char *buf, size_t len)
{
    if (!isfinite(seconds))
        snprintf(buf, len, "-");
    else if (normalised)
        snprintf(buf, len, "%.3f x memcpy", seconds);
    else if (seconds < 1e-6)
        snprintf(buf, len, "%.1f ns", seconds * 1e9);
    else if (seconds < 1e-3)
        snprintf(buf, len, "%.2f us", seconds * 1e6);
    else if (seconds < 1)
        snprintf(buf, len, "%.2f ms", seconds * 1e3);
    else
        snprintf(buf, len, "%.3f s", seconds);
    return buf;
}

static const char *fmt_pct(double change, char *buf, size_t len)
{
    if (!isfinite(change))
        snprintf(buf, len, "-");
    else
        snprintf(buf, len, "%+.1f%%", 100 * change);
    return buf;
}

static const char *fmt_p(double p, char *buf, size_t len)
{
    if (!isfinite(p))
        snprintf(buf, len, "-");
    else if (p < 1e-4)
        snprintf(buf, len, "<0.0001");
    else
        snprintf(buf, len, "%.4f", p);
    return buf;
}

/* Text for a table cell: '|' escaped. */
static void cell(FILE *o, const char *s)
{
    for (; s && *s; s++) {
        if (*s == '|')
            fputs("\\|", o);
        else if (*s == '\n')
            fputc(' ', o);
        else
            fputc(*s, o);
    }
}

static void heading(FILE *o, int level, const char *text)
{
    for (int i = 0; i < level; i++)
        fputc('#', o);
    fprintf(o, " %s\n\n", text);
}

static void name_list(FILE *o, const char *what, char *const *names, size_t n)
{
    if (!n)
        return;
    fprintf(o, "\n%s (%zu): ", what, n);
    for (size_t i = 0; i < n && i < LISTED_NAMES; i++)
        fprintf(o, "%s`%s`", i ? ", " : "", names[i]);
    if (n > LISTED_NAMES)
        fprintf(o, ", and %zu more (--format json lists all)", n - LISTED_NAMES);
    fputs(".\n", o);
}

static const char *overall(const cmp_result *r)
{
    return r->exit_code == 1 ? "regression" : r->exit_code == 3 ? "inconclusive" : "no regression";
}

static const char *row_kind_name(cmp_row_kind k)
{
    return k == CMP_ROW_BENCHMARK ? "benchmark" : k == CMP_ROW_IMPLEMENTATION ? "implementation" : "stratum";
}

int cmp_write_markdown(FILE *o, const cmp_result *r, const char *base_label, const char *new_label,
                       int level, int flags)
{
    int all = flags & (CMP_MD_ALL | CMP_MD_RAW), raw = flags & CMP_MD_RAW;
    const cmp_options *opt = &r->options;
    int normalised = opt->normalise == CMP_NORMALISE_MEMCPY;
    char title[1024];
    snprintf(title, sizeof title, "Changes: %s -> %s", base_label, new_label);
    if (level > 0)
        heading(o, level, title);
    fprintf(o, "**Verdict: %s** (exit %d). Benchmarks: %zu regression, %zu improvement, %zu no change, "
               "%zu inconclusive. Implementations and strata: %zu regression, %zu improvement, %zu no "
               "change, %zu inconclusive.\n\n",
            overall(r), r->exit_code, r->counts[CMP_REGRESSION], r->counts[CMP_IMPROVEMENT],
            r->counts[CMP_NO_CHANGE], r->counts[CMP_INCONCLUSIVE], r->group_counts[CMP_REGRESSION],
            r->group_counts[CMP_IMPROVEMENT], r->group_counts[CMP_NO_CHANGE], r->group_counts[CMP_INCONCLUSIVE]);
    if (!strcmp(r->mode, "paired"))
        fprintf(o, "Paired mode: %d rounds, the two builds alternating (A B B A ...); each benchmark's "
                   "log-ratios per round, exact sign-flip permutation test.",
                r->runs_base);
    else
        fprintf(o, "Files mode: %d run%s in the base, %d in the new; each change must clear the "
                   "repetitions (Mann-Whitney U) and the drift between runs (%s).",
                r->runs_base, r->runs_base == 1 ? "" : "s", r->runs_new,
                r->runs_base > 1 || r->runs_new > 1 ? "from the spread of each benchmark's runs"
                                                    : "from the scatter of the changes in its stratum");
    if (strcmp(r->mode, "paired"))
        fputs(" Changes are relative to their stratum's common shift (the median change of its baselines "
              "and peers: the machine's drift; a stratum is a thread count and cache level).",
              o);
    fprintf(o, " Threshold +-%.0f%%; alpha %g over %zu tests (%s); normalise: %s. Change: median time, "
               "new over base (+ is slower).\n",
            100 * opt->threshold, opt->alpha, r->tested, opt->correction == CMP_BH ? "Benjamini-Hochberg" : "Holm",
            normalised ? "memcpy (time relative to the memcpy timed next to it)" : "none");
    for (size_t i = 0; i < r->ncontext; i++) {
        const cmp_context_change *c = &r->context[i];
        if (i == 0)
            fputs("\nContext changes (another machine or build makes every verdict suspect):\n\n", o);
        fprintf(o, "- %s`%s`: `", c->machine ? "**machine/build** " : "", c->key);
        cell(o, c->base);
        fputs("` -> `", o);
        cell(o, c->new_value);
        fputs("`\n", o);
    }
    if (raw)
        fputs("\n| Verdict | What | Base | New | Change | 95% interval | p (corrected) | Raw change | "
              "p (repetitions) | Note |\n|---|---|---:|---:|---:|---|---:|---:|---:|---|\n",
              o);
    else
        fputs("\n| Verdict | What | Base | New | Change | 95% interval | p (corrected) | Note |\n"
              "|---|---|---:|---:|---:|---|---:|---|\n",
              o);
    size_t listed[CMP_NVERDICTS] = {0}, hidden[CMP_NVERDICTS] = {0};
    for (size_t i = 0; i < r->nrows; i++) {
        const cmp_row *row = &r->rows[i];
        int show = all || (row->verdict != CMP_NO_CHANGE && listed[row->verdict] < LISTED_PER_VERDICT) ||
                   (row->verdict == CMP_NO_CHANGE && row->kind != CMP_ROW_BENCHMARK);
        if (!show) {
            hidden[row->verdict]++;
            continue;
        }
        listed[row->verdict]++;
        char b1[48], b2[48], b3[32], b4[32], b5[32], b6[32];
        const char *strong = row->verdict == CMP_REGRESSION || row->verdict == CMP_IMPROVEMENT ? "**" : "";
        fprintf(o, "| %s%s%s | ", strong, cmp_verdict_name(row->verdict), strong);
        if (row->kind != CMP_ROW_BENCHMARK)
            fputs("*", o);
        cell(o, row->name);
        if (row->kind != CMP_ROW_BENCHMARK)
            fputs("*", o);
        fprintf(o, " | %s | %s | %s%s | ", fmt_time(row->base_median, normalised, b1, sizeof b1),
                fmt_time(row->new_median, normalised, b2, sizeof b2),
                fmt_pct(isfinite(row->change) ? row->change : row->raw_change, b3, sizeof b3),
                !isfinite(row->change) && isfinite(row->raw_change) ? " (raw)" : "");
        if (isfinite(row->ci_low))
            fprintf(o, "%s .. %s", fmt_pct(row->ci_low, b4, sizeof b4), fmt_pct(row->ci_high, b5, sizeof b5));
        else
            fputs("-", o);
        fprintf(o, " | %s | ", fmt_p(row->p_adjusted, b6, sizeof b6));
        if (raw)
            fprintf(o, "%s | %s | ", fmt_pct(row->raw_change, b3, sizeof b3),
                    fmt_p(row->p_repetitions, b6, sizeof b6));
        cell(o, row->note);
        fputs(" |\n", o);
    }
    size_t more = hidden[CMP_REGRESSION] + hidden[CMP_INCONCLUSIVE] + hidden[CMP_IMPROVEMENT];
    if (more || hidden[CMP_NO_CHANGE])
        fprintf(o, "\nNot listed: %zu benchmark(s) with no change%s%zu more of the other verdicts (--all lists "
                   "every row).\n",
                hidden[CMP_NO_CHANGE], more ? ", " : " and ", more);
    name_list(o, "Only in the base", r->only_base, r->nonly_base);
    name_list(o, "Only in the new", r->only_new, r->nonly_new);
    name_list(o, "In both but not timed on a side", r->not_timed, r->nnot_timed);
    return ferror(o) ? -1 : 0;
}

static cJSON *number_or_null(double v)
{
    return isfinite(v) ? cJSON_CreateNumber(v) : cJSON_CreateNull();
}

static cJSON *string_array(char *const *v, size_t n)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; a && i < n; i++)
        cJSON_AddItemToArray(a, cJSON_CreateString(v[i]));
    return a;
}

int cmp_write_json(FILE *o, const cmp_result *r, const char *const *base_paths, size_t nbase,
                   const char *const *new_paths, size_t nnew)
{
    const cmp_options *opt = &r->options;
    cJSON *root = cJSON_CreateObject();
    if (!root)
        return -1;
    cJSON_AddStringToObject(root, "chanmul_compare", "1");
    cJSON_AddStringToObject(root, "mode", r->mode);
    cJSON_AddItemToObject(root, "base", string_array((char *const *)base_paths, nbase));
    cJSON_AddItemToObject(root, "new", string_array((char *const *)new_paths, nnew));
    cJSON *settings = cJSON_AddObjectToObject(root, "settings");
    cJSON_AddNumberToObject(settings, "threshold", opt->threshold);
    cJSON_AddNumberToObject(settings, "alpha", opt->alpha);
    cJSON_AddStringToObject(settings, "correction", opt->correction == CMP_BH ? "bh" : "holm");
    cJSON_AddStringToObject(settings, "normalise", opt->normalise == CMP_NORMALISE_MEMCPY ? "memcpy" : "none");
    cJSON_AddNumberToObject(settings, "runs_base", r->runs_base);
    cJSON_AddNumberToObject(settings, "runs_new", r->runs_new);
    cJSON_AddNumberToObject(settings, "tests", (double)r->tested);
    cJSON *summary = cJSON_AddObjectToObject(root, "summary");
    cJSON_AddStringToObject(summary, "verdict", overall(r));
    cJSON_AddNumberToObject(summary, "exit_code", r->exit_code);
    cJSON *counts = cJSON_AddObjectToObject(summary, "benchmarks");
    cJSON *groups = cJSON_AddObjectToObject(summary, "groups");
    for (int v = 0; v < CMP_NVERDICTS; v++) {
        cJSON_AddNumberToObject(counts, cmp_verdict_name((cmp_verdict)v), (double)r->counts[v]);
        cJSON_AddNumberToObject(groups, cmp_verdict_name((cmp_verdict)v), (double)r->group_counts[v]);
    }
    cJSON *ctx = cJSON_AddArrayToObject(root, "context_changes");
    for (size_t i = 0; i < r->ncontext; i++) {
        cJSON *c = cJSON_CreateObject();
        cJSON_AddStringToObject(c, "key", r->context[i].key);
        cJSON_AddStringToObject(c, "base", r->context[i].base);
        cJSON_AddStringToObject(c, "new", r->context[i].new_value);
        cJSON_AddBoolToObject(c, "machine_or_build", r->context[i].machine);
        cJSON_AddItemToArray(ctx, c);
    }
    cJSON_AddItemToObject(root, "only_in_base", string_array(r->only_base, r->nonly_base));
    cJSON_AddItemToObject(root, "only_in_new", string_array(r->only_new, r->nonly_new));
    cJSON_AddItemToObject(root, "not_timed", string_array(r->not_timed, r->nnot_timed));
    cJSON *rows = cJSON_AddArrayToObject(root, "rows");
    for (size_t i = 0; i < r->nrows; i++) {
        const cmp_row *row = &r->rows[i];
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "name", row->name);
        cJSON_AddStringToObject(j, "kind", row_kind_name(row->kind));
        if (row->implementation)
            cJSON_AddStringToObject(j, "implementation", row->implementation);
        cJSON_AddStringToObject(j, "verdict", cmp_verdict_name(row->verdict));
        cJSON_AddNumberToObject(j, "members", (double)row->members);
        cJSON_AddItemToObject(j, "change", number_or_null(row->change));
        cJSON_AddItemToObject(j, "raw_change", number_or_null(row->raw_change));
        cJSON *ci = cJSON_AddArrayToObject(j, "ci95");
        cJSON_AddItemToArray(ci, number_or_null(row->ci_low));
        cJSON_AddItemToArray(ci, number_or_null(row->ci_high));
        cJSON_AddItemToObject(j, "p", number_or_null(row->p));
        cJSON_AddItemToObject(j, "p_adjusted", number_or_null(row->p_adjusted));
        cJSON_AddItemToObject(j, "p_repetitions", number_or_null(row->p_repetitions));
        cJSON_AddItemToObject(j, "min_detectable_change", number_or_null(row->mde));
        cJSON_AddItemToObject(j, opt->normalise == CMP_NORMALISE_MEMCPY ? "base_median_x_memcpy" : "base_median_s",
                              number_or_null(row->base_median));
        cJSON_AddItemToObject(j, opt->normalise == CMP_NORMALISE_MEMCPY ? "new_median_x_memcpy" : "new_median_s",
                              number_or_null(row->new_median));
        cJSON_AddNumberToObject(j, "repetitions_base", row->reps_base);
        cJSON_AddNumberToObject(j, "repetitions_new", row->reps_new);
        cJSON_AddNumberToObject(j, "runs_base", row->runs_base);
        cJSON_AddNumberToObject(j, "runs_new", row->runs_new);
        cJSON_AddStringToObject(j, "note", row->note);
        cJSON_AddItemToArray(rows, j);
    }
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    if (!text)
        return -1;
    fputs(text, o);
    fputc('\n', o);
    cJSON_free(text);
    return ferror(o) ? -1 : 0;
}
