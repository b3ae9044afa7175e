/* Internal helpers shared by the implementations and the library; not installed. */
#ifndef CHANMUL_INTERNAL_H
#define CHANMUL_INTERNAL_H

#include "chanmul.h"

#include <stddef.h>

/* Every kernel named in registry.inc, declared once. */
#define CHANMUL_IMPL(name, kind, fn, threaded, avail, desc)                              \
    int fn(const chanmul_problem *p, const float *x, const float *s, float *y, int threads);
#include "registry.inc"
#undef CHANMUL_IMPL

/* Availability predicates used by the registry rows. */
int chanmul_available_always(const char **why);

/* Resolves a thread-count argument: 0 -> one per online core. */
int chanmul_resolve_threads(int threads);

/* Splits [0, total) into `parts` contiguous chunks whose boundaries are
 * multiples of `grain` (except the final end), as even as the grain allows.
 * Chunk `index` is [*begin, *end), possibly empty. */
void chanmul_split_range(size_t total, size_t grain, int parts, int index, size_t *begin,
                         size_t *end);

/*
 * Flat element ranges of a channel-scale problem, shared by the SIMD kernels.
 * NHWC: element i has scale s[i % C]. The kernels walk a "pattern": s repeated
 * so that a vector of V lanes starting at pattern offset k < period can be
 * loaded from pattern[k .. k+V) without wrapping. period = C when C >= V,
 * otherwise lcm(C, V) (a multiple of C that is >= V).
 */
typedef struct chanmul_pattern {
    float *values;  /* period + max vector width floats */
    size_t period;
} chanmul_pattern;

#define CHANMUL_MAX_LANES 16

int chanmul_pattern_init(chanmul_pattern *pat, const float *s, size_t c, size_t lanes);
void chanmul_pattern_free(chanmul_pattern *pat);

/* Streaming-store decision for an output of `bytes` bytes, not in place. */
int chanmul_want_nontemporal(size_t bytes, int in_place);

/* One ISA's range kernels: process elements [begin, end) of the flat tensor. */
typedef struct chanmul_range_kernels {
    chanmul_isa isa;
    size_t lanes;
    void (*nhwc)(const float *x, float *y, const chanmul_pattern *pat, size_t begin,
                 size_t end, int nontemporal);
    void (*nchw)(const float *x, float *y, const float *s, size_t c, size_t hw,
                 size_t begin, size_t end, int nontemporal);
} chanmul_range_kernels;

extern const chanmul_range_kernels chanmul_range_scalar;
extern const chanmul_range_kernels chanmul_range_avx2;
extern const chanmul_range_kernels chanmul_range_avx512;

/* The range kernels for chanmul_cpu_isa(). */
const chanmul_range_kernels *chanmul_range_kernels_for_cpu(void);

/* Runs kernels over [0, total) split across `threads` OpenMP threads. */
int chanmul_run_ranges(const chanmul_range_kernels *k, const chanmul_problem *p,
                       const float *x, const float *s, float *y, int threads,
                       int allow_nontemporal);

/* peers' availability */
/* Defined by the peer's source, or by the stub impls/peers.cmake generates when
 * the peer's library was not found: 1 when it can run, else 0 and *why. */
int chanmul_available_onednn(const char **why);
int chanmul_available_xnnpack(const char **why);
int chanmul_available_eigen(const char **why);

#endif
