/*
 * `chanmul report`: reading Google Benchmark JSON into the report's model.
 *
 * Tolerant where Google Benchmark varies (aggregates present or not, the
 * /real_time, /repeats:N, ... suffixes, NaN and Infinity written as bare
 * words), strict where the file is simply not results (not JSON, no
 * "benchmarks" array): that is an error naming the file.
 */
#include "report_model.h"

#include "files.h"
#include "results.h"

#include "chanmul.h"
#include "shape.h"
#include "stats.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- small helpers ------------------------------------------------------------- */

static char *xstrdup(const char *s)
{
    char *d = strdup(s ? s : "");
    if (!d) {
        fprintf(stderr, "chanmul report: out of memory\n");
        exit(2);
    }
    return d;
}

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    if (!p) {
        fprintf(stderr, "chanmul report: out of memory\n");
        exit(2);
    }
    return p;
}

double rp_median(double *v, size_t n)
{
    return stats_median_inplace(v, n);
}

int rp_kind_rank(const char *kind)
{
    /* the selector after the implementations it chooses from */
    static const char *order[] = {RP_KIND_CHANMUL, RP_KIND_PLUGIN, RP_KIND_PEER, RP_KIND_SELECTOR,
                                  RP_KIND_UNKNOWN, RP_KIND_REFERENCE, RP_KIND_BASELINE};
    for (int i = 0; i < (int)(sizeof order / sizeof order[0]); i++)
        if (strcmp(kind, order[i]) == 0)
            return i;
    return 4; /* as RP_KIND_UNKNOWN */
}

/* Layouts in the order people expect them: channels-last first. */
static int layout_rank(const char *layout)
{
    if (strcmp(layout, "nhwc") == 0)
        return 0;
    if (strcmp(layout, "nchw") == 0)
        return 1;
    return 2;
}

/* Baselines in their order: memcpy is the roofline, then the STREAM scale. */
static int baseline_rank(const char *name)
{
    if (strcmp(name, "memcpy") == 0)
        return 0;
    if (strcmp(name, "copy_loop") == 0)
        return 1;
    if (strcmp(name, "stream_scale") == 0)
        return 2;
    return 3;
}

/* ---- context -------------------------------------------------------------------- */

const char *rp_context(const rp_file *f, const char *key, char *buf, size_t len)
{
    const cJSON *ctx = cJSON_GetObjectItemCaseSensitive((const cJSON *)f->json, "context");
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(ctx, key);
    if (!buf || len == 0)
        return NULL; /* no room to format into (callers always pass some) */
    if (cJSON_IsString(item))
        return item->valuestring[0] ? item->valuestring : NULL;
    if (cJSON_IsNumber(item)) {
        double v = item->valuedouble;
        if (v == floor(v) && fabs(v) < 1e15)
            snprintf(buf, len, "%.0f", v);
        else
            snprintf(buf, len, "%g", v);
        return buf;
    }
    if (cJSON_IsArray(item) && cJSON_GetArraySize(item) > 0) { /* load_avg: numbers */
        const cJSON *e;
        size_t used = 0;
        buf[0] = '\0';
        cJSON_ArrayForEach(e, item)
        {
            if (!cJSON_IsNumber(e) || used + 1 >= len)
                continue;
            snprintf(buf + used, len - used, "%s%.2f", used ? ", " : "", e->valuedouble);
            used = strlen(buf);
        }
        return used ? buf : NULL;
    }
    if (cJSON_IsBool(item)) {
        snprintf(buf, len, "%s", cJSON_IsTrue(item) ? "true" : "false");
        return buf;
    }
    return NULL;
}

static double context_number(const rp_file *f, const char *key)
{
    char buf[64], *end;
    const char *text = rp_context(f, key, buf, sizeof buf);
    if (!text)
        return 0;
    double v = strtod(text, &end);
    return end != text && v > 0 && isfinite(v) ? v : 0;
}

/* Cache size from Google Benchmark's own "caches" list: the fallback when the
 * chanmul context keys are missing. */
static double gbench_cache(const rp_file *f, int level, const char *type)
{
    const cJSON *ctx = cJSON_GetObjectItemCaseSensitive((const cJSON *)f->json, "context");
    const cJSON *caches = cJSON_GetObjectItemCaseSensitive(ctx, "caches"), *c;
    cJSON_ArrayForEach(c, caches)
    {
        const cJSON *lv = cJSON_GetObjectItemCaseSensitive(c, "level");
        const cJSON *ty = cJSON_GetObjectItemCaseSensitive(c, "type");
        const cJSON *sz = cJSON_GetObjectItemCaseSensitive(c, "size");
        if (cJSON_IsNumber(lv) && lv->valueint == level && cJSON_IsString(ty) &&
            strcmp(ty->valuestring, type) == 0 && cJSON_IsNumber(sz))
            return sz->valuedouble;
    }
    return 0;
}

/* The kind of an implementation: the results file's "impl_kind:<name>" first
 * (it describes the build that ran), then this build's registry. */
static const char *impl_kind(const rp_file *f, const char *impl)
{
    static const char *known[] = {RP_KIND_CHANMUL, RP_KIND_PEER, RP_KIND_REFERENCE, RP_KIND_PLUGIN,
                                  RP_KIND_SELECTOR};
    char key[160], buf[64];
    snprintf(key, sizeof key, "impl_kind:%s", impl);
    const char *v = rp_context(f, key, buf, sizeof buf);
    if (v) {
        for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
            if (strcasecmp(v, known[i]) == 0)
                return known[i];
        return RP_KIND_UNKNOWN;
    }
    const chanmul_impl *reg = chanmul_impl_find(impl);
    if (reg) {
        const char *name = chanmul_kind_name(reg->kind);
        for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
            if (strcmp(name, known[i]) == 0)
                return known[i];
    }
    return RP_KIND_UNKNOWN;
}

static char *make_label(const char *name, const char *kind)
{
    char buf[256];
    if (strcmp(kind, RP_KIND_CHANMUL) == 0 ||
        (strcmp(kind, RP_KIND_REFERENCE) == 0 && strcmp(name, "reference") == 0))
        snprintf(buf, sizeof buf, "%s", name);
    else
        snprintf(buf, sizeof buf, "%s (%s)", name, kind);
    return xstrdup(buf);
}

/* ---- parsing -------------------------------------------------------------------- */

/* Google Benchmark writes non-finite doubles as bare NaN / Infinity, which is
 * not JSON. Rewrites them (outside strings) as null, so a cv of a zero time
 * does not make a whole results file unreadable. */
static char *sanitize_json(const char *text, size_t len)
{
    static const char *words[] = {"-Infinity", "Infinity", "-NaN", "NaN", "-nan", "nan", "-inf", "inf"};
    char *out = xcalloc(len * 2 + 1, 1);
    size_t o = 0;
    int in_string = 0;
    for (size_t i = 0; i < len;) {
        char ch = text[i];
        if (in_string) {
            out[o++] = ch;
            if (ch == '\\' && i + 1 < len)
                out[o++] = text[++i];
            else if (ch == '"')
                in_string = 0;
            i++;
            continue;
        }
        if (ch == '"') {
            in_string = 1;
            out[o++] = text[i++];
            continue;
        }
        size_t matched = 0;
        for (size_t k = 0; k < sizeof words / sizeof words[0] && !matched; k++) {
            size_t wl = strlen(words[k]);
            if (i + wl <= len && memcmp(text + i, words[k], wl) == 0 &&
                (i + wl == len || !isalnum((unsigned char)text[i + wl])))
                matched = wl;
        }
        if (matched) {
            memcpy(out + o, "null", 4);
            o += 4;
            i += matched;
        } else {
            out[o++] = text[i++];
        }
    }
    out[o] = '\0';
    return out;
}


typedef struct raw_row {
    char *key, *op, *layout, *impl;
    char *shape; /* the problem string (shape_format): bcast's two shapes fold alike */
    size_t n, h, w, c;
    int threads;
    int type;          /* ROW_ITERATION, ROW_MEDIAN, ROW_CV, ROW_OTHER */
    int error;
    const char *error_message;
    double bps, ratio, cv, real_time;
    double prepared_bps; /* the prepared call's (counter prepared_bytes_per_second) */
    int reps;
} raw_row;

enum { ROW_ITERATION, ROW_MEDIAN, ROW_CV, ROW_OTHER };

static double number(const cJSON *row, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(row, name);
    return cJSON_IsNumber(v) && isfinite(v->valuedouble) ? v->valuedouble : NAN;
}

/* A count (threads, repetitions): the number when it is 1 to INT_MAX (its
 * fraction dropped), else 0. Not (int) of number() alone: converting a
 * double beyond int's range is undefined behaviour, and a results file is
 * outside input ("threads": 1.29e10 was found by tests/fuzz, fuzz_results;
 * "repetitions": 1e300 is its regress-repetitions-beyond-int). */
static int count(const cJSON *row, const char *name)
{
    double v = number(row, name);
    return v >= 1 && v <= INT_MAX ? (int)v : 0;
}

static const char *string(const cJSON *row, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(row, name);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static double time_unit_seconds(const char *unit)
{
    if (!unit || strcmp(unit, "ns") == 0)
        return 1e-9;
    if (strcmp(unit, "us") == 0)
        return 1e-6;
    if (strcmp(unit, "ms") == 0)
        return 1e-3;
    if (strcmp(unit, "s") == 0)
        return 1;
    return NAN;
}

/* Splits op/layout/impl/NxHxWxC[/threads:T][/anything else] into row (the
 * results room's parser); 0 or -1. The key is the name as bench writes it. */
static int parse_name(const char *name, int gb_threads, raw_row *row)
{
    results_name rn;
    chanmul_problem p = {CHANMUL_OP_SCALE, CHANMUL_NHWC};
    char err[256];
    if (results_parse_name_loose(name, &rn) != 0 ||
        problem_shape_parse(rn.shape, &p, err, sizeof err) != 0)
        return -1;
    int threads = rn.threads > 0 ? rn.threads : gb_threads > 0 ? gb_threads : 1;
    char *layout = xstrdup(rn.layout);
    for (char *l = layout; *l; l++)
        *l = (char)tolower((unsigned char)*l);
    row->op = xstrdup(rn.op);
    row->layout = layout;
    row->impl = xstrdup(rn.impl);
    row->n = p.n;
    row->h = p.h;
    row->w = p.w;
    row->c = p.c;
    row->threads = threads;
    char key[512], shape[400];
    row->shape = xstrdup(shape_format(&p, shape, sizeof shape));
    results_format_name(key, sizeof key, row->op, row->layout, row->impl, row->shape, threads);
    row->key = xstrdup(key);
    return 0;
}

static int is_baseline_op(const char *op)
{
    return strcmp(op, "memcpy") == 0 || strcmp(op, "stream_scale") == 0 || strcmp(op, "copy_loop") == 0;
}

/* Bytes a benchmark moves: the op's facts (every operand once); a baseline
 * copies x to y and reads the C floats the channel scale would. */
static double working_set(const char *op, const char *shape)
{
    chanmul_problem p = {CHANMUL_OP_SCALE, CHANMUL_NHWC};
    chanmul_desc d;
    char err[256];
    if (problem_shape_parse(shape, &p, err, sizeof err) != 0)
        return NAN;
    if (p.op != CHANMUL_OP_BCAST && !is_baseline_op(op) && chanmul_op_parse(op, &p.op) != 0)
        p.op = CHANMUL_OP_SCALE; /* an op this build does not know: as the channel scale */
    if (chanmul_desc_init(&d, &p) != 0)
        return NAN;
    return chanmul_desc_bytes(&d);
}

/* The column a point belongs to: the implementation for the channel scale,
 * the op for a baseline, op:impl for any other operation. */
static char *series_name(const rp_file *f, const raw_row *r)
{
    if (is_baseline_op(r->op))
        return xstrdup(r->op);
    if (strcmp(r->op, f->op ? f->op : "scale") == 0)
        return xstrdup(r->impl);
    char buf[256];
    snprintf(buf, sizeof buf, "%s:%s", r->op, r->impl);
    return xstrdup(buf);
}

static void raw_row_free(raw_row *r)
{
    free(r->key);
    free(r->shape);
    free(r->op);
    free(r->layout);
    free(r->impl);
    memset(r, 0, sizeof *r);
}

/* "layout/NxHxWxC/threads:T": where a row was timed. */
static char *site_key(const raw_row *r)
{
    char key[256];
    snprintf(key, sizeof key, "%s/%s/threads:%d", r->layout, r->shape, r->threads);
    return xstrdup(key);
}

static int cmp_string(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* One op's view keeps the baselines only where that op was timed: the
 * baselines of another op's shapes are not this op's sites (a site with a
 * memcpy and no kernel would read as a shortfall). Returns the rows kept. */
static size_t drop_lone_baselines(raw_row *rows, size_t n)
{
    char **sites = xcalloc(n ? n : 1, sizeof *sites);
    size_t nsites = 0, kept = 0;
    for (size_t i = 0; i < n; i++)
        if (!is_baseline_op(rows[i].op))
            sites[nsites++] = site_key(&rows[i]);
    qsort(sites, nsites, sizeof *sites, cmp_string);
    for (size_t i = 0; i < n; i++) {
        int keep = !is_baseline_op(rows[i].op);
        if (!keep) {
            char *key = site_key(&rows[i]);
            keep = bsearch(&key, sites, nsites, sizeof *sites, cmp_string) != NULL;
            free(key);
        }
        if (keep)
            rows[kept++] = rows[i];
        else
            raw_row_free(&rows[i]);
    }
    for (size_t i = 0; i < nsites; i++)
        free(sites[i]);
    free(sites);
    return kept;
}

static int cmp_raw(const void *a, const void *b)
{
    return strcmp(((const raw_row *)a)->key, ((const raw_row *)b)->key);
}

/* ---- reduction ------------------------------------------------------------------ */

static int cmp_series(const void *a, const void *b)
{
    const rp_series *x = a, *y = b;
    int kx = rp_kind_rank(x->kind), ky = rp_kind_rank(y->kind);
    if (kx != ky)
        return kx - ky;
    if (strcmp(x->kind, RP_KIND_BASELINE) == 0) {
        int bx = baseline_rank(x->name), by = baseline_rank(y->name);
        if (bx != by)
            return bx - by;
    }
    return strcmp(x->name, y->name);
}

static int cmp_point(const void *a, const void *b)
{
    const rp_point *x = a, *y = b;
    int lx = layout_rank(x->layout), ly = layout_rank(y->layout);
    if (lx != ly)
        return lx - ly;
    int c = strcmp(x->layout, y->layout);
    if (c)
        return c;
    const size_t dx[4] = {x->n, x->h, x->w, x->c}, dy[4] = {y->n, y->h, y->w, y->c};
    for (int i = 0; i < 4; i++)
        if (dx[i] != dy[i])
            return dx[i] < dy[i] ? -1 : 1;
    if ((c = strcmp(x->shape, y->shape)) != 0) /* bcast's shapes of one fold */
        return c;
    if (x->threads != y->threads)
        return x->threads - y->threads;
    if (x->series != y->series)
        return x->series - y->series;
    return strcmp(x->key, y->key);
}

static int same_site(const rp_point *x, const rp_point *y)
{
    return strcmp(x->layout, y->layout) == 0 && strcmp(x->shape, y->shape) == 0 && x->threads == y->threads;
}

static void add_verify(rp_file *f, size_t *cap, const char *impl, const char *status,
                       const char *detail)
{
    if (f->nverify == *cap) {
        *cap = *cap ? *cap * 2 : 8;
        rp_verify *bigger = realloc(f->verify, *cap * sizeof *bigger);
        if (!bigger) {
            fprintf(stderr, "chanmul report: out of memory\n");
            exit(2);
        }
        f->verify = bigger;
    }
    rp_verify *v = &f->verify[f->nverify++];
    v->impl = xstrdup(impl);
    v->kind = impl_kind(f, impl);
    v->label = make_label(impl, v->kind);
    v->status = status;
    v->detail = xstrdup(detail);
}

static int cmp_verify(const void *a, const void *b)
{
    const rp_verify *x = a, *y = b;
    int kx = rp_kind_rank(x->kind), ky = rp_kind_rank(y->kind);
    return kx != ky ? kx - ky : strcmp(x->impl, y->impl);
}

/* A verify:<impl> value: "pass[...]", "skipped: why", empty (not reported), and
 * anything else is a failure ("FAIL: ...", "verification failed at ..."), since
 * the producer writes "pass" or the first failure. *detail: the why. */
static const char *verify_status_of(const char *text, const char **detail)
{
    const char *status = "FAIL";
    *detail = text;
    if (!text[0])
        return "unknown";
    if (strncasecmp(text, "pass", 4) == 0)
        status = "pass";
    else if (strncasecmp(text, "skip", 4) == 0)
        status = "skipped";
    else if (strncasecmp(text, "fail", 4) != 0)
        return status; /* a failure message without a status word: all of it is the why */
    while (isalpha((unsigned char)**detail))
        (*detail)++;
    while (**detail == ':' || **detail == ' ')
        (*detail)++;
    return status;
}

/* verify:<impl> context keys, then every implementation with error rows. */
static void collect_verify(rp_file *f)
{
    size_t cap = 0;
    const cJSON *ctx = cJSON_GetObjectItemCaseSensitive((const cJSON *)f->json, "context"), *item;
    cJSON_ArrayForEach(item, ctx)
    {
        if (!item->string || strncmp(item->string, "verify:", 7) != 0 || !cJSON_IsString(item))
            continue;
        const char *detail;
        const char *status = verify_status_of(item->valuestring, &detail);
        add_verify(f, &cap, item->string + 7, status, detail);
    }
    for (size_t i = 0; i < f->npoints; i++) {
        const rp_point *p = &f->points[i];
        if (!p->failed)
            continue;
        size_t k;
        for (k = 0; k < f->nverify; k++)
            if (strcmp(f->verify[k].impl, p->impl) == 0)
                break;
        if (k == f->nverify) {
            char detail[640];
            snprintf(detail, sizeof detail, "benchmark error: %s", p->error ? p->error : "error_occurred");
            add_verify(f, &cap, p->impl, "FAIL", detail);
        } else if (strcmp(f->verify[k].status, "FAIL") != 0) {
            char detail[1024];
            snprintf(detail, sizeof detail, "%s%sbenchmark error: %s", f->verify[k].detail,
                     f->verify[k].detail[0] ? "; " : "", p->error ? p->error : "error_occurred");
            free(f->verify[k].detail);
            f->verify[k].detail = xstrdup(detail);
            f->verify[k].status = "FAIL";
        }
    }
    for (size_t i = 0; i < f->npoints; i++) { /* timed without a verdict: say so */
        const rp_point *p = &f->points[i];
        if (is_baseline_op(p->op))
            continue;
        size_t k;
        for (k = 0; k < f->nverify; k++)
            if (strcmp(f->verify[k].impl, p->impl) == 0)
                break;
        if (k == f->nverify)
            add_verify(f, &cap, p->impl, "unknown", "");
    }
    if (f->nverify)
        qsort(f->verify, f->nverify, sizeof *f->verify, cmp_verify);
}

/* Groups the raw rows (sorted by key) into points: the median aggregate when
 * there is one, else the median of the iteration rows. */
static void reduce(rp_file *f, raw_row *rows, size_t nrows)
{
    f->points = xcalloc(nrows, sizeof *f->points);
    double *bps = xcalloc(nrows, sizeof *bps), *ratio = xcalloc(nrows, sizeof *ratio);
    double *times = xcalloc(nrows, sizeof *times), *prepared = xcalloc(nrows, sizeof *prepared);
    for (size_t i = 0; i < nrows;) {
        size_t j = i;
        while (j < nrows && strcmp(rows[j].key, rows[i].key) == 0)
            j++;
        rp_point *p = &f->points[f->npoints++];
        p->key = xstrdup(rows[i].key);
        p->op = xstrdup(rows[i].op);
        p->layout = xstrdup(rows[i].layout);
        p->impl = xstrdup(rows[i].impl);
        p->n = rows[i].n, p->h = rows[i].h, p->w = rows[i].w, p->c = rows[i].c;
        p->shape = xstrdup(rows[i].shape);
        p->threads = rows[i].threads;
        p->ws = working_set(p->op, p->shape);
        p->bps = p->ratio = p->cv = p->prepared_bps = NAN;
        double med_bps = NAN, med_ratio = NAN;
        size_t nb = 0, nr = 0, nt = 0, np = 0;
        for (size_t k = i; k < j; k++) {
            const raw_row *r = &rows[k];
            if (r->error) {
                p->failed = 1;
                if (!p->error && r->error_message)
                    p->error = xstrdup(r->error_message);
                continue;
            }
            if (r->reps > p->reps)
                p->reps = r->reps;
            if (r->type == ROW_MEDIAN) {
                med_bps = r->bps;
                med_ratio = r->ratio;
            } else if (r->type == ROW_CV) {
                p->cv = r->cv;
            } else if (r->type == ROW_ITERATION) {
                if (isfinite(r->bps))
                    bps[nb++] = r->bps;
                if (isfinite(r->ratio))
                    ratio[nr++] = r->ratio;
                if (isfinite(r->real_time))
                    times[nt++] = r->real_time;
                if (r->prepared_bps > 0)
                    prepared[np++] = r->prepared_bps;
            }
        }
        if (!p->failed) {
            if (!isfinite(p->cv) && nt >= 2) { /* no cv aggregate: from the iteration times */
                double mean = 0, var = 0;
                for (size_t k = 0; k < nt; k++)
                    mean += times[k];
                mean /= (double)nt;
                for (size_t k = 0; k < nt; k++)
                    var += (times[k] - mean) * (times[k] - mean);
                var /= (double)(nt - 1);
                p->cv = mean > 0 ? sqrt(var) / mean : NAN;
            }
            /* the samples themselves, for tests on the repetitions (compare) */
            p->rep_times = xcalloc(nt, sizeof *p->rep_times);
            memcpy(p->rep_times, times, nt * sizeof *times);
            p->nrep_times = nt;
            p->rep_ratios = xcalloc(nr, sizeof *p->rep_ratios);
            memcpy(p->rep_ratios, ratio, nr * sizeof *ratio);
            p->nrep_ratios = nr;
            p->bps = isfinite(med_bps) ? med_bps : rp_median(bps, nb);
            p->ratio = isfinite(med_ratio) ? med_ratio : rp_median(ratio, nr);
            if (!(p->bps > 0))
                p->bps = NAN;
            if (!(p->ratio > 0))
                p->ratio = NAN;
            if (np)
                p->prepared_bps = rp_median(prepared, np);
            if (p->reps == 0)
                p->reps = (int)(nb ? nb : 1);
        }
        i = j;
    }
    free(bps);
    free(ratio);
    free(times);
    free(prepared);
}

/* Series, sorting, sites, ratios. */
static void organise(rp_file *f)
{
    size_t cap = f->npoints;
    f->series = xcalloc(cap, sizeof *f->series);
    char **names = xcalloc(f->npoints, sizeof *names);
    for (size_t i = 0; i < f->npoints; i++) {
        rp_point *p = &f->points[i];
        raw_row r = {.op = p->op, .impl = p->impl};
        names[i] = series_name(f, &r);
        size_t k;
        for (k = 0; k < f->nseries; k++)
            if (strcmp(f->series[k].name, names[i]) == 0)
                break;
        if (k == f->nseries) {
            rp_series *s = &f->series[f->nseries++];
            s->name = xstrdup(names[i]);
            s->kind = is_baseline_op(p->op) ? RP_KIND_BASELINE : impl_kind(f, p->impl);
            s->label = make_label(s->name, s->kind);
        }
    }
    qsort(f->series, f->nseries, sizeof *f->series, cmp_series);
    for (size_t i = 0; i < f->npoints; i++) {
        f->points[i].series = rp_series_find(f, names[i]);
        free(names[i]);
    }
    free(names);
    qsort(f->points, f->npoints, sizeof *f->points, cmp_point);

    f->sites = xcalloc(f->npoints, sizeof *f->sites);
    int memcpy_series = rp_series_find(f, "memcpy"), copy_series = rp_series_find(f, "copy_loop");
    for (size_t i = 0; i < f->npoints;) {
        size_t j = i;
        while (j < f->npoints && same_site(&f->points[i], &f->points[j]))
            j++;
        rp_site *s = &f->sites[f->nsites];
        const rp_point *p = &f->points[i];
        s->layout = p->layout;
        s->n = p->n, s->h = p->h, s->w = p->w, s->c = p->c;
        s->shape = p->shape;
        s->threads = p->threads;
        s->ws = p->ws;
        s->first = i;
        s->count = j - i;
        s->memcpy_bps = s->copy_loop_bps = NAN;
        for (size_t k = i; k < j; k++) {
            f->points[k].site = (int)f->nsites;
            if (f->points[k].series == memcpy_series && rp_timed(&f->points[k]))
                s->memcpy_bps = f->points[k].bps;
            if (copy_series >= 0 && f->points[k].series == copy_series && rp_timed(&f->points[k]))
                s->copy_loop_bps = f->points[k].bps;
        }
        f->nsites++;
        i = j;
    }
    /* The producer's memcpy_ratio counter (same run, paired) when present;
     * else the ratio of the medians at the same site. */
    f->reps_min = 0;
    for (size_t i = 0; i < f->npoints; i++) {
        rp_point *p = &f->points[i];
        if (!rp_timed(p))
            continue;
        if (p->series == memcpy_series) {
            p->ratio = 1.0;
        } else if (isfinite(p->ratio)) {
            f->ratio_counter++;
        } else if (isfinite(f->sites[p->site].memcpy_bps)) {
            p->ratio = p->bps / f->sites[p->site].memcpy_bps;
            f->ratio_computed++;
        }
        if (f->reps_min == 0 || p->reps < f->reps_min)
            f->reps_min = p->reps;
        if (p->reps > f->reps_max)
            f->reps_max = p->reps;
    }
}

int rp_load(const char *path, rp_file *f, char *err, size_t errlen)
{
    return rp_load_op(path, NULL, f, err, errlen);
}

int rp_load_op(const char *path, const char *op, rp_file *f, char *err, size_t errlen)
{
    memset(f, 0, sizeof *f);
    f->path = path;
    f->op = op;
    size_t len;
    char *text = file_read_all(path, "results file", &len, err, errlen);
    if (!text)
        return -1;
    int rc = rp_parse(text, len, path, op, f, err, errlen);
    free(text);
    return rc;
}

int rp_parse(const char *text, size_t len, const char *path, const char *op, rp_file *f, char *err,
             size_t errlen)
{
    memset(f, 0, sizeof *f);
    f->path = path;
    f->op = op;
    char *clean = sanitize_json(text, len);
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithOpts(clean, &end, 1);
    if (!root) {
        size_t at = end && end >= clean ? (size_t)(end - clean) : 0;
        if (!end) {
            const char *e = cJSON_GetErrorPtr();
            at = e && e >= clean && e <= clean + strlen(clean) ? (size_t)(e - clean) : 0;
        }
        int line = 1, col = 1;
        for (size_t i = 0; i < at && clean[i]; i++) {
            if (clean[i] == '\n')
                line++, col = 1;
            else
                col++;
        }
        snprintf(err, errlen, "results file '%s' is not valid JSON (error near line %d, column %d)",
                 path, line, col);
        free(clean);
        return -1;
    }
    free(clean);
    const cJSON *benchmarks = cJSON_GetObjectItemCaseSensitive(root, "benchmarks");
    const cJSON *context = cJSON_GetObjectItemCaseSensitive(root, "context");
    if (!cJSON_IsObject(root) || !cJSON_IsArray(benchmarks) || (context && !cJSON_IsObject(context))) {
        snprintf(err, errlen,
                 "results file '%s' is not Google Benchmark JSON: expected an object with a "
                 "\"benchmarks\" array (and a \"context\" object)",
                 path);
        cJSON_Delete(root);
        return -1;
    }
    f->json = root;

    size_t nrows = (size_t)cJSON_GetArraySize(benchmarks), used = 0;
    raw_row *rows = xcalloc(nrows, sizeof *rows);
    const cJSON *b;
    cJSON_ArrayForEach(b, benchmarks)
    {
        if (!cJSON_IsObject(b)) {
            f->ignored++;
            continue;
        }
        const char *run_type = string(b, "run_type"), *agg = string(b, "aggregate_name");
        const char *name = string(b, "run_name");
        char stripped[1024];
        int aggregate = run_type && strcmp(run_type, "aggregate") == 0;
        if (!name) {
            name = string(b, "name");
            size_t nl = name ? strlen(name) : 0, al = agg ? strlen(agg) : 0;
            if (name && aggregate && agg && nl > al + 1 && name[nl - al - 1] == '_' &&
                strcmp(name + nl - al, agg) == 0 && nl < sizeof stripped) {
                memcpy(stripped, name, nl - al - 1);
                stripped[nl - al - 1] = '\0';
                name = stripped;
            }
        }
        raw_row *r = &rows[used];
        if (!name || parse_name(name, count(b, "threads"), r) != 0) {
            f->ignored++;
            continue;
        }
        if (op && !is_baseline_op(r->op) && strcmp(r->op, op) != 0) {
            raw_row_free(r); /* another op's row: this view holds one op (and the baselines) */
            f->other_op_rows++;
            continue;
        }
        used++;
        r->type = !aggregate ? ROW_ITERATION
                  : !agg     ? ROW_OTHER
                  : strcmp(agg, "median") == 0 ? ROW_MEDIAN
                  : strcmp(agg, "cv") == 0     ? ROW_CV
                                               : ROW_OTHER;
        const cJSON *e = cJSON_GetObjectItemCaseSensitive(b, "error_occurred");
        r->error = cJSON_IsTrue(e);
        r->error_message = string(b, "error_message");
        r->reps = count(b, "repetitions");
        r->bps = number(b, "bytes_per_second");
        r->ratio = number(b, "memcpy_ratio");
        r->prepared_bps = number(b, "prepared_bytes_per_second");
        r->cv = number(b, "real_time"); /* a cv row's real_time is the fraction */
        double unit = time_unit_seconds(string(b, "time_unit"));
        r->real_time = r->type == ROW_CV ? NAN : number(b, "real_time") * unit;
        if (!isfinite(r->bps) && r->type != ROW_CV && r->real_time > 0) {
            /* No counter: the bytes the op moves, per real second. */
            r->bps = working_set(r->op, r->shape) / r->real_time;
        }
    }
    if (op)
        used = drop_lone_baselines(rows, used);
    qsort(rows, used, sizeof *rows, cmp_raw);
    reduce(f, rows, used);
    organise(f);
    for (size_t i = 0; i < used; i++)
        raw_row_free(&rows[i]);
    free(rows);

    f->l1d = context_number(f, "l1d_bytes");
    f->l2 = context_number(f, "l2_bytes");
    f->l3 = context_number(f, "l3_bytes");
    if (!f->l1d)
        f->l1d = gbench_cache(f, 1, "Data");
    if (!f->l2)
        f->l2 = gbench_cache(f, 2, "Unified");
    if (!f->l3)
        f->l3 = gbench_cache(f, 3, "Unified");
    f->l2_reported = f->l2;
    f->l3_reported = f->l3;
    /* the sizes the run's thresholds and shapes used: the cache probe's when
     * it measured them (results from before it: the reported LLC, capped) */
    double l2_used = context_number(f, "l2_usable_bytes"), llc_used = context_number(f, "llc_usable_bytes");
    f->l2_measured = context_number(f, "l2_measured_bytes");
    f->l3_measured = context_number(f, "llc_measured_bytes");
    if (l2_used > 0)
        f->l2 = l2_used;
    if (llc_used > 0)
        f->l3 = llc_used;
    else if (f->l3 > (double)CHANMUL_LLC_USABLE_MAX)
        f->l3 = (double)CHANMUL_LLC_USABLE_MAX;
    for (size_t i = 0; i < f->nseries; i++) {
        char key[160], buf[64];
        snprintf(key, sizeof key, "verify:%s", f->series[i].name);
        const char *v = rp_context(f, key, buf, sizeof buf), *why;
        f->series[i].verify_failed = v && strcmp(verify_status_of(v, &why), "FAIL") == 0;
    }
    collect_verify(f);
    for (size_t i = 0; i < f->npoints; i++)
        if (f->points[i].failed)
            f->series[f->points[i].series].verify_failed = 1;
    return 0;
}

void rp_free(rp_file *f)
{
    for (size_t i = 0; i < f->npoints; i++) {
        rp_point *p = &f->points[i];
        free(p->key);
        free(p->shape);
        free(p->op);
        free(p->layout);
        free(p->impl);
        free(p->error);
        free(p->rep_times);
        free(p->rep_ratios);
    }
    for (size_t i = 0; i < f->nseries; i++) {
        free(f->series[i].name);
        free(f->series[i].label);
    }
    for (size_t i = 0; i < f->nverify; i++) {
        free(f->verify[i].impl);
        free(f->verify[i].label);
        free(f->verify[i].detail);
    }
    free(f->points);
    free(f->series);
    free(f->sites);
    free(f->verify);
    cJSON_Delete(f->json);
    memset(f, 0, sizeof *f);
}

/* ---- queries -------------------------------------------------------------------- */

int rp_timed(const rp_point *p)
{
    return !p->failed && isfinite(p->bps);
}

int rp_is_kernel(const rp_file *f, const rp_point *p)
{
    return strcmp(f->series[p->series].kind, RP_KIND_BASELINE) != 0;
}

int rp_is_chanmul(const rp_file *f, const rp_point *p)
{
    return strcmp(f->series[p->series].kind, RP_KIND_CHANMUL) == 0;
}

int rp_is_peer(const rp_file *f, const rp_point *p)
{
    return strcmp(f->series[p->series].kind, RP_KIND_PEER) == 0;
}

int rp_is_selector(const rp_file *f, const rp_point *p)
{
    return strcmp(f->series[p->series].kind, RP_KIND_SELECTOR) == 0;
}

const rp_point *rp_best(const rp_file *f, const rp_site *s,
                        int (*filter)(const rp_file *, const rp_point *), const rp_point *except)
{
    const rp_point *best = NULL;
    for (size_t i = s->first; i < s->first + s->count; i++) {
        const rp_point *p = &f->points[i];
        if (p == except || !rp_timed(p) || !rp_is_kernel(f, p) || rp_is_selector(f, p) ||
            (filter && !filter(f, p)))
            continue;
        if (!best || p->bps > best->bps)
            best = p;
    }
    return best;
}

const rp_point *rp_at(const rp_file *f, const rp_site *s, int series)
{
    for (size_t i = s->first; i < s->first + s->count; i++)
        if (f->points[i].series == series)
            return &f->points[i];
    return NULL;
}

int rp_series_find(const rp_file *f, const char *name)
{
    for (size_t i = 0; i < f->nseries; i++)
        if (strcmp(f->series[i].name, name) == 0)
            return (int)i;
    return -1;
}

size_t rp_layout_end(const rp_file *f, size_t i)
{
    size_t end = i;
    while (end < f->nsites && strcmp(f->sites[end].layout, f->sites[i].layout) == 0)
        end++;
    return end;
}

int rp_site_threads(const rp_file *f, size_t first, size_t end, int *out, int cap)
{
    int n = 0;
    for (size_t q = first; q < end; q++) {
        int t = f->sites[q].threads, z;
        for (z = 0; z < n && out[z] != t; z++)
            ;
        if (z == n && n < cap) { /* new: insert in order */
            for (z = n++; z > 0 && out[z - 1] > t; z--)
                out[z] = out[z - 1];
            out[z] = t;
        }
    }
    return n;
}

int rp_size_class(const rp_file *f, double ws)
{
    if (!(f->l2 > 0) || !(f->l3 > 0))
        return RP_SIZE_UNKNOWN;
    if (ws <= f->l2)
        return RP_FITS_L2;
    if (ws <= f->l3)
        return RP_FITS_LLC;
    if (ws <= 2 * f->l3)
        return RP_OVER_LLC;
    return RP_OVER_2LLC;
}

const char *rp_size_class_name(int cls)
{
    switch (cls) {
    case RP_FITS_L2: return "fits L2";
    case RP_FITS_LLC: return "fits LLC";
    case RP_OVER_LLC: return "LLC to 2x LLC";
    case RP_OVER_2LLC: return "> 2x LLC";
    }
    return "cache sizes unknown";
}

/* ---- formatting ----------------------------------------------------------------- */

const char *rp_fmt_bytes(double bytes, char *buf, size_t len)
{
    static const char *units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    int u = 0;
    double v = bytes;
    while (v >= 1024 && u < 4)
        v /= 1024, u++;
    if (u == 0 || v == floor(v) || v >= 100)
        snprintf(buf, len, "%.0f %s", v, units[u]);
    else
        snprintf(buf, len, "%.1f %s", v, units[u]);
    return buf;
}

const char *rp_fmt_gbs(double bps, char *buf, size_t len)
{
    if (!isfinite(bps))
        snprintf(buf, len, "-");
    else if (bps < 0.95e9)
        snprintf(buf, len, "%.2f", bps / 1e9);
    else
        snprintf(buf, len, "%.1f", bps / 1e9);
    return buf;
}

