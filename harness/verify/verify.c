#include "verify.h"

#include "bcast_cases.h"
#include "cases.h"
#include "chanmul_internal.h"
#include "grad_check.h"
#include "grad_sums.h"
#include "reference_grad.h"
#include "shape.h"
#include "shell_word.h"

#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int verify_shape_problem(const verify_options *o, chanmul_op op, chanmul_problem *p)
{
    *p = o->shape;
    p->op = op;
    if (op == CHANMUL_OP_BCAST && o->shape.op != CHANMUL_OP_BCAST) {
        /* --op all at one NxHxWxC: bcast multiplies it by its last axis */
        chanmul_shape b;
        bcast_default_b(&o->shape.a, &b);
        if (chanmul_bcast_problem(p, &o->shape.a, &b, NULL, 0) != 0)
            return -1;
    }
    return 0;
}

int verify_call(const chanmul_impl *impl, const chanmul_desc *d, const chanmul_tensors *t, int threads)
{
    /* the short form for the ops of x, one factor and y (chanmul_run keeps a
     * prepared call per thread for its last problem: registry.c), the
     * descriptor form for the others */
    if (d->inputs == 2 && d->outputs == 1)
        return chanmul_run(impl, &d->p, t->in[0], t->in[1], t->out[0], threads);
    return chanmul_exec(impl, d, t, threads);
}

/* Floats of guard zone on each side of y, and the bit patterns planted there. */
#define GUARD_FLOATS 64
#define GUARD_BITS 0x7fc0deadu
#define POISON_BITS 0x3e5a5a5au /* what y holds before the call: finite, unlikely */
#define MAX_OFFSET 16

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

/* The ops whose outputs after the first are sums over rows (scale_grad). */
static int has_sums(chanmul_op op)
{
    const chanmul_op_info *info = chanmul_op_info_of(op);
    return info && info->rounding == CHANMUL_ROUND_REPRODUCIBLE_SUM;
}

int verify_data_modes_of(chanmul_op op)
{
    return has_sums(op) ? VERIFY_DATA_CANCEL + 1 : VERIFY_DATA_CANCEL;
}

/* ---- data ------------------------------------------------------------------ */


static float float_from_bits(uint32_t bits)
{
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}

static uint32_t bits_of(float f)
{
    uint32_t b;
    memcpy(&b, &f, sizeof b);
    return b;
}

/* Any finite float: random sign, exponent 1..254 (1 in 64 denormal), mantissa. */
static float random_full_range(uint64_t *rng)
{
    uint64_t r = verify_splitmix64(rng);
    uint32_t sign = (uint32_t)(r >> 63) << 31;
    uint32_t exponent = (r >> 32) % 64 == 0 ? 0 : 1 + (uint32_t)((r >> 40) % 254);
    uint32_t mantissa = (uint32_t)r & 0x7fffffu;
    return float_from_bits(sign | exponent << 23 | mantissa);
}

static const float special_values[] = {
    0.0f, -0.0f, INFINITY, -INFINITY, NAN, 1e-45f /* smallest denormal */, -3e-42f, 1e-39f,
    FLT_MAX, -FLT_MAX, FLT_MIN, 1e-20f, -1e20f, 1.0f, -1.0f, 0.5f};
/* Scales for small C avoid values that make the whole output zero or NaN. */
static const float special_scales_safe[] = {1.0f, -1.0f, 0.5f, 2.0f, 1e-20f, 3e38f, -7.0f, FLT_MIN};

static float ordinary_value(uint64_t *rng)
{
    uint64_t r = verify_splitmix64(rng);
    return ((float)(r % 2000001) - 1000000.0f) / 997.0f;
}

float verify_normal_value(unsigned long long seed, int operand, size_t i)
{
    uint64_t state = seed ^ ((uint64_t)i * 0x9e3779b97f4a7c15ull) ^ ((uint64_t)operand << 56);
    uint64_t r = verify_splitmix64(&state);
    uint32_t exponent = 127 - 8 + (uint32_t)((r >> 32) % 17); /* 2^-8 .. 2^8 */
    return float_from_bits((uint32_t)(r >> 63) << 31 | exponent << 23 | ((uint32_t)r & 0x7fffffu));
}

/* Fills one operand: the data tensor x (is_data) or a factor (s, g, ...).
 * The operands are filled in order from one stream *rng started at the seed,
 * so the channel scale's cases hold the data they always held for a seed. */
static void fill_operand(verify_data data, uint64_t seed, uint64_t *rng, int is_data, float *v,
                         size_t len)
{
    switch (data) {
    case VERIFY_DATA_SMALLINT:
        /* Non-zero x in +-[1, 16]; factors distinct across up to 254 elements. */
        if (is_data)
            for (size_t i = 0; i < len; i++) {
                uint64_t r = verify_splitmix64(rng);
                v[i] = (float)(1 + (int)(r % 16)) * (r & 0x100 ? -1.0f : 1.0f);
            }
        else
            for (size_t k = 0; k < len; k++)
                v[k] = (float)(1 + (int)((k + seed) % 127)) * ((k / 127) % 2 ? -1.0f : 1.0f);
        break;
    case VERIFY_DATA_RANDOM:
        /* x spans the whole range; factors stay within 2^+-30 so that products
         * overflow and underflow often, but not so often that most are 0 or inf. */
        for (size_t i = 0; i < len; i++) {
            if (is_data) {
                v[i] = random_full_range(rng);
                continue;
            }
            uint64_t r = verify_splitmix64(rng);
            uint32_t exponent = 97 + (uint32_t)((r >> 32) % 61);
            v[i] = float_from_bits((uint32_t)(r >> 63) << 31 | exponent << 23 | ((uint32_t)r & 0x7fffffu));
        }
        break;
    case VERIFY_DATA_SPECIAL:
        for (size_t i = 0; i < len; i++) {
            uint64_t r = verify_splitmix64(rng);
            if (!is_data && len < 4)
                v[i] = special_scales_safe[r % COUNT_OF(special_scales_safe)];
            else if (r % (is_data ? 4 : 3) == 0)
                v[i] = special_values[(r >> 8) % COUNT_OF(special_values)];
            else
                v[i] = ordinary_value(rng);
        }
        break;
    case VERIFY_DATA_CANCEL: /* fill_cancel's: it needs the layout */
    case VERIFY_DATA_NORMAL: /* fill_input's: it needs the operand's index */
    case VERIFY_DATA_COUNT:
        break;
    }
}

/* A value from (seed, a, b, salt) alone, so that element i can repeat the
 * value of another: sign * [1, 2) * 2^exponent. */
static float hashed_value(uint64_t seed, size_t a, size_t b, unsigned salt, int exponent)
{
    uint64_t state = seed ^ ((uint64_t)a * 0x9e3779b97f4a7c15ull) ^ ((uint64_t)b << 40) ^ salt;
    uint64_t r = verify_splitmix64(&state);
    float m = 1.0f + (float)(r >> 41) * 0x1p-23f; /* 23 random mantissa bits */
    return (r & 1 ? -1.0f : 1.0f) * ldexpf(m, exponent);
}

/*
 * The cancellation data of one operand of the data tensor's shape (x, and the
 * other full tensors: scale_grad's dy). Rows r = (n, h, w) go in threes: at
 * r = 3g, x = A(g, c) and dy = D(g, c), both about 2^6; at r = 3g + 2, the
 * same A and -D, so their products and dy cancel exactly; at r = 3g + 1,
 * small values about 2^-6. The sums are then the small terms' alone, 2^24
 * below the large: a float running sum loses them (each large term rounds the
 * total to 2^-12), a double one keeps them. Factor operands (s) are ordinary.
 */
static void fill_cancel(const verify_case *vc, int k, float *v, size_t len)
{
    const chanmul_problem *p = &vc->p;
    int is_dy = k != 0; /* the second full tensor takes D's role */
    for (size_t i = 0; i < len; i++) {
        size_t c, r;
        if (p->layout == CHANMUL_NHWC) {
            c = i % p->c;
            r = i / p->c;
        } else {
            size_t plane = p->h * p->w;
            c = i / plane % p->c;
            r = i / plane / p->c * plane + i % plane;
        }
        size_t q = r % 3, g = r / 3;
        if (q == 1)
            v[i] = hashed_value(vc->seed, r, c, 2 + (unsigned)is_dy, -6);
        else
            v[i] = hashed_value(vc->seed, g, c, (unsigned)is_dy, 6) * (is_dy && q == 2 ? -1.0f : 1.0f);
    }
}

static void fill_input(const verify_case *vc, uint64_t *rng, int k, const chanmul_shape *shape,
                       const chanmul_shape *data_shape, float *v, size_t len)
{
    int full = shape->rank == data_shape->rank; /* an operand of x's shape */
    /* cancel's rows are (n, h, w) of the family's layouts: bcast's general
     * shapes (whose fold may have C = 0 while a has elements) take ordinary
     * values instead */
    if (vc->data == VERIFY_DATA_CANCEL && chanmul_op_info_of(vc->p.op)->broadcast)
        full = 0;
    if (vc->data == VERIFY_DATA_CANCEL && full) {
        fill_cancel(vc, k, v, len);
        return;
    }
    if (vc->data == VERIFY_DATA_NORMAL) {
        for (size_t i = 0; i < len; i++)
            v[i] = verify_normal_value(vc->seed, k, i);
        return;
    }
    if (vc->data == VERIFY_DATA_CANCEL) { /* factors: ordinary values from the stream */
        for (size_t i = 0; i < len; i++)
            v[i] = ordinary_value(rng);
        return;
    }
    fill_operand(vc->data, vc->seed, rng, k == 0, v, len);
}

/* ---- one prepared problem: inputs, pristine copies, expected outputs ------------- */

typedef struct prepared {
    verify_case vc; /* threads, in_place, offset_y are filled per run */
    chanmul_desc d;
    const chanmul_op_info *info;
    size_t in_len[CHANMUL_MAX_INPUTS], out_len[CHANMUL_MAX_OUTPUTS]; /* elements */
    float *in_buf[CHANMUL_MAX_INPUTS], *in[CHANMUL_MAX_INPUTS], *in_pristine[CHANMUL_MAX_INPUTS];
    float *expected[CHANMUL_MAX_OUTPUTS];
    /* for an op whose rounding each implementation declares (the multiply-add),
     * the outputs of the other kind: the fused reference's (else NULL) */
    float *expected_fused[CHANMUL_MAX_OUTPUTS];
    /* guard + offset + out_len + guard, reused by every run */
    float *out_buf[CHANMUL_MAX_OUTPUTS];
    size_t out_buf_len[CHANMUL_MAX_OUTPUTS];
    int mistrusted;
    /* an op with sums (outputs 1.. of CHANMUL_ROUND_REPRODUCIBLE_SUM): per
     * output and channel the exact sum and the sum of the terms' magnitudes
     * (chanmul_scale_grad_exact), and the bits of the library's fixed order
     * (chanmul_grad_sums), which chanmul's own kernels must give ... */
    double *sum_exact[CHANMUL_MAX_OUTPUTS], *sum_abs[CHANMUL_MAX_OUTPUTS];
    float *sum_order[CHANMUL_MAX_OUTPUTS];
    /* ... and each target's first sums, which every other run of it (other
     * thread counts, a repeat) must give bit for bit */
    float *sum_first[CHANMUL_MAX_OUTPUTS];
    const verify_target *sum_first_of; /* whose they are (NULL: none yet) */
    int sum_first_threads;
} prepared;

static void *alloc_floats(size_t count)
{
    if (count > (SIZE_MAX - 63) / sizeof(float))
        return NULL; /* the byte count would wrap: a tiny buffer for a huge tensor */
    size_t bytes = (count * sizeof(float) + 63) / 64 * 64;
    return aligned_alloc(64, bytes ? bytes : 64);
}

/* a + b, or SIZE_MAX when it wraps */
static size_t add_sat(size_t a, size_t b)
{
    return a > SIZE_MAX - b ? SIZE_MAX : a + b;
}

static size_t floats_bytes(size_t count)
{
    return count > (SIZE_MAX - 63) / sizeof(float) ? SIZE_MAX : (count * sizeof(float) + 63) / 64 * 64;
}

/* (follows prepare() and daz_expected(): keep them in step) */
size_t verify_case_bytes(const chanmul_problem *p)
{
    chanmul_desc d;
    if (chanmul_desc_init(&d, p) != 0)
        return SIZE_MAX;
    int err = 0, fused = chanmul_op_info_of(p->op)->rounding == CHANMUL_ROUND_MULTIPLY_ADD;
    size_t bytes = 0;
    for (int k = 0; k < d.inputs; k++) {
        size_t n = chanmul_shape_elements(&d.in[k], &err);
        if (err)
            return SIZE_MAX;
        /* the buffer with its offset, the pristine copy, the denormal-free copy */
        bytes = add_sat(bytes, add_sat(floats_bytes(add_sat(n, MAX_OFFSET)), add_sat(floats_bytes(n), floats_bytes(n))));
    }
    for (int k = 0; k < d.outputs; k++) {
        size_t n = chanmul_shape_elements(&d.out[k], &err);
        if (err)
            return SIZE_MAX;
        /* expected (and fused), the guarded buffer, the denormal-free expected */
        size_t each = add_sat(floats_bytes(n), floats_bytes(add_sat(n, 2 * GUARD_FLOATS + MAX_OFFSET)));
        each = add_sat(each, floats_bytes(n));
        if (fused)
            each = add_sat(each, floats_bytes(n));
        if (k > 0 && has_sums(p->op)) /* exact sums and magnitudes (doubles), the order's, the first run's */
            {
            size_t doubles = floats_bytes(add_sat(n, n)), floats = floats_bytes(n);
            each = add_sat(each, add_sat(add_sat(doubles, doubles), add_sat(floats, floats)));
        }
        bytes = add_sat(bytes, each);
    }
    if (has_sums(p->op)) /* prepare_sums' dx */
        bytes = add_sat(bytes, floats_bytes(chanmul_shape_elements(&d.out[0], &err)));
    return bytes;
}

static void prepared_free(prepared *pr)
{
    for (int k = 0; k < CHANMUL_MAX_INPUTS; k++) {
        free(pr->in_buf[k]);
        free(pr->in_pristine[k]);
    }
    for (int k = 0; k < CHANMUL_MAX_OUTPUTS; k++) {
        free(pr->expected[k]);
        free(pr->expected_fused[k]);
        free(pr->out_buf[k]);
        free(pr->sum_exact[k]);
        free(pr->sum_abs[k]);
        free(pr->sum_order[k]);
        free(pr->sum_first[k]);
    }
    memset(pr, 0, sizeof *pr);
}

/* The ground truth of the fused kind for an op of CHANMUL_ROUND_MULTIPLY_ADD
 * (the registry's reference computes the product, then the sum). */
static chanmul_op_fn fused_reference_of(chanmul_op op)
{
    return op == CHANMUL_OP_AFFINE ? chanmul_affine_reference_fused : NULL;
}

/* The expected outputs for impl: the fused reference's when it declares op fused. */
static float *const *expected_for(const prepared *pr, const chanmul_impl *impl)
{
    return chanmul_impl_fuses(impl, pr->d.p.op) && pr->expected_fused[0] ? pr->expected_fused
                                                                          : pr->expected;
}

/* The offset in floats of input k: x takes offset_x, every other input offset_s. */
static int input_offset(const verify_case *vc, int k)
{
    return k == 0 ? vc->offset_x : vc->offset_s;
}

static double *alloc_doubles(size_t count)
{
    return count > SIZE_MAX / 2 / sizeof(float) ? NULL : alloc_floats(2 * count);
}

/* The sums' ground truth: exact values and magnitudes, and the library's bits
 * (scale_grad: outputs ds and db; its inputs x, s, dy). */
static int prepare_sums(prepared *pr)
{
    const chanmul_problem *p = &pr->d.p;
    int err = chanmul_scale_grad_exact(p, pr->in[0], pr->in[2], pr->sum_exact[1], pr->sum_exact[2],
                                       pr->sum_abs[1], pr->sum_abs[2]);
    if (err)
        return err;
    float *dx = alloc_floats(pr->out_len[0]);
    if (!dx)
        return CHANMUL_ENOMEM;
    err = chanmul_grad_sums(p, pr->in[0], pr->in[1], pr->in[2], dx, pr->sum_order[1],
                            pr->sum_order[2], 1, CHANMUL_GRAD_PLAIN);
    free(dx);
    return err;
}

static int prepare(prepared *pr, const verify_case *vc)
{
    int err = 0;
    memset(pr, 0, sizeof *pr);
    pr->vc = *vc;
    if ((err = chanmul_desc_init(&pr->d, &vc->p)) != 0)
        return err;
    pr->info = chanmul_op_info_of(vc->p.op);
    const chanmul_desc *d = &pr->d;
    int ok = 1;
    for (int k = 0; k < d->inputs; k++) {
        pr->in_len[k] = chanmul_shape_elements(&d->in[k], &err);
        pr->in_buf[k] = alloc_floats(pr->in_len[k] + MAX_OFFSET);
        pr->in_pristine[k] = alloc_floats(pr->in_len[k]);
        ok = ok && pr->in_buf[k] && pr->in_pristine[k];
    }
    chanmul_op_fn fused = pr->info->rounding == CHANMUL_ROUND_MULTIPLY_ADD ? fused_reference_of(vc->p.op) : NULL;
    for (int k = 0; k < d->outputs; k++) {
        pr->out_len[k] = chanmul_shape_elements(&d->out[k], &err);
        pr->expected[k] = alloc_floats(pr->out_len[k]);
        if (fused && !(pr->expected_fused[k] = alloc_floats(pr->out_len[k])))
            ok = 0;
        pr->out_buf_len[k] = GUARD_FLOATS + MAX_OFFSET + pr->out_len[k] + GUARD_FLOATS;
        pr->out_buf[k] = alloc_floats(pr->out_buf_len[k]);
        ok = ok && pr->expected[k] && pr->out_buf[k];
        if (k > 0 && has_sums(vc->p.op)) {
            pr->sum_exact[k] = alloc_doubles(pr->out_len[k]);
            pr->sum_abs[k] = alloc_doubles(pr->out_len[k]);
            pr->sum_order[k] = alloc_floats(pr->out_len[k]);
            pr->sum_first[k] = alloc_floats(pr->out_len[k]);
            ok = ok && pr->sum_exact[k] && pr->sum_abs[k] && pr->sum_order[k] && pr->sum_first[k];
        }
    }
    if (!ok) {
        prepared_free(pr);
        return CHANMUL_ENOMEM;
    }
    chanmul_tensors t = {{0}, {0}};
    uint64_t rng = vc->seed;
    for (int k = 0; k < d->inputs; k++) {
        pr->in[k] = pr->in_buf[k] + input_offset(vc, k);
        fill_input(vc, &rng, k, &d->in[k], &d->in[0], pr->in[k], pr->in_len[k]);
        memcpy(pr->in_pristine[k], pr->in[k], pr->in_len[k] * sizeof(float));
        t.in[k] = pr->in[k];
    }
    for (int k = 0; k < d->outputs; k++)
        t.out[k] = pr->expected[k];
    if (chanmul_problem_elements(&vc->p, &err) > 0) {
        err = chanmul_exec(chanmul_impl_find("reference"), d, &t, 1);
        if (!err && fused) {
            for (int k = 0; k < d->outputs; k++)
                t.out[k] = pr->expected_fused[k];
            err = fused(d, &t, 1);
        }
        if (err) {
            prepared_free(pr);
            return err;
        }
    }
    /* (also for no rows: those sums are zero) */
    if (has_sums(vc->p.op) && (err = prepare_sums(pr)) != 0) {
        prepared_free(pr);
        return err;
    }
    size_t zeros = 0, total = pr->out_len[0];
    for (size_t i = 0; i < total; i++)
        zeros += pr->expected[0][i] == 0.0f;
    pr->mistrusted = total > 0 && zeros * 2 > total;
    return 0;
}

/* ---- reporting ------------------------------------------------------------------- */

/* "y[i0, i1, ...]" of flat element i of a bcast's result, into buf. */
static const char *bcast_index(const chanmul_desc *d, size_t i, char *buf, size_t len)
{
    const chanmul_shape *y = &d->out[0];
    size_t idx[CHANMUL_MAX_RANK], used = 0;
    for (int k = y->rank - 1; k >= 0; k--) {
        idx[k] = i % y->dims[k];
        i /= y->dims[k];
    }
    used += (size_t)snprintf(buf, len, "(");
    for (int k = 0; k < y->rank && used < len; k++)
        used += (size_t)snprintf(buf + used, len - used, "%s%zu", k ? ", " : "", idx[k]);
    if (used < len)
        snprintf(buf + used, len - used, ")");
    return buf;
}

static void logical_index(const chanmul_problem *p, size_t i, size_t idx[4])
{
    if (p->layout == CHANMUL_NHWC) {
        idx[3] = i % p->c;
        idx[2] = i / p->c % p->w;
        idx[1] = i / p->c / p->w % p->h;
        idx[0] = i / p->c / p->w / p->h;
    } else {
        idx[2] = i % p->w;
        idx[1] = i / p->w % p->h;
        idx[3] = i / p->w / p->h % p->c;
        idx[0] = i / p->w / p->h / p->c;
    }
}

/* The environment that changes what a case runs: the ISA cap, the
 * streaming-store switch and the threading knobs of `stream`. A repro line sets
 * them when they are set here. */
static const char *const repro_environment[] = {"CHANMUL_MAX_ISA", "CHANMUL_NONTEMPORAL",
                                                "CHANMUL_THREAD_TEAM",
                                                "CHANMUL_MIN_ELEMENTS_PER_THREAD"};

/* One command line that runs exactly this case (and only it) again. The
 * channel scale's line has no --op (it is the default), as it always had. */
void verify_print_repro(FILE *out, const verify_target *t, const verify_case *vc)
{
    char shape[96];
    fputs("  repro: ", out);
    for (size_t i = 0; i < COUNT_OF(repro_environment); i++) {
        const char *value = getenv(repro_environment[i]);
        if (value && *value) {
            fprintf(out, "%s=", repro_environment[i]);
            shell_word_print(out, value);
            fputc(' ', out);
        }
    }
    fputs("chanmul verify ", out);
    if (vc->p.op != CHANMUL_OP_SCALE)
        fprintf(out, "--op %s ", chanmul_op_name(vc->p.op));
    if (t->plugin_path) {
        fputs("--plugin ", out);
        shell_word_print(out, t->plugin_path);
    } else {
        fprintf(out, "--impl %s", t->impl->name);
    }
    if (chanmul_op_info_of(vc->p.op)->broadcast) {
        char a[160], b[160];
        fprintf(out, " --shape %s --shape2 %s", dims_format(&vc->p.a, a, sizeof a), dims_format(&vc->p.b, b, sizeof b));
    } else {
        fprintf(out, " --shape %s --layout %s", shape_format(&vc->p, shape, sizeof shape),
                chanmul_layout_name(vc->p.layout));
    }
    fprintf(out, " --threads %d --data %s --seed %llu --offsets %d,%d,%d %s\n", vc->threads, verify_data_name(vc->data), vc->seed, vc->offset_x, vc->offset_s,
            vc->offset_y, vc->in_place ? "--in-place" : "--not-in-place");
}

/* "FAIL impl layout shape[ op=O] threads=T data=D[ in-place]: " (the channel
 * scale's header without op=, as it always was). */
static void print_header(FILE *out, const verify_target *t, const verify_case *vc)
{
    char shape[96];
    fprintf(out, "FAIL %s %s %s", t->impl->name, chanmul_layout_name(vc->p.layout),
            shape_format(&vc->p, shape, sizeof shape));
    if (vc->p.op != CHANMUL_OP_SCALE)
        fprintf(out, " op=%s", chanmul_op_name(vc->p.op));
    fprintf(out, " threads=%d data=%s%s: ", vc->threads, verify_data_name(vc->data),
            vc->in_place ? " in-place" : "");
}

/* ---- one run --------------------------------------------------------------------- */

static int same_result(float expected, float actual)
{
    if (isnan(expected))
        return isnan(actual);
    return bits_of(expected) == bits_of(actual);
}

/* Index of the first element where a and b differ under the NaN rule, or n. */
static size_t first_mismatch(const float *expected, const float *actual, size_t n)
{
    if (memcmp(expected, actual, n * sizeof(float)) == 0)
        return n;
    for (size_t i = 0; i < n; i++)
        if (!same_result(expected[i], actual[i]))
            return i;
    return n;
}

static size_t first_changed(const float *before, const float *after, size_t n)
{
    if (memcmp(before, after, n * sizeof(float)) == 0)
        return n;
    for (size_t i = 0; i < n; i++)
        if (bits_of(before[i]) != bits_of(after[i]))
            return i;
    return n;
}

static int guard_intact(const float *g, size_t n, size_t *where)
{
    for (size_t i = 0; i < n; i++)
        if (bits_of(g[i]) != GUARD_BITS) {
            *where = i;
            return 0;
        }
    return 1;
}

/* Output k of a run: where it starts in its guarded buffer. */
typedef struct placed_output {
    float *y;
    size_t before_len, after_len; /* guard floats before y and after its end */
} placed_output;

/* chanmul's own kernels (auto among them) all sum in the library's one order. */
static int follows_library_order(const chanmul_impl *impl)
{
    return impl->kind == CHANMUL_KIND_CHANMUL || impl->kind == CHANMUL_KIND_SELECTOR;
}

/* Output k of an op with sums: each channel within the bound of its exact sum
 * (grad_check.h); chanmul's own kernels in the library's order, bit for bit;
 * and every run of one target the same bits as its first (sum_first). */
static int check_sums(const verify_target *t, const prepared *pr, const verify_case *vc, int k,
                      const float *got, FILE *out, int report)
{
    const char *name = pr->info->operand_names[pr->d.inputs + k];
    size_t len = pr->out_len[k], rows = pr->d.p.n * pr->d.p.h * pr->d.p.w;
    for (size_t c = 0; c < len; c++) {
        double error, bound;
        if (grad_sum_acceptable(got[c], pr->sum_exact[k][c], pr->sum_abs[k][c], rows, &error, &bound))
            continue;
        if (report) {
            print_header(out, t, vc);
            fprintf(out, "%s[%zu] = %a (%.9g) is %.3g from the exact sum %a (%.17g), beyond the bound %.3g "
                    "(2^-24 |sum| + (R + B) 2^-53 sum|terms|, R = %zu rows)\n", name, c, (double)got[c],
                    (double)got[c], error, pr->sum_exact[k][c], pr->sum_exact[k][c], bound, rows);
        }
        return 0;
    }
    size_t where;
    if (follows_library_order(t->impl) && (where = first_mismatch(pr->sum_order[k], got, len)) < len) {
        if (report) {
            print_header(out, t, vc);
            fprintf(out, "%s[%zu] = 0x%08" PRIx32 " (%.9g), but the library's fixed order gives 0x%08" PRIx32
                    " (%.9g): within the bound, not chanmul's order (auto's bits would change with its pick)\n",
                    name, where, bits_of(got[where]), (double)got[where], bits_of(pr->sum_order[k][where]),
                    (double)pr->sum_order[k][where]);
        }
        return 0;
    }
    if (pr->sum_first_of == t && (where = first_mismatch(pr->sum_first[k], got, len)) < len) {
        if (report) {
            print_header(out, t, vc);
            fprintf(out, "%s[%zu] = 0x%08" PRIx32 " (%.9g), but 0x%08" PRIx32 " (%.9g) with threads=%d: "
                    "the sum is not the same for every thread count and run\n", name, where,
                    bits_of(got[where]), (double)got[where], bits_of(pr->sum_first[k][where]),
                    (double)pr->sum_first[k][where], pr->sum_first_threads);
        }
        return 0;
    }
    return 1;
}

/* Checks one output after the call; 1 when right, else 0 (reporting it). */
static int check_output(const verify_target *t, const prepared *pr, const verify_case *vc,
                        int k, const placed_output *po, FILE *out, int report)
{
    const char *name = pr->info->operand_names[pr->d.inputs + k];
    size_t len = pr->out_len[k], where = 0, idx[4];
    float *const *expected = expected_for(pr, t->impl);
    if (!guard_intact(pr->out_buf[k], po->before_len, &where)) {
        if (report) {
            print_header(out, t, vc);
            fprintf(out, "wrote before %s: guard element %s[-%zu] changed\n", name, name,
                    po->before_len - where);
        }
        return 0;
    }
    if (!guard_intact(po->y + len, po->after_len, &where)) {
        if (report) {
            print_header(out, t, vc);
            fprintf(out, "wrote past the end of %s: guard element %s[%zu] (end + %zu) changed\n", name,
                    name, len + where, where);
        }
        return 0;
    }
    if (k > 0 && pr->sum_exact[k])
        return check_sums(t, pr, vc, k, po->y, out, report);
    if ((where = first_mismatch(expected[k], po->y, len)) < len) {
        if (report) {
            print_header(out, t, vc);
            if (pr->info->broadcast) {
                char at[200];
                fprintf(out, "first mismatch at y%s [flat %zu]", bcast_index(&pr->d, where, at, sizeof at),
                        where);
            } else if (len == pr->out_len[0] && k == 0) {
                logical_index(&vc->p, where, idx);
                fprintf(out, "first mismatch at (n=%zu, h=%zu, w=%zu, c=%zu) [flat %zu]", idx[0],
                        idx[1], idx[2], idx[3], where);
            } else {
                fprintf(out, "first mismatch in %s at [%zu]", name, where);
            }
            fprintf(out, ": expected 0x%08" PRIx32 " (%.9g), got 0x%08" PRIx32 " (%.9g)",
                    bits_of(expected[k][where]), (double)expected[k][where], bits_of(po->y[where]),
                    (double)po->y[where]);
            if (pr->expected_fused[k]) {
                /* say which rounding it computed when that is the other kind's */
                int fuses = chanmul_impl_fuses(t->impl, vc->p.op);
                const float *other = fuses ? pr->expected[k] : pr->expected_fused[k];
                if (first_mismatch(other, po->y, len) == len)
                    fprintf(out, "; it computes the %s, but declares the %s", fuses ? "product, then the sum" : "fused multiply-add",
                            fuses ? "fused multiply-add" : "product, then the sum");
            }
            fputc('\n', out);
        }
        return 0;
    }
    return 1;
}

/* Checks that input k is as it was; 1 when unchanged, else 0 (reporting it). */
static int check_input(const verify_target *t, const prepared *pr, const verify_case *vc, int k,
                       FILE *out, int report)
{
    size_t len = pr->in_len[k], where, idx[4];
    if ((where = first_changed(pr->in_pristine[k], pr->in[k], len)) >= len)
        return 1;
    if (report) {
        print_header(out, t, vc);
        if (k == 0 && !pr->info->broadcast) {
            logical_index(&vc->p, where, idx);
            fprintf(out, "modified its input x at (n=%zu, h=%zu, w=%zu, c=%zu)\n", idx[0], idx[1],
                    idx[2], idx[3]);
        } else if (vc->p.op == CHANMUL_OP_SCALE) {
            fprintf(out, "modified the scale vector s at c=%zu\n", where);
        } else {
            fprintf(out, "modified its input %s at [%zu]\n", pr->info->operand_names[k], where);
        }
    }
    return 0;
}

/* ---- the classes of a failure (departures.h) ---------------------------------------- */

/* The reference's outputs for impl's rounding on the inputs with every
 * denormal read as zero, into daz[k] (allocated; the caller frees them), or
 * all NULL when no input holds a denormal (the DAZ reference is then the
 * reference) or memory is short. */
static void daz_expected(const prepared *pr, const chanmul_impl *impl, float *daz[CHANMUL_MAX_OUTPUTS])
{
    const chanmul_desc *d = &pr->d;
    float *in[CHANMUL_MAX_INPUTS] = {0};
    int any = 0, ok = 1;
    for (int k = 0; k < d->outputs; k++)
        daz[k] = NULL;
    for (int k = 0; k < d->inputs && ok; k++) {
        ok = (in[k] = alloc_floats(pr->in_len[k])) != NULL;
        for (size_t i = 0; ok && i < pr->in_len[k]; i++) {
            in[k][i] = departure_flush(pr->in_pristine[k][i]);
            any |= bits_of(in[k][i]) != bits_of(pr->in_pristine[k][i]);
        }
    }
    chanmul_tensors t = {{0}, {0}};
    for (int k = 0; k < d->outputs && ok && any; k++)
        ok = (t.out[k] = daz[k] = alloc_floats(pr->out_len[k])) != NULL;
    if (ok && any) {
        for (int k = 0; k < d->inputs; k++)
            t.in[k] = in[k];
        chanmul_op_fn fused = fused_reference_of(d->p.op);
        int err = chanmul_impl_fuses(impl, d->p.op) && fused ? fused(d, &t, 1)
                                                             : chanmul_exec(chanmul_impl_find("reference"), d, &t, 1);
        ok = err == 0;
    }
    for (int k = 0; k < d->inputs; k++)
        free(in[k]);
    if (!ok || !any)
        for (int k = 0; k < d->outputs; k++) {
            free(daz[k]);
            daz[k] = NULL;
        }
}

/* What a failed run shows, every check made again without stopping at the
 * first (the report names only the first): its classes of departure. */
static departure_set classify_failure(const verify_target *t, const prepared *pr, const verify_case *vc,
                                      const placed_output *po, int rc, int aliased)
{
    departure_set set = {0, 0};
    const chanmul_desc *d = &pr->d;
    if (rc != 0) {
        set.classes |= 1u << DEPARTURE_ERROR;
        return set; /* its outputs are whatever it left: not a result */
    }
    float *daz[CHANMUL_MAX_OUTPUTS];
    daz_expected(pr, t->impl, daz);
    float *const *expected = expected_for(pr, t->impl);
    for (int k = 0; k < d->outputs; k++) {
        size_t where;
        if (!guard_intact(pr->out_buf[k], po[k].before_len, &where) ||
            !guard_intact(po[k].y + pr->out_len[k], po[k].after_len, &where))
            set.classes |= 1u << DEPARTURE_GUARD;
        if (k > 0 && pr->sum_exact[k]) {
            if (!check_sums(t, pr, vc, k, po[k].y, NULL, 0))
                set.classes |= 1u << DEPARTURE_SUMS;
        } else {
            departures_classify(expected[k], daz[k], po[k].y, pr->out_len[k], &set);
        }
        free(daz[k]);
    }
    for (int k = 0; k < d->inputs; k++)
        if (k != aliased && first_changed(pr->in_pristine[k], pr->in[k], pr->in_len[k]) < pr->in_len[k])
            set.classes |= 1u << DEPARTURE_INPUT;
    if (!set.classes)
        set.classes |= 1u << DEPARTURE_WRONG; /* failed, yet no check says why: never hide it */
    return set;
}

/* Runs one target on a prepared problem with vc's threads/in_place/offset_y.
 * Returns 1 pass, 0 fail, -1 skipped (mistrusted or unavailable); a failure's
 * classes go to *set when set is not NULL. */
static int run_prepared(const verify_target *t, prepared *pr, const verify_case *vc,
                        FILE *out, int report, departure_set *set)
{
    const char *why;
    if (!chanmul_impl_available(t->impl, &why) || pr->mistrusted)
        return -1;
    if (has_sums(vc->p.op) && pr->sum_first_of != t) {
        /* the sums of every run are compared with this target's first; a case
         * at another thread count (a repro line's) first runs one thread, so
         * that its repro line shows the difference again */
        pr->sum_first_of = NULL;
        if (vc->threads != 1) {
            verify_case first = *vc;
            first.threads = 1;
            if (run_prepared(t, pr, &first, out, 0, NULL) != 1)
                pr->sum_first_of = NULL; /* that run failed: this one is judged alone */
        }
    }
    const chanmul_desc *d = &pr->d;
    float guard = float_from_bits(GUARD_BITS), poison = float_from_bits(POISON_BITS);
    placed_output po[CHANMUL_MAX_OUTPUTS];
    chanmul_tensors tensors = {{0}, {0}};
    for (int k = 0; k < d->inputs; k++)
        tensors.in[k] = pr->in[k];
    for (int k = 0; k < d->outputs; k++) {
        float *buf = pr->out_buf[k];
        for (size_t i = 0; i < pr->out_buf_len[k]; i++)
            buf[i] = guard;
        po[k].y = buf + GUARD_FLOATS + vc->offset_y;
        po[k].before_len = GUARD_FLOATS + (size_t)vc->offset_y;
        po[k].after_len = pr->out_buf_len[k] - po[k].before_len - pr->out_len[k];
        for (size_t i = 0; i < pr->out_len[k]; i++)
            po[k].y[i] = poison;
        tensors.out[k] = po[k].y;
    }
    int aliased = vc->in_place ? pr->info->in_place_input : -1;
    if (aliased >= 0 && pr->in_len[aliased] != pr->out_len[0])
        return -1; /* a stretched input (bcast) has no in-place form: nothing to run */
    if (aliased >= 0) {
        memcpy(po[0].y, pr->in_pristine[aliased], pr->out_len[0] * sizeof(float));
        tensors.in[aliased] = po[0].y;
    }

    int ok = 1;
    int rc = verify_call(t->impl, d, &tensors, vc->threads);
    if (rc == CHANMUL_EOP && t->impl->kind == CHANMUL_KIND_PEER)
        return -1; /* the peer's library has no such form (oneDNN's binary stretches only its
                      second operand; XNNPACK takes rank 6): skipped, not failed */
    if (rc != 0) {
        ok = 0;
        if (report) {
            print_header(out, t, vc);
            fprintf(out, "returned %d (%s)\n", rc, chanmul_strerror(rc));
        }
    }
    for (int k = 0; ok && k < d->outputs; k++)
        ok = check_output(t, pr, vc, k, &po[k], out, report);
    for (int k = 0; ok && k < d->inputs; k++)
        if (k != aliased)
            ok = check_input(t, pr, vc, k, out, report);
    if (ok && has_sums(vc->p.op) && pr->sum_first_of != t) {
        for (int k = 1; k < d->outputs; k++)
            memcpy(pr->sum_first[k], po[k].y, pr->out_len[k] * sizeof(float));
        pr->sum_first_of = t;
        pr->sum_first_threads = vc->threads;
    }
    if (!ok && set)
        *set = classify_failure(t, pr, vc, po, rc, aliased);
    if (!ok && report)
        verify_print_repro(out, t, vc);
    /* A failed kernel may have scribbled on its inputs: restore them for the next run. */
    if (!ok)
        for (int k = 0; k < d->inputs; k++)
            memcpy(pr->in[k], pr->in_pristine[k], pr->in_len[k] * sizeof(float));
    return ok;
}

int verify_case_run(const verify_target *t, const verify_case *vc, FILE *out)
{
    prepared pr;
    int err = prepare(&pr, vc);
    if (err)
        return err;
    int rc = run_prepared(t, &pr, vc, out, 1, NULL);
    prepared_free(&pr);
    return rc;
}

/* ---- the matrix ------------------------------------------------------------------ */

typedef struct runner {
    const verify_options *o;
    verify_counts *per_target, *total;
    int reports;
    unsigned long long case_index;
    unsigned long long seed_base; /* a case's data seed: seed_base + its index */
    int only_data;                /* -1, or the one data mode of the shapes being run */
    unsigned *described;          /* per target: the classes whose first case was described */
    int error;
} runner;

static void count(runner *r, size_t target, int result, int mistrusted)
{
    verify_counts *counts[2] = {&r->per_target[target], r->total};
    for (int k = 0; k < 2; k++) {
        if (result == 1)
            counts[k]->passed++;
        else if (result == 0)
            counts[k]->failed++;
        else {
            counts[k]->skipped++;
            counts[k]->mistrusted += mistrusted;
        }
    }
}

/* Rows of work a threaded kernel might split: pixels (NHWC) or planes (NCHW). */
static size_t rows_of(const chanmul_problem *p)
{
    return p->layout == CHANMUL_NHWC ? p->n * p->h * p->w : p->n * p->c;
}

typedef struct run_plan {
    int thread_set[5];
    int thread_count;
    int in_place_set[2];
    int in_place_count;
    int fixed_offset_y; /* use the prepared case's offset_y instead of rotating it */
} run_plan;

/* Runs every target on one prepared problem over the plan's threads and in-place modes. */
static void run_targets(runner *r, prepared *pr, const run_plan *plan)
{
    const verify_options *o = r->o;
    for (int ip = 0; ip < plan->in_place_count; ip++)
        for (size_t t = 0; t < o->target_count && !r->error; t++) {
            const verify_target *target = &o->targets[t];
            if (!chanmul_impl_covers(target->impl, pr->vc.p.op))
                continue; /* not counted: it has no kernel for this op */
            int threads_to_try = target->impl->threaded ? plan->thread_count : 1;
            for (int k = 0; k < threads_to_try && !r->error; k++) {
                verify_case vc = pr->vc;
                vc.in_place = plan->in_place_set[ip];
                vc.threads = target->impl->threaded ? plan->thread_set[k] : 1;
                if (!plan->fixed_offset_y)
                    vc.offset_y = (int)((r->case_index * 5 + (unsigned)k + 11) % MAX_OFFSET);
                /* described into memory first: whether it is printed depends
                 * on the classes it shows (reports_by_class) */
                char *text = NULL;
                size_t text_len = 0;
                FILE *report = r->reports < o->max_reports ? open_memstream(&text, &text_len) : NULL;
                departure_set set = {0, 0};
                if (o->before_case)
                    o->before_case(o->before_case_ctx, target, &vc);
                int res = run_prepared(target, pr, &vc, report ? report : o->out, report != NULL, &set);
                if (report)
                    fclose(report);
                if (res < -1) {
                    free(text);
                    r->error = res;
                    return;
                }
                if (res == 0) {
                    departures_count(&r->per_target[t].departures, &set);
                    departures_count(&r->total->departures, &set);
                    int fresh = (set.classes & ~r->described[t]) != 0;
                    if (text && (fresh || !o->reports_by_class)) {
                        fputs(text, o->out);
                        r->reports++;
                        r->described[t] |= set.classes;
                    }
                }
                free(text);
                count(r, t, res, res == -1 && pr->mistrusted);
            }
        }
}

static void make_plan(const verify_options *o, const chanmul_problem *p, int large, int in_place_possible,
                      run_plan *plan)
{
    if (o->threads >= 0) {
        plan->thread_set[0] = o->threads;
        plan->thread_count = 1;
    } else if (large) {
        plan->thread_set[0] = 1;
        plan->thread_set[1] = 2;
        plan->thread_count = 2;
    } else if (has_sums(p->op)) {
        /* sums: the same bits at 1, 2, 3 and 7 threads, and again at 1 */
        static const int sums_threads[] = {1, 2, 3, 7, 1};
        memcpy(plan->thread_set, sums_threads, sizeof sums_threads);
        plan->thread_count = 5;
    } else {
        size_t many = rows_of(p) + 3;
        plan->thread_set[0] = 1;
        plan->thread_set[1] = 2;
        plan->thread_set[2] = 3;
        plan->thread_set[3] = (int)(many < 9 ? many : 9);
        plan->thread_count = 4;
    }
    if (o->in_place >= 0) {
        plan->in_place_set[0] = o->in_place;
        plan->in_place_count = 1;
    } else if (large || !in_place_possible) {
        plan->in_place_set[0] = 0;
        plan->in_place_count = 1;
    } else {
        plan->in_place_set[0] = 0;
        plan->in_place_set[1] = 1;
        plan->in_place_count = 2;
    }
}

/* One logical shape in every requested layout and data mode. */
static void run_shape(runner *r, const chanmul_problem *shape, int large,
                      const int *fixed_offsets)
{
    const verify_options *o = r->o;
    int layouts = chanmul_op_info_of(shape->op)->broadcast ? 1 : 2; /* bcast: row-major only */
    for (int layout = 0; layout < layouts && !r->error; layout++) {
        if (o->layout >= 0 && o->layout != layout && layouts == 2)
            continue;
        for (int d = 0; d < VERIFY_DATA_COUNT && !r->error; d++) {
            /* by default the op's data modes; the large shapes take one, random
             * (cancel for sums, where their size matters) */
            int large_data = has_sums(shape->op) ? VERIFY_DATA_CANCEL : VERIFY_DATA_RANDOM;
            if (o->data >= 0 ? o->data != d
                             : r->only_data >= 0 ? r->only_data != d
                                                 : (d >= verify_data_modes_of(shape->op) || (large && d != large_data)))
                continue;
            unsigned long long ci = r->case_index++;
            verify_case vc = {0};
            vc.p = *shape;
            vc.p.layout = (chanmul_layout)layout;
            vc.data = (verify_data)d;
            vc.seed = o->have_seed ? o->seed : r->seed_base + ci;
            const int *off = o->have_offsets ? o->offsets : fixed_offsets;
            vc.offset_x = off ? off[0] : (int)(ci % MAX_OFFSET);
            vc.offset_s = off ? off[1] : (int)((ci * 7 + 3) % MAX_OFFSET);
            vc.offset_y = off ? off[2] : 0;
            prepared pr;
            int err = prepare(&pr, &vc);
            if (err) {
                r->error = err;
                return;
            }
            if (pr.mistrusted) {
                char s[96];
                fprintf(o->out, "MISTRUSTED %s %s%s%s data=%s seed=%llu: most expected outputs are zero, "
                        "the case proves nothing and is skipped\n", shape_format(&vc.p, s, sizeof s),
                        chanmul_layout_name(vc.p.layout), vc.p.op == CHANMUL_OP_SCALE ? "" : " op=",
                        vc.p.op == CHANMUL_OP_SCALE ? "" : chanmul_op_name(vc.p.op),
                        verify_data_name(vc.data), vc.seed);
            }
            run_plan plan;
            int aliasable = pr.info->in_place_input;
            make_plan(o, &vc.p, large, aliasable >= 0 && pr.in_len[aliasable] == pr.out_len[0], &plan);
            plan.fixed_offset_y = off != NULL;
            run_targets(r, &pr, &plan);
            prepared_free(&pr);
        }
    }
}

/* bcast's matrix (bcast_cases.c): shape pairs, the misalignment sweep, the
 * random pairs and the large results. */
static void run_bcast_matrix(runner *r, chanmul_op op)
{
    const verify_options *o = r->o;
    size_t count;
    chanmul_problem *matrix = verify_bcast_matrix(&count);
    if (!matrix) {
        r->error = CHANMUL_ENOMEM;
        return;
    }
    for (size_t i = 0; i < count && !r->error; i++)
        run_shape(r, &matrix[i], 0, NULL);
    free(matrix);
    chanmul_problem aligned[VERIFY_BCAST_ALIGNMENT];
    verify_bcast_alignment(aligned);
    for (int a = 0; a < VERIFY_BCAST_ALIGNMENT && !r->error; a++)
        for (int which = 0; which < 3; which++)
            for (int k = 1; k < MAX_OFFSET && !r->error; k++) {
                int offsets[3] = {0, 0, 0};
                offsets[which] = k;
                run_shape(r, &aligned[a], 0, offsets);
            }
    uint64_t rng = o->shape_seed + (uint64_t)op;
    unsigned long long saved_base = r->seed_base;
    r->seed_base = o->shape_seed << 16;
    for (int k = 0; k < o->random_shapes && !r->error; k++) {
        chanmul_problem p = verify_bcast_random(&rng, (size_t)1 << 17);
        r->only_data = k % verify_data_modes_of(op);
        run_shape(r, &p, 0, NULL);
    }
    r->only_data = -1;
    r->seed_base = saved_base;
    if (o->include_large) {
        chanmul_problem big[VERIFY_BCAST_LARGE];
        verify_bcast_large(big);
        for (int i = 0; i < VERIFY_BCAST_LARGE && !r->error; i++)
            run_shape(r, &big[i], 1, NULL);
    }
}

/* Every case of the matrix for one op, from its case list (cases.c). */
static void run_op_matrix(runner *r, chanmul_op op)
{
    const verify_options *o = r->o;
    if (chanmul_op_info_of(op)->broadcast) {
        run_bcast_matrix(r, op);
        return;
    }
    const verify_case_list *cl = verify_cases_of(op);
    for (size_t b = 0; b < cl->batch_count; b++)
        for (size_t sp = 0; sp < cl->plane_count; sp++)
            for (size_t ch = 0; ch < cl->channel_count && !r->error; ch++) {
                chanmul_problem p = {op, CHANMUL_NHWC, cl->batches[b], cl->planes[sp][0], cl->planes[sp][1],
                                     cl->channels[ch]};
                run_shape(r, &p, 0, NULL);
            }
    /* Every misalignment 1..15 for x, s and y independently. */
    for (size_t a = 0; a < cl->alignment_count && !r->error; a++)
        for (int which = 0; which < 3; which++)
            for (int k = 1; k < MAX_OFFSET && !r->error; k++) {
                int offsets[3] = {0, 0, 0};
                offsets[which] = k;
                chanmul_problem p = cl->alignment[a];
                p.op = op;
                run_shape(r, &p, 0, offsets);
            }
    for (size_t m = 0; m < cl->magnitude_count && !r->error; m++) {
        chanmul_problem p = cl->magnitudes[m];
        p.op = op;
        run_shape(r, &p, 0, NULL);
    }
    /* The random shapes, with data seeds of their own: the seed of each case,
     * in its repro line, follows from the pass's seed. */
    uint64_t rng = o->shape_seed + (uint64_t)op;
    unsigned long long saved_base = r->seed_base;
    r->seed_base = o->shape_seed << 16;
    for (int k = 0; k < o->random_shapes && !r->error; k++) {
        chanmul_problem p = verify_random_shape(cl, &rng, op);
        r->only_data = k % verify_data_modes_of(op); /* one data mode each, in turn */
        run_shape(r, &p, 0, NULL);
    }
    r->only_data = -1;
    r->seed_base = saved_base;
    if (o->include_large) {
        chanmul_problem big[VERIFY_LARGE_SHAPES];
        verify_large_shapes(op, big);
        for (int i = 0; i < VERIFY_LARGE_SHAPES && !r->error; i++)
            run_shape(r, &big[i], 1, NULL);
    }
}

int verify_run(const verify_options *o, verify_counts *per_target, verify_counts *total)
{
    runner r = {o, per_target, total, 0, 0, 0x5eed0000ull, -1, NULL, 0};
    memset(per_target, 0, o->target_count * sizeof *per_target);
    memset(total, 0, sizeof *total);
    r.described = calloc(o->target_count ? o->target_count : 1, sizeof *r.described);
    if (!r.described)
        return CHANMUL_ENOMEM;
    for (int op = 0; op < CHANMUL_OP_COUNT && !r.error; op++) {
        if (o->op >= 0 && o->op != op)
            continue;
        if (o->have_shape) {
            static const int zero_offsets[3] = {0, 0, 0};
            chanmul_problem p;
            if (verify_shape_problem(o, (chanmul_op)op, &p) == 0)
                run_shape(&r, &p, 0, o->have_offsets ? NULL : zero_offsets);
        } else {
            run_op_matrix(&r, (chanmul_op)op);
        }
    }
    free(r.described);
    return r.error;
}
