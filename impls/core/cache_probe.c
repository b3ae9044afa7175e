/* The cache-size probe: the bandwidth of one core over working sets from
 * 64 KiB to past the LLC, and the effective L2 and LLC sizes read off that
 * curve (chanmul.h, "cache sizes, measured").
 *
 * Why measure: CPUID describes the cache a core could use, not what it gets.
 * A VM's CPUID reports the host socket's whole L3 (105 MiB on one of this
 * project's Xeon VMs, where a 24 MiB working set already runs at DRAM
 * bandwidth), and an AVX2 AMD VM reports a 32 MiB L3 that a 16 MiB working set
 * no longer fits. Every size threshold (streaming stores, the sweep's DRAM
 * shapes, the verifier's past-the-LLC case, the report's regions) follows the
 * cache the kernels really have. */
#include "chanmul_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { PROBE_ROUNDS = 3 };                       /* the whole ladder, interleaved: drift hits every size alike */
static const double PROBE_MIN_SECONDS = 0.002;   /* per timed measurement: far above the clock's resolution */
static const size_t PROBE_MIN_BYTES = (size_t)64 << 10;
static const size_t PROBE_MAX_BYTES = (size_t)256 << 20;

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* The probe's traffic: v[i] *= f in place, one read and one write of each
 * float, the channel scale's own memory pattern. Not instrumented under
 * AddressSanitizer: the probe measures memory, and ASan's shadow checks would
 * halve what it sees. Two builds of one loop: the plain x86-64 one (16-byte
 * vectors) and, where the CPU has it, AVX2's 32-byte vectors, so that the L1
 * and L2 rungs are not limited by the loop. */
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
__attribute__((no_sanitize("address", "undefined"), target("avx2"), noinline))
static void scale_pass_avx2(float *v, size_t n, float f)
{
    for (size_t i = 0; i < n; i++)
        v[i] *= f;
}
#define HAVE_AVX2_PASS 1
#endif

__attribute__((no_sanitize("address", "undefined"), noinline))
static void scale_pass_plain(float *v, size_t n, float f)
{
    for (size_t i = 0; i < n; i++)
        v[i] *= f;
}

typedef void (*scale_pass_fn)(float *, size_t, float);

static scale_pass_fn choose_pass(void)
{
#ifdef HAVE_AVX2_PASS
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2"))
        return scale_pass_avx2;
#endif
    return scale_pass_plain;
}

/* GB/s of read plus write over the first `bytes` of v: as many passes as
 * fill PROBE_MIN_SECONDS, after one untimed pass that brings a cache-sized
 * set into the cache (for sets past the reported LLC the untimed pass is
 * skipped: there is nothing to bring in, and it would double the probe's
 * time on its largest rungs). */
static double measure_rung(scale_pass_fn pass, float *v, size_t bytes, size_t reported_llc, float f)
{
    size_t n = bytes / sizeof(float);
    if (bytes <= reported_llc)
        pass(v, n, f);
    size_t passes = 0;
    double start = now_seconds(), elapsed;
    do {
        pass(v, n, f);
        passes++;
        elapsed = now_seconds() - start;
    } while (elapsed < PROBE_MIN_SECONDS);
    return 2.0 * (double)bytes * (double)passes / elapsed / 1e9;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median_of(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, compare_doubles);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* The rung just before the first one where the curve falls below threshold
 * and stays there for the next rung too (one slow rung is noise, not a cache
 * edge), searching rungs [from, to). 0 when it never falls. */
static size_t edge_below(const chanmul_cache_probe *p, int from, int to, double threshold)
{
    for (int i = from; i < to; i++)
        if (p->gbps[i] < threshold && (i + 1 >= to || p->gbps[i + 1] < threshold))
            return i > 0 ? p->bytes[i - 1] : 0;
    return 0;
}

/* A cache level's band is told from the next one only when the bandwidth
 * steps by more than this factor: below it the two are one plateau. */
static const double PROBE_MIN_STEP = 1.15;

void chanmul_cache_probe_derive(chanmul_cache_probe *p, size_t reported_l2)
{
    p->l2_bytes = p->llc_bytes = 0;
    p->cache_gbps = p->dram_gbps = 0;
    if (p->points < 4)
        return;
    if (!reported_l2)
        reported_l2 = (size_t)1 << 20;
    double band[CHANMUL_CACHE_PROBE_POINTS];
    int nb = 0;
    /* the L2 band: the rungs within the reported L2 (at least the first two) */
    for (int i = 0; i < p->points; i++)
        if (i < 2 || p->bytes[i] <= reported_l2)
            band[nb++] = p->gbps[i];
    double l2_band = p->cache_gbps = median_of(band, nb);
    /* DRAM: the slowest of the rungs in the ladder's top half (all beyond any
     * cache the ladder was sized for) */
    size_t top = p->bytes[p->points - 1];
    double dram = p->gbps[p->points - 1];
    for (int i = 0; i < p->points; i++)
        if (p->bytes[i] * 2 >= top && p->gbps[i] < dram)
            dram = p->gbps[i];
    p->dram_gbps = dram;
    /* the level after the L2: its best rung from 2x to 8x the reported L2 */
    int after_l2 = p->points;
    double level3 = 0;
    for (int i = p->points - 1; i >= 0; i--)
        if (p->bytes[i] >= 2 * reported_l2) {
            after_l2 = i;
            if (p->bytes[i] <= 8 * reported_l2 && p->gbps[i] > level3)
                level3 = p->gbps[i];
        }
    /* Each edge is where the curve crosses the geometric mean of the bands on
     * either side (halfway on the log scale bandwidth steps on). With a level
     * between the L2 and DRAM, the LLC's edge is searched from 2x the L2 on;
     * without one, the L2 is the last level and the LLC's edge is the L2's. */
    if (level3 > dram * PROBE_MIN_STEP) {
        p->llc_bytes = edge_below(p, after_l2, p->points, sqrt(level3 * dram));
        if (l2_band > level3 * PROBE_MIN_STEP)
            p->l2_bytes = edge_below(p, 0, after_l2 + 1, sqrt(l2_band * level3));
    } else if (l2_band > dram * PROBE_MIN_STEP) {
        p->llc_bytes = p->l2_bytes = edge_below(p, 0, p->points, sqrt(l2_band * dram));
    }
    if (p->llc_bytes * 2 >= top)
        p->llc_bytes = 0; /* no edge below the ladder's top half: too short a ladder to tell */
    if (p->l2_bytes > p->llc_bytes && p->llc_bytes)
        p->l2_bytes = 0;
}

int chanmul_cache_probe_measure(chanmul_cache_probe *p)
{
    memset(p, 0, sizeof *p);
    chanmul_cpu_signature_get(&p->cpu);
    size_t reported_llc = chanmul_llc_bytes(), reported_l2 = chanmul_cpuid_cache_bytes(2);
    size_t max_bytes = reported_llc * 4;
    if (max_bytes < (size_t)64 << 20)
        max_bytes = (size_t)64 << 20;
    if (max_bytes > PROBE_MAX_BYTES)
        max_bytes = PROBE_MAX_BYTES;
    /* the ladder: 2^k and 1.5 * 2^k bytes */
    for (size_t b = PROBE_MIN_BYTES; b <= max_bytes && p->points < CHANMUL_CACHE_PROBE_POINTS; b *= 2) {
        p->bytes[p->points++] = b;
        if (b + b / 2 <= max_bytes && p->points < CHANMUL_CACHE_PROBE_POINTS)
            p->bytes[p->points++] = b + b / 2;
    }
    float *v = aligned_alloc(64, max_bytes);
    if (!v)
        return CHANMUL_ENOMEM;
    for (size_t i = 0; i < max_bytes / sizeof(float); i++)
        v[i] = 1.0f; /* every page touched before timing; 1 * f stays finite */
    scale_pass_fn pass = choose_pass();
    /* f = 1 keeps the values (and their cost) the same on every pass; the
     * compiler cannot drop the passes: v escapes through pass's pointer */
    double start = now_seconds();
    for (int round = 0; round < PROBE_ROUNDS; round++)
        for (int i = 0; i < p->points; i++) {
            double gbps = measure_rung(pass, v, p->bytes[i], reported_llc, 1.0f);
            if (gbps > p->gbps[i])
                p->gbps[i] = gbps; /* the best of the rounds: interference only ever slows */
        }
    p->seconds = now_seconds() - start;
    free(v);
    chanmul_cache_probe_derive(p, reported_l2);
    return 0;
}
