/* `chanmul probe`: measures the effective cache sizes and writes the probe
 * file the library reads; and the first-run probe bench, sweep and tune make
 * when no probe file for this CPU exists (chanmul.h, "cache sizes, measured").
 * Its command line is read by probe_args.c. */
#include "cli.h"
#include "files.h"
#include "paths.h"
#include "verb_args.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void utc_now(char *buf, size_t len)
{
    time_t t = time(NULL);
    struct tm tm;
    if (!gmtime_r(&t, &tm) || !strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm))
        snprintf(buf, len, "unknown");
}

/* "16 MiB", "1.5 MiB", "768 KiB": a ladder rung as a person reads it. */
static const char *size_text(size_t bytes, char *buf, size_t len)
{
    if (bytes >= (size_t)1 << 20)
        snprintf(buf, len, "%g MiB", (double)bytes / (1 << 20));
    else
        snprintf(buf, len, "%g KiB", (double)bytes / (1 << 10));
    return buf;
}

/* Measures, adopts the sizes for this process, and writes the probe file
 * (atomically; the folder made when missing). 0, or -1 with the reason on
 * stderr: out of memory, or a file that cannot be written (the sizes are
 * still adopted: this run uses them, the next measures again). */
static int measure_and_save(const char *verb, chanmul_cache_probe *p)
{
    if (chanmul_cache_probe_measure(p) != 0) {
        fprintf(stderr, "chanmul %s: the cache probe is out of memory\n", verb);
        return -1;
    }
    utc_now(p->when, sizeof p->when);
    chanmul_cache_probe_adopt(p);
    char buf[1024], dir[1024];
    const char *path = chanmul_cache_probe_path(buf, sizeof buf);
    if (!path)
        return 0; /* no probe file wanted (CHANMUL_CACHE_PROBE empty) or no HOME */
    char *text = chanmul_cache_probe_format(p);
    path_parent_dir(path, dir, sizeof dir);
    if (!text || path_mkdirs(dir) != 0 || file_write_atomic(path, text, strlen(text)) != 0) {
        fprintf(stderr, "chanmul %s: cannot write the cache probe file '%s': %s\n", verb, path,
                text ? strerror(errno) : "out of memory");
        free(text);
        return -1;
    }
    free(text);
    return 0;
}

int cli_ensure_cache_probe(const char *verb)
{
    char buf[1024];
    const char *path = chanmul_cache_probe_path(buf, sizeof buf);
    if (!path || chanmul_cache_probe_current() || getenv("CHANMUL_LLC_BYTES"))
        return 0; /* no file wanted, one for this CPU, or the user says the size */
    fprintf(stderr, "chanmul %s: measuring the cache sizes once for this CPU (about a second; "
                    "`chanmul probe` redoes it) into %s\n", verb, path);
    chanmul_cache_probe p;
    measure_and_save(verb, &p); /* a failure is said; the run goes on with the sizes it has */
    fprintf(stderr, "chanmul %s: %s\n", verb, chanmul_cache_sizes_status());
    return 0;
}

int cmd_probe(int argc, char **argv)
{
    probe_args args;
    int status = probe_parse_args(argc, argv, &args);
    if (status >= 0)
        return status;
    chanmul_cache_probe p;
    int rc = measure_and_save("probe", &p);
    if (rc != 0 && p.points == 0)
        return EXIT_USAGE;
    char a[32], b[32];
    printf("%-12s %10s\n", "working set", "GB/s");
    for (int i = 0; i < p.points; i++)
        printf("%-12s %10.1f%s\n", size_text(p.bytes[i], a, sizeof a), p.gbps[i],
               p.bytes[i] == p.l2_bytes ? "   <- L2 edge" : p.bytes[i] == p.llc_bytes ? "   <- LLC edge" : "");
    printf("reported (CPUID): L2 %s, LLC %s\n", size_text(p.cpu.l2_bytes, a, sizeof a),
           size_text(p.cpu.llc_bytes, b, sizeof b));
    printf("measured: L2 %s, LLC %s (cache band %.1f GB/s, DRAM %.1f GB/s, %.2f s)\n",
           p.l2_bytes ? size_text(p.l2_bytes, a, sizeof a) : "no edge seen",
           p.llc_bytes ? size_text(p.llc_bytes, b, sizeof b) : "no edge seen", p.cache_gbps, p.dram_gbps,
           p.seconds);
    printf("in use: %s\n", chanmul_cache_sizes_status());
    return rc == 0 ? 0 : EXIT_USAGE;
}
