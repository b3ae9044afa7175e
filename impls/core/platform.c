/* What the machine offers: ISA detection and its cap, thread defaults, cache size,
 * and the work-splitting helpers every threaded kernel shares. */
#include "chanmul_internal.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

const char *chanmul_isa_name(chanmul_isa isa)
{
    switch (isa) {
    case CHANMUL_ISA_SCALAR: return "scalar";
    case CHANMUL_ISA_AVX2: return "avx2";
    case CHANMUL_ISA_AVX512: return "avx512";
    }
    return "unknown";
}

chanmul_isa chanmul_cpu_isa_uncapped(void)
{
#if defined(__x86_64__) || defined(__i386__)
    /* __builtin_cpu_supports also checks that the OS saves the wide registers. */
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f"))
        return CHANMUL_ISA_AVX512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        return CHANMUL_ISA_AVX2;
#endif
    return CHANMUL_ISA_SCALAR;
}

/* Parses a CHANMUL_MAX_ISA value: 0 and *isa, or -1 for an unknown name. */
static int isa_cap_parse(const char *cap, chanmul_isa *isa)
{
    if (strcasecmp(cap, "scalar") == 0)
        *isa = CHANMUL_ISA_SCALAR;
    else if (strcasecmp(cap, "avx2") == 0)
        *isa = CHANMUL_ISA_AVX2;
    else if (strcasecmp(cap, "avx512") == 0)
        *isa = CHANMUL_ISA_AVX512;
    else
        return -1;
    return 0;
}

/* CHANMUL_MAX_ISA is read on every call (cheap) so tests can change it at run time. */
chanmul_isa chanmul_cpu_isa(void)
{
    chanmul_isa best = chanmul_cpu_isa_uncapped();
    const char *cap = getenv("CHANMUL_MAX_ISA");
    chanmul_isa limit;
    if (!cap || !*cap || isa_cap_parse(cap, &limit) != 0)
        return best; /* unknown values are ignored; chanmul_isa_cap_error() names them */
    return limit < best ? limit : best;
}

/* The ISA the kernels use: chanmul_cpu_isa() at their first call, then kept.
 * Reading the environment costs more than a small problem's whole kernel.
 * The values read once in this file are relaxed atomics: user threads may
 * make their first calls at the same time, and though each computes the same
 * value, a plain variable written by one and read by another is a data race
 * (undefined behaviour; ThreadSanitizer reports it). A relaxed load is a
 * plain load on x86. */
chanmul_isa chanmul_kernel_isa(void)
{
    static _Atomic int cached = -1; /* -1 until read */
    int isa = atomic_load_explicit(&cached, memory_order_relaxed);
    if (isa < 0) {
        isa = (int)chanmul_cpu_isa();
        atomic_store_explicit(&cached, isa, memory_order_relaxed);
    }
    return (chanmul_isa)isa;
}

static atomic_uint isa_ran_mask;

void chanmul_isa_note(chanmul_isa isa)
{
    unsigned bit = 1u << (unsigned)isa;
    /* a load in the steady state: the read-modify-write only the first time */
    if (!(atomic_load_explicit(&isa_ran_mask, memory_order_relaxed) & bit))
        atomic_fetch_or_explicit(&isa_ran_mask, bit, memory_order_relaxed);
}

unsigned chanmul_isa_ran(void)
{
    return atomic_load_explicit(&isa_ran_mask, memory_order_relaxed);
}

void chanmul_isa_ran_clear(void)
{
    atomic_store_explicit(&isa_ran_mask, 0u, memory_order_relaxed);
}

const char *chanmul_isa_cap_error(void)
{
    const char *cap = getenv("CHANMUL_MAX_ISA");
    chanmul_isa limit;
    if (!cap || !*cap || isa_cap_parse(cap, &limit) == 0)
        return NULL;
    return cap;
}

/* Read once: glibc's sysconf(_SC_NPROCESSORS_ONLN) opens and reads
 * /sys/devices/system/cpu/online, about 3 us, which every call with threads 0
 * (the default) paid: 3270 ns against 78 ns at 1 thread for stream on
 * 1x14x14x1 (the Intel Xeon VM). OpenMP reads its default once, too. */
int chanmul_default_threads(void)
{
    static _Atomic int cached; /* 0 until read; every thread computes the same value */
    int n = atomic_load_explicit(&cached, memory_order_relaxed);
    if (!n) {
        long online = sysconf(_SC_NPROCESSORS_ONLN);
        n = online > 0 ? (int)online : 1;
        atomic_store_explicit(&cached, n, memory_order_relaxed);
    }
    return n;
}

int chanmul_resolve_threads(int threads)
{
    return threads > 0 ? threads : chanmul_default_threads();
}

void chanmul_split_range(size_t total, size_t grain, int parts, int index, size_t *begin,
                         size_t *end)
{
    size_t units = (total + grain - 1) / grain; /* last unit may be short */
    size_t base = units / (size_t)parts, extra = units % (size_t)parts;
    size_t i = (size_t)index;
    size_t first = i * base + (i < extra ? i : extra);
    size_t count = base + (i < extra ? 1 : 0);
    size_t b = first * grain, e = (first + count) * grain;
    *begin = b < total ? b : total;
    *end = e < total ? e : total;
}

/* The data or unified cache of CPUID's deterministic cache leaves (leaf 4 on
 * Intel, 0x8000001D on AMD with topology extensions) at `level` (1, 2, 3), or
 * the largest one (level 0), in bytes per instance; 0 when the CPU does not
 * describe its caches that way. These are what the kernel's sysfs cache files
 * (and so hwloc and lscpu) report. glibc's sysconf(_SC_LEVEL3_CACHE_SIZE)
 * reads an older AMD leaf instead, which under some hypervisors says 384 MiB
 * for a 32 MiB L3: trusting it would keep streaming stores off for outputs ten
 * times the real cache. */
size_t chanmul_cpuid_cache_bytes(unsigned level)
{
#if defined(__x86_64__) || defined(__i386__)
    unsigned a, b, c, d, leaf = 0;
    if (__get_cpuid(0, &a, &b, &c, &d) && a >= 4 && b == 0x756e6547 /* "Genu"ineIntel */)
        leaf = 4;
    else if (__get_cpuid(0x80000000, &a, &b, &c, &d) && a >= 0x8000001D &&
             __get_cpuid(0x80000001, &a, &b, &c, &d) && (c & (1u << 22)) /* TopologyExtensions */)
        leaf = 0x8000001D;
    if (!leaf)
        return 0;
    size_t best = 0;
    unsigned best_level = 0;
    for (unsigned sub = 0; sub < 16; sub++) {
        __cpuid_count(leaf, sub, a, b, c, d);
        unsigned type = a & 31, at = (a >> 5) & 7;
        if (type == 0)
            break; /* no more caches */
        if (type == 2)
            continue; /* instruction cache */
        size_t bytes = (size_t)((b >> 22) + 1) * (((b >> 12) & 1023) + 1) * ((b & 4095) + 1) * ((size_t)c + 1);
        if (level ? at == level : (at > best_level || (at == best_level && bytes > best))) {
            best = bytes;
            best_level = at;
        }
    }
    return best;
#else
    (void)level;
    return 0;
#endif
}

size_t chanmul_llc_bytes(void)
{
    static _Atomic size_t cached; /* 0 until read; a relaxed atomic (see chanmul_kernel_isa) */
    size_t known = atomic_load_explicit(&cached, memory_order_relaxed);
    if (known)
        return known;
    size_t bytes = chanmul_cpuid_cache_bytes(0);
#ifdef _SC_LEVEL3_CACHE_SIZE
    if (!bytes) {
        long v = sysconf(_SC_LEVEL3_CACHE_SIZE);
        if (v <= 0)
            v = sysconf(_SC_LEVEL2_CACHE_SIZE);
        bytes = v > 0 ? (size_t)v : 0;
    }
#endif
    known = bytes ? bytes : (size_t)32 << 20;
    atomic_store_explicit(&cached, known, memory_order_relaxed);
    return known;
}

/* CHANMUL_NONTEMPORAL, read once: -1 unset (decide by size), 0 or 1 forced.
 * Read once because getenv walks the whole environment, which would cost more
 * than the kernel itself on the smallest problems. */
static int nontemporal_forced(void)
{
    static _Atomic int cached = -2; /* -2 until read; a relaxed atomic (see chanmul_kernel_isa) */
    int forced = atomic_load_explicit(&cached, memory_order_relaxed);
    if (forced == -2) {
        const char *env = getenv("CHANMUL_NONTEMPORAL");
        forced = env && (env[0] == '0' || env[0] == '1') && env[1] == '\0' ? env[0] - '0' : -1;
        atomic_store_explicit(&cached, forced, memory_order_relaxed);
    }
    return forced;
}

int chanmul_want_nontemporal(size_t bytes, int in_place, const chanmul_tunables *tun)
{
    int forced = nontemporal_forced(); /* tests force it both ways */
    if (forced >= 0)
        return forced;
    if (in_place)
        return 0;
    if (tun && tun->nontemporal_min_bytes) /* what the tuner measured on this CPU */
        return bytes > tun->nontemporal_min_bytes;
    /* Streaming stores pay off when the call's working set (x and y, each of
     * the output's size) cannot stay cached anyway. The LLC is the last rung
     * the cache probe saw at cache speed (the next is already at DRAM's), so
     * a working set of that size is past it. On the Xeon VM (probe: 16 MiB)
     * they won from 8 MiB of output at 1 and 2 threads (1.16x memcpy against
     * 0.81x without; chanmul bench --impl stream, CHANMUL_NONTEMPORAL=0/1). */
    return bytes >= chanmul_llc_usable_bytes() / 2;
}

/* gcd(a, b) for a > 0 and b a power of two (the vector widths): the largest
 * power of two dividing both. No division: this runs on every call (and
 * dividing by it is a shift: a 64-bit div was a sixth of a prepared call on
 * 1x14x14x1). */
static size_t pow2_gcd(size_t a, size_t b)
{
    size_t low = a & (~a + 1); /* a's lowest set bit */
    return low < b ? low : b;
}

void chanmul_build_pattern_portable(float *v, size_t floats, const float *s, size_t c,
                                    size_t repeat)
{
    size_t base = c * repeat;
    if (base == 1) {
        for (size_t j = 0; j < floats; j++) /* a plain fill, vectorised */
            v[j] = s[0];
        return;
    }
    /* One base period (each scale `repeat` times), then each float copied from
     * one period back: no division per element. */
    size_t have = 0;
    for (size_t j = 0; j < c && have < floats; j++)
        for (size_t r = 0; r < repeat && have < floats; r++)
            v[have++] = s[j];
    for (size_t j = have; j < floats; j++)
        v[j] = v[j - base];
}

/* The pattern's period for a scale sequence of c * repeat floats. */
static size_t pattern_period(size_t c, size_t repeat)
{
    size_t base = c * repeat; /* one period of the scale sequence */
    /* lcm(base, 64 bytes of floats) keeps every pattern load at a 64-byte
     * multiple from its start, so with an aligned x and pattern no load splits
     * a cache line; past CHANMUL_PATTERN_MAX_FLOATS (it would no longer sit in L1
     * beside the streams) the period falls back to the base sequence (then
     * over 256 floats, so still at least one vector of every width). */
    size_t period = (base >> __builtin_ctzll(pow2_gcd(base, CHANMUL_MAX_LANES))) * CHANMUL_MAX_LANES;
    return period <= CHANMUL_PATTERN_MAX_FLOATS ? period : base;
}

/* Floats for a pattern of this period: the slack, and builders may write up
 * to one vector past that. */
static size_t storage_for(size_t period)
{
    return period + CHANMUL_PATTERN_SLACK + CHANMUL_MAX_LANES;
}

size_t chanmul_pattern_storage(size_t c, size_t repeat)
{
    return storage_for(pattern_period(c, repeat));
}

int chanmul_pattern_init(chanmul_pattern *pat, const chanmul_range_kernels *k, const float *s,
                         size_t c, size_t repeat, float *local, size_t local_floats)
{
    size_t period = pattern_period(c, repeat);
    size_t floats = period + CHANMUL_PATTERN_SLACK;
    size_t storage = storage_for(period);
    pat->period = period;
    pat->heap = NULL;
    if (storage <= local_floats) {
        pat->values = local;
    } else {
        /* 64-byte aligned, a whole number of lines (aligned_alloc's contract) */
        size_t bytes = (storage * sizeof(float) + 63) & ~(size_t)63;
        pat->heap = pat->values = aligned_alloc(64, bytes);
        if (!pat->values)
            return CHANMUL_ENOMEM;
    }
    k->build_pattern(pat->values, floats, s, c, repeat);
    return CHANMUL_OK;
}

void chanmul_pattern_free(chanmul_pattern *pat)
{
    free(pat->heap);
    pat->heap = pat->values = NULL;
}
