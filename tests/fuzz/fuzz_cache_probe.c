/*
 * The cache probe file (impls/core/cache_sizes.c): what `chanmul probe`
 * writes and every later process reads once for its L2 and LLC sizes
 * (chanmul_cache_probe_parse).
 *
 * Properties: a parsed curve is what the format promises (at most
 * CHANMUL_CACHE_PROBE_POINTS points, bytes increasing, gbps positive), and
 * the file as written back (chanmul_cache_probe_format) parses to the same
 * probe and writes back to the same text.
 */
#include "fuzz_input.h"

#include "chanmul.h"

static void check_probe(const chanmul_cache_probe *p)
{
    FUZZ_CHECK(p->points >= 0 && p->points <= CHANMUL_CACHE_PROBE_POINTS);
    for (int i = 0; i < p->points; i++) {
        FUZZ_CHECK(p->bytes[i] > 0 && p->gbps[i] > 0);
        FUZZ_CHECK(i == 0 || p->bytes[i] > p->bytes[i - 1]);
    }
    FUZZ_CHECK(p->cache_gbps >= 0 && p->dram_gbps >= 0);
    FUZZ_CHECK(memchr(p->when, '\0', sizeof p->when) != NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    chanmul_cache_probe p, back;
    char err[1024];
    if (chanmul_cache_probe_parse((const char *)data, size, "fuzz.json", &p, err, sizeof err) != 0)
        return 0;
    check_probe(&p);
    char *text = chanmul_cache_probe_format(&p);
    FUZZ_CHECK(text != NULL);
    FUZZ_CHECK(chanmul_cache_probe_parse(text, strlen(text), "written", &back, err, sizeof err) == 0);
    FUZZ_CHECK(back.points == p.points && back.l2_bytes == p.l2_bytes && back.llc_bytes == p.llc_bytes);
    FUZZ_CHECK(memcmp(back.bytes, p.bytes, sizeof p.bytes) == 0);
    char *again = chanmul_cache_probe_format(&back);
    FUZZ_CHECK(again != NULL && strcmp(again, text) == 0);
    free(again);
    free(text);
    return 0;
}
