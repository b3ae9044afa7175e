/* What the machine offers: ISA detection and its cap, thread defaults, cache size,
 * and the work-splitting helpers every threaded kernel shares. */
#include "chanmul_internal.h"

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

const char *chanmul_isa_cap_error(void)
{
    const char *cap = getenv("CHANMUL_MAX_ISA");
    chanmul_isa limit;
    if (!cap || !*cap || isa_cap_parse(cap, &limit) == 0)
        return NULL;
    return cap;
}

int chanmul_default_threads(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
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

size_t chanmul_llc_bytes(void)
{
    static size_t cached; /* benign race: every thread computes the same value */
    if (cached)
        return cached;
    long v = -1;
#ifdef _SC_LEVEL3_CACHE_SIZE
    v = sysconf(_SC_LEVEL3_CACHE_SIZE);
    if (v <= 0)
        v = sysconf(_SC_LEVEL2_CACHE_SIZE);
#endif
    cached = v > 0 ? (size_t)v : (size_t)32 << 20;
    return cached;
}

int chanmul_want_nontemporal(size_t bytes, int in_place)
{
    const char *env = getenv("CHANMUL_NONTEMPORAL"); /* "0" / "1" force it, for tests */
    if (env && (env[0] == '0' || env[0] == '1'))
        return env[0] == '1';
    /* Streaming stores pay off only when the output cannot stay cached anyway. */
    return !in_place && bytes > chanmul_llc_bytes();
}

static size_t gcd_size(size_t a, size_t b)
{
    while (b) {
        size_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

int chanmul_pattern_init(chanmul_pattern *pat, const float *s, size_t c, size_t lanes)
{
    pat->period = c >= lanes ? c : c / gcd_size(c, lanes) * lanes;
    pat->values = malloc((pat->period + CHANMUL_MAX_LANES) * sizeof(float));
    if (!pat->values)
        return CHANMUL_ENOMEM;
    for (size_t j = 0; j < pat->period + CHANMUL_MAX_LANES; j++)
        pat->values[j] = s[j % c];
    return CHANMUL_OK;
}

void chanmul_pattern_free(chanmul_pattern *pat)
{
    free(pat->values);
    pat->values = NULL;
}
