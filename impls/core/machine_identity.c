/* What a selection file is bound to: the CPU's signature (CPUID and the OS)
 * and the library's own build (version, git revision, compiler, flags). */
#include "build_info.h"
#include "chanmul_internal.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif
#include <stdio.h>
#include <string.h>

/* The ISA features the kernels dispatch on (and the peers use), in this order. */
static const char *const dispatch_features[] = {"sse4.2", "avx", "avx2", "fma", "avx512f",
                                                "avx512bw", "avx512vl"};

static void cpu_flags(char *out, size_t len)
{
    out[0] = '\0';
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    size_t used = 0;
    for (size_t i = 0; i < sizeof dispatch_features / sizeof dispatch_features[0]; i++) {
        int have = 0;
        /* __builtin_cpu_supports needs a literal: one test per name */
        switch (i) {
        case 0: have = __builtin_cpu_supports("sse4.2"); break;
        case 1: have = __builtin_cpu_supports("avx"); break;
        case 2: have = __builtin_cpu_supports("avx2"); break;
        case 3: have = __builtin_cpu_supports("fma"); break;
        case 4: have = __builtin_cpu_supports("avx512f"); break;
        case 5: have = __builtin_cpu_supports("avx512bw"); break;
        case 6: have = __builtin_cpu_supports("avx512vl"); break;
        }
        if (have && used + strlen(dispatch_features[i]) + 2 < len)
            used += (size_t)snprintf(out + used, len - used, "%s%s", used ? " " : "",
                                     dispatch_features[i]);
    }
#else
    (void)len;
#endif
}

void chanmul_cpu_signature_get(chanmul_cpu_signature *sig)
{
    memset(sig, 0, sizeof *sig);
    snprintf(sig->vendor, sizeof sig->vendor, "unknown");
#if defined(__x86_64__) || defined(__i386__)
    unsigned a, b, c, d;
    if (__get_cpuid(0, &a, &b, &c, &d)) {
        memcpy(sig->vendor, &b, 4);
        memcpy(sig->vendor + 4, &d, 4);
        memcpy(sig->vendor + 8, &c, 4);
        sig->vendor[12] = '\0';
    }
    if (__get_cpuid(1, &a, &b, &c, &d)) {
        unsigned base_family = (a >> 8) & 15, base_model = (a >> 4) & 15;
        sig->family = (int)(base_family == 15 ? base_family + ((a >> 20) & 255) : base_family);
        sig->model = (int)(base_family == 6 || base_family == 15 ? base_model | (((a >> 16) & 15) << 4)
                                                                : base_model);
    }
#endif
    cpu_flags(sig->flags, sizeof sig->flags);
    snprintf(sig->isa, sizeof sig->isa, "%s", chanmul_isa_name(chanmul_kernel_isa()));
    sig->l1d_bytes = chanmul_cpuid_cache_bytes(1);
    sig->l2_bytes = chanmul_cpuid_cache_bytes(2);
    sig->llc_bytes = chanmul_llc_bytes();
    sig->cores = chanmul_default_threads();
}

int chanmul_cpu_signature_diff(const chanmul_cpu_signature *file, const chanmul_cpu_signature *here,
                               char *why, size_t len)
{
#define DIFF_STR(field)                                                                    \
    if (strcmp(file->field, here->field) != 0) {                                           \
        snprintf(why, len, #field ": file '%s', this CPU '%s'", file->field, here->field);  \
        return 1;                                                                          \
    }
#define DIFF_NUM(field)                                                                    \
    if ((unsigned long long)file->field != (unsigned long long)here->field) {              \
        snprintf(why, len, #field ": file %llu, this CPU %llu",                             \
                 (unsigned long long)file->field, (unsigned long long)here->field);         \
        return 1;                                                                          \
    }
    DIFF_STR(vendor)
    DIFF_NUM(family)
    DIFF_NUM(model)
    DIFF_STR(flags)
    DIFF_STR(isa)
    DIFF_NUM(l1d_bytes)
    DIFF_NUM(l2_bytes)
    DIFF_NUM(llc_bytes)
    DIFF_NUM(cores)
#undef DIFF_STR
#undef DIFF_NUM
    if (len)
        why[0] = '\0';
    return 0;
}

#if defined(__clang__)
#define CHANMUL_COMPILER "clang " __clang_version__
#elif defined(__GNUC__)
#define CHANMUL_COMPILER "gcc " __VERSION__
#else
#define CHANMUL_COMPILER "unknown"
#endif

const chanmul_build_identity *chanmul_build_identity_get(void)
{
    static const chanmul_build_identity id = {CHANMUL_VERSION, CHANMUL_GIT_REVISION, CHANMUL_COMPILER,
                                              CHANMUL_C_FLAGS};
    return &id;
}
