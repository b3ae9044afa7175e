/* Internal helpers shared by the implementations and the library; not installed. */
#ifndef CHANMUL_INTERNAL_H
#define CHANMUL_INTERNAL_H

#include "chanmul.h"

#include <stddef.h>
#include <stdint.h>

/* The shape of an operand on `axes` (CHANMUL_AXIS_*) of p's data tensor, in
 * memory order: the facts table's rule, shared by chanmul_desc_init and the checks. */
void chanmul_shape_on_axes(const chanmul_problem *p, unsigned axes, chanmul_shape *s);

/*
 * CHANMUL_EACH(m, a, (e1, e2, ...)) expands to m(a, e1) m(a, e2) ... for up to
 * 8 elements: how a registry row's ops column becomes one kernel per op.
 */
#define CHANMUL_UNPAREN(...) __VA_ARGS__
#define CHANMUL_EACH(m, a, list) CHANMUL_EACH_(m, a, CHANMUL_UNPAREN list)
#define CHANMUL_EACH_(m, a, ...)                                                          \
    CHANMUL_EACH_PICK(__VA_ARGS__, E8, E7, E6, E5, E4, E3, E2, E1, _)(m, a, __VA_ARGS__)
#define CHANMUL_EACH_PICK(_1, _2, _3, _4, _5, _6, _7, _8, n, ...) CHANMUL_EACH_##n
#define CHANMUL_EACH_E1(m, a, e) m(a, e)
#define CHANMUL_EACH_E2(m, a, e, ...) m(a, e) CHANMUL_EACH_E1(m, a, __VA_ARGS__)
#define CHANMUL_EACH_E3(m, a, e, ...) m(a, e) CHANMUL_EACH_E2(m, a, __VA_ARGS__)
#define CHANMUL_EACH_E4(m, a, e, ...) m(a, e) CHANMUL_EACH_E3(m, a, __VA_ARGS__)
#define CHANMUL_EACH_E5(m, a, e, ...) m(a, e) CHANMUL_EACH_E4(m, a, __VA_ARGS__)
#define CHANMUL_EACH_E6(m, a, e, ...) m(a, e) CHANMUL_EACH_E5(m, a, __VA_ARGS__)
#define CHANMUL_EACH_E7(m, a, e, ...) m(a, e) CHANMUL_EACH_E6(m, a, __VA_ARGS__)
#define CHANMUL_EACH_E8(m, a, e, ...) m(a, e) CHANMUL_EACH_E7(m, a, __VA_ARGS__)

/* The op enum by its lower-case name (scale -> CHANMUL_OP_SCALE), for token pasting. */
enum {
#define CHANMUL_OP(name, ENUM, formula, in, out, names, axes, in_place, rounding, bcast)           \
    CHANMUL_OP_ID_##name = CHANMUL_OP_##ENUM,
#include "ops.inc"
#undef CHANMUL_OP
};

/* A registry row's `fused` column: the op's bit. */
#define CHANMUL_FUSES(op) (1u << CHANMUL_OP_ID_##op)

/* Every kernel named in registry.inc (chanmul_<op>_<impl>), declared once. */
#define CHANMUL_DECLARE_KERNEL(impl, op)                                                  \
    int chanmul_##op##_##impl(const chanmul_desc *d, const chanmul_tensors *t, int threads);
#define CHANMUL_IMPL(name, kind, ops, threaded, fused, avail, desc) CHANMUL_EACH(CHANMUL_DECLARE_KERNEL, name, ops)
#include "registry.inc"
#undef CHANMUL_IMPL

/*
 * The one-factor family (scale, scale_nc, gate): y = x * f[index(i)], where
 * element i of the flat tensor takes factor f[index(i)]. Every layout of every
 * op in the family walks f in one of two ways:
 *  - runs: `run` consecutive elements share one factor, f[(i / run) % count]
 *    (scale NCHW: run H*W, count C; scale_nc NCHW: run H*W, count N*C;
 *    gate NHWC: run C, count N*H*W);
 *  - slices: blocks of `block` elements (one sample) each walk a slice of f,
 *    f[(i / block) * stride + i % period] (scale NHWC: period C, stride 0;
 *    scale_nc NHWC: period C, stride C; gate NCHW: period H*W, stride H*W;
 *    mul, either layout: block = period = stride = H*W*C, so f[i]).
 * The kernels of the family are written once against this walk.
 */
typedef struct chanmul_factor_walk {
    int runs;                     /* 1: runs, 0: slices */
    size_t run, count;            /* runs */
    size_t block, period, stride; /* slices */
    size_t total;                 /* elements of x */
} chanmul_factor_walk;

void chanmul_factor_walk_of(const chanmul_problem *p, chanmul_factor_walk *w);

/* The index into f of element i (one division or two: the naive kernels' way). */
static inline size_t chanmul_factor_index(const chanmul_factor_walk *w, size_t i)
{
    if (w->runs)
        return i / w->run % w->count;
    return (w->stride ? i / w->block * w->stride : 0) + i % w->period;
}

/* omp_tiled: OpenMP over tiles of CHANMUL_OMP_TILE_ELEMENTS, dealt statically. */
int chanmul_factor_omp_tiled(const chanmul_desc *d, const chanmul_tensors *t, int threads);

/* naive: y[i] = x[i] * f[chanmul_factor_index(i)], one flat loop. */
int chanmul_factor_naive(const chanmul_desc *d, const chanmul_tensors *t);

/* map: a per-sample function applied to each sample, serially or (threads > 1)
 * in parallel over samples. f_n is the sample's factor slice (f + n * stride). */
typedef void (*chanmul_sample_job)(void *arg, size_t n);
/* The generic driver: job(arg, n) for every sample n < count, serially or
 * (threads > 1) in parallel over samples (so a batch of 1 gets one thread). */
void chanmul_map_over_samples(size_t count, int threads, chanmul_sample_job job, void *arg);
typedef void (*chanmul_sample_fn)(const chanmul_problem *p, const float *x_n, const float *f_n,
                                  float *y_n);
void chanmul_map_samples(const chanmul_problem *p, const float *x, const float *f,
                         size_t f_stride, float *y, int threads, chanmul_sample_fn fn);
/* The per-sample functions of the family: a channel scale (s of C floats) and
 * a spatial gate (g of H*W floats), in each layout. */
void chanmul_sample_scale_nhwc(const chanmul_problem *p, const float *x, const float *s, float *y);
void chanmul_sample_scale_nchw(const chanmul_problem *p, const float *x, const float *s, float *y);
void chanmul_sample_gate_nhwc(const chanmul_problem *p, const float *x, const float *g, float *y);
void chanmul_sample_gate_nchw(const chanmul_problem *p, const float *x, const float *g, float *y);
/* ... and an equal-shape product (z of H*W*C floats, the sample's own), either layout. */
void chanmul_sample_mul(const chanmul_problem *p, const float *x, const float *z, float *y);

/* simd and stream for the whole family: the channel scale's range kernels run
 * on the walk (runs: the plane walk; slices: the pattern walk, one pattern per
 * block when the slice moves), threads split over the elements or, when each
 * block is a pattern of its own, over the blocks. */
int chanmul_factor_ranges(const chanmul_desc *d, const chanmul_tensors *t, int threads,
                          int allow_nontemporal, const chanmul_tunables *tun);

/* The scale-and-shift's strategies (affine.c), each a product rounded then a
 * sum rounded: naive's flat loop, map's per-sample function, omp_tiled's
 * tiles, and the ISA's range loops split across the useful threads under tun
 * (simd: one thread; stream: the threads). */
int chanmul_affine_naive_loop(const chanmul_desc *d, const chanmul_tensors *t);
int chanmul_affine_map_samples(const chanmul_desc *d, const chanmul_tensors *t, int threads);
int chanmul_affine_omp_tiled_loop(const chanmul_desc *d, const chanmul_tensors *t, int threads);
int chanmul_affine_ranges(const chanmul_desc *d, const chanmul_tensors *t, int threads,
                          const chanmul_tunables *tun);

/* stream with the given tunables (NULL: the defaults): what `auto` runs when a
 * selection file tuned them. */
int chanmul_stream_tuned(const chanmul_desc *d, const chanmul_tensors *t, int threads,
                         const chanmul_tunables *tun);

/* Bytes of the data cache at level 1, 2 or 3 (0: the largest) from CPUID, 0 if unknown. */
size_t chanmul_cpuid_cache_bytes(unsigned level);

/* The scale-and-shift's other ground truth: each output one fmaf (the
 * verifier's expectation for an implementation that declares it fused). */
int chanmul_affine_reference_fused(const chanmul_desc *d, const chanmul_tensors *t, int threads);

/* auto: runs what chanmul_auto_choose picks for d's problem (auto_select.c). */
int chanmul_auto_exec(const chanmul_desc *d, const chanmul_tensors *t, int threads);

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

/* Streaming-store decision for an output of `bytes` bytes, not in place,
 * under tun (NULL: the defaults; CHANMUL_NONTEMPORAL overrides both). */
int chanmul_want_nontemporal(size_t bytes, int in_place, const chanmul_tunables *tun);

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
    /* y[i] = x[i] for i < n: a plain load/store loop at this ISA (no streaming
     * stores). Not a kernel of any op: bench's copy_loop baseline, the roof of
     * what a kernel that must load and store each element can reach. */
    void (*copy)(float *y, const float *x, size_t n);
    /* y = x * s for an NHWC channel scale of `total` floats (or c = 1 in
     * either layout) whose period, lcm(c, the vector's floats), is at most
     * four vectors, with s either within the first two vectors or a whole
     * number of vectors long (tiled_covers(c)): the scale vectors are made
     * in registers from s, no pattern built in memory. One thread, no
     * streaming stores: the small prepared call's kernel (plan.c), whose
     * set-up is most of its time. NULL when the ISA has none. */
    void (*scale_tiled)(const float *x, const float *s, float *y, size_t total, size_t c);
    int (*tiled_covers)(size_t c);
};

/* 1 when [a, a + an) and [b, b + bn) share a byte. Only the distance from the
 * lower start to the higher one is formed (it cannot wrap), never an end
 * address, which can wrap for absurd lengths. */
static inline int chanmul_regions_overlap(const void *a, size_t an, const void *b, size_t bn)
{
    uintptr_t pa = (uintptr_t)a, pb = (uintptr_t)b;
    if (an == 0 || bn == 0)
        return 0;
    return pa <= pb ? pb - pa < an : pa - pb < bn;
}

extern const chanmul_range_kernels chanmul_range_scalar;
extern const chanmul_range_kernels chanmul_range_avx2;
extern const chanmul_range_kernels chanmul_range_avx512;

/* chanmul_cpu_isa() as of the kernels' first call (CHANMUL_MAX_ISA read once). */
chanmul_isa chanmul_kernel_isa(void);
/* A dispatching kernel records the ISA it chose (chanmul_isa_ran). */
void chanmul_isa_note(chanmul_isa isa);

/* The range kernels for chanmul_kernel_isa(). */
const chanmul_range_kernels *chanmul_range_kernels_for_cpu(void);

/* Threads worth using for `total` elements when `threads` are allowed (0 =
 * the default): no more than one per tun's min_elements_per_thread (NULL or 0:
 * CHANMUL_MIN_ELEMENTS_PER_THREAD, or the environment's value). */
int chanmul_useful_threads(size_t total, int threads, const chanmul_tunables *tun);
/* stream's default thread threshold: the environment's value, else the L1d in floats. */
size_t chanmul_default_min_elements_per_thread(void);

/* A job for the thread team: called once per thread, index 0..count-1. */
typedef void (*chanmul_team_fn)(void *arg, int index, int count);
/* Runs fn on `count` threads (the caller is index 0) and returns 0 when all
 * are done; -1, having run nothing, when the team cannot take the job (busy,
 * count < 2, or more threads than usable CPUs): run it another way. */
int chanmul_team_run(int count, chanmul_team_fn fn, void *arg);
/* CPUs this process may run on (its affinity mask, else the online count), at
 * least 1; read once. The team never takes more threads than this. */
int chanmul_usable_cpus(void);

/* Runs kernels over [0, total) split across `threads` threads (the thread
 * team when it can take the job, else OpenMP). Streaming stores: never
 * (CHANMUL_NT_NEVER), when this call's output is large enough
 * (CHANMUL_NT_BY_SIZE), or because the caller decided for a larger whole that
 * this call is one part of (CHANMUL_NT_DECIDED). */
enum { CHANMUL_NT_NEVER = 0, CHANMUL_NT_BY_SIZE = 1, CHANMUL_NT_DECIDED = 2 };
int chanmul_run_ranges(const chanmul_range_kernels *k, const chanmul_problem *p,
                       const float *x, const float *s, float *y, int threads,
                       int allow_nontemporal, const chanmul_tunables *tun);
/* A chanmul_run_ranges call with its decisions made (the walk, the thread
 * count, streaming stores): what a prepared call (plan.c) keeps, so that a
 * run is the pattern's build and the kernel, nothing else. Prepared only when
 * the call runs on one thread with a pattern on the stack (or the plane walk):
 * the small problems, where the decisions cost several times the kernel. */
typedef struct chanmul_range_call {
    const chanmul_range_kernels *k;
    chanmul_problem p; /* the channel scale it runs */
    size_t total;
    size_t repeat;     /* pattern: each scale this many times */
    int use_pattern;   /* else the plane walk */
    int nontemporal;
} chanmul_range_call;
/* 1 and *call when chanmul_run_ranges(k, p, ., ., ., threads, allow_nontemporal,
 * tun) reduces to such a call for any x, s, y; else 0 (run it whole). */
int chanmul_ranges_prepare(const chanmul_range_kernels *k, const chanmul_problem *p, int threads,
                           int allow_nontemporal, const chanmul_tunables *tun,
                           chanmul_range_call *call);
/* The same for chanmul_factor_ranges(d, ., threads, allow_nontemporal, tun). */
int chanmul_factor_ranges_prepare(const chanmul_desc *d, int threads, int allow_nontemporal,
                                  const chanmul_tunables *tun, chanmul_range_call *call);
/* y = x * the factor f, as the prepared call says (bits identical to the whole call). */
void chanmul_range_call_run(const chanmul_range_call *call, const float *x, const float *f, float *y);

/* ---- prepared calls (plan.c) ---- */

/* A prepared call: what chanmul_plan_create returns, and what chanmul_run
 * keeps per thread for its last problem (registry.c), so that a call repeated
 * at one shape runs as a prepared call. */
struct chanmul_plan {
    chanmul_desc d;
    const chanmul_impl *impl; /* as asked */
    const chanmul_impl *runs; /* what runs: impl, or auto's pick */
    chanmul_op_fn kernel;     /* runs' kernel for the op; NULL: an ABI-1 plugin (scale_abi1) */
    int threads;
    int stream_tuned;         /* auto picked stream: run it with tun */
    chanmul_tunables tun;
    int nothing_to_do;        /* an empty problem: chanmul_exec's path (sums of no rows) */
    int prepared_ranges;      /* the kernel's decisions made: run `ranges` */
    chanmul_range_call ranges;
    /* a small channel scale whose scale vectors fit in registers (see
     * chanmul_range_kernels.scale_tiled): run by tiled alone, its pointer
     * checks written out for its three operands */
    void (*tiled)(const float *x, const float *s, float *y, size_t total, size_t c);
    size_t in_bytes[CHANMUL_MAX_INPUTS], out_bytes[CHANMUL_MAX_OUTPUTS];
};

/* chanmul_plan_create into *plan (no allocation): 0, or chanmul_plan_create's
 * error. one_shot: made by chanmul_run for its cache, so auto's verbose line
 * is the one-shot call's ("chanmul auto: scale nhwc ..."), not a plan's. */
int chanmul_plan_prepare(const chanmul_impl *impl, const chanmul_problem *p, int threads, int one_shot,
                         chanmul_plan *plan);
/* chanmul_plan_exec after its pointer checks: t's operands already checked against the plan's problem. */
int chanmul_plan_exec_checked(const chanmul_plan *plan, const chanmul_tensors *t);
/* The same for y[i] = x[i] * z[i] over [0, total): z is the pattern itself, a
 * period as long as the tensor (it never wraps, so no copy is built). */
int chanmul_run_pairs(const chanmul_range_kernels *k, const float *x, const float *z, float *y,
                      size_t total, int threads, int allow_nontemporal,
                      const chanmul_tunables *tun);

/* ---- bcast (broadcast.c, bcast.c) ---- */

/* y's shape of a bcast problem, after checking that p's a and b broadcast,
 * that no operand's size overflows and that n, h, w, c are y's fold: 0,
 * CHANMUL_ESHAPE or CHANMUL_EOVERFLOW. */
int chanmul_bcast_shapes_of(const chanmul_problem *p, chanmul_shape *y);

/* Which operands have an axis of the plan whole (the other is stretched). */
enum { CHANMUL_BCAST_A = 1, CHANMUL_BCAST_B = 2 };

/* The walk of a bcast: y's axes of size 1 dropped, neighbours of the same
 * kind merged (so (32,28,28,64) x (64) is 25088 x 64 with b stretched along
 * the first), each operand's stride in elements, 0 where it is stretched. */
typedef struct chanmul_bcast_plan {
    int rank; /* >= 1 */
    size_t dims[CHANMUL_MAX_RANK];
    unsigned kinds[CHANMUL_MAX_RANK]; /* CHANMUL_BCAST_A | CHANMUL_BCAST_B bits */
    size_t stride_a[CHANMUL_MAX_RANK], stride_b[CHANMUL_MAX_RANK];
    size_t total;
} chanmul_bcast_plan;

void chanmul_bcast_plan_of(const chanmul_desc *d, chanmul_bcast_plan *pl);
/* The rows of a plan are its last axis; row r's operand offsets and its index
 * over the other axes (an odometer that chanmul_bcast_row_next advances). */
void chanmul_bcast_row_start(const chanmul_bcast_plan *pl, size_t row, size_t *off_a, size_t *off_b,
                             size_t idx[CHANMUL_MAX_RANK]);
void chanmul_bcast_row_next(const chanmul_bcast_plan *pl, size_t *off_a, size_t *off_b,
                            size_t idx[CHANMUL_MAX_RANK]);

/* bcast's strategies (bcast.c): naive's flat loop (each element's index
 * unravelled by division), map over y's first axis, omp_tiled over rows, and
 * the ranges of simd (one thread) and stream (threads, under tun): a broadcast
 * that is one of the family's forms runs that form's range kernels. */
int chanmul_bcast_naive_loop(const chanmul_desc *d, const chanmul_tensors *t);
int chanmul_bcast_map_rows(const chanmul_desc *d, const chanmul_tensors *t, int threads);
int chanmul_bcast_omp_rows(const chanmul_desc *d, const chanmul_tensors *t, int threads);
int chanmul_bcast_ranges(const chanmul_desc *d, const chanmul_tensors *t, int threads,
                         int allow_nontemporal, const chanmul_tunables *tun);

/* Two problems are the same problem (bcast: the same shapes too). */
int chanmul_problem_equal(const chanmul_problem *a, const chanmul_problem *b);

/* The byte counts of d's operands (d valid: no overflow), and the checks of a
 * call's pointers against them: NULL operands, overlaps (y may be the input
 * the op allows in place). chanmul_check_desc ends with these; a prepared
 * call (plan.c) makes only these. */
void chanmul_operand_bytes(const chanmul_desc *d, size_t *in_bytes, size_t *out_bytes);
/* chanmul_check_desc's checks that do not look at pointers: the problem, its
 * shapes, the thread count. *nothing_to_do: an empty problem (no sums to zero). */
int chanmul_check_call_shape(const chanmul_desc *d, int threads, int *nothing_to_do);
int chanmul_check_operands(const chanmul_desc *d, const chanmul_tensors *t, const size_t *in_bytes,
                           const size_t *out_bytes);

/* peers' availability */
/* Defined by the peer's source, or by the stub impls/peers.cmake generates when
 * the peer's library was not found: 1 when it can run, else 0 and *why. */
int chanmul_available_onednn(const char **why);
int chanmul_available_xnnpack(const char **why);
int chanmul_available_eigen(const char **why);

#endif
