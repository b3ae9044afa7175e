/* The library's front door: the registry expanded, argument checks, names, errors. */
#include "chanmul_internal.h"

#include <stdint.h>
#include <string.h>

#define CHANMUL_KERNEL_ENTRY(impl, op) [CHANMUL_OP_ID_##op] = chanmul_##op##_##impl,
static const chanmul_impl registry[] = {
#define CHANMUL_IMPL(name, kind, ops, threaded, fused, avail, desc)                           \
    {#name, CHANMUL_KIND_##kind, threaded, desc, avail,                                        \
     {CHANMUL_EACH(CHANMUL_KERNEL_ENTRY, name, ops)}, NULL, fused},
#include "registry.inc"
#undef CHANMUL_IMPL
};

size_t chanmul_impl_count(void) { return sizeof(registry) / sizeof(registry[0]); }

const chanmul_impl *chanmul_impl_at(size_t i)
{
    return i < chanmul_impl_count() ? &registry[i] : NULL;
}

const chanmul_impl *chanmul_impl_find(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < chanmul_impl_count(); i++)
        if (strcmp(registry[i].name, name) == 0)
            return &registry[i];
    return NULL;
}

int chanmul_impl_available(const chanmul_impl *impl, const char **why)
{
    const char *reason = NULL;
    int ok = impl && impl->available ? impl->available(&reason) : impl != NULL;
    if (why)
        *why = ok ? NULL : (reason ? reason : "unavailable");
    return ok;
}

int chanmul_available_always(const char **why)
{
    (void)why;
    return 1;
}

const char *chanmul_strerror(int err)
{
    switch (err) {
    case CHANMUL_OK: return "success";
    case CHANMUL_ENULL: return "NULL pointer for an operand (x, s, y, ...) with a non-empty problem";
    case CHANMUL_EOVERFLOW: return "tensor size n*h*w*c*sizeof(float) overflows size_t";
    case CHANMUL_EOVERLAP_XY: return "x and y overlap without being identical (only y == x in place is allowed)";
    case CHANMUL_EOVERLAP_SY: return "the scale vector s (or another input, or output) overlaps the output y";
    case CHANMUL_ELAYOUT: return "unknown layout (expected NHWC or NCHW)";
    case CHANMUL_ETHREADS: return "thread count must be >= 0 (0 = one per core)";
    case CHANMUL_EOP: return "operation not supported by this implementation";
    case CHANMUL_EISA: return "implementation needs an instruction set this CPU (or CHANMUL_MAX_ISA) does not allow";
    case CHANMUL_ENOMEM: return "out of memory";
    case CHANMUL_ENOIMPL: return "no implementation of that name";
    case CHANMUL_EPEER: return "a peer library reported a failure";
    case CHANMUL_EPROBLEM: return "NULL problem description";
    case CHANMUL_ESHAPE: return "the descriptor's operand shapes do not match its op and problem (use chanmul_desc_init)";
    case CHANMUL_ESELECTION: return "the selection file cannot be read, is malformed, or was made on another CPU or by another build";
    default: return "unknown chanmul error";
    }
}

const char *chanmul_layout_name(chanmul_layout layout)
{
    switch (layout) {
    case CHANMUL_NHWC: return "nhwc";
    case CHANMUL_NCHW: return "nchw";
    }
    return "unknown";
}

const char *chanmul_kind_name(chanmul_kind kind)
{
    switch (kind) {
    case CHANMUL_KIND_REFERENCE: return "reference";
    case CHANMUL_KIND_CHANMUL: return "chanmul";
    case CHANMUL_KIND_PEER: return "peer";
    case CHANMUL_KIND_PLUGIN: return "plugin";
    case CHANMUL_KIND_SELECTOR: return "selector";
    }
    return "unknown";
}

size_t chanmul_problem_elements(const chanmul_problem *p, int *err)
{
    /* checked multiplies, not divisions: this runs on every call */
    size_t total, bytes;
    *err = 0;
    if (p->n == 0 || p->h == 0 || p->w == 0 || p->c == 0)
        return 0;
    if (__builtin_mul_overflow(p->n, p->h, &total) || __builtin_mul_overflow(total, p->w, &total) ||
        __builtin_mul_overflow(total, p->c, &total) || __builtin_mul_overflow(total, sizeof(float), &bytes)) {
        *err = CHANMUL_EOVERFLOW;
        return 0;
    }
    return total;
}

int chanmul_impl_covers(const chanmul_impl *impl, chanmul_op op)
{
    if (!impl || (unsigned)op >= CHANMUL_OP_COUNT)
        return 0;
    return impl->kernels[op] != NULL || (op == CHANMUL_OP_SCALE && impl->scale_abi1 != NULL);
}

int chanmul_impl_fuses(const chanmul_impl *impl, chanmul_op op)
{
    return impl && (unsigned)op < CHANMUL_OP_COUNT && (impl->fused_ops >> op & 1u);
}

/* Elements of a shape known not to overflow. */
static size_t shape_count(const chanmul_shape *s)
{
    size_t n = 1;
    for (int i = 0; i < s->rank; i++)
        n *= s->dims[i];
    return n;
}

static int same_shape(const chanmul_shape *a, const chanmul_shape *b)
{
    if (a->rank != b->rank || a->rank < 0 || a->rank > CHANMUL_MAX_RANK)
        return 0;
    for (int i = 0; i < a->rank; i++)
        if (a->dims[i] != b->dims[i])
            return 0;
    return 1;
}

/* 0 when d's operands are those chanmul_desc_init builds from d->p (compared
 * operand by operand, without building a second descriptor: this runs on
 * every call), else CHANMUL_ESHAPE. */
static int check_shapes(const chanmul_desc *d, const chanmul_op_info *info)
{
    if (d->inputs != info->inputs || d->outputs != info->outputs)
        return CHANMUL_ESHAPE;
    if (info->broadcast) { /* a, b and their broadcast */
        chanmul_shape y;
        int err = chanmul_bcast_shapes_of(&d->p, &y);
        if (err)
            return err;
        return same_shape(&d->in[0], &d->p.a) && same_shape(&d->in[1], &d->p.b) && same_shape(&d->out[0], &y)
                   ? 0
                   : CHANMUL_ESHAPE;
    }
    for (int k = 0; k < info->inputs + info->outputs; k++) {
        chanmul_shape want;
        chanmul_shape_on_axes(&d->p, info->operand_axes[k], &want);
        if (!same_shape(k < info->inputs ? &d->in[k] : &d->out[k - info->inputs], &want))
            return CHANMUL_ESHAPE;
    }
    return 0;
}

int chanmul_check_desc(const chanmul_desc *d, const chanmul_tensors *t, int threads)
{
    int nothing_to_do;
    if (!t)
        return CHANMUL_EPROBLEM;
    int err = chanmul_check_call_shape(d, threads, &nothing_to_do);
    if (err || nothing_to_do)
        return err;
    /* (the shapes are the op's: each operand's elements are at most x's, no
     * overflow; an operand without elements may be NULL) */
    size_t in_bytes[CHANMUL_MAX_INPUTS], out_bytes[CHANMUL_MAX_OUTPUTS];
    chanmul_operand_bytes(d, in_bytes, out_bytes);
    return chanmul_check_operands(d, t, in_bytes, out_bytes);
}

int chanmul_check_call_shape(const chanmul_desc *d, int threads, int *nothing_to_do)
{
    int err;
    *nothing_to_do = 0;
    if (!d)
        return CHANMUL_EPROBLEM;
    if (d->p.layout != CHANMUL_NHWC && d->p.layout != CHANMUL_NCHW)
        return CHANMUL_ELAYOUT;
    const chanmul_op_info *info = chanmul_op_info_of(d->p.op);
    if (!info)
        return CHANMUL_EOP;
    if (threads < 0)
        return CHANMUL_ETHREADS;
    size_t total = chanmul_problem_elements(&d->p, &err);
    if (err)
        return err;
    if ((err = check_shapes(d, info)) != 0)
        return err;
    if (total == 0) /* a factor's own size can overflow while x is empty */
        for (int k = 0; k < d->inputs + d->outputs; k++)
            if (chanmul_shape_elements(k < d->inputs ? &d->in[k] : &d->out[k - d->inputs], &err), err)
                return err;
    /* an empty tensor leaves nothing to do, except sums over no rows: those
     * outputs (one value per channel) are written, zero */
    *nothing_to_do = total == 0 && (info->rounding != CHANMUL_ROUND_REPRODUCIBLE_SUM || d->p.c == 0);
    return CHANMUL_OK;
}

void chanmul_operand_bytes(const chanmul_desc *d, size_t *in_bytes, size_t *out_bytes)
{
    for (int k = 0; k < d->inputs; k++)
        in_bytes[k] = shape_count(&d->in[k]) * sizeof(float);
    for (int k = 0; k < d->outputs; k++)
        out_bytes[k] = shape_count(&d->out[k]) * sizeof(float);
}

int chanmul_check_operands(const chanmul_desc *d, const chanmul_tensors *t, const size_t *in_bytes,
                           const size_t *out_bytes)
{
    const chanmul_op_info *info = chanmul_op_info_of(d->p.op);
    for (int k = 0; k < d->inputs; k++)
        if (in_bytes[k] && !t->in[k])
            return CHANMUL_ENULL;
    for (int k = 0; k < d->outputs; k++)
        if (out_bytes[k] && !t->out[k])
            return CHANMUL_ENULL;
    /* An output may be exactly the input the op allows in place (x for y);
     * otherwise no output shares a byte with any input or other output. */
    for (int o = 0; o < d->outputs; o++) {
        for (int k = 0; k < d->inputs; k++) {
            /* (bcast: only an input of the output's own shape, never a stretched one) */
            int aliasable = o == 0 && k == info->in_place_input;
            if (aliasable && in_bytes[k] == out_bytes[o] && (const void *)t->in[k] == (const void *)t->out[o])
                continue;
            if (chanmul_regions_overlap(t->in[k], in_bytes[k], t->out[o], out_bytes[o]))
                return aliasable ? CHANMUL_EOVERLAP_XY : CHANMUL_EOVERLAP_SY;
        }
        for (int q = 0; q < o; q++)
            if (chanmul_regions_overlap(t->out[q], out_bytes[q], t->out[o], out_bytes[o]))
                return CHANMUL_EOVERLAP_SY;
    }
    return CHANMUL_OK;
}

/* After the arguments' checks: the implementation's, then its kernel for the op. */
static int dispatch(const chanmul_impl *impl, const chanmul_desc *d, const chanmul_tensors *t,
                    int threads)
{
    if (!impl)
        return CHANMUL_ENOIMPL;
    if (!chanmul_impl_covers(impl, d->p.op))
        return CHANMUL_EOP;
    if (!chanmul_impl_available(impl, NULL))
        return CHANMUL_EISA;
    const chanmul_problem *p = &d->p;
    if (p->n == 0 || p->h == 0 || p->w == 0 || p->c == 0) {
        /* kernels see non-empty problems only; the sums of no rows are zero */
        if (p->c > 0 && chanmul_op_info_of(p->op)->rounding == CHANMUL_ROUND_REPRODUCIBLE_SUM)
            for (int k = 1; k < d->outputs; k++)
                memset(t->out[k], 0, p->c * sizeof(float));
        return CHANMUL_OK;
    }
    if (impl->kernels[p->op])
        return impl->kernels[p->op](d, t, threads);
    return impl->scale_abi1(p, t->in[0], t->in[1], t->out[0], threads);
}

int chanmul_exec(const chanmul_impl *impl, const chanmul_desc *d, const chanmul_tensors *t,
                 int threads)
{
    int err = chanmul_check_desc(d, t, threads);
    return err ? err : dispatch(impl, d, t, threads);
}

/*
 * The short form: x, one factor, y. Its descriptor is kept per thread for the
 * last problem, so that a call repeated at one shape (a layer in a loop, a
 * benchmark) builds and measures it once: building and checking a descriptor
 * on every call took about 470 instructions (callgrind), 40 ns here, against
 * 90 for the channel scale's checks before operations became data. A kernel
 * that calls back into chanmul_run on the same thread finds the cache busy
 * and gets a descriptor of its own.
 */
typedef struct short_form_cache {
    int valid, busy;
    chanmul_problem p; /* what d was built from */
    chanmul_desc d;
    size_t x_bytes, s_bytes, y_bytes; /* of x, the factor and y (bcast: y may be larger than x) */
    /* chanmul_run's prepared call for p, for the implementation and thread
     * count it was made for (see chanmul_run) */
    int plan_valid, plan_threads;
    const chanmul_impl *plan_impl;
    chanmul_op_fn plan_kernel; /* plan_impl's kernel for p's op when the plan was made */
    chanmul_plan plan;
} short_form_cache;

static _Thread_local short_form_cache cache;


/* The checks, in the order chanmul_check always made them: the problem, the
 * thread count, the sizes, the pointers, the overlaps. *entry receives the
 * validated descriptor and its byte sizes (the cache, or `local`). */
static int short_form(const chanmul_problem *p, const float *x, const float *s, const float *y,
                      int threads, short_form_cache *local, short_form_cache **entry)
{
    if (!p)
        return CHANMUL_EPROBLEM;
    short_form_cache *e = cache.busy ? local : &cache;
    if (!e->valid || !chanmul_problem_equal(&e->p, p)) {
        e->valid = e->plan_valid = 0;
        if (p->layout != CHANMUL_NHWC && p->layout != CHANMUL_NCHW)
            return CHANMUL_ELAYOUT;
        const chanmul_op_info *info = chanmul_op_info_of(p->op);
        if (!info)
            return CHANMUL_EOP;
        if (threads < 0)
            return CHANMUL_ETHREADS;
        int err = chanmul_desc_init(&e->d, p);
        if (err)
            return err;
        if (e->d.inputs != 2 || e->d.outputs != 1)
            return CHANMUL_EOP;
        e->p = *p;
        e->x_bytes = shape_count(&e->d.in[0]) * sizeof(float);
        e->s_bytes = shape_count(&e->d.in[1]) * sizeof(float);
        e->y_bytes = shape_count(&e->d.out[0]) * sizeof(float);
        e->valid = 1;
    }
    if (threads < 0)
        return CHANMUL_ETHREADS;
    *entry = e;
    if (p->n == 0 || p->h == 0 || p->w == 0 || p->c == 0)
        return CHANMUL_OK;
    if (!x || !s || !y)
        return CHANMUL_ENULL;
    if ((x != y || e->x_bytes != e->y_bytes) && chanmul_regions_overlap(x, e->x_bytes, y, e->y_bytes))
        return CHANMUL_EOVERLAP_XY;
    if (chanmul_regions_overlap(s, e->s_bytes, y, e->y_bytes))
        return CHANMUL_EOVERLAP_SY;
    return CHANMUL_OK;
}

int chanmul_check(const chanmul_problem *p, const float *x, const float *s, const float *y,
                  int threads)
{
    short_form_cache local, *e; /* (used only from inside a kernel: not cleared up front) */
    local.valid = 0;
    return short_form(p, x, s, y, threads, &local, &e);
}

/*
 * A call repeated at one shape with one implementation and thread count (a
 * layer in a loop, a benchmark) runs as a prepared call: the per-thread cache
 * keeps, beside the descriptor, the plan chanmul_plan_create would make
 * (auto's choice, the kernel's walk, threads and streaming stores, the small
 * channel scale's tiled kernel), as oneDNN's primitive cache keeps created
 * primitives. It is keyed by the problem, the thread count, the
 * implementation's address and its kernel for the op (so that another
 * implementation built at a freed one's address is not taken for it). On the
 * 784-byte channel scale this took the call from about 1000 instructions
 * (callgrind, AVX2) to about 200. A kernel calling back into chanmul_run
 * finds the cache busy and is dispatched as before.
 */
static int plan_cached(const short_form_cache *e, const chanmul_impl *impl, int threads)
{
    return e->plan_valid && e->plan_impl == impl && e->plan_threads == threads &&
           e->plan_kernel == impl->kernels[e->p.op];
}

int chanmul_run(const chanmul_impl *impl, const chanmul_problem *p, const float *x,
                const float *s, float *y, int threads)
{
    short_form_cache local, *e; /* (used only from inside a kernel: not cleared up front) */
    local.valid = local.plan_valid = 0;
    int err = short_form(p, x, s, y, threads, &local, &e);
    if (err)
        return err;
    chanmul_tensors t = {{x, s, NULL}, {y, NULL, NULL}};
    int was_busy = cache.busy;
    cache.busy = 1;
    if (e == &cache && impl && !plan_cached(e, impl, threads)) {
        /* (a plan that cannot be made, for an implementation that does not
         * run here: dispatch gives the call's error, in its order) */
        e->plan_valid = chanmul_plan_prepare(impl, &e->p, threads, 1, &e->plan) == 0;
        e->plan_impl = impl;
        e->plan_threads = threads;
        e->plan_kernel = impl->kernels[e->p.op];
    }
    if (e == &cache && impl && e->plan_valid)
        err = chanmul_plan_exec_checked(&e->plan, &t);
    else
        err = dispatch(impl, &e->d, &t, threads);
    cache.busy = was_busy;
    return err;
}
