/*
 * The verifier: proves implementations bit-exact against the reference.
 * Comparison is bit for bit (so -0.0 differs from +0.0); where the reference
 * gives NaN, any NaN is accepted. Guard zones around y, x and s unchanged,
 * the return code, and a mistrust rule (a case whose expected output is mostly
 * zeros proves little and is refused) are checked on every run.
 */
#ifndef CHANMUL_VERIFY_H
#define CHANMUL_VERIFY_H

#include "chanmul.h"
#include "departures.h"

#include <stdio.h>

/* How the inputs are filled (benchdnn's lesson: data that a wrong index cannot pass). */
typedef enum verify_data {
    VERIFY_DATA_SMALLINT = 0, /* small non-zero integers, distinct scales: exact products */
    VERIFY_DATA_RANDOM = 1,   /* random full-range finite floats: overflow, denormals, zeros */
    VERIFY_DATA_SPECIAL = 2,  /* +-0, +-inf, NaN, denormals, FLT_MAX mixed with ordinary values */
    /* rows in threes, large terms that cancel exactly and small ones between
     * them: a float running sum loses the small ones (run by default for the
     * ops with sums, scale_grad; any op takes it with --data cancel) */
    VERIFY_DATA_CANCEL = 3,
    /* the range real tensors hold: normal floats of magnitude 2^-8 to 2^8, so
     * that no product or sum of the family is denormal, infinite or NaN (not
     * in the default matrix: bench verifies on it, at the data it times) */
    VERIFY_DATA_NORMAL = 4,
    VERIFY_DATA_COUNT = 5
} verify_data;

const char *verify_data_name(verify_data d);
int verify_data_parse(const char *text, verify_data *d); /* 0 or -1 */
/* The data modes an op's matrix runs by default: the first this many (cancel
 * only for the ops with sums). */
int verify_data_modes_of(chanmul_op op);

/* One implementation under test; plugin_path is set for plugins (for the repro line). */
typedef struct verify_target {
    const chanmul_impl *impl;
    const char *plugin_path;
} verify_target;

/* One case: problem (with its op), thread count, placement of the buffers, data. */
typedef struct verify_case {
    chanmul_problem p;
    int threads;
    int offset_x, offset_s, offset_y; /* misalignment in floats, 0..15 */
    int in_place;                     /* y == x */
    verify_data data;
    unsigned long long seed;
} verify_case;

typedef struct verify_counts {
    long passed, failed, skipped, mistrusted;
    departure_counts departures; /* the failed cases, by class (departures.h) */
} verify_counts;

/* What to run. Fields left at their "all" values expand to the case matrix. */
typedef struct verify_options {
    const verify_target *targets;
    size_t target_count;
    int op;                  /* a chanmul_op, or -1: every op */
    int have_shape;          /* 0: the full shape matrix */
    chanmul_problem shape;   /* logical NxHxWxC when have_shape */
    int layout;              /* -1 both, else a chanmul_layout */
    int threads;             /* -1: the matrix 1, 2, 3, many */
    int data;                /* -1 all, else a verify_data */
    int have_seed;
    unsigned long long seed;
    int have_offsets;
    int offsets[3];          /* x, s, y */
    int in_place;            /* -1 both, 0 or 1 */
    int include_large;       /* shapes larger than the last-level cache */
    int random_shapes;       /* shapes of the random-shape pass, per op */
    unsigned long long shape_seed; /* its seed (printed by the CLI) */
    int max_reports;         /* failures described in full (the rest are counted) */
    /* 1: describe a failure only when it shows a class of departure not yet
     * described for its implementation (the first case of each class);
     * 0: the first max_reports failures, whatever they show */
    int reports_by_class;
    int quiet;               /* no per-implementation summary */
    FILE *out;
    /* called before each run of a target on a case (NULL: none): what the
     * isolated run of a plugin (plugin_isolation.c) reports as it goes, so
     * that a crash or a hang can be pinned to its case */
    void (*before_case)(void *ctx, const verify_target *t, const verify_case *vc);
    void *before_case_ctx;
} verify_options;

/* The random-shape pass's defaults: how many shapes per op, and the seed (a
 * fixed one, so that a run is repeatable; --shape-seed draws others). */
#define VERIFY_RANDOM_SHAPES 24
#define VERIFY_SHAPE_SEED 20261202ull

void verify_options_init(verify_options *o);

/* Runs the cases; per_target (target_count entries) and total receive counts.
 * Returns 0, or a negative chanmul_error if the verifier itself failed (memory). */
int verify_run(const verify_options *o, verify_counts *per_target, verify_counts *total);

/* "  repro: [VAR=value ...] chanmul verify ... \n": the one command line that runs
 * exactly this case of t again (with the environment that changes what it runs). */
void verify_print_repro(FILE *out, const verify_target *t, const verify_case *vc);

/* Runs one case against one target; returns 1 pass, 0 fail, -1 skipped. */
int verify_case_run(const verify_target *t, const verify_case *vc, FILE *out);

/* The most memory one case of problem p holds at once, in bytes (its inputs,
 * their pristine copies and the denormal-free ones, the expected outputs, the
 * guarded output buffers, the sums' exact values): what the CLI checks
 * against the memory available before it allocates anything. SIZE_MAX when
 * the count overflows or p is invalid. */
size_t verify_case_bytes(const chanmul_problem *p);

/* Value i of the normal data (VERIFY_DATA_NORMAL) of operand `operand` for a
 * seed: the verifier fills its cases with it and bench the buffers it times,
 * so that bench times the data it verified. */
float verify_normal_value(unsigned long long seed, int operand, size_t i);

/* Calls impl on d's operands through the entry point a program would use and
 * bench times: chanmul_run for the ops of x, one factor and y, chanmul_exec
 * for the others. The verifier's cases and bench's timed calls both go
 * through it, so that what is timed is what was verified. */
int verify_call(const chanmul_impl *impl, const chanmul_desc *d, const chanmul_tensors *t, int threads);

/* The problem verify_run runs for op at o->shape (o->have_shape): o->shape
 * with that op, or for bcast under --op all at an NxHxWxC shape, the pair of
 * it and its last axis. 0, or -1 when op is not run there. */
int verify_shape_problem(const verify_options *o, chanmul_op op, chanmul_problem *p);

#endif
