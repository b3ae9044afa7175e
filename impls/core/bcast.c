/*
 * bcast's strategies, y = a * b by NumPy's rules, all walking the plan of
 * broadcast.c (y's axes of 1 dropped, neighbours of one kind merged): its
 * rows are the last axis, where each operand is either whole (stride 1) or
 * one value stretched (stride 0).
 *  - naive: one flat loop, each element's offsets by division;
 *  - map: a per-sample function over the plan's first axis;
 *  - omp_tiled: OpenMP over tiles of whole rows;
 *  - simd / stream: a broadcast that is one of the family's forms (a channel
 *    scale either way round, a per-sample scale, an equal-shape product) runs
 *    that form's range kernels, streaming stores and all; any other runs the
 *    ISA's range kernels row by row, the rows split across the threads.
 * The product is commutative bit for bit, so a form whose stretched operand is
 * a runs with b as its data tensor.
 */
#include "chanmul_internal.h"

#include <omp.h>

/* One row: y[i] = a[i * sa] * b[i * sb] for i < len, sa and sb 0 or 1 (not
 * both 0: a plan's rows are whole in at least one operand). k NULL: a plain
 * loop, else the ISA's range kernels. */
static void row_mul(const chanmul_range_kernels *k, const float *a, size_t sa, const float *b, size_t sb,
                    float *y, size_t len)
{
    if (k && sa && sb && (len >= CHANMUL_PATTERN_SLACK || CHANMUL_PATTERN_SLACK % len != 0)) {
        /* b as a pattern as long as the row: never wraps, never read past its
         * end (a period that divides 64, shorter than 64, is read as 64
         * floats from its start: the pattern kernels' slack, which b has not) */
        chanmul_pattern whole = {(float *)b, len, NULL};
        k->pattern(a, y, &whole, 0, len, 0);
    } else if (k && !sb) {
        k->planes(a, y, b, 1, len, 0, len, 0);
    } else if (k && !sa) {
        k->planes(b, y, a, 1, len, 0, len, 0);
    } else {
        for (size_t i = 0; i < len; i++)
            y[i] = a[i * sa] * b[i * sb];
    }
}

typedef struct rows_job {
    const chanmul_range_kernels *k; /* NULL: plain loops */
    const chanmul_bcast_plan *pl;
    const float *a, *b;
    float *y;
    size_t rows, len; /* rows of len elements */
    /* blocks (set by use_blocks): the plan's last two axes as one channel
     * scale per block, the range kernels' pattern or plane walk; else rows */
    int blocks;
    chanmul_bcast_plan outer; /* the plan without its last axis: its rows are the blocks */
    chanmul_problem block;    /* one block as a channel scale */
    int whole_is_a;           /* the data tensor of the block is a (else b) */
} rows_job;

/* Rows [first, last) of the plan, the odometer started once. */
static void run_rows(const rows_job *j, size_t first, size_t last)
{
    const chanmul_bcast_plan *pl = j->pl;
    size_t sa = pl->stride_a[pl->rank - 1], sb = pl->stride_b[pl->rank - 1];
    size_t off_a, off_b, idx[CHANMUL_MAX_RANK];
    if (first >= last)
        return;
    chanmul_bcast_row_start(pl, first, &off_a, &off_b, idx);
    for (size_t r = first; r < last; r++) {
        row_mul(j->k, j->a + off_a, sa, j->b + off_b, sb, j->y + r * j->len, j->len);
        chanmul_bcast_row_next(pl, &off_a, &off_b, idx);
    }
}

/* Blocks [first, last): the last two axes, a channel scale each. */
static void run_blocks(const rows_job *j, size_t first, size_t last)
{
    size_t off_a, off_b, idx[CHANMUL_MAX_RANK], elements = j->block.h * j->block.w * j->block.c;
    if (first >= last)
        return;
    chanmul_bcast_row_start(&j->outer, first, &off_a, &off_b, idx);
    for (size_t r = first; r < last; r++) {
        const float *whole = j->whole_is_a ? j->a + off_a : j->b + off_b;
        const float *factor = j->whole_is_a ? j->b + off_b : j->a + off_a;
        chanmul_run_ranges(j->k, &j->block, whole, factor, j->y + r * elements, 1, CHANMUL_NT_NEVER, NULL);
        chanmul_bcast_row_next(&j->outer, &off_a, &off_b, idx);
    }
}

static void rows_share(void *arg, int index, int count)
{
    const rows_job *j = arg;
    size_t first, last;
    if (j->blocks) {
        chanmul_split_range(j->outer.total / j->outer.dims[j->outer.rank - 1], 1, count, index, &first, &last);
        run_blocks(j, first, last);
        return;
    }
    chanmul_split_range(j->rows, 1, count, index, &first, &last);
    run_rows(j, first, last);
}

/*
 * Short rows cost a call each: where the plan's last two axes have one
 * operand whole (a channel scale inside each block: (N,1,W,C) x (1,H,1,C)
 * ends in W x C against C), and the rows are short, each block runs as one
 * channel scale instead. Sets j->blocks.
 */
#define BCAST_BLOCK_BELOW_ROW 1024
static void use_blocks(rows_job *j)
{
    const chanmul_bcast_plan *pl = j->pl;
    j->blocks = 0;
    if (pl->rank < 3 || j->len >= BCAST_BLOCK_BELOW_ROW)
        return;
    unsigned inner = pl->kinds[pl->rank - 1], next = pl->kinds[pl->rank - 2], common = inner & next;
    if (common != CHANMUL_BCAST_A && common != CHANMUL_BCAST_B)
        return;
    j->whole_is_a = common == CHANMUL_BCAST_A;
    size_t d_next = pl->dims[pl->rank - 2], d_inner = pl->dims[pl->rank - 1];
    chanmul_problem q = {CHANMUL_OP_SCALE, CHANMUL_NHWC, 1, 1, 1, 1};
    if (inner == (CHANMUL_BCAST_A | CHANMUL_BCAST_B)) { /* [stretched, both]: the factor is a row */
        q.w = d_next;
        q.c = d_inner;
    } else { /* [both, stretched]: one factor per row, NCHW's planes */
        q.layout = CHANMUL_NCHW;
        q.c = d_next;
        q.w = d_inner;
    }
    j->block = q;
    j->outer = *pl;
    j->outer.rank = pl->rank - 1;
    j->outer.total = pl->total / d_inner;
    j->blocks = 1;
}


static void rows_job_of(rows_job *j, const chanmul_range_kernels *k, const chanmul_bcast_plan *pl,
                        const chanmul_tensors *t)
{
    j->k = k;
    j->pl = pl;
    j->a = t->in[0];
    j->b = t->in[1];
    j->y = t->out[0];
    j->len = pl->dims[pl->rank - 1];
    j->rows = pl->total / j->len;
    j->blocks = 0;
}

int chanmul_bcast_naive_loop(const chanmul_desc *d, const chanmul_tensors *t)
{
    chanmul_bcast_plan pl;
    chanmul_bcast_plan_of(d, &pl);
    const float *a = t->in[0], *b = t->in[1];
    float *y = t->out[0];
    for (size_t i = 0; i < pl.total; i++) {
        size_t rest = i, off_a = 0, off_b = 0;
        for (int k = pl.rank - 1; k >= 0; k--) {
            size_t q = rest % pl.dims[k];
            rest /= pl.dims[k];
            off_a += q * pl.stride_a[k];
            off_b += q * pl.stride_b[k];
        }
        y[i] = a[off_a] * b[off_b];
    }
    return CHANMUL_OK;
}

/* map: sample n is the rows under index n of the plan's first axis. */
static void map_sample(void *arg, size_t n)
{
    const rows_job *j = arg;
    size_t per_sample = j->rows / j->pl->dims[0];
    run_rows(j, n * per_sample, (n + 1) * per_sample);
}

int chanmul_bcast_map_rows(const chanmul_desc *d, const chanmul_tensors *t, int threads)
{
    chanmul_bcast_plan pl;
    chanmul_bcast_plan_of(d, &pl);
    rows_job j;
    rows_job_of(&j, NULL, &pl, t);
    if (pl.rank == 1) /* one sample: the whole tensor is one row */
        run_rows(&j, 0, j.rows);
    else
        chanmul_map_over_samples(pl.dims[0], chanmul_resolve_threads(threads), map_sample, &j);
    return CHANMUL_OK;
}

/* Elements of one OpenMP tile: 16 KiB of y, as the family's omp_tiled. */
#define BCAST_TILE_ELEMENTS 4096

int chanmul_bcast_omp_rows(const chanmul_desc *d, const chanmul_tensors *t, int threads)
{
    chanmul_bcast_plan pl;
    chanmul_bcast_plan_of(d, &pl);
    rows_job j;
    rows_job_of(&j, NULL, &pl, t);
    size_t rows_per_tile = j.len >= BCAST_TILE_ELEMENTS ? 1 : BCAST_TILE_ELEMENTS / j.len;
    size_t tiles = (j.rows + rows_per_tile - 1) / rows_per_tile;
    int nthreads = chanmul_resolve_threads(threads);
#pragma omp parallel for schedule(static) num_threads(nthreads) if (nthreads > 1 && tiles > 1)
    for (size_t tile = 0; tile < tiles; tile++) {
        size_t last = (tile + 1) * rows_per_tile;
        run_rows(&j, tile * rows_per_tile, last < j.rows ? last : j.rows);
    }
    return CHANMUL_OK;
}

/*
 * The family's form of a plan where one operand (`whole`) has every axis and
 * the other stretches along some: its kinds, read as "the other has this
 * axis", alternate, and the short patterns are the family's forms. Returns 1
 * and the problem; 0 when it is none of them.
 */
static int family_form(const chanmul_bcast_plan *pl, unsigned other_bit, chanmul_problem *p)
{
    const size_t *D = pl->dims;
    int first_has = (pl->kinds[0] & other_bit) != 0;
    chanmul_problem q = {CHANMUL_OP_SCALE, CHANMUL_NHWC, 1, 1, 1, 1, {0, {0}}, {0, {0}}};
    switch (pl->rank * 2 + first_has) {
    case 1 * 2 + 1: /* [has]: an equal-shape product */
        q.op = CHANMUL_OP_MUL;
        q.c = D[0];
        break;
    case 1 * 2 + 0: /* [stretched]: one value for all, a scale with one channel */
        q.w = D[0];
        break;
    case 2 * 2 + 0: /* [stretched, has]: the channel scale, NHWC */
        q.w = D[0];
        q.c = D[1];
        break;
    case 2 * 2 + 1: /* [has, stretched]: the channel scale, NCHW */
        q.layout = CHANMUL_NCHW;
        q.c = D[0];
        q.w = D[1];
        break;
    case 3 * 2 + 1: /* [has, stretched, has]: the per-sample scale, NHWC */
        q.op = CHANMUL_OP_SCALE_NC;
        q.n = D[0];
        q.w = D[1];
        q.c = D[2];
        break;
    case 3 * 2 + 0: /* [stretched, has, stretched]: the channel scale, NCHW, a batch */
        q.layout = CHANMUL_NCHW;
        q.n = D[0];
        q.c = D[1];
        q.w = D[2];
        break;
    default:
        return 0;
    }
    *p = q;
    return 1;
}

int chanmul_bcast_ranges(const chanmul_desc *d, const chanmul_tensors *t, int threads,
                         int allow_nontemporal, const chanmul_tunables *tun)
{
    chanmul_bcast_plan pl;
    chanmul_bcast_plan_of(d, &pl);
    unsigned all_a = 1, all_b = 1;
    for (int i = 0; i < pl.rank; i++) {
        all_a &= (pl.kinds[i] & CHANMUL_BCAST_A) != 0;
        all_b &= (pl.kinds[i] & CHANMUL_BCAST_B) != 0;
    }
    chanmul_problem form;
    if ((all_a || all_b) && family_form(&pl, all_a ? CHANMUL_BCAST_B : CHANMUL_BCAST_A, &form)) {
        chanmul_desc fd;
        int err = chanmul_desc_init(&fd, &form);
        if (err)
            return err;
        chanmul_tensors ft = {{all_a ? t->in[0] : t->in[1], all_a ? t->in[1] : t->in[0], NULL},
                              {t->out[0], NULL, NULL}};
        return chanmul_factor_ranges(&fd, &ft, threads, allow_nontemporal, tun);
    }
    rows_job j;
    rows_job_of(&j, chanmul_range_kernels_for_cpu(), &pl, t);
    use_blocks(&j);
    size_t units = j.blocks ? j.outer.total / j.outer.dims[j.outer.rank - 1] : j.rows;
    int nthreads = chanmul_useful_threads(pl.total, threads, tun);
    if (nthreads > 1 && units < (size_t)nthreads)
        nthreads = (int)units;
    if (nthreads <= 1) {
        rows_share(&j, 0, 1);
    } else if (chanmul_team_run(nthreads, rows_share, &j) != 0) {
#pragma omp parallel num_threads(nthreads)
        /* the team may be smaller than asked: split by its size */
        rows_share(&j, omp_get_thread_num(), omp_get_num_threads());
    }
    return CHANMUL_OK;
}
