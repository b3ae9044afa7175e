/*
 * chanmul: channel-wise broadcast multiply, y = x * s, with s broadcast along
 * the channel axis of an NHWC or NCHW float32 tensor.
 *
 * One kernel signature (chanmul_kernel_fn) is shared by every implementation:
 * the reference, chanmul's own kernels, the peers (other libraries behind the
 * same interface) and users' plugins. The operation is a field of the problem
 * (chanmul_problem.op), so the other broadcast forms can join without a second
 * signature.
 *
 * Errors: every function that can fail returns 0 or a negative chanmul_error;
 * chanmul_strerror() says what went wrong. On error, y is not written.
 */
#ifndef CHANMUL_H
#define CHANMUL_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CHANMUL_VERSION "0.1.0"

/* Error codes: 0 is success, every failure is a distinct negative value. */
typedef enum chanmul_error {
    CHANMUL_OK = 0,
    CHANMUL_ENULL = -1,        /* NULL x, s or y with a non-empty problem */
    CHANMUL_EOVERFLOW = -2,    /* n*h*w*c*sizeof(float) overflows size_t */
    CHANMUL_EOVERLAP_XY = -3,  /* x and y overlap without being identical */
    CHANMUL_EOVERLAP_SY = -4,  /* s overlaps y */
    CHANMUL_ELAYOUT = -5,      /* unknown layout */
    CHANMUL_ETHREADS = -6,     /* threads < 0 */
    CHANMUL_EOP = -7,          /* operation not supported by this implementation */
    CHANMUL_EISA = -8,         /* implementation needs an ISA this CPU (or the cap) lacks */
    CHANMUL_ENOMEM = -9,       /* allocation failed */
    CHANMUL_ENOIMPL = -10,     /* no implementation of that name */
    CHANMUL_EPEER = -11,       /* a peer library reported a failure */
    CHANMUL_EPROBLEM = -12     /* malformed problem description (NULL problem) */
} chanmul_error;

typedef enum chanmul_layout {
    CHANMUL_NHWC = 0, /* channels-last: y[n][h][w][c] = x[n][h][w][c] * s[c] */
    CHANMUL_NCHW = 1  /* channels-first: y[n][c][h][w] = x[n][c][h][w] * s[c] */
} chanmul_layout;

/* The operation. Only the channel scale exists today; the enum is the place
 * where per-sample scales, spatial gates, scale-and-shift, ... will go. */
typedef enum chanmul_op {
    CHANMUL_OP_SCALE = 0 /* y = x * s[c] */
} chanmul_op;

/* A problem: the logical shape is always N x H x W x C, whatever the layout. */
typedef struct chanmul_problem {
    chanmul_op op;
    chanmul_layout layout;
    size_t n, h, w, c;
} chanmul_problem;

/*
 * The one kernel signature. x: input tensor, s: C scales, y: output tensor,
 * possibly y == x (in place). threads: 0 = one per online core, >= 1 = exactly
 * that many (single-threaded implementations ignore it).
 * Kernels are called through chanmul_run(), which validates the arguments
 * first, so a kernel may assume a valid, non-empty problem.
 */
typedef int (*chanmul_kernel_fn)(const chanmul_problem *p, const float *x,
                                 const float *s, float *y, int threads);

/* What an implementation is. */
typedef enum chanmul_kind {
    CHANMUL_KIND_REFERENCE = 0, /* the ground truth */
    CHANMUL_KIND_CHANMUL = 1,   /* one of chanmul's competing kernels */
    CHANMUL_KIND_PEER = 2,      /* another library behind the same interface */
    CHANMUL_KIND_PLUGIN = 3     /* a user's kernel loaded from a shared object */
} chanmul_kind;

/* Instruction-set levels, in increasing order. */
typedef enum chanmul_isa {
    CHANMUL_ISA_SCALAR = 0,
    CHANMUL_ISA_AVX2 = 1,   /* AVX2 + FMA */
    CHANMUL_ISA_AVX512 = 2  /* AVX-512F */
} chanmul_isa;

typedef struct chanmul_impl {
    const char *name;
    chanmul_kind kind;
    chanmul_kernel_fn fn;
    int threaded;            /* 0: ignores the thread count */
    const char *description; /* one line for `chanmul list` and the report */
    /* Returns 1 when it can run here; otherwise 0 and *why says why not. */
    int (*available)(const char **why);
} chanmul_impl;

const char *chanmul_strerror(int err);
const char *chanmul_layout_name(chanmul_layout layout);
const char *chanmul_op_name(chanmul_op op);
const char *chanmul_kind_name(chanmul_kind kind);
const char *chanmul_isa_name(chanmul_isa isa);

/* Registry: every built-in implementation, in registry order. */
size_t chanmul_impl_count(void);
const chanmul_impl *chanmul_impl_at(size_t i);
const chanmul_impl *chanmul_impl_find(const char *name); /* NULL if unknown */
int chanmul_impl_available(const chanmul_impl *impl, const char **why);

/* Checks a call's arguments; 0 or the chanmul_error that chanmul_run would return. */
int chanmul_check(const chanmul_problem *p, const float *x, const float *s,
                  const float *y, int threads);

/* Validates, then runs impl. On any error y is untouched. */
int chanmul_run(const chanmul_impl *impl, const chanmul_problem *p,
                const float *x, const float *s, float *y, int threads);

/* Element count of p, or 0 with *err set when it overflows. */
size_t chanmul_problem_elements(const chanmul_problem *p, int *err);

/* The ISA the dispatching kernels use: the best this CPU supports, capped by
 * the environment variable CHANMUL_MAX_ISA (avx512|avx2|scalar). This call
 * reads the variable each time; the kernels read it once, at their first call
 * in the process (set it before running anything). CHANMUL_NONTEMPORAL is
 * likewise read once. */
chanmul_isa chanmul_cpu_isa(void);
/* NULL, or CHANMUL_MAX_ISA's value when it is set but names no ISA (such a
 * value is ignored: chanmul_cpu_isa() is then uncapped). */
const char *chanmul_isa_cap_error(void);
/* The best ISA the CPU itself supports, ignoring the cap. */
chanmul_isa chanmul_cpu_isa_uncapped(void);
/* Threads used for a `threads` argument of 0. */
int chanmul_default_threads(void);
/* Size of the last-level cache in bytes (32 MiB if the OS cannot tell). */
size_t chanmul_llc_bytes(void);

/*
 * Plugin ABI (see README.md, "Plugins"): a shared object exports
 *   int chanmul_plugin_abi = CHANMUL_PLUGIN_ABI;         (required)
 *   int chanmul_plugin_kernel(const chanmul_problem *, const float *x,
 *                             const float *s, float *y, int threads);  (required)
 *   const char *chanmul_plugin_name = "...";             (optional)
 *   int chanmul_plugin_threaded = 1;                     (optional, default 1)
 */
#define CHANMUL_PLUGIN_ABI 1

#ifdef __cplusplus
}
#endif

#endif /* CHANMUL_H */
