/* The L2 and LLC sizes the library uses, and the cache probe file they can
 * come from: its path, format and parser (chanmul.h, "cache sizes,
 * measured"). The library never probes by itself (a second of measuring
 * inside a user's first call would be a surprise): the harness measures
 * (`chanmul probe`, or bench, sweep and tune at their first run on a CPU),
 * writes the file, and every later process reads it once. */
#include "chanmul_internal.h"
#include "json_fields.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- the file ----------------------------------------------------------------------- */

const char *chanmul_cache_probe_path(char *buf, size_t len)
{
    const char *env = getenv("CHANMUL_CACHE_PROBE"), *xdg = getenv("XDG_CACHE_HOME"),
               *home = getenv("HOME");
    if (env)
        snprintf(buf, len, "%s", env);
    else if (xdg && *xdg)
        snprintf(buf, len, "%s/chanmul/caches.json", xdg);
    else if (home && *home)
        snprintf(buf, len, "%s/.cache/chanmul/caches.json", home);
    else
        return NULL;
    return *buf ? buf : NULL;
}

char *chanmul_cache_probe_format(const chanmul_cache_probe *p)
{
    cJSON *root = cJSON_CreateObject(), *cpu = NULL, *measured = NULL, *curve = NULL;
    if (!root)
        return NULL;
    int ok = cJSON_AddNumberToObject(root, "chanmul_cache_probe", CHANMUL_CACHE_PROBE_FORMAT) &&
             cJSON_AddStringToObject(root, "generated_by",
                                     "chanmul probe (bench, sweep and tune run it when no probe file "
                                     "for this CPU exists): rerun `chanmul probe` to measure again") &&
             cJSON_AddStringToObject(root, "when", p->when) &&
             cJSON_AddNumberToObject(root, "seconds", p->seconds) &&
             cJSON_AddStringToObject(root, "rule",
                                     "one core, v[i] *= f in place over each working set, the best of 3 "
                                     "interleaved rounds; an edge is the rung before the curve stays below "
                                     "the geometric mean of the bandwidths on either side") &&
             (cpu = cJSON_AddObjectToObject(root, "cpu")) && chanmul_json_add_cpu(cpu, &p->cpu) &&
             (measured = cJSON_AddObjectToObject(root, "measured")) &&
             cJSON_AddNumberToObject(measured, "l2_bytes", (double)p->l2_bytes) &&
             cJSON_AddNumberToObject(measured, "llc_bytes", (double)p->llc_bytes) &&
             cJSON_AddNumberToObject(measured, "cache_gbps", p->cache_gbps) &&
             cJSON_AddNumberToObject(measured, "dram_gbps", p->dram_gbps) &&
             (curve = cJSON_AddArrayToObject(root, "curve"));
    for (int i = 0; ok && i < p->points; i++) {
        cJSON *point = cJSON_CreateObject();
        if (!point || !cJSON_AddItemToArray(curve, point)) {
            cJSON_Delete(point); /* not in the tree: root's deletion would miss it */
            ok = 0;
        } else {
            ok = cJSON_AddNumberToObject(point, "bytes", (double)p->bytes[i]) &&
                 cJSON_AddNumberToObject(point, "gbps", p->gbps[i]);
        }
    }
    char *text = ok ? cJSON_Print(root) : NULL;
    cJSON_Delete(root);
    return text;
}

int chanmul_cache_probe_parse(const char *text, size_t len, const char *path, chanmul_cache_probe *p,
                              char *err, size_t errlen)
{
    memset(p, 0, sizeof *p);
    cJSON *root = chanmul_json_parse(text, len, path, err, errlen);
    if (!root)
        return CHANMUL_ESELECTION;
    const char *bad = NULL;
    size_t format = 0, v;
    const cJSON *cpu = chanmul_json_member(root, "cpu", cJSON_Object);
    const cJSON *measured = chanmul_json_member(root, "measured", cJSON_Object);
    const cJSON *curve = chanmul_json_member(root, "curve", cJSON_Array), *point;
    if (!cJSON_IsObject(root) || chanmul_json_get_count(root, "chanmul_cache_probe", 1e9, &format))
        bad = "chanmul_cache_probe (the format version)";
    else if (format != CHANMUL_CACHE_PROBE_FORMAT)
        bad = "chanmul_cache_probe: a format version this build does not read";
    else if (!cpu)
        bad = "cpu";
    else if (chanmul_json_parse_cpu(cpu, &p->cpu, &bad) != 0)
        ; /* bad names the field */
    else if (!measured || chanmul_json_get_count(measured, "l2_bytes", 1e15, &p->l2_bytes))
        bad = "measured.l2_bytes";
    else if (chanmul_json_get_count(measured, "llc_bytes", 1e15, &p->llc_bytes))
        bad = "measured.llc_bytes";
    else if (chanmul_json_get_real(measured, "cache_gbps", &p->cache_gbps) || p->cache_gbps < 0)
        bad = "measured.cache_gbps";
    else if (chanmul_json_get_real(measured, "dram_gbps", &p->dram_gbps) || p->dram_gbps < 0)
        bad = "measured.dram_gbps";
    else if (!curve || cJSON_GetArraySize(curve) > CHANMUL_CACHE_PROBE_POINTS)
        bad = "curve (an array of at most CHANMUL_CACHE_PROBE_POINTS points)";
    if (!bad)
        cJSON_ArrayForEach(point, curve)
        {
            size_t i = (size_t)p->points;
            if (!cJSON_IsObject(point) || chanmul_json_get_count(point, "bytes", 1e15, &v) || v == 0 ||
                (i > 0 && v <= p->bytes[i - 1]) ||
                chanmul_json_get_real(point, "gbps", &p->gbps[i]) || !(p->gbps[i] > 0)) {
                bad = "curve (each point: increasing bytes, positive gbps)";
                break;
            }
            p->bytes[p->points++] = v;
        }
    if (!bad) {
        chanmul_json_get_string(root, "when", p->when, sizeof p->when);
        chanmul_json_get_real(root, "seconds", &p->seconds);
    }
    cJSON_Delete(root);
    if (bad) {
        snprintf(err, errlen, "%s: not a cache probe file: '%s' is missing or malformed", path, bad);
        memset(p, 0, sizeof *p);
        return CHANMUL_ESELECTION;
    }
    return 0;
}

/* 0 when the probe was made on this CPU (the ISA cap is not the CPU's: it is
 * left out), else 1 and the first difference. */
static int probe_cpu_differs(const chanmul_cache_probe *p, char *why, size_t len)
{
    chanmul_cpu_signature here, file = p->cpu;
    chanmul_cpu_signature_get(&here);
    file.isa[0] = here.isa[0] = '\0';
    return chanmul_cpu_signature_diff(&file, &here, why, len);
}

/* ---- the sizes in use --------------------------------------------------------------- */

static struct {
    pthread_once_t once;
    int have_probe;
    chanmul_cache_probe probe;
    size_t l2, llc;
    char probe_note[1400]; /* why there is or is not a probe */
    char status[1700];
} state = {PTHREAD_ONCE_INIT};

/* A size in bytes, or with K, M or G (KiB, MiB, GiB): 0 when text is not one. */
static size_t parse_size(const char *text)
{
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno || end == text || *text == '-' || *text == '+')
        return 0;
    unsigned shift = 0;
    if (*end == 'K' || *end == 'k')
        shift = 10;
    else if (*end == 'M' || *end == 'm')
        shift = 20;
    else if (*end == 'G' || *end == 'g')
        shift = 30;
    if (shift)
        end++;
    if (*end || v == 0 || v > (1ull << 40) >> shift)
        return 0;
    return (size_t)(v << shift);
}

/* A size from the environment variable name: 0 when unset; ignored (with a
 * note in the status, and once on stderr) when it is not a size. */
static size_t env_size(const char *name, char *note, size_t len)
{
    const char *text = getenv(name);
    if (!text)
        return 0;
    size_t v = parse_size(text);
    if (!v) {
        snprintf(note, len, "; %s='%s' is not a size (bytes, or with K, M, G): ignored", name, text);
        fprintf(stderr, "chanmul: %s='%s' is not a size (bytes, or with K, M, G): ignored\n", name, text);
    }
    return v;
}

static void settle_sizes(void)
{
    char env_note[300] = "";
    size_t len = sizeof env_note, used;
    size_t llc_env = env_size("CHANMUL_LLC_BYTES", env_note, len);
    used = strlen(env_note);
    size_t l2_env = env_size("CHANMUL_L2_BYTES", env_note + used, len - used);
    size_t cpuid_llc = chanmul_llc_bytes(), cpuid_l2 = chanmul_cpuid_cache_bytes(2);
    if (cpuid_llc > CHANMUL_LLC_USABLE_MAX)
        cpuid_llc = CHANMUL_LLC_USABLE_MAX;
    if (!cpuid_l2)
        cpuid_l2 = (size_t)1 << 20;
    const chanmul_cache_probe *p = state.have_probe ? &state.probe : NULL;
    size_t probe_llc = p && p->llc_bytes ? (p->llc_bytes < CHANMUL_LLC_USABLE_MAX ? p->llc_bytes
                                                                                   : CHANMUL_LLC_USABLE_MAX)
                                         : 0;
    size_t probe_l2 = p ? p->l2_bytes : 0;
    state.llc = llc_env ? llc_env : probe_llc ? probe_llc : cpuid_llc;
    state.l2 = l2_env ? l2_env : probe_l2 ? probe_l2 : cpuid_l2;
    const char *llc_from = llc_env ? "CHANMUL_LLC_BYTES" : probe_llc ? "measured" : "CPUID";
    const char *l2_from = l2_env ? "CHANMUL_L2_BYTES" : probe_l2 ? "measured" : "CPUID";
    snprintf(state.status, sizeof state.status, "L2 %zu KiB (%s), LLC %zu KiB (%s%s); %s%s", state.l2 >> 10,
             l2_from, state.llc >> 10, llc_from,
             !llc_env && !probe_llc && chanmul_llc_bytes() > CHANMUL_LLC_USABLE_MAX ? ", capped" : "",
             state.probe_note, env_note);
}

static void load_once(void)
{
    char buf[1024], err[1024];
    const char *path = chanmul_cache_probe_path(buf, sizeof buf);
    struct stat st;
    size_t len = 0;
    char *text = NULL;
    if (!path)
        snprintf(state.probe_note, sizeof state.probe_note, "no probe file (%s)",
                 getenv("CHANMUL_CACHE_PROBE") ? "CHANMUL_CACHE_PROBE is empty"
                                               : "neither CHANMUL_CACHE_PROBE nor HOME is set");
    else if (stat(path, &st) != 0)
        snprintf(state.probe_note, sizeof state.probe_note, "no probe file at %s (`chanmul probe` makes it)",
                 path);
    else if (!(text = chanmul_read_text_file(path, &len, err, sizeof err)))
        snprintf(state.probe_note, sizeof state.probe_note, "probe file unreadable: %s", err);
    else if (chanmul_cache_probe_parse(text, len, path, &state.probe, err, sizeof err) != 0)
        snprintf(state.probe_note, sizeof state.probe_note, "probe file refused: %s", err);
    else if (probe_cpu_differs(&state.probe, err, sizeof err))
        snprintf(state.probe_note, sizeof state.probe_note, "probe file %s refused: made on another CPU: %s",
                 path, err);
    else {
        state.have_probe = 1;
        snprintf(state.probe_note, sizeof state.probe_note, "probe file %s (measured %s)", path,
                 state.probe.when[0] ? state.probe.when : "at an unrecorded time");
    }
    free(text);
    settle_sizes();
}

const chanmul_cache_probe *chanmul_cache_probe_current(void)
{
    pthread_once(&state.once, load_once);
    return state.have_probe ? &state.probe : NULL;
}

void chanmul_cache_probe_adopt(const chanmul_cache_probe *p)
{
    pthread_once(&state.once, load_once); /* so that a later first use cannot overwrite it */
    state.probe = *p;
    state.have_probe = 1;
    snprintf(state.probe_note, sizeof state.probe_note, "measured in this process (%s)",
             p->when[0] ? p->when : "now");
    settle_sizes();
}

const char *chanmul_cache_sizes_status(void)
{
    pthread_once(&state.once, load_once);
    return state.status;
}

size_t chanmul_llc_usable_bytes(void)
{
    pthread_once(&state.once, load_once);
    return state.llc;
}

size_t chanmul_l2_usable_bytes(void)
{
    pthread_once(&state.once, load_once);
    return state.l2;
}
