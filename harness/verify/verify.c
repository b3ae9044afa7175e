#include "verify.h"

#include "shape.h"

#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Floats of guard zone on each side of y, and the bit patterns planted there. */
#define GUARD_FLOATS 64
#define GUARD_BITS 0x7fc0deadu
#define POISON_BITS 0x3e5a5a5au /* what y holds before the call: finite, unlikely */
#define MAX_OFFSET 16

/* Channel counts around every vector width and tile, and the spatial sizes and
 * batches of the matrix (issue #2). */
static const size_t matrix_channels[] = {1, 2, 3, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 1000, 1001};
static const size_t matrix_spatial[][2] = {{1, 1}, {1, 2}, {3, 3}, {7, 7}, {13, 17}};
static const size_t matrix_batches[] = {0, 1, 2, 3, 7};
/* Shapes for the alignment sweep: odd sizes so every offset meets a tail. */
static const chanmul_problem alignment_shapes[] = {{0, 0, 2, 3, 3, 17}, {0, 0, 1, 7, 7, 33}};

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

const char *verify_data_name(verify_data d)
{
    switch (d) {
    case VERIFY_DATA_SMALLINT: return "smallint";
    case VERIFY_DATA_RANDOM: return "random";
    case VERIFY_DATA_SPECIAL: return "special";
    case VERIFY_DATA_COUNT: break;
    }
    return "unknown";
}

int verify_data_parse(const char *text, verify_data *d)
{
    for (int i = 0; i < VERIFY_DATA_COUNT; i++)
        if (text && strcmp(text, verify_data_name((verify_data)i)) == 0) {
            *d = (verify_data)i;
            return 0;
        }
    return -1;
}

void verify_options_init(verify_options *o)
{
    memset(o, 0, sizeof *o);
    o->layout = -1;
    o->threads = -1;
    o->data = -1;
    o->in_place = -1;
    o->include_large = 1;
    o->max_reports = 20;
    o->out = stdout;
}

/* ---- data ------------------------------------------------------------------ */

static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

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
    uint64_t r = splitmix64(rng);
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
    uint64_t r = splitmix64(rng);
    return ((float)(r % 2000001) - 1000000.0f) / 997.0f;
}

static void fill_inputs(verify_data data, uint64_t seed, float *x, size_t total, float *s,
                        size_t c)
{
    uint64_t rng = seed;
    switch (data) {
    case VERIFY_DATA_SMALLINT:
        /* Non-zero x in +-[1, 16]; scales distinct across up to 254 channels. */
        for (size_t i = 0; i < total; i++) {
            uint64_t r = splitmix64(&rng);
            x[i] = (float)(1 + (int)(r % 16)) * (r & 0x100 ? -1.0f : 1.0f);
        }
        for (size_t k = 0; k < c; k++)
            s[k] = (float)(1 + (int)((k + seed) % 127)) * ((k / 127) % 2 ? -1.0f : 1.0f);
        break;
    case VERIFY_DATA_RANDOM:
        /* x spans the whole range; s stays within 2^+-30 so that products
         * overflow and underflow often, but not so often that most are 0 or inf. */
        for (size_t i = 0; i < total; i++)
            x[i] = random_full_range(&rng);
        for (size_t k = 0; k < c; k++) {
            uint64_t r = splitmix64(&rng);
            uint32_t exponent = 97 + (uint32_t)((r >> 32) % 61);
            s[k] = float_from_bits((uint32_t)(r >> 63) << 31 | exponent << 23 | ((uint32_t)r & 0x7fffffu));
        }
        break;
    case VERIFY_DATA_SPECIAL:
        for (size_t i = 0; i < total; i++) {
            uint64_t r = splitmix64(&rng);
            x[i] = r % 4 == 0 ? special_values[(r >> 8) % COUNT_OF(special_values)]
                              : ordinary_value(&rng);
        }
        for (size_t k = 0; k < c; k++) {
            uint64_t r = splitmix64(&rng);
            if (c < 4)
                s[k] = special_scales_safe[r % COUNT_OF(special_scales_safe)];
            else
                s[k] = r % 3 == 0 ? special_values[(r >> 8) % COUNT_OF(special_values)]
                                  : ordinary_value(&rng);
        }
        break;
    case VERIFY_DATA_COUNT:
        break;
    }
}

/* ---- one prepared problem: inputs, pristine copies, expected output -------------- */

typedef struct prepared {
    verify_case vc; /* threads, in_place, offset_y are filled per run */
    size_t total;
    float *x_buf, *x, *x_pristine;
    float *s_buf, *s, *s_pristine;
    float *expected;
    float *y_buf; /* guard + offset + total + guard, reused by every run */
    size_t y_buf_len;
    int mistrusted;
} prepared;

static void *alloc_floats(size_t count)
{
    if (count > (SIZE_MAX - 63) / sizeof(float))
        return NULL; /* the byte count would wrap: a tiny buffer for a huge tensor */
    size_t bytes = (count * sizeof(float) + 63) / 64 * 64;
    return aligned_alloc(64, bytes ? bytes : 64);
}

static void prepared_free(prepared *pr)
{
    free(pr->x_buf);
    free(pr->x_pristine);
    free(pr->s_buf);
    free(pr->s_pristine);
    free(pr->expected);
    free(pr->y_buf);
    memset(pr, 0, sizeof *pr);
}

static int prepare(prepared *pr, const verify_case *vc)
{
    int err = 0;
    memset(pr, 0, sizeof *pr);
    pr->vc = *vc;
    pr->total = chanmul_problem_elements(&vc->p, &err);
    if (err)
        return err;
    size_t total = pr->total, c = vc->p.c;
    pr->x_buf = alloc_floats(total + MAX_OFFSET);
    pr->x_pristine = alloc_floats(total);
    pr->s_buf = alloc_floats(c + MAX_OFFSET);
    pr->s_pristine = alloc_floats(c);
    pr->expected = alloc_floats(total);
    pr->y_buf_len = GUARD_FLOATS + MAX_OFFSET + total + GUARD_FLOATS;
    pr->y_buf = alloc_floats(pr->y_buf_len);
    if (!pr->x_buf || !pr->x_pristine || !pr->s_buf || !pr->s_pristine || !pr->expected ||
        !pr->y_buf) {
        prepared_free(pr);
        return CHANMUL_ENOMEM;
    }
    pr->x = pr->x_buf + vc->offset_x;
    pr->s = pr->s_buf + vc->offset_s;
    fill_inputs(vc->data, vc->seed, pr->x, total, pr->s, c);
    memcpy(pr->x_pristine, pr->x, total * sizeof(float));
    memcpy(pr->s_pristine, pr->s, c * sizeof(float));
    if (total) {
        err = chanmul_run(chanmul_impl_find("reference"), &vc->p, pr->x, pr->s, pr->expected, 1);
        if (err) {
            prepared_free(pr);
            return err;
        }
    }
    size_t zeros = 0;
    for (size_t i = 0; i < total; i++)
        zeros += pr->expected[i] == 0.0f;
    pr->mistrusted = total > 0 && zeros * 2 > total;
    return 0;
}

/* ---- reporting ------------------------------------------------------------------- */

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

/* Writes word for a POSIX shell: as is when it has no special characters,
 * else in single quotes (each ' inside written as '\''). */
static void print_shell_word(FILE *out, const char *word)
{
    static const char safe[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                               "_@%+=:,./-";
    if (*word && strspn(word, safe) == strlen(word)) {
        fputs(word, out);
        return;
    }
    fputc('\'', out);
    for (const char *c = word; *c; c++) {
        if (*c == '\'')
            fputs("'\\''", out);
        else
            fputc(*c, out);
    }
    fputc('\'', out);
}

/* The environment that changes what a case runs: the ISA cap, the
 * streaming-store switch and the threading knobs of `stream`. A repro line sets
 * them when they are set here. */
static const char *const repro_environment[] = {"CHANMUL_MAX_ISA", "CHANMUL_NONTEMPORAL",
                                                "CHANMUL_THREAD_TEAM",
                                                "CHANMUL_MIN_ELEMENTS_PER_THREAD"};

/* One command line that runs exactly this case (and only it) again. */
static void print_repro(FILE *out, const verify_target *t, const verify_case *vc)
{
    char shape[96];
    fputs("  repro: ", out);
    for (size_t i = 0; i < COUNT_OF(repro_environment); i++) {
        const char *value = getenv(repro_environment[i]);
        if (value && *value) {
            fprintf(out, "%s=", repro_environment[i]);
            print_shell_word(out, value);
            fputc(' ', out);
        }
    }
    fputs("chanmul verify ", out);
    if (t->plugin_path) {
        fputs("--plugin ", out);
        print_shell_word(out, t->plugin_path);
    } else {
        fprintf(out, "--impl %s", t->impl->name);
    }
    fprintf(out, " --shape %s --layout %s --threads %d --data %s --seed %llu --offsets %d,%d,%d %s\n",
            shape_format(&vc->p, shape, sizeof shape), chanmul_layout_name(vc->p.layout),
            vc->threads, verify_data_name(vc->data), vc->seed, vc->offset_x, vc->offset_s,
            vc->offset_y, vc->in_place ? "--in-place" : "--not-in-place");
}

static void print_header(FILE *out, const verify_target *t, const verify_case *vc)
{
    char shape[96];
    fprintf(out, "FAIL %s %s %s threads=%d data=%s%s: ", t->impl->name,
            chanmul_layout_name(vc->p.layout), shape_format(&vc->p, shape, sizeof shape),
            vc->threads, verify_data_name(vc->data), vc->in_place ? " in-place" : "");
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

/* Runs one target on a prepared problem with vc's threads/in_place/offset_y.
 * Returns 1 pass, 0 fail, -1 skipped (mistrusted or unavailable). */
static int run_prepared(const verify_target *t, const prepared *pr, const verify_case *vc,
                        FILE *out, int report)
{
    const char *why;
    if (!chanmul_impl_available(t->impl, &why) || pr->mistrusted)
        return -1;
    size_t total = pr->total, c = vc->p.c;
    size_t buf_len = pr->y_buf_len;
    float *buf = pr->y_buf;
    float guard = float_from_bits(GUARD_BITS), poison = float_from_bits(POISON_BITS);
    for (size_t i = 0; i < buf_len; i++)
        buf[i] = guard;
    float *y = buf + GUARD_FLOATS + vc->offset_y;
    float *after = y + total;
    size_t before_len = GUARD_FLOATS + (size_t)vc->offset_y;
    size_t after_len = buf_len - before_len - total;
    if (vc->in_place)
        memcpy(y, pr->x_pristine, total * sizeof(float));
    else
        for (size_t i = 0; i < total; i++)
            y[i] = poison;
    const float *x = vc->in_place ? y : pr->x;

    int ok = 1;
    size_t where = 0, idx[4];
    int rc = chanmul_run(t->impl, &vc->p, x, pr->s, y, vc->threads);
    if (rc != 0) {
        ok = 0;
        if (report) {
            print_header(out, t, vc);
            fprintf(out, "returned %d (%s)\n", rc, chanmul_strerror(rc));
        }
    } else if (!guard_intact(buf, before_len, &where)) {
        ok = 0;
        if (report) {
            print_header(out, t, vc);
            fprintf(out, "wrote before y: guard element y[-%zu] changed\n", before_len - where);
        }
    } else if (!guard_intact(after, after_len, &where)) {
        ok = 0;
        if (report) {
            print_header(out, t, vc);
            fprintf(out, "wrote past the end of y: guard element y[%zu] (end + %zu) changed\n",
                    total + where, where);
        }
    } else if ((where = first_mismatch(pr->expected, y, total)) < total) {
        ok = 0;
        if (report) {
            logical_index(&vc->p, where, idx);
            print_header(out, t, vc);
            fprintf(out,
                    "first mismatch at (n=%zu, h=%zu, w=%zu, c=%zu) [flat %zu]: expected 0x%08" PRIx32
                    " (%.9g), got 0x%08" PRIx32 " (%.9g)\n",
                    idx[0], idx[1], idx[2], idx[3], where, bits_of(pr->expected[where]),
                    (double)pr->expected[where], bits_of(y[where]), (double)y[where]);
        }
    } else if (!vc->in_place && (where = first_changed(pr->x_pristine, pr->x, total)) < total) {
        ok = 0;
        if (report) {
            logical_index(&vc->p, where, idx);
            print_header(out, t, vc);
            fprintf(out, "modified its input x at (n=%zu, h=%zu, w=%zu, c=%zu)\n", idx[0], idx[1],
                    idx[2], idx[3]);
        }
    } else if ((where = first_changed(pr->s_pristine, pr->s, c)) < c) {
        ok = 0;
        if (report) {
            print_header(out, t, vc);
            fprintf(out, "modified the scale vector s at c=%zu\n", where);
        }
    }
    if (!ok && report)
        print_repro(out, t, vc);
    /* A failed kernel may have scribbled on x or s: restore them for the next run. */
    if (!ok) {
        memcpy((float *)pr->x, pr->x_pristine, total * sizeof(float));
        memcpy((float *)pr->s, pr->s_pristine, c * sizeof(float));
    }
    return ok;
}

int verify_case_run(const verify_target *t, const verify_case *vc, FILE *out)
{
    prepared pr;
    int err = prepare(&pr, vc);
    if (err)
        return err;
    int rc = run_prepared(t, &pr, vc, out, 1);
    prepared_free(&pr);
    return rc;
}

/* ---- the matrix ------------------------------------------------------------------ */

typedef struct runner {
    const verify_options *o;
    verify_counts *per_target, *total;
    int reports;
    unsigned long long case_index;
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
    int thread_set[4];
    int thread_count;
    int in_place_set[2];
    int in_place_count;
    int fixed_offset_y; /* use the prepared case's offset_y instead of rotating it */
} run_plan;

/* Runs every target on one prepared problem over the plan's threads and in-place modes. */
static void run_targets(runner *r, const prepared *pr, const run_plan *plan)
{
    const verify_options *o = r->o;
    for (int ip = 0; ip < plan->in_place_count; ip++)
        for (size_t t = 0; t < o->target_count && !r->error; t++) {
            const verify_target *target = &o->targets[t];
            int threads_to_try = target->impl->threaded ? plan->thread_count : 1;
            for (int k = 0; k < threads_to_try && !r->error; k++) {
                verify_case vc = pr->vc;
                vc.in_place = plan->in_place_set[ip];
                vc.threads = target->impl->threaded ? plan->thread_set[k] : 1;
                if (!plan->fixed_offset_y)
                    vc.offset_y = (int)((r->case_index * 5 + (unsigned)k + 11) % MAX_OFFSET);
                int res = run_prepared(target, pr, &vc, o->out, r->reports < o->max_reports);
                if (res < -1) {
                    r->error = res;
                    return;
                }
                if (res == 0)
                    r->reports++;
                count(r, t, res, res == -1 && pr->mistrusted);
            }
        }
}

static void make_plan(const verify_options *o, const chanmul_problem *p, int large, run_plan *plan)
{
    if (o->threads >= 0) {
        plan->thread_set[0] = o->threads;
        plan->thread_count = 1;
    } else if (large) {
        plan->thread_set[0] = 1;
        plan->thread_set[1] = 2;
        plan->thread_count = 2;
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
    } else if (large) {
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
    for (int layout = 0; layout < 2 && !r->error; layout++) {
        if (o->layout >= 0 && o->layout != layout)
            continue;
        for (int d = 0; d < VERIFY_DATA_COUNT && !r->error; d++) {
            if (o->data >= 0 ? o->data != d : (large && d != VERIFY_DATA_RANDOM))
                continue;
            unsigned long long ci = r->case_index++;
            verify_case vc = {0};
            vc.p = *shape;
            vc.p.layout = (chanmul_layout)layout;
            vc.p.op = CHANMUL_OP_SCALE;
            vc.data = (verify_data)d;
            vc.seed = o->have_seed ? o->seed : 0x5eed0000ull + ci;
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
                fprintf(o->out, "MISTRUSTED %s %s data=%s seed=%llu: most expected outputs are zero, "
                        "the case proves nothing and is skipped\n", shape_format(&vc.p, s, sizeof s),
                        chanmul_layout_name(vc.p.layout), verify_data_name(vc.data), vc.seed);
            }
            run_plan plan;
            make_plan(o, &vc.p, large, &plan);
            plan.fixed_offset_y = off != NULL;
            run_targets(r, &pr, &plan);
            prepared_free(&pr);
        }
    }
}

/* Shapes over 1.25x the last-level cache, one NHWC-hostile (C = 3), one wide. */
static void large_shapes(chanmul_problem out[2])
{
    size_t elements = chanmul_llc_bytes() / sizeof(float) * 5 / 4;
    chanmul_problem a = {0, 0, 1, 0, 1024, 3};
    a.h = elements / (1024 * 3) + 1;
    chanmul_problem b = {0, 0, 0, 7, 7, 1001};
    b.n = elements / (49 * 1001) + 1;
    out[0] = a;
    out[1] = b;
}

int verify_run(const verify_options *o, verify_counts *per_target, verify_counts *total)
{
    runner r = {o, per_target, total, 0, 0, 0};
    memset(per_target, 0, o->target_count * sizeof *per_target);
    memset(total, 0, sizeof *total);
    if (o->have_shape) {
        static const int zero_offsets[3] = {0, 0, 0};
        run_shape(&r, &o->shape, 0, o->have_offsets ? NULL : zero_offsets);
        return r.error;
    }
    for (size_t b = 0; b < COUNT_OF(matrix_batches); b++)
        for (size_t sp = 0; sp < COUNT_OF(matrix_spatial); sp++)
            for (size_t ch = 0; ch < COUNT_OF(matrix_channels) && !r.error; ch++) {
                chanmul_problem p = {CHANMUL_OP_SCALE, CHANMUL_NHWC, matrix_batches[b],
                                     matrix_spatial[sp][0], matrix_spatial[sp][1],
                                     matrix_channels[ch]};
                run_shape(&r, &p, 0, NULL);
            }
    /* Every misalignment 1..15 for x, s and y independently. */
    for (size_t a = 0; a < COUNT_OF(alignment_shapes) && !r.error; a++)
        for (int which = 0; which < 3; which++)
            for (int k = 1; k < MAX_OFFSET && !r.error; k++) {
                int offsets[3] = {0, 0, 0};
                offsets[which] = k;
                run_shape(&r, &alignment_shapes[a], 0, offsets);
            }
    if (o->include_large) {
        chanmul_problem big[2];
        large_shapes(big);
        for (int i = 0; i < 2 && !r.error; i++)
            run_shape(&r, &big[i], 1, NULL);
    }
    return r.error;
}
