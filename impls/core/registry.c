/* The library's front door: the registry expanded, argument checks, names, errors. */
#include "chanmul_internal.h"

#include <stdint.h>
#include <string.h>

static const chanmul_impl registry[] = {
#define CHANMUL_IMPL(name, kind, fn, threaded, avail, desc)                              \
    {#name, CHANMUL_KIND_##kind, fn, threaded, desc, avail},
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
    case CHANMUL_ENULL: return "NULL pointer for x, s or y with a non-empty problem";
    case CHANMUL_EOVERFLOW: return "tensor size n*h*w*c*sizeof(float) overflows size_t";
    case CHANMUL_EOVERLAP_XY: return "x and y overlap without being identical (only y == x in place is allowed)";
    case CHANMUL_EOVERLAP_SY: return "the scale vector s overlaps the output y";
    case CHANMUL_ELAYOUT: return "unknown layout (expected NHWC or NCHW)";
    case CHANMUL_ETHREADS: return "thread count must be >= 0 (0 = one per core)";
    case CHANMUL_EOP: return "operation not supported by this implementation";
    case CHANMUL_EISA: return "implementation needs an instruction set this CPU (or CHANMUL_MAX_ISA) does not allow";
    case CHANMUL_ENOMEM: return "out of memory";
    case CHANMUL_ENOIMPL: return "no implementation of that name";
    case CHANMUL_EPEER: return "a peer library reported a failure";
    case CHANMUL_EPROBLEM: return "NULL problem description";
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

const char *chanmul_op_name(chanmul_op op)
{
    switch (op) {
    case CHANMUL_OP_SCALE: return "scale";
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
    }
    return "unknown";
}

size_t chanmul_problem_elements(const chanmul_problem *p, int *err)
{
    size_t dims[4] = {p->n, p->h, p->w, p->c};
    size_t total = 1;
    *err = 0;
    for (int i = 0; i < 4; i++)
        if (dims[i] == 0)
            return 0;
    for (int i = 0; i < 4; i++) {
        if (total > SIZE_MAX / dims[i]) {
            *err = CHANMUL_EOVERFLOW;
            return 0;
        }
        total *= dims[i];
    }
    if (total > SIZE_MAX / sizeof(float)) {
        *err = CHANMUL_EOVERFLOW;
        return 0;
    }
    return total;
}

/* [a, a+an) and [b, b+bn) in bytes share at least one byte. Overflow-safe:
 * only the distance from the lower start to the higher one is formed (it
 * cannot wrap), never an end address, which can wrap for absurd lengths. */
static int regions_overlap(const void *a, size_t an, const void *b, size_t bn)
{
    uintptr_t pa = (uintptr_t)a, pb = (uintptr_t)b;
    if (an == 0 || bn == 0)
        return 0;
    return pa <= pb ? pb - pa < an : pa - pb < bn;
}

int chanmul_check(const chanmul_problem *p, const float *x, const float *s, const float *y,
                  int threads)
{
    int err;
    if (!p)
        return CHANMUL_EPROBLEM;
    if (p->layout != CHANMUL_NHWC && p->layout != CHANMUL_NCHW)
        return CHANMUL_ELAYOUT;
    if (p->op != CHANMUL_OP_SCALE)
        return CHANMUL_EOP;
    if (threads < 0)
        return CHANMUL_ETHREADS;
    size_t total = chanmul_problem_elements(p, &err);
    if (err)
        return err;
    if (total == 0)
        return CHANMUL_OK;
    if (!x || !s || !y)
        return CHANMUL_ENULL;
    size_t tensor_bytes = total * sizeof(float);
    if (x != y && regions_overlap(x, tensor_bytes, y, tensor_bytes))
        return CHANMUL_EOVERLAP_XY;
    if (regions_overlap(s, p->c * sizeof(float), y, tensor_bytes))
        return CHANMUL_EOVERLAP_SY;
    return CHANMUL_OK;
}

int chanmul_run(const chanmul_impl *impl, const chanmul_problem *p, const float *x,
                const float *s, float *y, int threads)
{
    int err = chanmul_check(p, x, s, y, threads);
    if (err)
        return err;
    if (!impl)
        return CHANMUL_ENOIMPL;
    if (!chanmul_impl_available(impl, NULL))
        return CHANMUL_EISA;
    if (p->n == 0 || p->h == 0 || p->w == 0 || p->c == 0)
        return CHANMUL_OK;
    return impl->fn(p, x, s, y, threads);
}
