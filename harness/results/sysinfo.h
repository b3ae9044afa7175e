/* The machine and build facts every results file carries (as Google Benchmark
 * custom context), so a result can be reproduced and compared. */
#ifndef CHANMUL_SYSINFO_H
#define CHANMUL_SYSINFO_H

#include <stddef.h>

typedef struct sysinfo {
    char cpu_model[128];
    char cpu_flags[256];    /* the ISA features chanmul cares about, space-separated */
    size_t l1d_bytes, l2_bytes, l3_bytes; /* per instance, from hwloc */
    int cores;
    char compiler[128];
    char cflags[512];
    char openmp[32];        /* _OPENMP version macro */
    char omp_env[256];      /* OMP_* / GOMP_* settings in the environment */
} sysinfo;

/* Fills *info from hwloc and the compiler's CPU builtins. Never fails: unknown
 * facts are left as "unknown" / 0. */
void sysinfo_collect(sysinfo *info);

/* Adds every fact to the benchmark context (and the command line that ran). */
void sysinfo_add_context(const sysinfo *info, int argc, char **argv);

/* The vector paths the kernels have run (chanmul_isa_ran), as "avx2" or
 * "scalar, avx512", or "none" when no dispatching kernel ran; into buf. */
const char *sysinfo_isa_ran(char *buf, size_t len);

/* The memory this process may still allocate: the least of MemAvailable
 * (/proc/meminfo), the cgroup's memory.max less its memory.current, and
 * RLIMIT_AS / RLIMIT_DATA less what the process already holds; SIZE_MAX when
 * none is known. *source (len bytes) names the one that set it. */
size_t sysinfo_memory_available(char *source, size_t len);

#endif
