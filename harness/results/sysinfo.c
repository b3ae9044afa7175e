#include "sysinfo.h"

#include "build_info.h"
#include "chanmul.h"
#include "gbench_shim.h"

#include <hwloc.h>
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

static size_t cache_size(hwloc_topology_t topo, hwloc_obj_type_t type)
{
    hwloc_obj_t obj = hwloc_get_next_obj_by_type(topo, type, NULL);
    return obj && obj->attr ? (size_t)obj->attr->cache.size : 0;
}

static void append(char *buf, size_t len, const char *word)
{
    size_t used = strlen(buf);
    snprintf(buf + used, len - used, "%s%s", used ? " " : "", word);
}

static void collect_flags(char *buf, size_t len)
{
    buf[0] = '\0';
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("sse4.2")) append(buf, len, "sse4.2");
    if (__builtin_cpu_supports("avx")) append(buf, len, "avx");
    if (__builtin_cpu_supports("avx2")) append(buf, len, "avx2");
    if (__builtin_cpu_supports("fma")) append(buf, len, "fma");
    if (__builtin_cpu_supports("avx512f")) append(buf, len, "avx512f");
    if (__builtin_cpu_supports("avx512bw")) append(buf, len, "avx512bw");
    if (__builtin_cpu_supports("avx512vl")) append(buf, len, "avx512vl");
    if (__builtin_cpu_supports("avx512dq")) append(buf, len, "avx512dq");
#endif
    if (!buf[0])
        snprintf(buf, len, "none detected");
}

static void collect_omp_env(char *buf, size_t len)
{
    static const char *names[] = {"OMP_NUM_THREADS", "OMP_PROC_BIND", "OMP_PLACES",
                                  "OMP_WAIT_POLICY", "GOMP_SPINCOUNT", "OMP_DYNAMIC"};
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        const char *v = getenv(names[i]);
        if (v) {
            char item[96];
            snprintf(item, sizeof item, "%s=%s", names[i], v);
            append(buf, len, item);
        }
    }
    if (!buf[0])
        snprintf(buf, len, "none set (runtime defaults)");
}

void sysinfo_collect(sysinfo *info)
{
    memset(info, 0, sizeof *info);
    snprintf(info->cpu_model, sizeof info->cpu_model, "unknown");
    hwloc_topology_t topo;
    if (hwloc_topology_init(&topo) == 0) {
        if (hwloc_topology_load(topo) == 0) {
            hwloc_obj_t pkg = hwloc_get_obj_by_type(topo, HWLOC_OBJ_PACKAGE, 0);
            const char *model = pkg ? hwloc_obj_get_info_by_name(pkg, "CPUModel") : NULL;
            if (model)
                snprintf(info->cpu_model, sizeof info->cpu_model, "%s", model);
            info->l1d_bytes = cache_size(topo, HWLOC_OBJ_L1CACHE);
            info->l2_bytes = cache_size(topo, HWLOC_OBJ_L2CACHE);
            info->l3_bytes = cache_size(topo, HWLOC_OBJ_L3CACHE);
            info->cores = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_CORE);
        }
        hwloc_topology_destroy(topo);
    }
    if (info->cores <= 0)
        info->cores = chanmul_default_threads();
    if (!info->l3_bytes)
        info->l3_bytes = chanmul_llc_bytes();
    collect_flags(info->cpu_flags, sizeof info->cpu_flags);
#if defined(__clang__)
    snprintf(info->compiler, sizeof info->compiler, "clang %s", __clang_version__);
#elif defined(__GNUC__)
    snprintf(info->compiler, sizeof info->compiler, "gcc %s", __VERSION__);
#else
    snprintf(info->compiler, sizeof info->compiler, "unknown");
#endif
    snprintf(info->cflags, sizeof info->cflags, "%s", CHANMUL_C_FLAGS);
    snprintf(info->openmp, sizeof info->openmp, "%d", _OPENMP);
    collect_omp_env(info->omp_env, sizeof info->omp_env);
}

static void add_size(const char *key, size_t value)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%zu", value);
    gbs_add_context(key, buf);
}

void sysinfo_add_context(const sysinfo *info, int argc, char **argv)
{
    char command[2048] = "chanmul"; /* argv[0] is the subcommand (bench, sweep) */
    for (int i = 0; i < argc; i++)
        append(command, sizeof command, argv[i]);
    const char *cap = getenv("CHANMUL_MAX_ISA");
    gbs_add_context("chanmul_version", CHANMUL_VERSION);
    gbs_add_context("chanmul_git_revision", CHANMUL_GIT_REVISION);
    gbs_add_context("command", command);
    gbs_add_context("cpu_model", info->cpu_model);
    gbs_add_context("cpu_isa", chanmul_isa_name(chanmul_cpu_isa()));
    gbs_add_context("cpu_isa_cap", cap ? cap : "");
    gbs_add_context("cpu_flags", info->cpu_flags);
    char ran[64]; /* (the implementations were verified at every problem before the timing starts) */
    gbs_add_context("cpu_isa_ran", sysinfo_isa_ran(ran, sizeof ran));
    add_size("l1d_bytes", info->l1d_bytes);
    add_size("l2_bytes", info->l2_bytes);
    add_size("l3_bytes", info->l3_bytes);
    add_size("cores", (size_t)info->cores);
    /* the sizes the thresholds, the sweep's shapes and the report's regions
     * use, and what the cache probe measured (0: no probe, or no edge seen) */
    const chanmul_cache_probe *probe = chanmul_cache_probe_current();
    add_size("l2_measured_bytes", probe ? probe->l2_bytes : 0);
    add_size("llc_measured_bytes", probe ? probe->llc_bytes : 0);
    add_size("l2_usable_bytes", chanmul_l2_usable_bytes());
    add_size("llc_usable_bytes", chanmul_llc_usable_bytes());
    gbs_add_context("cache_sizes", chanmul_cache_sizes_status());
    gbs_add_context("compiler", info->compiler);
    gbs_add_context("cflags", info->cflags);
    gbs_add_context("openmp", info->openmp);
    gbs_add_context("omp_env", info->omp_env);
}

/* The first number after `key` in the file at path (a /proc or cgroup file),
 * times scale; 0 when absent; SIZE_MAX for "max". */
static size_t read_number(const char *path, const char *key, size_t scale)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    char line[256];
    size_t value = 0;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, key, strlen(key)) != 0)
            continue;
        const char *v = line + strlen(key);
        while (*v == ' ' || *v == '\t' || *v == ':')
            v++;
        if (strncmp(v, "max", 3) == 0)
            value = SIZE_MAX;
        else
            value = (size_t)strtoull(v, NULL, 10) * scale;
        break;
    }
    fclose(f);
    return value;
}

/* Lowers *best to v, naming why, when v is smaller. */
static void lower(size_t *best, size_t v, const char *why, char *source, size_t len)
{
    if (v < *best) {
        *best = v;
        snprintf(source, len, "%s", why);
    }
}

size_t sysinfo_memory_available(char *source, size_t len)
{
    size_t best = SIZE_MAX;
    snprintf(source, len, "no limit known");
    size_t avail = read_number("/proc/meminfo", "MemAvailable", 1024);
    if (avail)
        lower(&best, avail, "MemAvailable in /proc/meminfo", source, len);
    size_t cg_max = read_number("/sys/fs/cgroup/memory.max", "", 1);
    size_t cg_cur = read_number("/sys/fs/cgroup/memory.current", "", 1);
    if (cg_max && cg_max != SIZE_MAX)
        lower(&best, cg_max > cg_cur ? cg_max - cg_cur : 0, "the cgroup's memory.max", source, len);
    long page = sysconf(_SC_PAGESIZE);
    size_t held = page > 0 ? read_number("/proc/self/statm", "", (size_t)page) : 0;
    struct rlimit rl;
    if (getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
        lower(&best, rl.rlim_cur > held ? (size_t)rl.rlim_cur - held : 0, "RLIMIT_AS (ulimit -v)", source, len);
    if (getrlimit(RLIMIT_DATA, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
        lower(&best, rl.rlim_cur > held ? (size_t)rl.rlim_cur - held : 0, "RLIMIT_DATA (ulimit -d)", source, len);
    return best;
}

const char *sysinfo_isa_ran(char *buf, size_t len)
{
    unsigned ran = chanmul_isa_ran();
    size_t used = 0;
    buf[0] = '\0';
    for (int isa = CHANMUL_ISA_SCALAR; isa <= CHANMUL_ISA_AVX512; isa++)
        if (ran & (1u << isa) && used < len) {
            int n = snprintf(buf + used, len - used, "%s%s", used ? ", " : "", chanmul_isa_name((chanmul_isa)isa));
            used += n > 0 ? (size_t)n : 0;
        }
    if (!ran)
        snprintf(buf, len, "none");
    return buf;
}
