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
 * NHWC: element i has scale s[i % C]; NCHW: s[(i / HW) % C]. The kernels walk
 * a "pattern": the scale sequence (s, or each s[c] HW times for NCHW) repeated
 * so that a vector of V lanes starting at pattern offset k < period can be
 * loaded from pattern[k .. k+V) without wrapping. period = lcm(C, 16), a
 * multiple of every vector width, or C itself when that would be too long.
 */
typedef struct chanmul_pattern {
    float *values;  /* period + CHANMUL_PATTERN_SLACK floats, 64-byte aligned */
    size_t period;
    float *heap;    /* what to free: NULL when values is the caller's buffer */
} chanmul_pattern;

#define CHANMUL_MAX_LANES 16
/* Floats past the period, so an unrolled step of up to 4 vectors of 16 lanes
 * starting at any k < period reads the pattern without wrapping. */
#define CHANMUL_PATTERN_SLACK 64
/* Longest period worth repeating to lcm(C, 16): 16 KiB, beside x and y in L1. */
#define CHANMUL_PATTERN_MAX_FLOATS 4096

typedef struct chanmul_range_kernels chanmul_range_kernels;

/* Builds the pattern of scale sequence s[0] x repeat, s[1] x repeat, ...
 * (repeat = 1 for NHWC; H*W for small NCHW planes) with k's builder, in
 * `local` (64-byte aligned, local_floats long) when it fits, else in an
 * aligned heap block; chanmul_pattern_free releases that. */
int chanmul_pattern_init(chanmul_pattern *pat, const chanmul_range_kernels *k, const float *s,
                         size_t c, size_t repeat, float *local, size_t local_floats);
/* Floats chanmul_pattern_init needs for this sequence (local_floats below
 * this means a heap block). */
size_t chanmul_pattern_storage(size_t c, size_t repeat);
/* Writes v[j] = scale of element j of the sequence, for j < floats (builders
 * may write up to CHANMUL_MAX_LANES floats more). Portable version. */
void chanmul_build_pattern_portable(float *v, size_t floats, const float *s, size_t c,
                                    size_t repeat);
void chanmul_pattern_free(chanmul_pattern *pat);

/* Streaming-store decision for an output of `bytes` bytes, not in place. */
int chanmul_want_nontemporal(size_t bytes, int in_place);

/* One ISA's range kernels: process elements [begin, end) of the flat tensor.
 * `pattern` streams x against a pattern (NHWC, and NCHW with short planes);
 * `planes` broadcasts one scale per plane of hw elements (NCHW). */
struct chanmul_range_kernels {
    chanmul_isa isa;
    void (*pattern)(const float *x, float *y, const chanmul_pattern *pat, size_t begin,
                    size_t end, int nontemporal);
    void (*planes)(const float *x, float *y, const float *s, size_t c, size_t hw,
                   size_t begin, size_t end, int nontemporal);
    void (*build_pattern)(float *v, size_t floats, const float *s, size_t c, size_t repeat);
};

extern const chanmul_range_kernels chanmul_range_scalar;
extern const chanmul_range_kernels chanmul_range_avx2;
extern const chanmul_range_kernels chanmul_range_avx512;

/* chanmul_cpu_isa() as of the kernels' first call (CHANMUL_MAX_ISA read once). */
chanmul_isa chanmul_kernel_isa(void);

/* The range kernels for chanmul_kernel_isa(). */
const chanmul_range_kernels *chanmul_range_kernels_for_cpu(void);

/* Threads worth using for `total` elements when `threads` are allowed (0 =
 * the default): no more than one per CHANMUL_MIN_ELEMENTS_PER_THREAD. */
int chanmul_useful_threads(size_t total, int threads);

/* A job for the thread team: called once per thread, index 0..count-1. */
typedef void (*chanmul_team_fn)(void *arg, int index, int count);
/* Runs fn on `count` threads (the caller is index 0) and returns 0 when all
 * are done; -1, having run nothing, when the team cannot take the job (busy,
 * count < 2, or more threads than usable CPUs): run it another way. */
int chanmul_team_run(int count, chanmul_team_fn fn, void *arg);

/* Runs kernels over [0, total) split across `threads` threads (the thread
 * team when it can take the job, else OpenMP). */
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
