/*
 * test_stats: the statistics behind `chanmul compare` (harness/stats.c)
 * against values worked out by hand or from published tables.
 */
#include "stats.h"

#include <math.h>
#include <stdio.h>

static int failures;

static void near(const char *what, double got, double want, double tol)
{
    if (!(fabs(got - want) <= tol)) {
        printf("FAIL %s: got %.10g, want %.10g (+-%g)\n", what, got, want, tol);
        failures++;
    }
}

static void distributions(void)
{
    near("normal quantile 0.975", stats_normal_quantile(0.975), 1.959963985, 1e-7);
    near("normal quantile 0.5", stats_normal_quantile(0.5), 0, 1e-9);
    near("normal cdf -1.644854", stats_normal_cdf(-1.644853627), 0.05, 1e-8);
    /* Student's t table */
    near("t quantile 0.975 df 10", stats_t_quantile(0.975, 10), 2.228138852, 1e-6);
    near("t quantile 0.995 df 3", stats_t_quantile(0.995, 3), 5.840909310, 1e-5);
    near("t quantile 0.975 df 1", stats_t_quantile(0.975, 1), 12.70620474, 1e-4);
    near("t p two-sided 2.228 df 10", stats_t_p_two_sided(2.228138852, 10), 0.05, 1e-7);
    near("t p two-sided 0 df 5", stats_t_p_two_sided(0, 5), 1, 1e-12);
    near("t cdf symmetric", stats_t_cdf(-1.3, 7) + stats_t_cdf(1.3, 7), 1, 1e-12);
}

static void robust(void)
{
    double v[] = {1, 2, 3, 4, 100};
    near("median", stats_median(v, 5), 3, 0);
    near("robust sd ignores the outlier", stats_robust_sd(v, 5), 1.4826, 1e-12);
    near("sd", stats_sd((double[]){2, 4, 4, 4, 5, 5, 7, 9}, 8), 2.138089935, 1e-8);
    near("hodges-lehmann of 1 2 3", stats_hodges_lehmann((double[]){1, 2, 3}, 3), 2, 0);
    /* Walsh averages of {0,0,0,10}: six 0s, three 5s, one 10: median 0 */
    near("hodges-lehmann ignores one wild value", stats_hodges_lehmann((double[]){0, 0, 0, 10}, 4), 0, 0);
    near("hodges-lehmann of a shift", stats_hodges_lehmann((double[]){1.1, 0.9, 1.0, 1.2, 0.8}, 5), 1.0, 1e-12);
    double even[] = {4, 1, 3, 2};
    near("median of four", stats_median(even, 4), 2.5, 0);
    near("input untouched", even[0], 4, 0);
}

static void rank_test(void)
{
    double a3[] = {1, 2, 3}, b3[] = {4, 5, 6};
    near("U exact 3 vs 3 separated", stats_mann_whitney_p(a3, 3, b3, 3), 0.1, 1e-12);
    double a5[] = {1, 2, 3, 4, 5}, b5[] = {6, 7, 8, 9, 10};
    near("U exact 5 vs 5 separated", stats_mann_whitney_p(a5, 5, b5, 5), 2.0 / 252, 1e-12);
    near("U exact is symmetric", stats_mann_whitney_p(b5, 5, a5, 5), 2.0 / 252, 1e-12);
    near("min p 5 vs 5", stats_mann_whitney_min_p(5, 5), 2.0 / 252, 1e-12);
    near("min p 10 vs 10", stats_mann_whitney_min_p(10, 10), 2.0 / 184756, 1e-15);
    /* interleaved samples: U = 10 of 25; 87 of the 252 arrangements have U <= 10 */
    double ai[] = {1, 3, 5, 7, 9}, bi[] = {2, 4, 6, 8, 10};
    double p = stats_mann_whitney_p(ai, 5, bi, 5);
    near("U exact interleaved", p, 2.0 * 87 / 252, 1e-12);
    /* ties: the normal approximation; identical samples give p = 1 */
    double t1[] = {1, 1, 2, 2}, t2[] = {1, 1, 2, 2};
    near("U ties identical", stats_mann_whitney_p(t1, 4, t2, 4), 1, 1e-12);
    double big_a[40], big_b[40];
    for (int i = 0; i < 40; i++) {
        big_a[i] = i;
        big_b[i] = i + 40;
    }
    /* 40 vs 40 separated: exact (1600 <= 2500 products) */
    p = stats_mann_whitney_p(big_a, 40, big_b, 40);
    if (!(p < 1e-12)) {
        printf("FAIL U 40 vs 40 separated: p = %g\n", p);
        failures++;
    }
    near("U empty side", stats_mann_whitney_p(big_a, 0, big_b, 3), 1, 0);
}

static void sign_flip(void)
{
    double up[] = {1, 1, 1, 1, 1};
    near("sign flip 5 all positive", stats_sign_flip_p(up, 5), 2.0 / 32, 1e-12);
    near("sign flip min p", stats_sign_flip_min_p(5), 2.0 / 32, 1e-12);
    double even[] = {1, -1};
    near("sign flip balanced", stats_sign_flip_p(even, 2), 1, 1e-12);
    /* the four patterns of {2, -1} give |sum| 1, 3, 3, 1: all as extreme as the observed 1 */
    double two[] = {2, -1};
    near("sign flip {2,-1}", stats_sign_flip_p(two, 2), 1, 1e-12);
    double d[] = {0.3, 0.25, 0.31, 0.29, -0.05, 0.27};
    /* |sum| = 1.37; patterns as extreme: all signs + except possibly the 0.05 one: 2 of 64, x2 sides */
    near("sign flip six", stats_sign_flip_p(d, 6), 4.0 / 64, 1e-12);
    /* 20 pairs: still exact, 2^20 patterns */
    double ones[24];
    for (int i = 0; i < 24; i++)
        ones[i] = 1;
    near("sign flip exact at 20", stats_sign_flip_p(ones, 20), 2.0 / (1 << 20), 1e-15);
    near("sign flip min p at 20", stats_sign_flip_min_p(20), 2.0 / (1 << 20), 1e-15);
    /* 24 equal values: the normal approximation, z = 24 / sqrt(24) */
    near("sign flip normal approximation", stats_sign_flip_p(ones, 24), 2 * stats_normal_cdf(-sqrt(24.0)), 1e-15);
    near("sign flip min p beyond exact", stats_sign_flip_min_p(24), 2 * stats_normal_cdf(-sqrt(24.0)), 1e-15);
    double mixed[24];
    for (int i = 0; i < 24; i++)
        mixed[i] = i % 2 ? 1.0 : -1.0;
    near("sign flip normal approximation balanced", stats_sign_flip_p(mixed, 24), 1, 1e-12);
}

static void corrections(void)
{
    double p[] = {0.01, 0.04, 0.03, NAN};
    stats_holm(p, 4);
    near("holm smallest", p[0], 0.03, 1e-12);
    near("holm largest (monotone)", p[1], 0.06, 1e-12);
    near("holm middle", p[2], 0.06, 1e-12);
    if (!isnan(p[3])) {
        printf("FAIL holm touched a NAN\n");
        failures++;
    }
    double q[] = {0.01, 0.04, 0.03};
    stats_benjamini_hochberg(q, 3);
    near("bh smallest", q[0], 0.03, 1e-12);
    near("bh largest", q[1], 0.04, 1e-12);
    near("bh middle (step-up)", q[2], 0.04, 1e-12);
    double one[] = {0.7};
    stats_holm(one, 1);
    near("holm one", one[0], 0.7, 0);
}

int main(void)
{
    distributions();
    robust();
    rank_test();
    sign_flip();
    corrections();
    if (failures) {
        printf("test_stats: %d failed\n", failures);
        return 1;
    }
    printf("test_stats: all passed\n");
    return 0;
}
