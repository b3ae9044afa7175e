/* Statistics for verdicts on noisy timings: see stats.h. */
#include "stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double stats_median_inplace(double *v, size_t n)
{
    if (n == 0)
        return NAN;
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

double stats_median(const double *v, size_t n)
{
    double *copy = n ? malloc(n * sizeof *copy) : NULL;
    if (!copy)
        return NAN;
    memcpy(copy, v, n * sizeof *copy);
    double m = stats_median_inplace(copy, n);
    free(copy);
    return m;
}

double stats_mean(const double *v, size_t n)
{
    if (n == 0)
        return NAN;
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += v[i];
    return sum / (double)n;
}

double stats_sd(const double *v, size_t n)
{
    if (n < 2)
        return NAN;
    double mean = stats_mean(v, n), ss = 0;
    for (size_t i = 0; i < n; i++)
        ss += (v[i] - mean) * (v[i] - mean);
    return sqrt(ss / (double)(n - 1));
}

double stats_robust_sd(const double *v, size_t n)
{
    double *dev = n ? malloc(n * sizeof *dev) : NULL;
    if (!dev)
        return NAN;
    double med = stats_median(v, n);
    for (size_t i = 0; i < n; i++)
        dev[i] = fabs(v[i] - med);
    double mad = stats_median_inplace(dev, n);
    free(dev);
    return 1.4826 * mad; /* the normal distribution's sd / MAD */
}

double stats_hodges_lehmann(const double *v, size_t n)
{
    size_t pairs = n * (n + 1) / 2;
    double *walsh = n ? malloc(pairs * sizeof *walsh) : NULL;
    if (!walsh)
        return NAN;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = i; j < n; j++)
            walsh[k++] = 0.5 * (v[i] + v[j]);
    double m = stats_median_inplace(walsh, pairs);
    free(walsh);
    return m;
}

/* ---- distributions ---------------------------------------------------------------- */

double stats_normal_cdf(double z)
{
    return 0.5 * erfc(-z / sqrt(2.0));
}

/* Inverts a monotone increasing cdf on [lo, hi] by bisection: slow but sure,
 * and these are called a few hundred times per comparison. */
static double invert(double (*cdf)(double, double), double arg, double p, double lo, double hi)
{
    for (int i = 0; i < 200 && hi - lo > 1e-12 * (1 + fabs(lo)); i++) {
        double mid = 0.5 * (lo + hi);
        if (cdf(mid, arg) < p)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}

static double normal_cdf2(double z, double unused)
{
    (void)unused;
    return stats_normal_cdf(z);
}

double stats_normal_quantile(double p)
{
    if (!(p > 0 && p < 1))
        return p == 0 ? -INFINITY : p == 1 ? INFINITY : NAN;
    return invert(normal_cdf2, 0, p, -40, 40);
}

/* Continued fraction of the regularised incomplete beta function (modified
 * Lentz), valid for x < (a + 1) / (a + b + 2). */
static double beta_fraction(double a, double b, double x)
{
    const double tiny = 1e-300;
    double c = 1, d = 1 - (a + b) * x / (a + 1);
    d = 1 / (fabs(d) < tiny ? tiny : d);
    double h = d;
    for (int m = 1; m <= 300; m++) {
        double m2 = 2.0 * m;
        double num = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
        d = 1 + num * d;
        c = 1 + num / c;
        d = 1 / (fabs(d) < tiny ? tiny : d);
        c = fabs(c) < tiny ? tiny : c;
        h *= d * c;
        num = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
        d = 1 + num * d;
        c = 1 + num / c;
        d = 1 / (fabs(d) < tiny ? tiny : d);
        c = fabs(c) < tiny ? tiny : c;
        double step = d * c;
        h *= step;
        if (fabs(step - 1) < 1e-15)
            break;
    }
    return h;
}

/* I_x(a, b), the regularised incomplete beta function. */
static double incomplete_beta(double a, double b, double x)
{
    if (x <= 0)
        return 0;
    if (x >= 1)
        return 1;
    double front = exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x));
    if (x < (a + 1) / (a + b + 2))
        return front * beta_fraction(a, b, x) / a;
    return 1 - front * beta_fraction(b, a, 1 - x) / b;
}

double stats_t_cdf(double t, double df)
{
    if (isnan(t) || !(df > 0))
        return NAN;
    if (isinf(t))
        return t > 0 ? 1 : 0;
    double tail = 0.5 * incomplete_beta(df / 2, 0.5, df / (df + t * t)); /* P(T > |t|) */
    return t > 0 ? 1 - tail : tail;
}

double stats_t_quantile(double p, double df)
{
    if (!(p > 0 && p < 1) || !(df > 0))
        return NAN;
    return invert(stats_t_cdf, df, p, -1e7, 1e7);
}

double stats_t_p_two_sided(double t, double df)
{
    if (isnan(t) || !(df > 0))
        return NAN;
    if (isinf(t))
        return 0;
    return incomplete_beta(df / 2, 0.5, df / (df + t * t));
}

/* A value and where it came from, sorted by value (ranks, p-value order). */
typedef struct tagged {
    double value;
    size_t tag;
} tagged;

static int cmp_tagged(const void *x, const void *y)
{
    return cmp_double(&((const tagged *)x)->value, &((const tagged *)y)->value);
}

/* ---- Mann-Whitney U -------------------------------------------------------------- */

/* The exact null distribution of U for samples of m and n without ties: the
 * coefficients of the Gaussian binomial [m+n choose m](q), built as the
 * product over i = 1..m of (1 - q^(n+i)) / (1 - q^i). counts has m*n + 1 slots. */
static void exact_u_counts(size_t m, size_t n, double *counts)
{
    size_t top = m * n;
    memset(counts, 0, (top + 1) * sizeof *counts);
    counts[0] = 1;
    for (size_t i = 1; i <= m; i++) {
        for (size_t k = top; k >= n + i; k--) /* times (1 - q^(n+i)) */
            counts[k] -= counts[k - n - i];
        for (size_t k = i; k <= top; k++) /* divided by (1 - q^i): a running sum */
            counts[k] += counts[k - i];
    }
}

double stats_mann_whitney_p(const double *a, size_t na, const double *b, size_t nb)
{
    if (na == 0 || nb == 0)
        return 1;
    size_t total = na + nb;
    tagged *r = malloc(total * sizeof *r); /* tag 1: from a */
    if (!r)
        return NAN;
    for (size_t i = 0; i < na; i++)
        r[i] = (tagged){a[i], 1};
    for (size_t i = 0; i < nb; i++)
        r[na + i] = (tagged){b[i], 0};
    qsort(r, total, sizeof *r, cmp_tagged);
    double rank_sum_a = 0, tie_term = 0;
    int ties = 0;
    for (size_t i = 0; i < total;) {
        size_t j = i;
        while (j < total && r[j].value == r[i].value)
            j++;
        double mid_rank = 0.5 * (double)(i + 1 + j); /* ranks i+1..j share their mean */
        for (size_t k = i; k < j; k++)
            if (r[k].tag)
                rank_sum_a += mid_rank;
        double t = (double)(j - i);
        if (t > 1) {
            ties = 1;
            tie_term += t * t * t - t;
        }
        i = j;
    }
    free(r);
    double m = (double)na, n = (double)nb;
    double u = rank_sum_a - m * (m + 1) / 2;
    if (!ties && na * nb <= 2500) {
        size_t top = na * nb;
        double *counts = malloc((top + 1) * sizeof *counts);
        if (counts) {
            exact_u_counts(na, nb, counts);
            double all = 0, below = 0, above = 0;
            size_t uu = (size_t)llround(u);
            for (size_t k = 0; k <= top; k++) {
                all += counts[k];
                if (k <= uu)
                    below += counts[k];
                if (k >= uu)
                    above += counts[k];
            }
            free(counts);
            double p = 2 * (below < above ? below : above) / all;
            return p < 1 ? p : 1;
        }
    }
    double N = m + n;
    double var = m * n / 12 * ((N + 1) - tie_term / (N * (N - 1)));
    if (!(var > 0))
        return 1;
    double dist = fabs(u - m * n / 2) - 0.5;
    double z = (dist > 0 ? dist : 0) / sqrt(var);
    double p = 2 * stats_normal_cdf(-z);
    return p < 1 ? p : 1;
}

double stats_mann_whitney_min_p(size_t na, size_t nb)
{
    double log_choose = lgamma((double)(na + nb) + 1) - lgamma((double)na + 1) - lgamma((double)nb + 1);
    double p = 2 * exp(-log_choose);
    return p < 1 ? p : 1;
}

/* ---- sign-flip permutation test ---------------------------------------------------- */

double stats_sign_flip_min_p(size_t n)
{
    if (n == 0)
        return 1;
    if (n <= STATS_SIGN_FLIP_EXACT_MAX)
        return 2.0 / (double)(1ul << n);
    return 2 * stats_normal_cdf(-sqrt((double)n)); /* every |d| equal, every sign alike */
}

double stats_sign_flip_p(const double *d, size_t n)
{
    if (n == 0)
        return 1;
    double observed = 0, scale = 0, squares = 0;
    for (size_t i = 0; i < n; i++) {
        observed += d[i];
        scale += fabs(d[i]);
        squares += d[i] * d[i];
    }
    observed = fabs(observed);
    if (n > STATS_SIGN_FLIP_EXACT_MAX) {
        double p = squares > 0 ? 2 * stats_normal_cdf(-observed / sqrt(squares)) : 1;
        return p < 1 ? p : 1;
    }
    /* sums that equal the observed one up to rounding count as "as extreme" */
    double eps = 1e-12 * (scale > 0 ? scale : 1);
    /* every sign pattern, visited in Gray-code order: one flip per step */
    size_t extreme = 0, patterns = (size_t)1 << n;
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += d[i];
    unsigned long mask = 0;
    for (size_t k = 0; k < patterns; k++) {
        if (fabs(sum) >= observed - eps)
            extreme++;
        if (k + 1 == patterns)
            break;
        int bit = __builtin_ctzl((unsigned long)(k + 1));
        mask ^= 1ul << bit;
        sum += (mask >> bit & 1) ? -2 * d[bit] : 2 * d[bit];
    }
    return (double)extreme / (double)patterns;
}

/* ---- multiple testing ---------------------------------------------------------------- */

/* The finite p-values of p[0..n), sorted ascending, tagged with their positions. */
static tagged *sorted_p(const double *p, size_t n, size_t *m)
{
    tagged *s = malloc((n ? n : 1) * sizeof *s);
    if (!s)
        return NULL;
    *m = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(p[i]))
            s[(*m)++] = (tagged){p[i], i};
    qsort(s, *m, sizeof *s, cmp_tagged);
    return s;
}

int stats_holm(double *p, size_t n)
{
    size_t m;
    tagged *s = sorted_p(p, n, &m);
    if (!s)
        return -1;
    double running = 0;
    for (size_t k = 0; k < m; k++) {
        double adj = (double)(m - k) * s[k].value;
        adj = adj < 1 ? adj : 1;
        running = adj > running ? adj : running; /* step-down: never below an earlier one */
        p[s[k].tag] = running;
    }
    free(s);
    return 0;
}

int stats_benjamini_hochberg(double *p, size_t n)
{
    size_t m;
    tagged *s = sorted_p(p, n, &m);
    if (!s)
        return -1;
    double running = 1;
    for (size_t k = m; k-- > 0;) {
        double adj = (double)m / (double)(k + 1) * s[k].value;
        adj = adj < 1 ? adj : 1;
        running = adj < running ? adj : running; /* step-up: never above a later one */
        p[s[k].tag] = running;
    }
    free(s);
    return 0;
}
