/* Regression verdicts between results, as data: the model is described in compare.h. */
#include "compare.h"

#include "stats.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* A stratum with fewer benchmarks than this borrows the whole file's drift
 * estimate: a median and a MAD of a handful of values say little. */
#define MIN_STRATUM 8
/* Fewer benchmarks than this in the whole comparison, with one run per side:
 * the drift cannot be estimated at all. */
#define MIN_FOR_DRIFT 5
/* Baselines and peers in a stratum needed to take its common shift from them. */
#define MIN_REFERENCES 5
/* Prior weight (degrees of freedom) of the stratum's spread in a benchmark's
 * between-run variance when several runs per side exist (moderated t). */
#define PRIOR_DF 4.0
/* The drift between two runs of the same build has heavy tails on a shared
 * machine: over five pairs of back-to-back quick sweeps here, the median
 * benchmark moved 7% but one in a hundred 58% and the worst 75%, 7 robust
 * standard deviations, which a normal model calls a one in 10^11 event. With
 * one run per side a benchmark's change is therefore judged against a
 * Student t with 3 degrees of freedom scaled by the drift's robust spread. */
#define DRIFT_TAIL_DF 3.0
/* Power at which the minimum detectable effect is stated. */
#define MDE_POWER 0.80

static const char *const verdict_names[CMP_NVERDICTS] = {"regression", "inconclusive", "improvement",
                                                         "no change"};

const char *cmp_verdict_name(cmp_verdict v)
{
    return v < CMP_NVERDICTS ? verdict_names[v] : "?";
}

void cmp_options_init(cmp_options *o)
{
    memset(o, 0, sizeof *o);
    o->threshold = 0.05;
    o->alpha = 0.05;
    o->normalise = CMP_NORMALISE_NONE;
    o->correction = CMP_HOLM;
}

/* ---- small helpers ---------------------------------------------------------------- */

static void note(cmp_row *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->note, sizeof r->note, fmt, ap);
    va_end(ap);
}

/* A list of names that grows. */
typedef struct name_list {
    char **v;
    size_t n, cap;
} name_list;

static int name_list_add(name_list *l, const char *fmt, ...)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        char **bigger = realloc(l->v, cap * sizeof *bigger);
        if (!bigger)
            return -1;
        l->v = bigger;
        l->cap = cap;
    }
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (!(l->v[l->n] = strdup(buf)))
        return -1;
    l->n++;
    return 0;
}

/* ---- finding a benchmark in every file ------------------------------------------------ */

typedef struct key_index {
    const rp_file *f;
    size_t *order; /* point indices sorted by key */
} key_index;

static const rp_file *sort_file; /* qsort has no context argument */

static int cmp_point_key(const void *a, const void *b)
{
    return strcmp(sort_file->points[*(const size_t *)a].key, sort_file->points[*(const size_t *)b].key);
}

static int index_build(key_index *ix, const rp_file *f)
{
    ix->f = f;
    ix->order = malloc((f->npoints ? f->npoints : 1) * sizeof *ix->order);
    if (!ix->order)
        return -1;
    for (size_t i = 0; i < f->npoints; i++)
        ix->order[i] = i;
    sort_file = f;
    qsort(ix->order, f->npoints, sizeof *ix->order, cmp_point_key);
    return 0;
}

static const rp_point *index_find(const key_index *ix, const char *key)
{
    size_t lo = 0, hi = ix->f->npoints;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(ix->f->points[ix->order[mid]].key, key);
        if (c == 0)
            return &ix->f->points[ix->order[mid]];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* ---- one benchmark's measurements ---------------------------------------------------- */

typedef struct run_summary { /* one benchmark in one run */
    int present;              /* timed in this run */
    double log_median;        /* of the samples */
    double log_sd;            /* robust, of the log samples; NAN with one sample */
    size_t n;
} run_summary;

typedef struct bench {
    const char *key;
    int stratum;
    int group;                /* implementation group */
    run_summary *runs;        /* nbase runs, then nnew runs */
    double *log_base, *log_new; /* every sample of a side, for the rank test */
    size_t nlog_base, nlog_new;
    int usable;               /* timed on both sides */
    int drift_reference;      /* a baseline or a peer: measures the machine, not the change */
    double d;                 /* raw log change: mean new run median - mean base run median */
    double e;                 /* log change used for the verdict (drift-corrected in files mode) */
    double var;               /* variance of e */
    double df;
    int drift_unknown;
    size_t row;               /* its row in the result */
} bench;

/* The samples a benchmark gives in one run: log seconds, or log of its time
 * relative to the memcpy timed next to it. n = 0 when not timed there. */
static size_t run_samples(const rp_point *p, cmp_normalise norm, double *out)
{
    if (!p || p->failed || !rp_timed(p))
        return 0;
    size_t n = 0;
    if (norm == CMP_NORMALISE_MEMCPY) {
        for (size_t i = 0; i < p->nrep_ratios; i++)
            if (p->rep_ratios[i] > 0)
                out[n++] = -log(p->rep_ratios[i]); /* ratio = memcpy time / this time */
        return n;
    }
    for (size_t i = 0; i < p->nrep_times; i++)
        if (p->rep_times[i] > 0)
            out[n++] = log(p->rep_times[i]);
    return n;
}

static size_t max_samples(const rp_point *p)
{
    if (!p)
        return 0;
    return p->nrep_times > p->nrep_ratios ? p->nrep_times : p->nrep_ratios;
}

/* ---- the result being built ----------------------------------------------------------- */

static cmp_row *add_row(cmp_result *r, size_t *cap, cmp_row_kind kind, const char *fmt, ...)
{
    if (r->nrows == *cap) {
        size_t ncap = *cap ? *cap * 2 : 64;
        cmp_row *bigger = realloc(r->rows, ncap * sizeof *bigger);
        if (!bigger)
            return NULL;
        r->rows = bigger;
        *cap = ncap;
    }
    cmp_row *row = &r->rows[r->nrows];
    memset(row, 0, sizeof *row);
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (!(row->name = strdup(buf)))
        return NULL;
    row->kind = kind;
    row->members = 1;
    row->base_median = row->new_median = NAN;
    row->change = row->raw_change = row->ci_low = row->ci_high = NAN;
    row->p = row->p_adjusted = row->p_repetitions = row->mde = NAN;
    row->verdict = CMP_INCONCLUSIVE;
    r->nrows++;
    return row;
}

/* The context keys whose change means another machine or build, not only
 * another revision of the code. */
static const char *const machine_keys[] = {"cpu_model", "cpu_isa", "cpu_isa_cap", "cpu_flags",
                                           "l1d_bytes", "l2_bytes", "l3_bytes", "cores",
                                           "num_cpus", "host_name", "compiler", "cflags",
                                           "openmp", "omp_env", "library_build_type"};
static const char *const build_keys[] = {"chanmul_version", "chanmul_git_revision"};

static int context_changes(cmp_result *r, const rp_file *a, const rp_file *b)
{
    size_t nkeys = sizeof machine_keys / sizeof machine_keys[0] + sizeof build_keys / sizeof build_keys[0];
    r->context = calloc(nkeys, sizeof *r->context);
    if (!r->context)
        return -1;
    for (size_t k = 0; k < nkeys; k++) {
        int machine = k < sizeof machine_keys / sizeof machine_keys[0];
        const char *key = machine ? machine_keys[k] : build_keys[k - sizeof machine_keys / sizeof machine_keys[0]];
        char b1[64], b2[64];
        const char *va = rp_context(a, key, b1, sizeof b1), *vb = rp_context(b, key, b2, sizeof b2);
        if ((!va && !vb) || (va && vb && strcmp(va, vb) == 0))
            continue;
        cmp_context_change *c = &r->context[r->ncontext++];
        c->key = strdup(key);
        c->base = strdup(va ? va : "(absent)");
        c->new_value = strdup(vb ? vb : "(absent)");
        c->machine = machine;
        if (!c->key || !c->base || !c->new_value)
            return -1;
    }
    return 0;
}

/* ---- drift per stratum (files mode) ---------------------------------------------------- */

typedef struct stratum {
    int threads, size_class;
    double centre;            /* median raw change of its drift references: the common shift */
    const char *centre_from;  /* which benchmarks gave it */
    double scale;             /* robust sd of the raw changes (one run per side) */
    size_t scale_members;     /* how many changes gave it */
    double prior_var;         /* median between-run variance of its benchmarks (several runs) */
    double shift, shift_var, shift_df; /* tested shift (several runs per side) */
} stratum;

static const char *size_class_words(int cls)
{
    switch (cls) {
    case RP_FITS_L2: return "in L2";
    case RP_FITS_LLC: return "in the LLC";
    case RP_OVER_LLC: return "beyond the LLC";
    case RP_OVER_2LLC: return "beyond 2x the LLC";
    default: return "cache level unknown";
    }
}

/* ---- the comparison -------------------------------------------------------------------- */

typedef struct work {
    const rp_file *base, *new_runs;
    size_t nbase, nnew, nruns;
    const cmp_options *o;
    bench *b;
    size_t nb;
    stratum *s;
    size_t ns;
    char **groups;
    size_t ngroups;
} work;

static int find_or_add(char ***names, size_t *n, const char *name)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*names)[i], name) == 0)
            return (int)i;
    char **bigger = realloc(*names, (*n + 1) * sizeof *bigger);
    if (!bigger)
        return -1;
    *names = bigger;
    if (!(bigger[*n] = strdup(name)))
        return -1;
    return (int)(*n)++;
}

static int stratum_of(work *w, const rp_point *p)
{
    int cls = rp_size_class(&w->base[0], p->ws);
    for (size_t i = 0; i < w->ns; i++)
        if (w->s[i].threads == p->threads && w->s[i].size_class == cls)
            return (int)i;
    stratum *bigger = realloc(w->s, (w->ns + 1) * sizeof *bigger);
    if (!bigger)
        return -1;
    w->s = bigger;
    memset(&w->s[w->ns], 0, sizeof w->s[w->ns]);
    w->s[w->ns].threads = p->threads;
    w->s[w->ns].size_class = cls;
    return (int)w->ns++;
}

/* Summarises every run of one benchmark. */
static int measure(work *w, bench *b, const key_index *ix, double *scratch)
{
    size_t need_base = 0, need_new = 0;
    for (size_t j = 0; j < w->nruns; j++) {
        const rp_point *p = index_find(&ix[j], b->key);
        *(j < w->nbase ? &need_base : &need_new) += max_samples(p);
    }
    b->log_base = malloc((need_base + 1) * sizeof *b->log_base);
    b->log_new = malloc((need_new + 1) * sizeof *b->log_new);
    b->runs = calloc(w->nruns, sizeof *b->runs);
    if (!b->log_base || !b->log_new || !b->runs)
        return -1;
    int have_base = 0, have_new = 0;
    for (size_t j = 0; j < w->nruns; j++) {
        const rp_point *p = index_find(&ix[j], b->key);
        size_t n = run_samples(p, w->o->normalise, scratch);
        run_summary *rs = &b->runs[j];
        if (n == 0)
            continue;
        rs->present = 1;
        rs->n = n;
        int is_base = j < w->nbase;
        memcpy(is_base ? b->log_base + b->nlog_base : b->log_new + b->nlog_new, scratch, n * sizeof *scratch);
        *(is_base ? &b->nlog_base : &b->nlog_new) += n;
        rs->log_median = stats_median(scratch, n);
        rs->log_sd = n >= 2 ? stats_robust_sd(scratch, n) : NAN;
        have_base |= is_base;
        have_new |= !is_base;
    }
    b->usable = have_base && have_new;
    return 0;
}

/* Mean of the run medians of one side, and the sampling variance of that mean. */
static void side_mean(const work *w, const bench *b, int new_side, double *mean, double *var_w, int *runs,
                      int *min_reps)
{
    size_t from = new_side ? w->nbase : 0, to = new_side ? w->nruns : w->nbase;
    double sum = 0, var = 0;
    int k = 0, reps = 0, var_known = 1;
    for (size_t j = from; j < to; j++) {
        const run_summary *rs = &b->runs[j];
        if (!rs->present)
            continue;
        sum += rs->log_median;
        /* the variance of a median of n draws: pi/2 sigma^2 / n */
        if (isnan(rs->log_sd))
            var_known = 0;
        else
            var += M_PI / 2 * rs->log_sd * rs->log_sd / (double)rs->n;
        if (!reps || (int)rs->n < reps)
            reps = (int)rs->n;
        k++;
    }
    *mean = k ? sum / k : NAN;
    *var_w = k && var_known ? var / ((double)k * k) : NAN;
    *runs = k;
    *min_reps = reps;
}

/* Is b one of the benchmarks that measure the machine rather than the code
 * under test (stratum s, or any stratum when s < 0)? The baselines (memcpy,
 * STREAM scale) and the peer libraries: a change to chanmul does not touch
 * them, so their common shift is the machine's drift. */
static int in_set(const bench *b, int s, int references_only)
{
    return b->usable && (s < 0 || b->stratum == s) && (!references_only || b->drift_reference);
}

static size_t count_set(const work *w, int s, int references_only)
{
    size_t n = 0;
    for (size_t i = 0; i < w->nb; i++)
        n += in_set(&w->b[i], s, references_only);
    return n;
}

/* Which benchmarks of stratum s (s < 0: the whole file) measure its drift, as
 * (stratum, references_only): its references when there are enough, else all
 * of it, else the whole file's references or benchmarks. */
static void drift_set(const work *w, int s, size_t need, int *set_stratum, int *set_refs)
{
    static const int order[4][2] = {{0, 1}, {0, 0}, {-1, 1}, {-1, 0}}; /* {whole file?, references?} */
    for (int k = 0; k < 4; k++) {
        int stratum = order[k][0] < 0 ? -1 : s;
        if (count_set(w, stratum, order[k][1]) >= need || k == 3) {
            *set_stratum = stratum;
            *set_refs = order[k][1];
            return;
        }
    }
}

/* The drift of each stratum (one run per side): its common shift is the
 * median raw change of its references, the scatter of the changes around it
 * is the drift a benchmark sees between two runs. */
static int estimate_drift(work *w)
{
    double *v = malloc((w->nb + 1) * sizeof *v);
    if (!v)
        return -1;
    for (size_t s = 0; s < w->ns; s++) {
        stratum *st = &w->s[s];
        int cs, cr, ss, sr;
        drift_set(w, (int)s, MIN_REFERENCES, &cs, &cr);
        drift_set(w, (int)s, MIN_STRATUM, &ss, &sr);
        size_t n = 0;
        for (size_t i = 0; i < w->nb; i++)
            if (in_set(&w->b[i], cs, cr))
                v[n++] = w->b[i].d;
        st->centre = n ? stats_median(v, n) : 0;
        st->centre_from = cs < 0 ? (cr ? "the file's baselines and peers" : "all the file's benchmarks")
                                 : (cr ? "its baselines and peers" : "all its benchmarks");
        n = 0;
        for (size_t i = 0; i < w->nb; i++)
            if (in_set(&w->b[i], ss, sr))
                v[n++] = w->b[i].d;
        st->scale = stats_robust_sd(v, n);
        st->scale_members = n;
    }
    free(v);
    return 0;
}

/* With several runs on a side: each benchmark's spread between its runs, after
 * removing each run's common shift in the stratum, moderated towards the
 * stratum's typical spread. Sets b->var (between-run part) and b->df. */
static int between_runs(work *w)
{
    size_t runs_df = w->nruns >= 2 ? w->nruns - 2 : 0;
    double *v = malloc((w->nb + 1) * sizeof *v);
    double *shift = calloc(w->nruns * (w->ns ? w->ns : 1), sizeof *shift);
    double *ss = calloc(w->nb + 1, sizeof *ss);
    if (!v || !shift || !ss) {
        free(v);
        free(shift);
        free(ss);
        return -1;
    }
    /* the common shift of run j in stratum s: median over its benchmarks of
     * (run median - the side's mean) */
    for (size_t s = 0; s < w->ns; s++)
        for (size_t j = 0; j < w->nruns; j++) {
            int new_side = j >= w->nbase, cs, cr;
            drift_set(w, (int)s, MIN_REFERENCES, &cs, &cr);
            size_t n = 0;
            for (size_t i = 0; i < w->nb; i++) {
                bench *b = &w->b[i];
                if (!in_set(b, cs, cr) || !b->runs[j].present)
                    continue;
                double mean, var_w;
                int runs, reps;
                side_mean(w, b, new_side, &mean, &var_w, &runs, &reps);
                v[n++] = b->runs[j].log_median - mean;
            }
            shift[j * w->ns + s] = n ? stats_median(v, n) : 0;
        }
    for (size_t i = 0; i < w->nb; i++) {
        bench *b = &w->b[i];
        if (!b->usable)
            continue;
        double sum = 0;
        int terms = 0;
        for (int side = 0; side < 2; side++) {
            double mean, var_w;
            int runs, reps;
            side_mean(w, b, side, &mean, &var_w, &runs, &reps);
            for (size_t j = side ? w->nbase : 0; j < (side ? w->nruns : w->nbase); j++)
                if (b->runs[j].present) {
                    double u = b->runs[j].log_median - mean - shift[j * w->ns + (size_t)b->stratum];
                    sum += u * u;
                    terms++;
                }
        }
        ss[i] = terms > 2 ? sum / (double)(terms - 2) : NAN;
    }
    for (size_t s = 0; s < w->ns; s++) {
        size_t n = 0;
        for (size_t i = 0; i < w->nb; i++)
            if (w->b[i].usable && w->b[i].stratum == (int)s && !isnan(ss[i]))
                v[n++] = ss[i];
        /* the median of a chi-square/df sample sits below its mean of 1 */
        double df = runs_df ? (double)runs_df : 1;
        double median_factor = pow(1 - 2 / (9 * df), 3);
        w->s[s].prior_var = n ? stats_median(v, n) / median_factor : NAN;
        /* the stratum's shift, tested on the runs' levels */
        double level[2][MAX_RUNS_PER_SIDE];
        int nl[2] = {0, 0}, cs, cr;
        drift_set(w, (int)s, MIN_REFERENCES, &cs, &cr);
        for (size_t j = 0; j < w->nruns; j++) {
            int side = j >= w->nbase;
            size_t m = 0;
            for (size_t i = 0; i < w->nb; i++) {
                bench *b = &w->b[i];
                if (!in_set(b, cs, cr) || !b->runs[j].present)
                    continue;
                double ma, mb, vw;
                int runs, reps;
                side_mean(w, b, 0, &ma, &vw, &runs, &reps);
                side_mean(w, b, 1, &mb, &vw, &runs, &reps);
                v[m++] = b->runs[j].log_median - 0.5 * (ma + mb);
            }
            if (m)
                level[side][nl[side]++] = stats_median(v, m);
        }
        stratum *st = &w->s[s];
        st->shift_df = nl[0] + nl[1] - 2;
        if (nl[0] && nl[1] && st->shift_df >= 1) {
            double ma = stats_mean(level[0], (size_t)nl[0]), mb = stats_mean(level[1], (size_t)nl[1]);
            double ssl = 0;
            for (int side = 0; side < 2; side++)
                for (int k = 0; k < nl[side]; k++) {
                    double m = side ? mb : ma;
                    ssl += (level[side][k] - m) * (level[side][k] - m);
                }
            double pooled = ssl / st->shift_df;
            st->shift = mb - ma;
            st->shift_var = pooled * (1.0 / nl[0] + 1.0 / nl[1]);
        } else {
            st->shift_df = 0;
        }
    }
    for (size_t i = 0; i < w->nb; i++) {
        bench *b = &w->b[i];
        if (!b->usable)
            continue;
        double prior = w->s[b->stratum].prior_var;
        double own = ss[i];
        double df_own = isnan(own) ? 0 : (double)runs_df;
        double moderated = isnan(prior) ? own
                           : df_own > 0 ? (df_own * own + PRIOR_DF * prior) / (df_own + PRIOR_DF)
                                        : prior;
        int ka, kb, reps;
        double m, vw;
        side_mean(w, b, 0, &m, &vw, &ka, &reps);
        side_mean(w, b, 1, &m, &vw, &kb, &reps);
        b->var = moderated * (1.0 / ka + 1.0 / kb);
        b->df = df_own + (isnan(prior) ? 0 : PRIOR_DF);
    }
    free(v);
    free(shift);
    free(ss);
    return 0;
}

/* The log-threshold: a change beyond it in either direction counts. */
static double log_threshold(const cmp_options *o)
{
    return log1p(o->threshold);
}

/* Fills a row's change and interval from a log estimate e with variance var. */
static void set_estimate(cmp_row *row, double e, double raw, double var, double df)
{
    row->change = expm1(e);
    row->raw_change = expm1(raw);
    if (var >= 0 && df > 0) {
        double half = stats_t_quantile(0.975, df) * sqrt(var);
        row->ci_low = expm1(e - half);
        row->ci_high = expm1(e + half);
    }
}

/* Smallest detectable change (log) for a test of this spread at the
 * per-test level that the correction asks of the strongest result. */
static double detectable(const cmp_options *o, double var, double df, size_t tests)
{
    double a = o->alpha / 2 / (double)(tests ? tests : 1); /* alpha is split over two families */
    double zq = df > 0 ? stats_t_quantile(1 - a / 2, df) : stats_normal_quantile(1 - a / 2);
    return (zq + stats_normal_quantile(MDE_POWER)) * sqrt(var);
}

static const char *side_label(int new_side)
{
    return new_side ? "new" : "base";
}

/* The rank test (Mann-Whitney U) on the repetitions of the corrected change:
 * the new side's samples less the common shift. A rank test because the
 * repetitions of a shared machine are not normal: interleaved, they fall in a
 * fast and a slow mode (the slow one twice the time here), in proportions that
 * change from run to run, so a median or a mean jumps while the ranks hold. */
static double repetitions_p(bench *b, double centre)
{
    for (size_t k = 0; k < b->nlog_new; k++)
        b->log_new[k] -= centre;
    double p = stats_mann_whitney_p(b->log_base, b->nlog_base, b->log_new, b->nlog_new);
    for (size_t k = 0; k < b->nlog_new; k++)
        b->log_new[k] += centre;
    return p;
}

/* Per benchmark, files mode. */
static void test_files(work *w, bench *b, cmp_row *row, size_t tests_guess)
{
    const cmp_options *o = w->o;
    const stratum *st = &w->s[b->stratum];
    double mb, ma, vwa, vwb;
    int ka, kb, ra, rb;
    side_mean(w, b, 0, &ma, &vwa, &ka, &ra);
    side_mean(w, b, 1, &mb, &vwb, &kb, &rb);
    row->reps_base = ra, row->reps_new = rb, row->runs_base = ka, row->runs_new = kb;
    row->base_median = exp(ma), row->new_median = exp(mb);
    row->raw_change = expm1(b->d);
    if (ra < 3 || rb < 3) {
        note(row, "too few repetitions (%d base, %d new): needs 3 or more per run", ra, rb);
        return;
    }
    double sampling = vwa + vwb;
    if (w->nbase == 1 && w->nnew == 1) {
        if (st->scale_members < MIN_FOR_DRIFT) {
            b->drift_unknown = 1;
            note(row, "one run per side and only %zu benchmark(s) to estimate the drift between runs from: "
                      "give several runs per side or use --paired", st->scale_members);
            return;
        }
        b->var = st->scale * st->scale;
    }
    /* (several runs: b->var and b->df were set by between_runs) */
    if (!(b->var >= sampling))
        b->var = sampling; /* a noisier benchmark than its stratum's typical one */
    b->e = b->d - st->centre;
    row->p_repetitions = repetitions_p(b, st->centre);
    if (w->nbase == 1 && w->nnew == 1)
        b->df = DRIFT_TAIL_DF; /* heavy tails: see DRIFT_TAIL_DF */
    if (!(b->df >= 1))
        b->df = 1;
    double p_drift = b->var > 0 ? stats_t_p_two_sided(b->e / sqrt(b->var), b->df) : (b->e == 0 ? 1 : 0);
    /* both tests must reject: the change stands out from the repetitions and from the drift */
    row->p = p_drift > row->p_repetitions ? p_drift : row->p_repetitions;
    set_estimate(row, b->e, b->d, b->var, b->df);
    row->mde = expm1(detectable(o, b->var, b->df, tests_guess));
}

/* Per benchmark, paired mode: the rounds' log-ratios. */
static void test_paired(work *w, bench *b, cmp_row *row, double *l, size_t tests_guess)
{
    size_t n = 0;
    int reps_a = 0, reps_b = 0;
    for (size_t r = 0; r < w->nbase; r++) {
        const run_summary *a = &b->runs[r], *c = &b->runs[w->nbase + r];
        if (!a->present || !c->present)
            continue;
        l[n++] = c->log_median - a->log_median;
        if (!reps_a || (int)a->n < reps_a)
            reps_a = (int)a->n;
        if (!reps_b || (int)c->n < reps_b)
            reps_b = (int)c->n;
    }
    double ma, mb, vw;
    int ka, kb, ra, rb;
    side_mean(w, b, 0, &ma, &vw, &ka, &ra);
    side_mean(w, b, 1, &mb, &vw, &kb, &rb);
    row->reps_base = reps_a, row->reps_new = reps_b, row->runs_base = (int)n, row->runs_new = (int)n;
    row->base_median = exp(ma), row->new_median = exp(mb);
    row->raw_change = expm1(b->d);
    if (n < 2) {
        note(row, "%zu paired round(s): needs 2 or more", n);
        return;
    }
    b->e = stats_mean(l, n);
    double sd = stats_sd(l, n);
    b->var = sd * sd / (double)n;
    b->df = (double)n - 1;
    row->p = stats_sign_flip_p(l, n);
    set_estimate(row, b->e, b->e, b->var, b->df);
    row->mde = expm1(detectable(w->o, b->var, b->df, tests_guess));
}

/* A group row (an implementation or a stratum): its members' changes pooled. */
static void test_group(work *w, cmp_row *row, const int *member, size_t n, double *scratch,
                       size_t tests_guess, double *own_var)
{
    *own_var = NAN;
    const cmp_options *o = w->o;
    row->members = n;
    if (o->paired) {
        /* per round, the mean log-ratio of the members: rounds stay the unit of pairing */
        size_t rounds = 0;
        for (size_t r = 0; r < w->nbase; r++) {
            double sum = 0;
            size_t k = 0;
            for (size_t i = 0; i < n; i++) {
                const bench *b = &w->b[member[i]];
                if (b->runs[r].present && b->runs[w->nbase + r].present) {
                    sum += b->runs[w->nbase + r].log_median - b->runs[r].log_median;
                    k++;
                }
            }
            if (k)
                scratch[rounds++] = sum / (double)k;
        }
        row->runs_base = row->runs_new = (int)rounds;
        if (rounds < 2) {
            note(row, "%zu paired round(s): needs 2 or more", rounds);
            return;
        }
        double e = stats_mean(scratch, rounds), sd = stats_sd(scratch, rounds);
        double var = sd * sd / (double)rounds;
        row->p = stats_sign_flip_p(scratch, rounds);
        set_estimate(row, e, e, var, (double)rounds - 1);
        row->mde = expm1(detectable(o, var, (double)rounds - 1, tests_guess));
        return;
    }
    /* files mode: the Hodges-Lehmann location of the members' corrected
     * changes (robust to the heavy tails of the drift, nearly as efficient as
     * a mean) and its sampling variance; the caller adds the spread between
     * implementations (finish_group_rows) */
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const bench *b = &w->b[member[i]];
        if (!b->drift_unknown && b->var > 0)
            scratch[k++] = b->e;
    }
    row->members = k;
    if (k < 3) {
        note(row, "%zu benchmark(s) with a drift estimate: needs 3 or more", k);
        return;
    }
    double e = stats_hodges_lehmann(scratch, k), sd = stats_robust_sd(scratch, k);
    k = 0;
    for (size_t i = 0; i < n; i++) {
        const bench *b = &w->b[member[i]];
        if (!b->drift_unknown && b->var > 0)
            scratch[k++] = b->d;
    }
    row->change = expm1(e);
    row->raw_change = expm1(stats_hodges_lehmann(scratch, k));
    *own_var = M_PI / 3 * sd * sd / (double)k; /* of a Hodges-Lehmann estimate of k */
}

/* Files mode: the implementations' rows, tested once all their estimates are
 * known. Implementations react differently to the machine's state (in the
 * A/A pairs here one implementation as a whole moved 11% against the
 * baselines), a drift the benchmarks of one implementation share and so
 * cannot average away; its size is the spread of the implementations'
 * changes across the file (robust, from 4 implementations on), added to each
 * one's own sampling variance. */
static void finish_group_rows(const work *w, cmp_row *rows, const size_t *at, const double *own_var, size_t n,
                              size_t tests_guess)
{
    double *e = malloc((n + 1) * sizeof *e);
    if (!e)
        return;
    size_t k = 0;
    for (size_t g = 0; g < n; g++)
        if (!isnan(own_var[g]))
            e[k++] = log1p(rows[at[g]].change);
    double spread = k >= 4 ? stats_robust_sd(e, k) : 0;
    k = 0;
    for (size_t g = 0; g < n; g++)
        if (!isnan(own_var[g]))
            e[k++] = own_var[g];
    /* what the spread of the estimates holds beyond their own sampling error
     * (a random-effects variance, as in DerSimonian-Laird) */
    double tau2 = spread * spread - (k ? stats_median(e, k) : 0);
    tau2 = tau2 > 0 ? tau2 : 0;
    free(e);
    double tau_df = 0.37 * (double)k > 2 ? 0.37 * (double)k : 2; /* a MAD's efficiency */
    for (size_t g = 0; g < n; g++) {
        cmp_row *row = &rows[at[g]];
        if (isnan(own_var[g]))
            continue;
        double var = own_var[g] + tau2, est = log1p(row->change);
        /* Welch-Satterthwaite: the degrees of freedom of a sum of two estimated variances */
        double own_df = (double)row->members - 1;
        double df = var * var / (own_var[g] * own_var[g] / own_df + tau2 * tau2 / tau_df);
        row->p = var > 0 ? stats_t_p_two_sided(est / sqrt(var), df) : (est == 0 ? 1 : 0);
        set_estimate(row, est, log1p(row->raw_change), var, df);
        row->mde = expm1(detectable(w->o, var, df, tests_guess));
    }
}

/* The verdict of a tested row, once p_adjusted is known. */
static void decide(const cmp_options *o, cmp_row *row)
{
    if (isnan(row->p))
        return; /* untested: its verdict and note were set where it was built */
    double t = log_threshold(o);
    double effect = log1p(row->change);
    int significant = row->p_adjusted < o->alpha;
    double lo = log1p(row->ci_low), hi = log1p(row->ci_high);
    if (significant && effect > t) {
        row->verdict = CMP_REGRESSION;
    } else if (significant && effect < -t) {
        row->verdict = CMP_IMPROVEMENT;
    } else if (significant) {
        row->verdict = CMP_NO_CHANGE;
        note(row, "a real change, within +-%.0f%%", 100 * o->threshold);
    } else if (lo > -t && hi < t) {
        row->verdict = CMP_NO_CHANGE;
    } else {
        row->verdict = CMP_INCONCLUSIVE;
        if (!row->note[0] && row->mde > 1)
            note(row, "could detect only changes beyond 2x; not significant here");
        else if (!row->note[0])
            note(row, "could detect +-%.1f%%; not significant here", 100 * row->mde);
    }
}

/* have * factor rounded up, the repetitions, runs or rounds advised, at
 * most a million (every message says "too many" long before). In double
 * first: factor is infinite when the detectable change is (times of 1e-300
 * and 1e300 in one results file), and converting infinity or anything
 * beyond int's range to int is undefined behaviour (such files:
 * tests/fuzz/corpus/results/regress-compare-infinite-detectable-change). */
static int advised_count(int have, double factor)
{
    double v = ceil(have * factor);
    return v < 1e6 ? (int)v : 1000000;
}

/* What would decide an inconclusive benchmark: more repetitions when the
 * repetitions' noise dominates, else more runs per side or --paired. */
static void advise(const work *w, const bench *b, cmp_row *row)
{
    if (row->verdict != CMP_INCONCLUSIVE || isnan(row->p) || isnan(row->mde))
        return;
    double t = log_threshold(w->o), need = log1p(row->mde);
    if (!(need > 0))
        return;
    /* what the test could see: beyond doubling, the exact figure says nothing useful */
    char sees[64];
    if (row->mde > 1)
        snprintf(sees, sizeof sees, "could detect only changes beyond 2x");
    else
        snprintf(sees, sizeof sees, "could detect +-%.1f%%", 100 * row->mde);
    if (need <= t) {
        /* sensitive enough for the threshold: this change just did not stand out */
        note(row, "%s; a change of %+.1f%% is not significant here", sees, 100 * row->change);
        return;
    }
    double factor = (need / t) * (need / t); /* variance must shrink by this much */
    if (w->o->paired) {
        int rounds = row->runs_base;
        double min_p = stats_sign_flip_min_p((size_t)rounds);
        int more = advised_count(rounds, factor);
        double strongest = w->o->alpha / 2 / (double)(w->nb ? w->nb : 1);
        if (min_p >= strongest) {
            int enough = rounds;
            while (enough < 60 && stats_sign_flip_min_p((size_t)enough) >= strongest)
                enough++;
            note(row, "%s, but %d rounds cannot reach the corrected alpha (smallest p %.2g): %d rounds can", sees,
                 rounds, min_p, enough > more ? enough : more);
        } else if (more > 1000) {
            note(row, "%s: the rounds' log-ratios scatter too much here for any practical number of rounds", sees);
        } else {
            note(row, "%s; about %d rounds would detect +-%.0f%%", sees, more > rounds ? more : rounds + 1,
                 100 * w->o->threshold);
        }
        return;
    }
    double ma, mb, vwa, vwb;
    int ka, kb, ra, rb;
    side_mean(w, b, 0, &ma, &vwa, &ka, &ra);
    side_mean(w, b, 1, &mb, &vwb, &kb, &rb);
    double sampling = vwa + vwb, spread = 100 * expm1(sqrt(b->var));
    if (w->nbase == 1 && w->nnew == 1) {
        note(row, "%s: within the drift between runs here (spread %.1f%%%s); give several runs per side or use "
                  "--paired",
             sees, spread, sampling >= 0.5 * b->var ? ", mostly the repetitions' own" : "");
    } else if (sampling >= 0.5 * b->var) {
        int reps = advised_count(ra < rb ? ra : rb, factor);
        if (reps > 1000)
            note(row, "%s: the repetitions are too noisy here (spread %.1f%%); use --paired", sees, spread);
        else
            note(row, "%s: the repetitions are noisy; about %d repetitions would detect +-%.0f%%", sees, reps,
                 100 * w->o->threshold);
    } else {
        int runs = advised_count(ka < kb ? ka : kb, factor);
        note(row, "%s: drift between runs; about %d runs per side (or --paired) would detect +-%.0f%%", sees,
             runs > 2 ? runs : 2, 100 * w->o->threshold);
    }
}

/* 1 when anything regressed; else 3 when the comparison decided nothing at
 * all ("inconclusive only": every tested row inconclusive, or none tested);
 * else 0. On a shared machine some of a sweep's hundreds of benchmarks are
 * always undecided: they are listed, and the implementations' and strata's
 * rows say whether the comparison as a whole could see anything. */
static int overall_exit(const cmp_result *r)
{
    int decided = 0;
    for (size_t i = 0; i < r->nrows; i++) {
        const cmp_row *row = &r->rows[i];
        if (row->verdict == CMP_REGRESSION)
            return 1;
        decided |= !isnan(row->p) && row->verdict != CMP_INCONCLUSIVE;
    }
    return decided ? 0 : 3;
}

static int cmp_rows(const void *x, const void *y)
{
    const cmp_row *a = x, *b = y;
    if (a->verdict != b->verdict)
        return a->verdict < b->verdict ? -1 : 1;
    double ca = isnan(a->change) ? -INFINITY : a->change, cb = isnan(b->change) ? -INFINITY : b->change;
    if (ca != cb)
        return ca > cb ? -1 : 1;
    if (a->kind != b->kind)
        return a->kind > b->kind ? -1 : 1; /* groups before their members */
    return strcmp(a->name, b->name);
}

static void work_free(work *w)
{
    for (size_t i = 0; i < w->nb; i++) {
        free(w->b[i].runs);
        free(w->b[i].log_base);
        free(w->b[i].log_new);
    }
    free(w->b);
    free(w->s);
    for (size_t g = 0; g < w->ngroups; g++)
        free(w->groups[g]);
    free(w->groups);
}

/* The name an implementation group goes by: op/impl of a benchmark key. */
static void group_name(const rp_point *p, char *buf, size_t len)
{
    snprintf(buf, len, "%s/%s", p->op, p->impl);
}

static int has_repetitions(const rp_file *f)
{
    for (size_t i = 0; i < f->npoints; i++)
        if (max_samples(&f->points[i]) >= 2)
            return 1;
    return 0;
}

static int has_memcpy_ratios(const rp_file *f)
{
    for (size_t i = 0; i < f->npoints; i++)
        if (f->points[i].nrep_ratios && strcmp(f->points[i].op, "memcpy") != 0)
            return 1;
    return 0;
}

int cmp_compare(const rp_file *base, size_t nbase, const rp_file *new_runs, size_t nnew,
                const cmp_options *o, cmp_result *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    out->options = *o;
    out->mode = o->paired ? "paired" : "files";
    out->runs_base = (int)nbase;
    out->runs_new = (int)nnew;
    if (!nbase || !nnew || nbase > MAX_RUNS_PER_SIDE || nnew > MAX_RUNS_PER_SIDE || (o->paired && nbase != nnew)) {
        snprintf(err, errlen, "compare needs 1 to %d runs per side (as many on each side when paired)",
                 MAX_RUNS_PER_SIDE);
        return -1;
    }
    size_t nruns = nbase + nnew;
    for (size_t j = 0; j < nruns; j++) {
        const rp_file *f = j < nbase ? &base[j] : &new_runs[j - nbase];
        if (f->npoints == 0) {
            snprintf(err, errlen, "results file '%s' has no chanmul benchmarks (names op/layout/impl/NxHxWxC/threads:T)",
                     f->path);
            return -1;
        }
        if (o->normalise == CMP_NORMALISE_MEMCPY && !has_memcpy_ratios(f)) {
            snprintf(err, errlen,
                     "results file '%s' has no memcpy_ratio values: --normalise memcpy needs results written by "
                     "chanmul bench or sweep (or use --normalise none)",
                     f->path);
            return -1;
        }
        if (!has_repetitions(f)) {
            snprintf(err, errlen,
                     "results file '%s' has no repetitions (every benchmark ran once): compare tests the "
                     "repetitions; run bench or sweep with --repetitions 3 or more",
                     f->path);
            return -1;
        }
    }
    work w = {base, new_runs, nbase, nnew, nruns, o, NULL, 0, NULL, 0, NULL, 0};
    key_index *ix = calloc(nruns, sizeof *ix);
    name_list only_base = {0}, only_new = {0}, not_timed = {0};
    char **keys = NULL;
    double *scratch = NULL;
    size_t cap = 0, nkeys = 0, total = 0, maxrep = 1;
    int rc = -1;
    if (!ix)
        goto oom;
    for (size_t j = 0; j < nruns; j++) {
        const rp_file *f = j < nbase ? &base[j] : &new_runs[j - nbase];
        if (index_build(&ix[j], f) != 0)
            goto oom;
        total += f->npoints;
        for (size_t i = 0; i < f->npoints; i++)
            if (max_samples(&f->points[i]) > maxrep)
                maxrep = max_samples(&f->points[i]);
    }
    keys = malloc((total + 1) * sizeof *keys);
    scratch = malloc((maxrep + nruns + 1) * sizeof *scratch);
    if (!keys || !scratch)
        goto oom;
    for (size_t j = 0; j < nruns; j++)
        for (size_t i = 0; i < ix[j].f->npoints; i++)
            keys[nkeys++] = ix[j].f->points[i].key;
    qsort(keys, nkeys, sizeof *keys, cmp_str);
    size_t unique = 0;
    for (size_t i = 0; i < nkeys; i++)
        if (!unique || strcmp(keys[unique - 1], keys[i]) != 0)
            keys[unique++] = keys[i];
    w.b = calloc(unique + 1, sizeof *w.b);
    if (!w.b)
        goto oom;
    for (size_t k = 0; k < unique; k++) {
        const rp_point *first_base = NULL, *first_new = NULL;
        const rp_file *base_file = NULL;
        int failed_base = 0, failed_new = 0;
        for (size_t j = 0; j < nruns; j++) {
            const rp_point *p = index_find(&ix[j], keys[k]);
            if (!p)
                continue;
            if (j < nbase) {
                if (!first_base)
                    first_base = p, base_file = ix[j].f;
                failed_base |= p->failed;
            } else {
                first_new = first_new ? first_new : p;
                failed_new |= p->failed;
            }
        }
        if (!first_new) {
            if (name_list_add(&only_base, "%s", keys[k]))
                goto oom;
            continue;
        }
        if (!first_base) {
            if (name_list_add(&only_new, "%s", keys[k]))
                goto oom;
            continue;
        }
        if (o->normalise == CMP_NORMALISE_MEMCPY && strcmp(first_base->op, "memcpy") == 0)
            continue; /* the normalisation baseline itself: 1 by construction */
        bench *b = &w.b[w.nb];
        b->key = keys[k];
        b->drift_reference = rp_is_peer(base_file, first_base) ||
                             strcmp(base_file->series[first_base->series].kind, RP_KIND_BASELINE) == 0;
        if (failed_new && !failed_base) {
            char gname[256];
            group_name(first_new, gname, sizeof gname);
            cmp_row *row = add_row(out, &cap, CMP_ROW_BENCHMARK, "%s", keys[k]);
            if (!row || !(row->implementation = strdup(gname)))
                goto oom;
            row->verdict = CMP_REGRESSION;
            note(row, "fails verification in the new results (timed in the base)");
            continue;
        }
        if (failed_base || failed_new) {
            if (name_list_add(&not_timed, "%s (verification failed in %s)", keys[k],
                              failed_base && failed_new ? "both" : side_label(failed_new)))
                goto oom;
            continue;
        }
        if (measure(&w, b, ix, scratch) != 0)
            goto oom;
        if (!b->usable) {
            if (name_list_add(&not_timed, "%s (no timing on one side)", keys[k]))
                goto oom;
            free(b->runs), free(b->log_base), free(b->log_new);
            memset(b, 0, sizeof *b);
            continue;
        }
        char gname[256];
        group_name(first_base, gname, sizeof gname);
        if ((b->stratum = stratum_of(&w, first_base)) < 0 ||
            (b->group = find_or_add(&w.groups, &w.ngroups, gname)) < 0)
            goto oom;
        double ma, mb, vw;
        int ka, kb, ra, rb;
        side_mean(&w, b, 0, &ma, &vw, &ka, &ra);
        side_mean(&w, b, 1, &mb, &vw, &kb, &rb);
        b->d = mb - ma;
        w.nb++;
    }
    if (w.nb == 0 && out->nrows == 0) {
        snprintf(err, errlen, "no benchmark timed in both '%s' and '%s' (%zu only in the base, %zu only in the new)",
                 base[0].path, new_runs[0].path, only_base.n, only_new.n);
        goto fail;
    }
    if (!o->paired && (estimate_drift(&w) != 0 || ((nbase > 1 || nnew > 1) && between_runs(&w) != 0)))
        goto oom;

    /* the rows: every benchmark, every implementation, every stratum */
    size_t tests_guess = w.nb, group_tests = w.ngroups + w.ns; /* the two families' sizes */
    for (size_t i = 0; i < w.nb; i++) {
        bench *b = &w.b[i];
        cmp_row *row = add_row(out, &cap, CMP_ROW_BENCHMARK, "%s", b->key);
        if (!row || !(row->implementation = strdup(w.groups[b->group])))
            goto oom;
        b->row = out->nrows - 1;
        if (o->paired)
            test_paired(&w, b, row, scratch, tests_guess);
        else
            test_files(&w, b, row, tests_guess);
    }
    int *member = malloc((w.nb + 1) * sizeof *member);
    double *pool = malloc((w.nb + nruns + 1) * sizeof *pool);
    if (!member || !pool) {
        free(member);
        free(pool);
        goto oom;
    }
    size_t *group_row = malloc((w.ngroups + 1) * sizeof *group_row), ngroup_rows = 0;
    double *group_var = malloc((w.ngroups + 1) * sizeof *group_var), unused_var;
    if (!group_row || !group_var) {
        free(member), free(pool), free(group_row), free(group_var);
        goto oom;
    }
    for (size_t g = 0; g < w.ngroups; g++) {
        size_t n = 0;
        for (size_t i = 0; i < w.nb; i++)
            if (w.b[i].group == (int)g && !isnan(out->rows[w.b[i].row].p))
                member[n++] = (int)i;
        if (n < 3)
            continue; /* one or two benchmarks: their own rows say it */
        cmp_row *row = add_row(out, &cap, CMP_ROW_IMPLEMENTATION, "%s (all %zu benchmarks)", w.groups[g], n);
        if (!row || !(row->implementation = strdup(w.groups[g]))) {
            free(member), free(pool), free(group_row), free(group_var);
            goto oom;
        }
        test_group(&w, row, member, n, pool, group_tests, &group_var[ngroup_rows]);
        group_row[ngroup_rows++] = out->nrows - 1;
    }
    if (!o->paired)
        finish_group_rows(&w, out->rows, group_row, group_var, ngroup_rows, group_tests);
    free(group_row);
    free(group_var);
    for (size_t s = 0; s < w.ns; s++) {
        const stratum *st = &w.s[s];
        size_t n = 0;
        for (size_t i = 0; i < w.nb; i++)
            if (w.b[i].stratum == (int)s && !isnan(out->rows[w.b[i].row].p))
                member[n++] = (int)i;
        if (n < 3)
            continue;
        cmp_row *row = add_row(out, &cap, CMP_ROW_STRATUM, "every benchmark at %d thread%s, %s (%zu)",
                               st->threads, st->threads == 1 ? "" : "s", size_class_words(st->size_class), n);
        if (!row) {
            free(member), free(pool);
            goto oom;
        }
        row->members = n;
        if (o->paired) {
            test_group(&w, row, member, n, pool, group_tests, &unused_var);
        } else if (st->shift_df >= 1) {
            row->runs_base = (int)nbase, row->runs_new = (int)nnew;
            row->p = stats_t_p_two_sided(st->shift / sqrt(st->shift_var), st->shift_df);
            set_estimate(row, st->shift, st->centre, st->shift_var, st->shift_df);
            row->mde = expm1(detectable(o, st->shift_var, st->shift_df, group_tests));
        } else {
            /* one run per side: a common shift is indistinguishable from drift */
            row->runs_base = (int)nbase, row->runs_new = (int)nnew;
            row->change = row->raw_change = expm1(st->centre);
            if (fabs(st->centre) > log_threshold(o)) {
                row->verdict = CMP_INCONCLUSIVE;
                note(row, "common shift (median of %s) %+.1f%%: with one run per side it cannot be told from "
                          "the machine's drift; give several runs per side or use --paired",
                     st->centre_from, 100 * row->change);
            } else {
                row->verdict = CMP_NO_CHANGE;
                note(row, "common shift (median of %s) within +-%.0f%%; benchmarks are judged relative to it "
                          "(with one run per side it is not tested)",
                     st->centre_from, 100 * o->threshold);
            }
        }
    }
    free(member);
    free(pool);

    /* The correction, then the verdicts. Two families, alpha split between
     * them (Bonferroni): the benchmarks, and the groups (implementations and
     * strata). So the few group rows, where the power is, do not pay for the
     * hundreds of benchmark rows of a sweep; the chance of any false flag in
     * the whole comparison stays below alpha. */
    double *p = malloc((out->nrows + 1) * sizeof *p);
    if (!p)
        goto oom;
    for (int family = 0; family < 2; family++) {
        for (size_t i = 0; i < out->nrows; i++)
            p[i] = (out->rows[i].kind == CMP_ROW_BENCHMARK) == (family == 0) ? out->rows[i].p : NAN;
        if ((o->correction == CMP_BH ? stats_benjamini_hochberg(p, out->nrows) : stats_holm(p, out->nrows)) != 0) {
            free(p);
            goto oom;
        }
        for (size_t i = 0; i < out->nrows; i++)
            if (!isnan(p[i])) {
                out->rows[i].p_adjusted = p[i] * 2 < 1 ? p[i] * 2 : 1;
                out->tested++;
            }
    }
    free(p);
    for (size_t i = 0; i < out->nrows; i++)
        decide(o, &out->rows[i]);
    for (size_t i = 0; i < w.nb; i++)
        advise(&w, &w.b[i], &out->rows[w.b[i].row]);
    qsort(out->rows, out->nrows, sizeof *out->rows, cmp_rows);
    for (size_t i = 0; i < out->nrows; i++) {
        const cmp_row *row = &out->rows[i];
        (row->kind == CMP_ROW_BENCHMARK ? out->counts : out->group_counts)[row->verdict]++;
    }
    out->exit_code = overall_exit(out);
    if (context_changes(out, &base[0], &new_runs[0]) != 0)
        goto oom;
    out->only_base = only_base.v, out->nonly_base = only_base.n;
    out->only_new = only_new.v, out->nonly_new = only_new.n;
    out->not_timed = not_timed.v, out->nnot_timed = not_timed.n;
    only_base = only_new = not_timed = (name_list){0};
    rc = 0;
    goto done;
oom:
    snprintf(err, errlen, "out of memory comparing '%s' with '%s'", base[0].path, new_runs[0].path);
fail:
    cmp_free(out);
done:
    for (size_t i = 0; i < only_base.n; i++)
        free(only_base.v[i]);
    for (size_t i = 0; i < only_new.n; i++)
        free(only_new.v[i]);
    for (size_t i = 0; i < not_timed.n; i++)
        free(not_timed.v[i]);
    free(only_base.v), free(only_new.v), free(not_timed.v);
    if (ix)
        for (size_t j = 0; j < nruns; j++)
            free(ix[j].order);
    free(ix);
    free(keys);
    free(scratch);
    work_free(&w);
    return rc;
}

void cmp_free(cmp_result *r)
{
    for (size_t i = 0; i < r->nrows; i++) {
        free(r->rows[i].name);
        free(r->rows[i].implementation);
    }
    free(r->rows);
    for (size_t i = 0; i < r->nonly_base; i++)
        free(r->only_base[i]);
    for (size_t i = 0; i < r->nonly_new; i++)
        free(r->only_new[i]);
    for (size_t i = 0; i < r->nnot_timed; i++)
        free(r->not_timed[i]);
    free(r->only_base), free(r->only_new), free(r->not_timed);
    for (size_t i = 0; i < r->ncontext; i++) {
        free(r->context[i].key);
        free(r->context[i].base);
        free(r->context[i].new_value);
    }
    free(r->context);
    memset(r, 0, sizeof *r);
}
