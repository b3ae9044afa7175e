/* The cache probe (impls/core/cache_probe.c, cache_sizes.c): the rule that
 * reads the L2 and LLC edges off a bandwidth curve, on curves of the shapes
 * real CPUs give (a VM whose CPUID overstates the L3, an AMD part with a
 * small L2, a CPU with no L3, a flat curve, a noisy rung); the probe file's
 * round trip; every malformed or truncated file refused with its position or
 * field; and one real measurement's sanity (sizes on its ladder, a curve with
 * every rung). */
#include "chanmul.h"
#include "check.h"

#include <stdlib.h>
#include <string.h>

#define KiB ((size_t)1 << 10)
#define MiB ((size_t)1 << 20)

/* A curve on the probe's own ladder (64 KiB .. top, 2^k and 1.5 * 2^k) whose
 * bandwidth is bw(bytes). */
static void ladder(chanmul_cache_probe *p, size_t top, double (*bw)(size_t))
{
    memset(p, 0, sizeof *p);
    for (size_t b = 64 * KiB; b <= top && p->points < CHANMUL_CACHE_PROBE_POINTS; b *= 2) {
        p->bytes[p->points] = b;
        p->gbps[p->points++] = bw(b);
        if (b + b / 2 <= top) {
            p->bytes[p->points] = b + b / 2;
            p->gbps[p->points++] = bw(b + b / 2);
        }
    }
}

/* The Xeon VM's measured curve (CPUID: L2 2 MiB, L3 105 MiB): 63 GB/s in
 * L2, 31-34 up to 16 MiB, DRAM's 18 from 32 MiB. */
static double xeon_vm(size_t b)
{
    return b <= MiB ? 63 : b <= 3 * MiB / 2 ? 55 : b <= 2 * MiB ? 44 : b <= 8 * MiB ? 32 : b <= 16 * MiB ? 28
           : b <= 24 * MiB ? 21.7 : b <= 32 * MiB ? 20 : 17.6;
}
/* An AMD part (L2 512 KiB): 60 in L2, 45 in an L3 that ends at 8 MiB, 18 after. */
static double amd_vm(size_t b) { return b <= 512 * KiB ? 60 : b <= 8 * MiB ? 45 : 18; }
/* No L3: 50 in a 1 MiB L2, DRAM's 12 after. */
static double no_l3(size_t b) { return b <= MiB ? 50 : 12; }
/* A flat curve: no edge anywhere. */
static double flat(size_t b) { (void)b; return 20; }
/* The AMD curve with one slow rung inside the L3 (interference): not an edge. */
static double amd_noisy(size_t b) { return b == 2 * MiB ? 20 : amd_vm(b); }

static void derive_rule(void)
{
    chanmul_cache_probe p;
    ladder(&p, 256 * MiB, xeon_vm);
    chanmul_cache_probe_derive(&p, 2 * MiB);
    CHECK(p.llc_bytes == 16 * MiB, "Xeon VM: LLC %zu KiB, want 16 MiB", p.llc_bytes / KiB);
    CHECK(p.l2_bytes == 3 * MiB / 2, "Xeon VM: L2 %zu KiB, want 1.5 MiB (2 MiB is already slower)",
          p.l2_bytes / KiB);
    CHECK(p.dram_gbps == 17.6 && p.cache_gbps == 63, "Xeon VM: bands %.1f and %.1f", p.cache_gbps,
          p.dram_gbps);

    ladder(&p, 128 * MiB, amd_vm);
    chanmul_cache_probe_derive(&p, 512 * KiB);
    CHECK(p.llc_bytes == 8 * MiB && p.l2_bytes == 512 * KiB, "AMD: L2 %zu KiB, LLC %zu KiB", p.l2_bytes / KiB,
          p.llc_bytes / KiB);

    ladder(&p, 128 * MiB, amd_noisy);
    chanmul_cache_probe_derive(&p, 512 * KiB);
    CHECK(p.llc_bytes == 8 * MiB, "one slow rung is not an edge: LLC %zu KiB", p.llc_bytes / KiB);

    ladder(&p, 64 * MiB, no_l3);
    chanmul_cache_probe_derive(&p, MiB);
    CHECK(p.llc_bytes == MiB && p.l2_bytes == MiB, "no L3: L2 %zu KiB, LLC %zu KiB (want both 1 MiB)",
          p.l2_bytes / KiB, p.llc_bytes / KiB);

    ladder(&p, 64 * MiB, flat);
    chanmul_cache_probe_derive(&p, MiB);
    CHECK(p.llc_bytes == 0 && p.l2_bytes == 0, "flat: no edge, got L2 %zu, LLC %zu", p.l2_bytes, p.llc_bytes);

    /* a ladder too short to reach DRAM: the edge is not in its lower half */
    ladder(&p, 12 * MiB, amd_vm);
    chanmul_cache_probe_derive(&p, 512 * KiB);
    CHECK(p.llc_bytes == 0, "too short a ladder: LLC %zu KiB, want 0 (unmeasured)", p.llc_bytes / KiB);

    p.points = 2;
    chanmul_cache_probe_derive(&p, MiB);
    CHECK(p.llc_bytes == 0 && p.l2_bytes == 0, "two points: nothing derived");
}

static int parse_text(const char *text, char *err, size_t len)
{
    chanmul_cache_probe q;
    return chanmul_cache_probe_parse(text, strlen(text), "probe.json", &q, err, len);
}

static void file_format(void)
{
    chanmul_cache_probe p, q;
    ladder(&p, 256 * MiB, xeon_vm);
    chanmul_cache_probe_derive(&p, 2 * MiB);
    chanmul_cpu_signature_get(&p.cpu);
    snprintf(p.when, sizeof p.when, "2026-12-03T19:00:00Z");
    p.seconds = 0.5;
    char *text = chanmul_cache_probe_format(&p);
    CHECK(text != NULL, "format");
    if (!text)
        return;
    char err[512] = "";
    int rc = chanmul_cache_probe_parse(text, strlen(text), "probe.json", &q, err, sizeof err);
    CHECK(rc == 0, "round trip parses: %s", err);
    CHECK(q.points == p.points && q.llc_bytes == p.llc_bytes && q.l2_bytes == p.l2_bytes &&
              memcmp(q.bytes, p.bytes, sizeof p.bytes) == 0 && q.gbps[3] == p.gbps[3] &&
              strcmp(q.when, p.when) == 0 && strcmp(q.cpu.vendor, p.cpu.vendor) == 0 &&
              q.cpu.llc_bytes == p.cpu.llc_bytes,
          "round trip keeps the curve, the sizes, the CPU, the time");
    /* every truncation is refused with a position, never a crash */
    size_t len = strlen(text), refused = 0;
    for (size_t cut = 0; cut < len; cut += 7) {
        chanmul_cache_probe r;
        if (chanmul_cache_probe_parse(text, cut, "probe.json", &r, err, sizeof err) == CHANMUL_ESELECTION &&
            strncmp(err, "probe.json:", 11) == 0)
            refused++;
    }
    CHECK(refused == (len + 6) / 7, "every truncation refused with file:line:col (%zu of %zu)", refused,
          (len + 6) / 7);
    free(text);

    rc = parse_text("{\"chanmul_cache_probe\": 1,\n \"cpu\": 3}", err, sizeof err);
    CHECK(rc == CHANMUL_ESELECTION && strstr(err, "'cpu'"), "a cpu that is not an object: %s", err);
    rc = parse_text("{\"chanmul_cache_probe\": 2}", err, sizeof err);
    CHECK(rc == CHANMUL_ESELECTION && strstr(err, "format version"), "another format version: %s", err);
    rc = parse_text("[1, 2]", err, sizeof err);
    CHECK(rc == CHANMUL_ESELECTION && strstr(err, "not a cache probe file"), "an array: %s", err);
    rc = parse_text("{\"chanmul_cache_probe\": 1, \"cpu\": {\"vendor\": \"x\"", err, sizeof err);
    CHECK(rc == CHANMUL_ESELECTION && strstr(err, "truncated"), "cut short: %s", err);
    rc = parse_text("{\"chanmul_cache_probe\": 1, }", err, sizeof err);
    CHECK(rc == CHANMUL_ESELECTION && strstr(err, "probe.json:1:") && strstr(err, "malformed"),
          "malformed, with the position: %s", err);
    const char *cpu = "\"cpu\": {\"vendor\": \"v\", \"family\": 6, \"model\": 1, \"flags\": \"\", \"isa\": \"avx2\","
                      " \"l1d_bytes\": 1, \"l2_bytes\": 1, \"llc_bytes\": 1, \"cores\": 2}";
    char buf[1024];
    snprintf(buf, sizeof buf, "{\"chanmul_cache_probe\": 1, %s, \"measured\": {\"l2_bytes\": 1, \"llc_bytes\": 2,"
             " \"cache_gbps\": 1, \"dram_gbps\": 1}, \"curve\": [{\"bytes\": 8, \"gbps\": 1}, {\"bytes\": 4, "
             "\"gbps\": 1}]}", cpu);
    rc = parse_text(buf, err, sizeof err);
    CHECK(rc == CHANMUL_ESELECTION && strstr(err, "curve"), "a curve whose sizes fall: %s", err);
    snprintf(buf, sizeof buf, "{\"chanmul_cache_probe\": 1, %s, \"measured\": {\"l2_bytes\": -1, \"llc_bytes\": 2,"
             " \"cache_gbps\": 1, \"dram_gbps\": 1}, \"curve\": []}", cpu);
    rc = parse_text(buf, err, sizeof err);
    CHECK(rc == CHANMUL_ESELECTION && strstr(err, "measured.l2_bytes"), "a negative size: %s", err);
    snprintf(buf, sizeof buf, "{\"chanmul_cache_probe\": 1, %s, \"measured\": {\"l2_bytes\": 1, \"llc_bytes\": 2,"
             " \"cache_gbps\": 1, \"dram_gbps\": 1}, \"curve\": [{\"bytes\": 8, \"gbps\": 0}]}", cpu);
    rc = parse_text(buf, err, sizeof err);
    CHECK(rc == CHANMUL_ESELECTION && strstr(err, "curve"), "a zero bandwidth: %s", err);
}

/* One real measurement: a curve at every rung, sizes on the ladder, and the
 * process's sizes following it once adopted (CHANMUL_LLC_BYTES aside). */
static void real_probe(void)
{
    chanmul_cache_probe p;
    CHECK(chanmul_cache_probe_measure(&p) == 0, "measure");
    CHECK(p.points >= 10, "a curve of %d rungs", p.points);
    int on_ladder_llc = p.llc_bytes == 0, on_ladder_l2 = p.l2_bytes == 0;
    for (int i = 0; i < p.points; i++) {
        CHECK(p.gbps[i] > 0, "rung %zu bytes: %.2f GB/s", p.bytes[i], p.gbps[i]);
        on_ladder_llc |= p.bytes[i] == p.llc_bytes;
        on_ladder_l2 |= p.bytes[i] == p.l2_bytes;
    }
    CHECK(on_ladder_llc && on_ladder_l2, "sizes are rungs: L2 %zu, LLC %zu", p.l2_bytes, p.llc_bytes);
    printf("measured: L2 %zu KiB, LLC %zu KiB, %.2f s\n", p.l2_bytes / KiB, p.llc_bytes / KiB, p.seconds);
    chanmul_cache_probe_adopt(&p);
    size_t want = getenv("CHANMUL_LLC_BYTES") ? chanmul_llc_usable_bytes()
                  : p.llc_bytes ? (p.llc_bytes < CHANMUL_LLC_USABLE_MAX ? p.llc_bytes : CHANMUL_LLC_USABLE_MAX)
                                : chanmul_llc_usable_bytes();
    CHECK(chanmul_llc_usable_bytes() == want && chanmul_cache_probe_current() != NULL,
          "adopted: LLC in use %zu, want %zu (%s)", chanmul_llc_usable_bytes(), want,
          chanmul_cache_sizes_status());
}

int main(void)
{
    derive_rule();
    file_format();
    real_probe();
    return check_summary();
}
