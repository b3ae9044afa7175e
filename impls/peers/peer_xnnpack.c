/*
 * xnnpack: the peer XNNPACK behind chanmul's kernel signature. One multiply
 * operator (xnn_create_multiply_nd_f32 / xnn_setup_multiply_nd_f32 /
 * xnn_run_operator) with NumPy-style broadcast shapes; the ops differ only in
 * the two shapes the setup is given (multiply_shapes_of):
 *             NHWC                      NCHW
 *   scale     {N,H,W,C} * {C}           {N,C,H,W} * {C,1,1}
 *   scale_nc  {N,H*W,C} * {N,1,C}       {N,C,H*W} * {N,C,1}
 *   gate      {N,H*W,C} * {N,H*W,1}     {N,C,H*W} * {N,1,H*W}
 *   mul       {N*H*W*C} * {N*H*W*C}     (the same)
 *   bcast     a * b, the descriptor's two shapes exactly as given (rank 0,
 *             a scalar, is passed as rank 0, which the setup accepts)
 * H and W are one axis wherever the factor treats them alike (XNNPACK merges
 * such axes itself; folding them only keeps the shapes short). The output range is
 * (-inf, +inf), the widest XNNPACK accepts, so no finite value is clamped.
 *
 * bcast's limit: the setup takes at most XNN_MAX_TENSOR_DIMS dims per shape
 * (6 in this version; rank 7 or 8 gets xnn_status_unsupported_parameter), so
 * a shape of a higher rank returns CHANMUL_EOP, "not covered". Its axes are
 * deliberately not merged to fit: the peer is called as a user calls XNNPACK,
 * with the shapes they have. Either operand may be the stretched one.
 *
 * The operator is not bound to a shape (setup binds shape and pointers, and
 * must run on every call since the pointers change), so one operator lives
 * for the process; pthreadpools for the last few thread counts are kept, as
 * XNNPACK's users keep theirs. A mutex serialises calls: both are shared.
 *
 * Threads: XNNPACK parallelises over a pthreadpool of `threads` threads (the
 * caller is one of them); 1 thread passes no pool and runs on the caller. The
 * operator is created with XNN_FLAG_YIELD_WORKERS: by default pthreadpool's
 * workers spin between calls, and with more threads than free cores (this
 * machine has 2, shared) the spinners starve the caller: 33 threads took
 * about 200 ms per tiny call spinning, under 0.5 ms yielding.
 *
 * Known departures from the reference, which the verifier reports (Debian's
 * XNNPACK 0.0~git20220216, checked against its source and by test):
 *  - xnn_run_operator always passes PTHREADPOOL_FLAG_DISABLE_DENORMALS, so on
 *    x86 the multiply runs with MXCSR FTZ+DAZ set: denormal inputs read as
 *    zero and denormal products are flushed to zero of the same sign;
 *  - this version clamps every product with its min/max micro-kernel even
 *    for an infinite range, and max_ps(NaN, -inf) returns -inf, so a NaN
 *    product (NaN in x or s) comes out as -inf;
 *  - the two compose: inf times a denormal reads as inf * 0 = NaN, so -inf.
 * Neither can be switched off through XNNPACK's public API.
 */
#include "chanmul_internal.h"

#include <math.h>
#include <pthread.h>
#include <pthreadpool.h>
#include <string.h>
#include <xnnpack.h>

/* Pools kept, most recently used first: enough for a caller that cycles a few
 * thread counts (the verifier tries 1, 2, 3 and many per case) without
 * creating and joining threads on every call, and bounded. */
#define POOLS_KEPT 4

typedef struct xnnpack_pool {
    int threads; /* 0: empty slot */
    pthreadpool_t pool;
} xnnpack_pool;

typedef struct xnnpack_state {
    xnn_operator_t op; /* created once, kept for the process */
    xnnpack_pool pools[POOLS_KEPT];
} xnnpack_state;

static xnnpack_state state;
static pthread_mutex_t state_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static enum xnn_status init_status = xnn_status_uninitialized;

static void initialize_xnnpack(void) { init_status = xnn_initialize(NULL); }

int chanmul_available_xnnpack(const char **why)
{
    pthread_once(&init_once, initialize_xnnpack);
    if (init_status == xnn_status_success)
        return 1;
    if (why)
        *why = init_status == xnn_status_unsupported_hardware
                   ? "xnn_initialize: XNNPACK does not support this CPU"
                   : "xnn_initialize failed";
    return 0;
}

/* *pool: a pool of exactly `threads` threads, or NULL for 1 (XNNPACK then runs
 * on the caller). Reuses a kept pool or makes one, evicting the least recently
 * used. The lock is held. */
static int use_pool(xnnpack_state *st, int threads, pthreadpool_t *pool)
{
    xnnpack_pool found = {0, NULL};
    int i;
    *pool = NULL;
    if (threads == 1)
        return 0;
    for (i = 0; i < POOLS_KEPT - 1 && st->pools[i].threads != threads; i++)
        ;
    if (st->pools[i].threads == threads) {
        found = st->pools[i];
    } else {
        if (!(found.pool = pthreadpool_create((size_t)threads)))
            return CHANMUL_ENOMEM;
        found.threads = threads;
        pthreadpool_destroy(st->pools[i].pool); /* the last slot; accepts NULL */
    }
    for (; i > 0; i--)
        st->pools[i] = st->pools[i - 1];
    st->pools[0] = found;
    *pool = found.pool;
    return 0;
}

/* The NumPy shapes of x and the factor for one problem (bcast: a and b). */
typedef struct multiply_shapes {
    size_t x_rank, factor_rank;
    size_t x[XNN_MAX_TENSOR_DIMS], factor[XNN_MAX_TENSOR_DIMS];
} multiply_shapes;

static void set_shapes(multiply_shapes *m, size_t x_rank, const size_t *x, size_t factor_rank,
                       const size_t *factor)
{
    m->x_rank = x_rank;
    m->factor_rank = factor_rank;
    memcpy(m->x, x, x_rank * sizeof *x);
    memcpy(m->factor, factor, factor_rank * sizeof *factor);
}

static void multiply_shapes_of(const chanmul_desc *d, multiply_shapes *m)
{
    const chanmul_problem *p = &d->p;
    const size_t n = p->n, h = p->h, w = p->w, c = p->c, plane = h * w;
    const int nhwc = p->layout == CHANMUL_NHWC;
    switch (p->op) {
    case CHANMUL_OP_BCAST: /* the user's own shapes, as given (the caller checked their ranks) */
        set_shapes(m, (size_t)d->in[0].rank, d->in[0].dims, (size_t)d->in[1].rank, d->in[1].dims);
        break;
    case CHANMUL_OP_SCALE_NC:
        if (nhwc)
            set_shapes(m, 3, (size_t[]){n, plane, c}, 3, (size_t[]){n, 1, c});
        else
            set_shapes(m, 3, (size_t[]){n, c, plane}, 3, (size_t[]){n, c, 1});
        break;
    case CHANMUL_OP_GATE:
        if (nhwc)
            set_shapes(m, 3, (size_t[]){n, plane, c}, 3, (size_t[]){n, plane, 1});
        else
            set_shapes(m, 3, (size_t[]){n, c, plane}, 3, (size_t[]){n, 1, plane});
        break;
    case CHANMUL_OP_MUL: /* equal shapes in either layout: one flat axis each */
        set_shapes(m, 1, (size_t[]){n * plane * c}, 1, (size_t[]){n * plane * c});
        break;
    default: /* CHANMUL_OP_SCALE; the registry gives this peer no other op */
        if (nhwc)
            set_shapes(m, 4, (size_t[]){n, h, w, c}, 1, (size_t[]){c});
        else
            set_shapes(m, 4, (size_t[]){n, c, h, w}, 3, (size_t[]){c, 1, 1});
        break;
    }
}

static int run_locked(xnnpack_state *st, const chanmul_desc *d, const float *x,
                      const float *factor, float *y, int threads)
{
    multiply_shapes shapes;
    pthreadpool_t pool;
    int err;

    /* (chanmul_run has checked chanmul_available_xnnpack: XNNPACK is initialised) */
    if (!st->op && xnn_create_multiply_nd_f32(-INFINITY, INFINITY, XNN_FLAG_YIELD_WORKERS,
                                              &st->op) != xnn_status_success)
        return CHANMUL_EPEER;
    if ((err = use_pool(st, threads, &pool)))
        return err;
    multiply_shapes_of(d, &shapes);
    if (xnn_setup_multiply_nd_f32(st->op, shapes.x_rank, shapes.x, shapes.factor_rank,
                                  shapes.factor, x, factor, y, pool) != xnn_status_success)
        return CHANMUL_EPEER;
    if (xnn_run_operator(st->op, pool) != xnn_status_success)
        return CHANMUL_EPEER;
    return 0;
}

/* Every op of this peer: the shapes come from the problem's op. */
static int multiply_xnnpack(const chanmul_desc *d, const chanmul_tensors *t, int threads)
{
    const float *x = t->in[0], *factor = t->in[1];
    float *y = t->out[0];
    pthread_mutex_lock(&state_lock);
    int err = run_locked(&state, d, x, factor, y, chanmul_resolve_threads(threads));
    pthread_mutex_unlock(&state_lock);
    return err;
}

int chanmul_scale_xnnpack(const chanmul_desc *d, const chanmul_tensors *t, int threads)
{
    return multiply_xnnpack(d, t, threads);
}

int chanmul_scale_nc_xnnpack(const chanmul_desc *d, const chanmul_tensors *t, int threads)
{
    return multiply_xnnpack(d, t, threads);
}

int chanmul_gate_xnnpack(const chanmul_desc *d, const chanmul_tensors *t, int threads)
{
    return multiply_xnnpack(d, t, threads);
}

int chanmul_mul_xnnpack(const chanmul_desc *d, const chanmul_tensors *t, int threads)
{
    return multiply_xnnpack(d, t, threads);
}

int chanmul_bcast_xnnpack(const chanmul_desc *d, const chanmul_tensors *t, int threads)
{
    /* XNNPACK's setup takes at most XNN_MAX_TENSOR_DIMS dims per shape. Axes
     * are not merged here to fit: a user calls XNNPACK with the shapes they
     * have, so a higher rank is a case this peer does not cover. */
    if (d->in[0].rank > XNN_MAX_TENSOR_DIMS || d->in[1].rank > XNN_MAX_TENSOR_DIMS)
        return CHANMUL_EOP;
    return multiply_xnnpack(d, t, threads);
}
