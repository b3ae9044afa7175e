/* The selection file's format: parse, validate, look up, write (selection.h). */
#include "chanmul_internal.h"
#include "json_fields.h"
#include "selection.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- parsing ------------------------------------------------------------------------ */

static int parse_build(const cJSON *build, chanmul_selection *sel, const char **bad)
{
    static const char *const fields[] = {"version", "git_revision", "compiler", "flags"};
    const char *values[4];
    size_t total = 0;
    for (int i = 0; i < 4; i++) {
        const cJSON *m = chanmul_json_member(build, fields[i], cJSON_String);
        if (!m) {
            *bad = fields[i];
            return -1;
        }
        values[i] = m->valuestring;
        total += strlen(values[i]) + 1;
    }
    char *strings = malloc(total);
    if (!strings)
        return CHANMUL_ENOMEM;
    const char **slots[4] = {&sel->build.version, &sel->build.git_revision, &sel->build.compiler,
                             &sel->build.flags};
    char *at = strings;
    for (int i = 0; i < 4; i++) {
        size_t n = strlen(values[i]) + 1;
        memcpy(at, values[i], n);
        *slots[i] = at;
        at += n;
    }
    sel->build_strings = strings;
    return 0;
}

/* The implementation a file names, if this process can select it for op. */
static const chanmul_impl *selectable_by_name(const cJSON *name, chanmul_op op)
{
    if (!cJSON_IsString(name))
        return NULL;
    const chanmul_impl *impl = chanmul_impl_find(name->valuestring);
    return chanmul_selectable(impl, op) ? impl : NULL;
}

/* One entry; 0, or -1 with why it cannot be used here in why. */
static int parse_entry(const cJSON *e, chanmul_selection_entry *out, char *why, size_t len)
{
    memset(out, 0, sizeof *out);
    char name[32];
    size_t v;
    if (!cJSON_IsObject(e))
        return snprintf(why, len, "not an object"), -1;
    if (chanmul_json_get_string(e, "op", name, sizeof name) || chanmul_op_parse(name, &out->p.op) != 0)
        return snprintf(why, len, "missing or unknown op"), -1;
    if (chanmul_json_get_string(e, "layout", name, sizeof name) ||
        (strcmp(name, "nhwc") != 0 && strcmp(name, "nchw") != 0))
        return snprintf(why, len, "missing or unknown layout"), -1;
    out->p.layout = strcmp(name, "nhwc") == 0 ? CHANMUL_NHWC : CHANMUL_NCHW;
    size_t *dims[4] = {&out->p.n, &out->p.h, &out->p.w, &out->p.c};
    static const char *const dim_names[4] = {"n", "h", "w", "c"};
    for (int i = 0; i < 4; i++)
        if (chanmul_json_get_count(e, dim_names[i], 1u << 30, dims[i]) || *dims[i] == 0)
            return snprintf(why, len, "missing or bad '%s'", dim_names[i]), -1;
    /* a grid point is a problem that can exist: its size in bytes fits size_t.
     * (each dimension up to 2^30 is not enough: 2^30 x 2^30 x 8 x 1 wrapped
     * chanmul_selection_decide's products, and the entry's own point was
     * "beyond the grid": tests/fuzz/corpus/selection/regress-grid-point-wraps) */
    int size_err = 0;
    chanmul_problem_elements(&out->p, &size_err);
    if (size_err)
        return snprintf(why, len, "its shape is too large for size_t"), -1;
    if (chanmul_json_get_count(e, "threads", 4096, &v) || v == 0)
        return snprintf(why, len, "missing or bad 'threads'"), -1;
    out->threads = (int)v;
    const cJSON *winner = cJSON_GetObjectItemCaseSensitive(e, "winner");
    out->winner = selectable_by_name(winner, out->p.op);
    if (!out->winner)
        return snprintf(why, len, "winner '%s' cannot be used here",
                        cJSON_IsString(winner) ? winner->valuestring : "?"), -1;
    out->runner_up = selectable_by_name(cJSON_GetObjectItemCaseSensitive(e, "runner_up"), out->p.op);
    if (chanmul_json_get_real(e, "winner_ns", &out->winner_ns) || out->winner_ns <= 0)
        return snprintf(why, len, "missing or bad 'winner_ns'"), -1;
    /* the margin is evidence for explain and the report, not needed to decide */
    chanmul_json_get_real(e, "runner_up_ns", &out->runner_up_ns);
    chanmul_json_get_real(e, "margin", &out->margin);
    chanmul_json_get_real(e, "margin_low", &out->margin_low);
    chanmul_json_get_real(e, "margin_high", &out->margin_high);
    out->tie = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(e, "tie"));
    out->uses_tunables = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(e, "uses_tunables"));
    const cJSON *cands = chanmul_json_member(e, "candidates", cJSON_Object), *c;
    cJSON_ArrayForEach(c, cands)
    {
        /* a time must be finite, as every real field here (chanmul_json_get_real):
         * 1e999 reads as infinity, which cJSON writes back as null, so the file
         * as written said something other than the file read (found by
         * tests/fuzz, fuzz_selection) */
        const chanmul_impl *impl = chanmul_impl_find(c->string);
        if (impl && cJSON_IsNumber(c) && isfinite(c->valuedouble) &&
            out->candidates < CHANMUL_SELECTION_MAX_CANDIDATES) {
            out->candidate[out->candidates] = impl;
            out->candidate_ns[out->candidates++] = c->valuedouble;
        }
    }
    return 0;
}

int chanmul_selection_parse(const char *text, size_t len, const char *path, chanmul_selection *sel,
                            char *err, size_t errlen)
{
    memset(sel, 0, sizeof *sel);
    cJSON *root = chanmul_json_parse(text, len, path, err, errlen);
    if (!root)
        return CHANMUL_ESELECTION;
    const char *bad = NULL;
    size_t format = 0;
    const cJSON *cpu = chanmul_json_member(root, "cpu", cJSON_Object), *build = chanmul_json_member(root, "build", cJSON_Object);
    const cJSON *entries = chanmul_json_member(root, "entries", cJSON_Array);
    if (!cJSON_IsObject(root) || chanmul_json_get_count(root, "chanmul_selection", 1e9, &format))
        bad = "chanmul_selection (the format version)";
    else if (format != CHANMUL_SELECTION_FORMAT)
        bad = "chanmul_selection: a format version this build does not read";
    else if (!cpu)
        bad = "cpu";
    else if (!build)
        bad = "build";
    else if (!entries)
        bad = "entries";
    int rc = 0;
    if (!bad && chanmul_json_parse_cpu(cpu, &sel->cpu, &bad) != 0)
        rc = CHANMUL_ESELECTION;
    if (!bad && !rc)
        rc = parse_build(build, sel, &bad);
    if (bad || rc) {
        if (rc == CHANMUL_ENOMEM)
            snprintf(err, errlen, "%s: out of memory", path);
        else
            snprintf(err, errlen, "%s: not a selection file: '%s' is missing or malformed", path, bad);
        cJSON_Delete(root);
        chanmul_selection_free(sel);
        return rc == CHANMUL_ENOMEM ? rc : CHANMUL_ESELECTION;
    }
    chanmul_json_get_string(root, "command", sel->command, sizeof sel->command);
    const cJSON *tun = chanmul_json_member(root, "tunables", cJSON_Object);
    if (tun) {
        size_t v;
        if (chanmul_json_get_count(tun, "min_elements_per_thread", 1e15, &v) == 0)
            sel->tunables.min_elements_per_thread = v;
        if (chanmul_json_get_count(tun, "nontemporal_min_bytes", 1.8e19, &v) == 0)
            sel->tunables.nontemporal_min_bytes = v;
        chanmul_json_get_string(tun, "evidence", sel->tunables_evidence, sizeof sel->tunables_evidence);
    }
    size_t n = (size_t)cJSON_GetArraySize(entries);
    sel->entries = calloc(n ? n : 1, sizeof *sel->entries);
    if (!sel->entries) {
        snprintf(err, errlen, "%s: out of memory", path);
        cJSON_Delete(root);
        chanmul_selection_free(sel);
        return CHANMUL_ENOMEM;
    }
    size_t index = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, entries)
    {
        char why[200];
        if (parse_entry(e, &sel->entries[sel->count], why, sizeof why) == 0) {
            sel->count++;
        } else {
            if (sel->skipped++ == 0)
                snprintf(sel->first_skip, sizeof sel->first_skip, "entry %zu: %s", index, why);
        }
        index++;
    }
    cJSON_Delete(root);
    return 0;
}

int chanmul_selection_check_origin(const chanmul_selection *sel, char *why, size_t len)
{
    chanmul_cpu_signature here;
    char diff[256];
    chanmul_cpu_signature_get(&here);
    if (chanmul_cpu_signature_diff(&sel->cpu, &here, diff, sizeof diff)) {
        snprintf(why, len, "made on another CPU: %s", diff);
        return CHANMUL_ESELECTION;
    }
    const chanmul_build_identity *b = chanmul_build_identity_get();
    const char *names[4] = {"version", "git_revision", "compiler", "flags"};
    const char *file[4] = {sel->build.version, sel->build.git_revision, sel->build.compiler,
                           sel->build.flags};
    const char *mine[4] = {b->version, b->git_revision, b->compiler, b->flags};
    for (int i = 0; i < 4; i++)
        if (strcmp(file[i], mine[i]) != 0) {
            snprintf(why, len, "made by another build: %s: file '%s', this build '%s'", names[i],
                     file[i], mine[i]);
            return CHANMUL_ESELECTION;
        }
    if (len)
        why[0] = '\0';
    return 0;
}

/* ---- lookup ------------------------------------------------------------------------- */

static double log2_of(size_t v) { return log2((double)(v ? v : 1)); }

const chanmul_selection_entry *chanmul_selection_lookup(const chanmul_selection *sel,
                                                        const chanmul_problem *p, int threads)
{
    const chanmul_selection_entry *best = NULL;
    double best_thread_gap = INFINITY, best_distance = INFINITY;
    double ln = log2_of(p->n), lhw = log2_of(p->h * p->w), lc = log2_of(p->c);
    for (size_t i = 0; i < sel->count; i++) {
        const chanmul_selection_entry *e = &sel->entries[i];
        if (e->p.op != p->op || e->p.layout != p->layout)
            continue;
        double thread_gap = fabs(log2_of((size_t)e->threads) - log2_of((size_t)threads));
        double dn = log2_of(e->p.n) - ln, dhw = log2_of(e->p.h * e->p.w) - lhw,
               dc = log2_of(e->p.c) - lc;
        double distance = dn * dn + dhw * dhw + dc * dc;
        if (thread_gap < best_thread_gap ||
            (thread_gap == best_thread_gap && distance < best_distance)) {
            best = e;
            best_thread_gap = thread_gap;
            best_distance = distance;
        }
    }
    return best;
}

/* The entries of p's op and layout at the thread count nearest to threads. */
static size_t matching_entries(const chanmul_selection *sel, const chanmul_problem *p, int threads,
                               const chanmul_selection_entry **out)
{
    double best_gap = INFINITY;
    size_t n = 0;
    for (size_t i = 0; i < sel->count; i++) {
        const chanmul_selection_entry *e = &sel->entries[i];
        if (e->p.op != p->op || e->p.layout != p->layout)
            continue;
        double gap = fabs(log2_of((size_t)e->threads) - log2_of((size_t)threads));
        if (gap < best_gap) {
            best_gap = gap;
            n = 0;
        }
        if (gap == best_gap)
            out[n++] = e;
    }
    return n;
}

/* The grid values just below and above v on one axis, and the weight of the
 * upper one (log2 position between them; 0 when they are the same value). */
typedef struct axis_bracket {
    size_t lo, hi;
    double w_hi;
} axis_bracket;

static axis_bracket bracket(const size_t *values, size_t n, size_t v)
{
    axis_bracket b = {0, 0, 0};
    for (size_t i = 0; i < n; i++) {
        if (values[i] <= v && (b.lo == 0 || values[i] > b.lo))
            b.lo = values[i];
        if (values[i] >= v && (b.hi == 0 || values[i] < b.hi))
            b.hi = values[i];
    }
    if (!b.lo)
        b.lo = b.hi; /* below the grid: its edge */
    if (!b.hi)
        b.hi = b.lo; /* above the grid */
    if (b.hi != b.lo)
        b.w_hi = (log2_of(v) - log2_of(b.lo)) / (log2_of(b.hi) - log2_of(b.lo));
    return b;
}

static size_t axis_value(const chanmul_selection_entry *e, int axis)
{
    return axis == 0 ? e->p.n : axis == 1 ? e->p.h * e->p.w : e->p.c;
}

static int registry_rank(const chanmul_impl *impl)
{
    for (size_t i = 0; i < chanmul_impl_count(); i++)
        if (chanmul_impl_at(i) == impl)
            return (int)i;
    return (int)chanmul_impl_count();
}

int chanmul_selection_decide(const chanmul_selection *sel, const chanmul_problem *p, int threads,
                             chanmul_selection_decision *d)
{
    memset(d, 0, sizeof *d);
    const chanmul_selection_entry **m = malloc((sel->count ? sel->count : 1) * sizeof *m);
    size_t *values = malloc((sel->count ? sel->count : 1) * sizeof *values);
    size_t n = m && values ? matching_entries(sel, p, threads, m) : 0;
    if (n == 0) {
        free(m);
        free(values);
        return -1;
    }
    /* beyond the grid's largest problem the file has no evidence (no grid point
     * streams past the LLC, where streaming stores decide): not its region */
    size_t largest = 0, total = p->n * p->h * p->w * p->c;
    for (size_t i = 0; i < n; i++) {
        size_t e = m[i]->p.n * m[i]->p.h * m[i]->p.w * m[i]->p.c;
        largest = e > largest ? e : largest;
    }
    if (total > SELECTION_MAX_EXTRAPOLATION * largest) {
        free(m);
        free(values);
        return -2;
    }
    size_t here[3] = {p->n, p->h * p->w, p->c};
    axis_bracket ax[3];
    for (int a = 0; a < 3; a++) {
        for (size_t i = 0; i < n; i++)
            values[i] = axis_value(m[i], a);
        ax[a] = bracket(values, n, here[a]);
    }
    /* the cell's corners that the grid has, with their weights */
    const chanmul_selection_entry *corner[8];
    double weight[8];
    int corners = 0;
    for (int k = 0; k < 8; k++) {
        double w = 1;
        size_t want[3];
        int skip = 0;
        for (int a = 0; a < 3; a++) {
            int upper = (k >> a) & 1;
            if (upper && ax[a].hi == ax[a].lo)
                skip = 1; /* one value on this axis: one corner, not two */
            want[a] = upper ? ax[a].hi : ax[a].lo;
            w *= upper ? ax[a].w_hi : 1 - ax[a].w_hi;
        }
        if (skip || w <= 0)
            continue;
        for (size_t i = 0; i < n; i++)
            if (axis_value(m[i], 0) == want[0] && axis_value(m[i], 1) == want[1] &&
                axis_value(m[i], 2) == want[2] && m[i]->candidates > 0) {
                corner[corners] = m[i];
                weight[corners++] = w;
                break;
            }
    }
    free(values);
    /* each candidate measured at every corner: its expected regret */
    const chanmul_impl *best = NULL, *second = NULL;
    double best_score = INFINITY, second_score = INFINITY;
    double score[CHANMUL_SELECTION_MAX_CANDIDATES];
    const chanmul_impl *cand[CHANMUL_SELECTION_MAX_CANDIDATES];
    int ncand = 0;
    for (int i = 0; corners > 0 && i < corner[0]->candidates; i++) {
        const chanmul_impl *impl = corner[0]->candidate[i];
        if (!chanmul_selectable(impl, p->op))
            continue;
        double sum = 0, wsum = 0;
        int everywhere = 1;
        for (int k = 0; k < corners && everywhere; k++) {
            const chanmul_selection_entry *e = corner[k];
            double fastest = INFINITY, mine = -1;
            for (int j = 0; j < e->candidates; j++) {
                if (e->candidate_ns[j] > 0 && e->candidate_ns[j] < fastest)
                    fastest = e->candidate_ns[j];
                if (e->candidate[j] == impl)
                    mine = e->candidate_ns[j];
            }
            if (mine <= 0)
                everywhere = 0;
            else {
                sum += weight[k] * (mine / fastest - 1);
                wsum += weight[k];
            }
        }
        if (!everywhere || wsum <= 0)
            continue;
        cand[ncand] = impl;
        score[ncand++] = sum / wsum;
    }
    for (int i = 0; i < ncand; i++)
        if (score[i] < best_score) {
            best_score = score[i];
            best = cand[i];
        }
    /* a tie goes to the simpler kernel */
    for (int i = 0; i < ncand; i++)
        if (score[i] <= best_score + SELECTION_TIE_REGRET && registry_rank(cand[i]) < registry_rank(best))
            best = cand[i];
    for (int i = 0; i < ncand; i++)
        if (cand[i] == best)
            best_score = score[i];
    for (int i = 0; i < ncand; i++)
        if (cand[i] != best && score[i] < second_score) {
            second_score = score[i];
            second = cand[i];
        }
    int heaviest = 0;
    for (int k = 1; k < corners; k++)
        if (weight[k] > weight[heaviest])
            heaviest = k;
    if (best) {
        d->pick = best;
        d->runner_up = second;
        d->pick_regret = best_score;
        d->runner_up_regret = second ? second_score : NAN;
        d->points = corners;
        d->nearest = corner[heaviest];
    } else {
        /* no candidate measured at every corner: the nearest point's winner */
        const chanmul_selection_entry *e = chanmul_selection_lookup(sel, p, threads);
        d->pick = e->winner;
        d->runner_up = e->runner_up;
        d->pick_regret = 0;
        d->runner_up_regret = e->margin;
        d->points = 1;
        d->nearest = e;
    }
    free(m);
    return 0;
}

/* ---- writing ------------------------------------------------------------------------ */

static int add_entry(cJSON *array, const chanmul_selection_entry *e)
{
    cJSON *o = cJSON_CreateObject();
    if (!o || !cJSON_AddItemToArray(array, o))
        return cJSON_Delete(o), -1;
    int ok = cJSON_AddStringToObject(o, "op", chanmul_op_name(e->p.op)) &&
             cJSON_AddStringToObject(o, "layout", chanmul_layout_name(e->p.layout)) &&
             cJSON_AddNumberToObject(o, "n", (double)e->p.n) &&
             cJSON_AddNumberToObject(o, "h", (double)e->p.h) &&
             cJSON_AddNumberToObject(o, "w", (double)e->p.w) &&
             cJSON_AddNumberToObject(o, "c", (double)e->p.c) &&
             cJSON_AddNumberToObject(o, "threads", e->threads) &&
             cJSON_AddStringToObject(o, "winner", e->winner->name) &&
             (e->runner_up ? cJSON_AddStringToObject(o, "runner_up", e->runner_up->name)
                           : cJSON_AddNullToObject(o, "runner_up")) &&
             cJSON_AddNumberToObject(o, "winner_ns", e->winner_ns) &&
             cJSON_AddNumberToObject(o, "runner_up_ns", e->runner_up_ns) &&
             cJSON_AddNumberToObject(o, "margin", e->margin) &&
             cJSON_AddNumberToObject(o, "margin_low", e->margin_low) &&
             cJSON_AddNumberToObject(o, "margin_high", e->margin_high) &&
             cJSON_AddBoolToObject(o, "tie", e->tie) &&
             cJSON_AddBoolToObject(o, "uses_tunables", e->uses_tunables);
    cJSON *cands = ok ? cJSON_AddObjectToObject(o, "candidates") : NULL;
    if (!cands)
        return -1;
    for (int i = 0; i < e->candidates; i++)
        if (!cJSON_AddNumberToObject(cands, e->candidate[i]->name, e->candidate_ns[i]))
            return -1;
    return 0;
}

char *chanmul_selection_format(const chanmul_selection *sel)
{
    cJSON *root = cJSON_CreateObject();
    if (!root)
        return NULL;
    const chanmul_cpu_signature *c = &sel->cpu;
    cJSON *cpu = NULL, *build = NULL, *tun = NULL, *entries = NULL;
    int ok = cJSON_AddNumberToObject(root, "chanmul_selection", CHANMUL_SELECTION_FORMAT) &&
             cJSON_AddStringToObject(root, "generated_by", "chanmul tune: do not edit; rerun it") &&
             cJSON_AddStringToObject(root, "command", sel->command) &&
             cJSON_AddStringToObject(root, "region_rule",
                                     "a problem is decided by the grid cell around it (same op and "
                                     "layout, nearest thread count; the grid values just below and "
                                     "above its N, H*W, C): each candidate's regret at the cell's "
                                     "points, weighted trilinearly in log2; the lowest wins, a tie "
                                     "within 3% to the simpler kernel") &&
             (cpu = cJSON_AddObjectToObject(root, "cpu")) &&
             (build = cJSON_AddObjectToObject(root, "build")) &&
             (tun = cJSON_AddObjectToObject(root, "tunables")) &&
             (entries = cJSON_AddArrayToObject(root, "entries"));
    ok = ok && chanmul_json_add_cpu(cpu, c);
    ok = ok && cJSON_AddStringToObject(build, "version", sel->build.version) &&
         cJSON_AddStringToObject(build, "git_revision", sel->build.git_revision) &&
         cJSON_AddStringToObject(build, "compiler", sel->build.compiler) &&
         cJSON_AddStringToObject(build, "flags", sel->build.flags);
    ok = ok && cJSON_AddNumberToObject(tun, "min_elements_per_thread",
                                       (double)sel->tunables.min_elements_per_thread) &&
         cJSON_AddNumberToObject(tun, "nontemporal_min_bytes", (double)sel->tunables.nontemporal_min_bytes) &&
         cJSON_AddStringToObject(tun, "evidence", sel->tunables_evidence);
    for (size_t i = 0; ok && i < sel->count; i++)
        ok = add_entry(entries, &sel->entries[i]) == 0;
    char *text = ok ? cJSON_Print(root) : NULL;
    cJSON_Delete(root);
    return text;
}

void chanmul_selection_free(chanmul_selection *sel)
{
    free(sel->entries);
    free(sel->build_strings);
    memset(sel, 0, sizeof *sel);
}
