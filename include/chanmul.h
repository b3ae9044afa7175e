/*
 * chanmul: channel-wise broadcast multiply, y = x * s, with s broadcast along
 * the channel axis of an NHWC or NCHW float32 tensor.
 *
 * and the family around it (per-sample scales, spatial gates, ...).
 *
 * Operations are data: an operation descriptor (chanmul_desc: the op, the
 * layout, every operand's shape) and one table of per-op facts
 * (chanmul_op_info). One kernel signature over operands (chanmul_op_fn) is
 * shared by every implementation: the references, chanmul's own kernels, the
 * peers (other libraries behind the same interface) and users' plugins; the
 * registry says which ops each implementation covers.
 *
 * Errors: every function that can fail returns 0 or a negative chanmul_error;
 * chanmul_strerror() says what went wrong. On error, no output is written.
 */
#ifndef CHANMUL_H
#define CHANMUL_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CHANMUL_VERSION "0.8.0" /* 0.8: chanmul_run keeps the prepared call of its last problem per thread; a plugin is named after its file by default, and a name that would split benchmark names is refused. 0.7: chanmul_isa_ran and chanmul_shape_equal; the first-use caches atomic. 0.6: prepared calls (chanmul_plan_*); verify data "normal". 0.5: bcast; chanmul_problem carries bcast's two general shapes (a, b): rebuild code that embeds one. 0.4: scale_grad; chanmul_impl.kernels[] has CHANMUL_OP_SLOTS entries */

/* Error codes: 0 is success, every failure is a distinct negative value. */
typedef enum chanmul_error {
    CHANMUL_OK = 0,
    CHANMUL_ENULL = -1,        /* NULL operand (x, s, y, ...) with a non-empty problem */
    CHANMUL_EOVERFLOW = -2,    /* an operand's size in bytes overflows size_t */
    CHANMUL_EOVERLAP_XY = -3,  /* an output overlaps the input it may alias without being identical */
    CHANMUL_EOVERLAP_SY = -4,  /* an output overlaps another input (s, g) or another output */
    CHANMUL_ELAYOUT = -5,      /* unknown layout */
    CHANMUL_ETHREADS = -6,     /* threads < 0 */
    CHANMUL_EOP = -7,          /* operation not supported by this implementation */
    CHANMUL_EISA = -8,         /* implementation needs an ISA this CPU (or the cap) lacks */
    CHANMUL_ENOMEM = -9,       /* allocation failed */
    CHANMUL_ENOIMPL = -10,     /* no implementation of that name */
    CHANMUL_EPEER = -11,       /* a peer library reported a failure */
    CHANMUL_EPROBLEM = -12,    /* malformed problem description (NULL problem) */
    CHANMUL_ESHAPE = -13,      /* a descriptor's operand shapes do not match its op and problem */
    CHANMUL_ESELECTION = -14   /* a selection file cannot be read, is malformed, or is not for this CPU and build */
} chanmul_error;

typedef enum chanmul_layout {
    CHANMUL_NHWC = 0, /* channels-last: y[n][h][w][c] = x[n][h][w][c] * s[c] */
    CHANMUL_NCHW = 1  /* channels-first: y[n][c][h][w] = x[n][c][h][w] * s[c] */
} chanmul_layout;

/*
 * The operations: the broadcast-multiply family, one row each in the facts
 * table (chanmul_op_info_of). The channel scale was the first; every op is a
 * value of this enum, never a name baked into a function.
 */
typedef enum chanmul_op {
    CHANMUL_OP_SCALE = 0,    /* y[n,h,w,c] = x[n,h,w,c] * s[c]      (s: C floats) */
    CHANMUL_OP_SCALE_NC = 1, /* y[n,h,w,c] = x[n,h,w,c] * s[n,c]    (s: N x C, a per-sample scale) */
    CHANMUL_OP_GATE = 2,     /* y[n,h,w,c] = x[n,h,w,c] * g[n,h,w]  (g: N x H x W, a spatial gate) */
    CHANMUL_OP_MUL = 3,      /* y[n,h,w,c] = x[n,h,w,c] * z[n,h,w,c] (z: x's shape, an equal-shape product) */
    CHANMUL_OP_AFFINE = 4,   /* y[n,h,w,c] = x[n,h,w,c] * s[c] + b[c] (scale and shift: C floats each) */
    /* the learnable scale's backward pass: dx = dy * s[c], ds[c] = sum over n,h,w of dy * x,
     * db[c] = sum over n,h,w of dy (inputs x, s, dy; outputs dx, ds, db) */
    CHANMUL_OP_SCALE_GRAD = 5,
    /* general broadcasting of two tensors of rank 0..8 by NumPy's rules:
     * y = a * b, the shapes aligned from the last axis, a dimension of 1
     * stretched (the problem's a and b; see chanmul_bcast_problem) */
    CHANMUL_OP_BCAST = 6,
    CHANMUL_OP_COUNT = 7
} chanmul_op;

/* Entries of chanmul_impl.kernels[]: more than the ops, so that an op added
 * later does not change the struct again. */
#define CHANMUL_OP_SLOTS 16

#define CHANMUL_MAX_RANK 8
#define CHANMUL_MAX_INPUTS 3
#define CHANMUL_MAX_OUTPUTS 3

/* One operand's shape, outermost dimension first (memory order, row-major). */
typedef struct chanmul_shape {
    int rank;
    size_t dims[CHANMUL_MAX_RANK];
} chanmul_shape;

/* A problem of the channel-axis family: the op, the layout, and the logical
 * shape of the data tensor x, always N x H x W x C whatever the layout.
 * bcast's operands are general shapes instead, a and b (row-major; the layout
 * is then CHANMUL_NHWC and means nothing more), and n, h, w, c are y's shape
 * folded to four dimensions: its last three (1 where it has fewer) and the
 * product of the others. chanmul_bcast_problem fills such a problem. The
 * other ops leave a and b zero (rank 0) and never read them. */
typedef struct chanmul_problem {
    chanmul_op op;
    chanmul_layout layout;
    size_t n, h, w, c;
    chanmul_shape a, b; /* bcast only */
} chanmul_problem;

/* ---- operations as data --------------------------------------------------------- */

/* The operation descriptor: the problem and every operand's shape, as
 * chanmul_desc_init derives them from the op's facts (x first among the
 * inputs; y first among the outputs). */
typedef struct chanmul_desc {
    chanmul_problem p;
    int inputs, outputs;
    chanmul_shape in[CHANMUL_MAX_INPUTS];
    chanmul_shape out[CHANMUL_MAX_OUTPUTS];
} chanmul_desc;

/* The operands of one call, in the descriptor's order. */
typedef struct chanmul_tensors {
    const float *in[CHANMUL_MAX_INPUTS];
    float *out[CHANMUL_MAX_OUTPUTS];
} chanmul_tensors;

/* How each output of an op is rounded: what its reference computes and what
 * the verifier compares bit for bit. */
typedef enum chanmul_rounding {
    CHANMUL_ROUND_ONE_PRODUCT = 0, /* each output element is one correctly rounded product */
    /* each output is x*s + b, rounded as the implementation declares
     * (chanmul_impl.fused_ops): fused, one rounding (C's fmaf), or a product
     * rounded, then a sum rounded (two roundings, no contraction) */
    CHANMUL_ROUND_MULTIPLY_ADD = 1,
    /* output 0 is one correctly rounded product per element, bit for bit; the
     * others are sums over the rows (n, h, w) of each channel, in double, in a
     * fixed order that does not depend on the thread count (so bitwise the same
     * for every thread count and run), within the bound of README.md,
     * "scale_grad", of the exact sum */
    CHANMUL_ROUND_REPRODUCIBLE_SUM = 2
} chanmul_rounding;

/* Logical axes, for the facts table's operand shapes (a bit set). */
enum {
    CHANMUL_AXIS_N = 1 << 0,
    CHANMUL_AXIS_H = 1 << 1,
    CHANMUL_AXIS_W = 1 << 2,
    CHANMUL_AXIS_C = 1 << 3,
    CHANMUL_AXES_ALL = 15
};

/* The facts of one op, which the library, verifier, benchmarks, report and CLI
 * read instead of repeating them. */
typedef struct chanmul_op_info {
    chanmul_op op;
    const char *name;    /* CLI (--op), bench names and results: "scale", "scale_nc", "gate", "mul" */
    const char *formula; /* one line for `chanmul list` and the report */
    int inputs, outputs;
    /* operand names, inputs then outputs ("x", "s", "y") */
    const char *operand_names[CHANMUL_MAX_INPUTS + CHANMUL_MAX_OUTPUTS];
    /* each operand's logical axes (CHANMUL_AXIS_*): its shape is the data tensor's
     * dimensions in memory order, those outside the set left out */
    unsigned operand_axes[CHANMUL_MAX_INPUTS + CHANMUL_MAX_OUTPUTS];
    int in_place_input; /* output 0 may be exactly this input (-1: no in-place form; bcast:
                           only when that input has the output's shape) */
    chanmul_rounding rounding;
    /* 1: the operands are general shapes broadcast by NumPy's rules (bcast:
     * the problem's a and b, operand_axes unused, no layout); 0: shapes on the
     * data tensor's axes */
    int broadcast;
} chanmul_op_info;

/* The facts of op, or NULL for a value outside the enum. */
const chanmul_op_info *chanmul_op_info_of(chanmul_op op);
/* An op's name ("scale", "scale_nc", "gate", "mul", ...) -> 0 and *op; else -1. */
int chanmul_op_parse(const char *name, chanmul_op *op);

/* NumPy's broadcasting rule: aligned from the last axis, each pair of
 * dimensions equal or one of them 1. Writes the result's shape to *y and
 * returns 0; else CHANMUL_ESHAPE (CHANMUL_EPROBLEM for a rank outside 0..8)
 * with a message in why (when non-NULL) naming both shapes and the first
 * axis, counted from the left of the result, where they conflict:
 * "cannot broadcast shapes 8x4x6x1 and 7x1x5: at axis 1 of the result, 4
 * (axis 1 of 8x4x6x1) against 7 (axis 0 of 7x1x5); aligned from the last
 * axis, ...". y may be a or b. */
int chanmul_broadcast_shapes(const chanmul_shape *a, const chanmul_shape *b, chanmul_shape *y,
                             char *why, size_t len);
/* Fills *p as the bcast problem y = a * b: op, layout, the shapes and the
 * folded n, h, w, c. 0, or chanmul_broadcast_shapes' error (message in why),
 * or CHANMUL_EOVERFLOW when an operand's size overflows. */
int chanmul_bcast_problem(chanmul_problem *p, const chanmul_shape *a, const chanmul_shape *b,
                          char *why, size_t len);

/* Fills d from p: the operand counts and shapes from the op's facts (bcast:
 * p's a and b, and their broadcast). Returns 0, CHANMUL_EPROBLEM (NULL),
 * CHANMUL_EOP, CHANMUL_ELAYOUT, CHANMUL_EOVERFLOW, or CHANMUL_ESHAPE (bcast:
 * a and b do not broadcast, or n, h, w, c are not their result's fold). */
int chanmul_desc_init(chanmul_desc *d, const chanmul_problem *p);
/* Elements of a shape (1 for rank 0), or 0 with *err = CHANMUL_EOVERFLOW when
 * the count or its size in bytes overflows size_t. */
size_t chanmul_shape_elements(const chanmul_shape *s, int *err);
/* 1 when a and b have the same rank and dimensions. */
int chanmul_shape_equal(const chanmul_shape *a, const chanmul_shape *b);
/* Bytes one call reads and writes, every operand counted once (STREAM's rule). */
double chanmul_desc_bytes(const chanmul_desc *d);

/*
 * The kernel signature (ABI 2): every operand through t, in the order of the
 * descriptor. threads: 0 = one per online core, >= 1 = exactly that many
 * (single-threaded implementations ignore it). Kernels are called through
 * chanmul_exec(), which validates the arguments first, so a kernel may assume
 * a valid, non-empty problem of an op it covers.
 */
typedef int (*chanmul_op_fn)(const chanmul_desc *d, const chanmul_tensors *t, int threads);

/* The channel scale's signature of plugin ABI 1, still loaded (as a scale kernel). */
typedef int (*chanmul_kernel_fn)(const chanmul_problem *p, const float *x,
                                 const float *s, float *y, int threads);

/* What an implementation is. */
typedef enum chanmul_kind {
    CHANMUL_KIND_REFERENCE = 0, /* the ground truth */
    CHANMUL_KIND_CHANMUL = 1,   /* one of chanmul's competing kernels */
    CHANMUL_KIND_PEER = 2,      /* another library behind the same interface */
    CHANMUL_KIND_PLUGIN = 3,    /* a user's kernel loaded from a shared object */
    CHANMUL_KIND_SELECTOR = 4   /* `auto`: runs the implementation a selection file or heuristic picks */
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
    int threaded;            /* 0: ignores the thread count */
    const char *description; /* one line for `chanmul list` and the report */
    /* Returns 1 when it can run here; otherwise 0 and *why says why not. */
    int (*available)(const char **why);
    /* The kernel of each op it covers (indexed by chanmul_op), NULL for the others. */
    chanmul_op_fn kernels[CHANMUL_OP_SLOTS];
    /* A plugin of ABI 1: its channel-scale kernel, in the old signature. */
    chanmul_kernel_fn scale_abi1;
    /* The ops (bit 1u << op) whose multiply-add this implementation computes
     * fused, with one rounding; for the others, a product then a sum. The
     * verifier compares each against the reference of that kind. */
    unsigned fused_ops;
} chanmul_impl;

/* 1 when impl declares op's multiply-add fused (see chanmul_impl.fused_ops). */
int chanmul_impl_fuses(const chanmul_impl *impl, chanmul_op op);

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

/* 1 when impl has a kernel for op (an ABI-1 plugin covers the channel scale). */
int chanmul_impl_covers(const chanmul_impl *impl, chanmul_op op);

/* Checks a call's arguments; 0 or the chanmul_error chanmul_exec would return
 * before reaching an implementation. */
int chanmul_check_desc(const chanmul_desc *d, const chanmul_tensors *t, int threads);

/* Validates, then runs impl's kernel for d's op. On any error no output is touched. */
int chanmul_exec(const chanmul_impl *impl, const chanmul_desc *d, const chanmul_tensors *t,
                 int threads);

/* The ops with one factor operand (scale, scale_nc, gate) in the short form:
 * x, the factor s (or g), y. chanmul_check / chanmul_run build the descriptor
 * and call chanmul_check_desc / chanmul_exec. */
int chanmul_check(const chanmul_problem *p, const float *x, const float *s,
                  const float *y, int threads);
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
/* The vector code paths the kernels have really run since the process began
 * (or since chanmul_isa_ran_clear): bit (1u << isa) for each ISA a dispatching
 * kernel (the range kernels, the scale-and-shift's loops, scale_grad's sums)
 * chose at a call. What a test or `chanmul verify` checks the cap against:
 * the ISA the kernels ran, not the one the environment asks for. The kernels
 * that do not dispatch (naive, the reference, the peers) set no bit. */
unsigned chanmul_isa_ran(void);
void chanmul_isa_ran_clear(void);
/* Threads used for a `threads` argument of 0. */
int chanmul_default_threads(void);
/* Size of the last-level cache in bytes as CPUID reports it (32 MiB if the OS
 * cannot tell). */
size_t chanmul_llc_bytes(void);
/* The part of it one process is taken to have. A VM's CPUID reports the host
 * socket's whole L3 (105 MiB and 260 MiB on this project's Xeon VMs; a
 * 24 MiB working set already runs at DRAM bandwidth on the first), so the
 * size comes from, in order: CHANMUL_LLC_BYTES (bytes, or with a K, M or G
 * suffix for KiB, MiB, GiB), the cache probe's measured size when a probe
 * file for this CPU exists (below), else chanmul_llc_bytes() at most
 * CHANMUL_LLC_USABLE_MAX. stream's default streaming-store threshold, the
 * tuner's ladder, the verifier's and the sweep's "larger than the LLC" shapes
 * use this size. Read once per process. */
#define CHANMUL_LLC_USABLE_MAX ((size_t)64 << 20)
size_t chanmul_llc_usable_bytes(void);
/* The L2 one core has, by the same rule (CHANMUL_L2_BYTES, the probe, CPUID). */
size_t chanmul_l2_usable_bytes(void);

/* ---- the machine and the build (what a selection file is bound to) ------------- */

/* The CPU as CPUID and the OS describe it. Two signatures are the same CPU
 * for a selection file when every field is equal (chanmul_cpu_signature_diff). */
typedef struct chanmul_cpu_signature {
    char vendor[16];       /* "AuthenticAMD", "GenuineIntel", "unknown" */
    int family, model;     /* CPUID's display family and model */
    char flags[96];        /* the ISA features chanmul dispatches on, space-separated */
    char isa[8];           /* the ISA the kernels use: chanmul_cpu_isa(), capped by CHANMUL_MAX_ISA */
    size_t l1d_bytes, l2_bytes, llc_bytes; /* per cache instance, from CPUID's cache leaves */
    int cores;             /* online logical CPUs */
} chanmul_cpu_signature;

void chanmul_cpu_signature_get(chanmul_cpu_signature *sig);
/* 0 when a and b are the same CPU; else 1 and a description of the first
 * difference in why ("model: file 17, this CPU 1"). */
int chanmul_cpu_signature_diff(const chanmul_cpu_signature *file, const chanmul_cpu_signature *here,
                               char *why, size_t len);

/* The library's own build: what produced the kernels a selection file timed. */
typedef struct chanmul_build_identity {
    const char *version;      /* CHANMUL_VERSION */
    const char *git_revision; /* git describe of the source tree, "-dirty" when modified */
    const char *compiler;     /* the C compiler's version string */
    const char *flags;        /* build type and C flags */
} chanmul_build_identity;

const chanmul_build_identity *chanmul_build_identity_get(void);

/* ---- cache sizes, measured (the cache probe) -------------------------------------- */

/* One core's read+write bandwidth over working sets from 64 KiB to past the
 * LLC (2^k and 1.5 * 2^k bytes, the ladder run three times interleaved, the
 * best of each kept), and the effective sizes read off it. Three bands: the
 * L2's (the median of the rungs within CPUID's L2), the next level's (its
 * best rung from 2x to 8x CPUID's L2) and DRAM's (the slowest rung of the
 * ladder's top half). An edge is the last rung before the curve falls, for
 * two rungs in a row, below the geometric mean of the bands on either side:
 * the LLC's between the next level and DRAM, the L2's between the L2 and the
 * next level (when there is no next level, the L2 is the LLC). A size is 0
 * when the bands do not differ by 15%. Sizes are rungs of the ladder: the
 * true edge lies between that rung and the next. */
#define CHANMUL_CACHE_PROBE_POINTS 40
#define CHANMUL_CACHE_PROBE_FORMAT 1
typedef struct chanmul_cache_probe {
    chanmul_cpu_signature cpu;       /* the CPU it ran on (its isa field is not compared) */
    size_t l2_bytes, llc_bytes;      /* measured effective sizes; 0: no edge seen */
    double cache_gbps, dram_gbps;    /* the L2 band's median; DRAM's */
    int points;
    size_t bytes[CHANMUL_CACHE_PROBE_POINTS];
    double gbps[CHANMUL_CACHE_PROBE_POINTS];
    double seconds;                  /* what measuring took */
    char when[32];                   /* UTC, ISO 8601, when measured */
} chanmul_cache_probe;

/* Measures the curve on the calling thread (about a second; run it on a
 * quiet machine) and derives the sizes. 0, or CHANMUL_ENOMEM. */
int chanmul_cache_probe_measure(chanmul_cache_probe *p);
/* The sizes from p's curve (what measure does after measuring), given CPUID's
 * L2: exposed so the rule can be tested on curves of any shape. */
void chanmul_cache_probe_derive(chanmul_cache_probe *p, size_t reported_l2);
/* The probe file: CHANMUL_CACHE_PROBE when set (empty: no probe file), else
 * $XDG_CACHE_HOME/chanmul/caches.json, else $HOME/.cache/chanmul/caches.json.
 * NULL when there is none. */
const char *chanmul_cache_probe_path(char *buf, size_t len);
/* JSON text of p (malloc'd; NULL when out of memory), and its parser: 0, or
 * CHANMUL_ESELECTION with the file, line and column or the field at fault. */
char *chanmul_cache_probe_format(const chanmul_cache_probe *p);
int chanmul_cache_probe_parse(const char *text, size_t len, const char *path, chanmul_cache_probe *p,
                              char *err, size_t errlen);
/* The probe the library's sizes come from: the probe file's, read once per
 * process when it was made on this CPU, or one adopted below; NULL if none. */
const chanmul_cache_probe *chanmul_cache_probe_current(void);
/* Use p's sizes from now on (what the harness does after measuring, so that
 * its run uses them even when the file cannot be written). Call it before any
 * kernel runs: the sizes are read without a lock. */
void chanmul_cache_probe_adopt(const chanmul_cache_probe *p);
/* One line: where the L2 and LLC sizes in use come from and why ("measured
 * by the probe file ...", "CHANMUL_LLC_BYTES", "CPUID: no probe file ..."). */
const char *chanmul_cache_sizes_status(void);

/* ---- auto: the implementation chosen per problem ---------------------------------- */

/* stream's tunable parameters: what the tuner measures and `auto` runs it
 * with. A field of 0 means the built-in default. */
typedef struct chanmul_tunables {
    size_t min_elements_per_thread; /* fewer threads below this many elements each */
    size_t nontemporal_min_bytes;   /* streaming stores for outputs larger than this */
} chanmul_tunables;

typedef enum chanmul_choice_source {
    CHANMUL_CHOICE_FORCED = 0,   /* CHANMUL_IMPL names it */
    CHANMUL_CHOICE_FILE = 1,     /* the selection file's entry for the problem's region */
    CHANMUL_CHOICE_HEURISTIC = 2 /* no usable selection file: the built-in rule */
} chanmul_choice_source;

/* What `auto` runs for one problem and thread count, and why. */
typedef struct chanmul_choice {
    const chanmul_impl *impl;      /* what runs */
    const chanmul_impl *runner_up; /* the second fastest where it was measured; else NULL */
    chanmul_choice_source source;
    int measured;                  /* 1: the fields below come from the selection file */
    double margin;                 /* runner-up's time / the pick's - 1 (median of paired rounds
                                      at the nearest grid point; else the expected one) */
    double margin_low, margin_high;/* its confidence interval (NAN when expected, not measured) */
    int tie;                       /* inside the noise: the simpler kernel was taken */
    double expected_regret;        /* the pick's time over the fastest's - 1, interpolated */
    int grid_points;               /* grid points the choice weighed (the cell around the problem) */
    chanmul_problem region;        /* the nearest of them */
    int region_threads;
    chanmul_tunables tunables;     /* stream's parameters in this choice */
    char why[2048];                /* one line: the source and, for the heuristic, why no file */
} chanmul_choice;

/* Fills *c with what `auto` runs for p at `threads` (0 = the default). The
 * selection file (CHANMUL_TUNING, else chanmul_selection_default_path()) is
 * read once per process. 0, or CHANMUL_EPROBLEM / CHANMUL_EOP / CHANMUL_ELAYOUT. */
int chanmul_auto_choose(const chanmul_problem *p, int threads, chanmul_choice *c);

/* The selection file `auto` reads when CHANMUL_TUNING is not set:
 * $XDG_CACHE_HOME/chanmul/selection.json, else $HOME/.cache/chanmul/selection.json
 * (NULL when neither variable is set). Into buf. */
const char *chanmul_selection_default_path(char *buf, size_t len);

/* The selection file's state in this process, one line ("no file", "loaded
 * PATH: 212 entries", "refused PATH: model: file 17, this CPU 1", ...). */
const char *chanmul_selection_status(void);

/* ---- prepared calls: create once, run many ------------------------------------------ */

/* A call prepared for one problem, implementation and thread count: the
 * problem validated, the descriptor built, the implementation checked (covers
 * the op, runs here) and, for `auto`, its choice made once (CHANMUL_VERBOSE=1
 * logs it). A run checks only its pointers (NULL, overlaps), then calls the
 * kernel. A plan is immutable: threads may share one; the implementation it
 * names must stay loaded (a plugin) while it is used. */
typedef struct chanmul_plan chanmul_plan;

/* 0 and *plan (free it with chanmul_plan_free), or the chanmul_error that
 * chanmul_exec would return for this problem before looking at pointers
 * (and CHANMUL_ENOMEM); *plan is NULL then. */
int chanmul_plan_create(const chanmul_impl *impl, const chanmul_problem *p, int threads,
                        chanmul_plan **plan);
/* Runs the plan on t: CHANMUL_ENULL / CHANMUL_EOVERLAP_* as chanmul_exec, else
 * the kernel's result. */
int chanmul_plan_exec(const chanmul_plan *plan, const chanmul_tensors *t);
/* The short form, for the ops of two inputs and one output (scale, scale_nc,
 * gate, mul, bcast: x or a, the factor, y); CHANMUL_EOP for the others. */
int chanmul_plan_run(const chanmul_plan *plan, const float *x, const float *s, float *y);
/* What runs (auto: the implementation it picked), and the plan's descriptor. */
const chanmul_impl *chanmul_plan_impl(const chanmul_plan *plan);
const chanmul_desc *chanmul_plan_desc(const chanmul_plan *plan);
void chanmul_plan_free(chanmul_plan *plan); /* NULL is allowed */

/*
 * Plugin ABI (see README.md, "Plugins"): a shared object exports
 *   int chanmul_plugin_abi = CHANMUL_PLUGIN_ABI;         (required: 1 or 2)
 * and at least one kernel:
 *   int chanmul_plugin_kernel(const chanmul_problem *, const float *x,
 *                             const float *s, float *y, int threads);
 *       the channel scale (ABI 1 and 2)
 *   int chanmul_plugin_<op>(const chanmul_desc *, const chanmul_tensors *, int threads);
 *       ABI 2: the kernel of op <op> (chanmul_plugin_scale, chanmul_plugin_scale_nc,
 *       chanmul_plugin_gate, chanmul_plugin_mul, chanmul_plugin_affine,
 *       chanmul_plugin_scale_grad, chanmul_plugin_bcast), one symbol per op it covers
 * and optionally
 *   const char *chanmul_plugin_name = "...";             (default: the file's path)
 *   int chanmul_plugin_threaded = 1;                     (default 1)
 *   unsigned chanmul_plugin_fused_ops = 1u << CHANMUL_OP_AFFINE;
 *       the ops whose multiply-add it fuses (default 0: a product, then a sum)
 * A plugin built for ABI 1 (only chanmul_plugin_kernel) loads unchanged.
 */
#define CHANMUL_PLUGIN_ABI 2

#ifdef __cplusplus
}
#endif

#endif /* CHANMUL_H */
