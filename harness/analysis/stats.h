/*
 * Statistics for verdicts on noisy timings (compare, report): robust location
 * and scale, the tests and the multiple-testing corrections. Plain functions
 * over arrays of doubles; no I/O, no allocation that outlives a call.
 */
#ifndef CHANMUL_STATS_H
#define CHANMUL_STATS_H

#include <stddef.h>

/* Median of v[0..n), sorting v in place; NAN when n == 0. */
double stats_median_inplace(double *v, size_t n);
/* Median of v[0..n), v untouched; NAN when n == 0 or out of memory. */
double stats_median(const double *v, size_t n);
/* Mean of v[0..n); NAN when n == 0. */
double stats_mean(const double *v, size_t n);
/* Sample standard deviation (n - 1); NAN when n < 2. */
double stats_sd(const double *v, size_t n);
/* The median absolute deviation from the median times 1.4826: a standard
 * deviation that a few outliers cannot inflate. NAN when n == 0. */
double stats_robust_sd(const double *v, size_t n);

/* The Hodges-Lehmann location: the median of the n(n+1)/2 pairwise means
 * (v[i] + v[j]) / 2, i <= j. As robust as the median to a few wild values,
 * nearly as efficient as the mean (95% for normal data against the
 * median's 64%): its standard error is about sqrt(pi / 3) sigma / sqrt(n).
 * NAN when n == 0 or out of memory. */
double stats_hodges_lehmann(const double *v, size_t n);

/* Standard normal: cumulative distribution and its inverse (0 < p < 1). */
double stats_normal_cdf(double z);
double stats_normal_quantile(double p);
/* Student's t with df > 0 degrees of freedom: P(T <= t), and its inverse. */
double stats_t_cdf(double t, double df);
double stats_t_quantile(double p, double df);
/* Two-sided p-value of a t statistic. */
double stats_t_p_two_sided(double t, double df);

/* Mann-Whitney U (Wilcoxon rank-sum), two-sided p-value for a shift between
 * a[0..na) and b[0..nb): exact (by counting) when there are no ties and the
 * samples are small, otherwise the normal approximation with the tie and
 * continuity corrections. 1 when either sample is empty. */
double stats_mann_whitney_p(const double *a, size_t na, const double *b, size_t nb);

/* The smallest two-sided p-value the rank test can give for samples of na
 * and nb (no ties): 2 / C(na + nb, na). */
double stats_mann_whitney_min_p(size_t na, size_t nb);

/* Sign-flip permutation test of "the mean of d[0..n) is 0" (paired
 * differences, symmetric under the null; no distribution assumed): the
 * two-sided p-value, exact over all 2^n sign patterns for n <= 20 (the
 * smallest p it can give is then 2 / 2^n, which stats_sign_flip_min_p()
 * tells beforehand: few pairs cannot reach a small alpha), and for more
 * pairs the normal approximation of the same permutation distribution
 * (mean 0, variance the sum of the squares), accurate there and without the
 * floor a Monte Carlo estimate would put under p. */
#define STATS_SIGN_FLIP_EXACT_MAX 20
double stats_sign_flip_p(const double *d, size_t n);
double stats_sign_flip_min_p(size_t n);

/* Multiple-testing corrections, in place over p[0..n) (NAN entries are left
 * alone and not counted): Holm's step-down (controls the chance of any false
 * flag in the whole file) and Benjamini-Hochberg (controls the expected share
 * of false flags among the flagged). Return 0, -1 when out of memory. */
int stats_holm(double *p, size_t n);
int stats_benjamini_hochberg(double *p, size_t n);


#endif
