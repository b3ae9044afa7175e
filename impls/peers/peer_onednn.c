/*
 * onednn: the peer oneDNN (libdnnl) behind chanmul's kernel signature. One
 * binary primitive, dnnl_binary_mul, with src0 = x (N,C,H,W logical dims in
 * format tag nhwc or nchw), src1 = the factor broadcast by oneDNN and dst = y;
 * in place is dst and src0 on the same buffer, which binary allows. The ops
 * differ only in src1's dims, every one a plain broadcast oneDNN supports:
 *   scale     s as {1,C,1,1}  (one factor per channel)
 *   scale_nc  s as {N,C,1,1}  (one per sample and channel)
 *   gate      g as {N,1,H,W}  (one per position, shared by the channels)
 *   mul       z as {N,C,H,W}  (x's own dims: no broadcast)
 *   affine    s as {1,C,1,1}, and b added by a binary-add post-op ({1,C,1,1}):
 *             how a oneDNN user fuses a shift into the multiply
 *   bcast     src0 = a and dst = y at y's shape, src1 = b padded with leading
 *             1s to y's rank (binary wants one ndims for all three); a scalar
 *             (rank 0) is {1}. Plain row-major memory descs built from dense
 *             strides (dnnl_memory_desc_init_by_strides), no format tag.
 * src1 takes the same format tag as x: with its unit dims, nhwc and nchw both
 * give it the dense row-major strides of chanmul's s (N x C) and g (N x H x W).
 *
 * bcast's limit: oneDNN 2.x's binary broadcasts src1 only (each of its dims
 * src0's or 1) and src0 must have dst's dims, so a broadcast that stretches a
 * (a 1, or a missing leading axis, where y's dimension is larger) returns
 * CHANMUL_EOP, "not covered"; an a with fewer axes that stretches nothing
 * ((5) against (1,5)) is padded like b and runs. a and b are not swapped to
 * dodge the limit (nor a stretched a materialised): the peer runs the call as
 * given. Any rank 0..8 fits (DNNL_MAX_NDIMS is 12).
 *
 * Creating a primitive costs far more than running it, so the engine and
 * stream live for the process and a single-entry cache keeps the primitive and
 * its three memory objects for the last (problem, threads), bcast's shapes included;
 * memory objects get the call's pointers by dnnl_memory_set_data_handle.
 * benchdnn likewise times execution only. One mutex serialises calls: the
 * cached memory objects are shared state, and a single entry never grows.
 *
 * Threads: this Debian build of oneDNN runs on OpenMP (DNNL_CPU_RUNTIME_OMP,
 * GNU libgomp, the runtime chanmul uses), and its parallel regions take
 * omp_get_max_threads(). The call sets that to the requested count around
 * primitive creation and execution and restores the caller's value after.
 * oneDNN keys its own primitive cache by thread count, so ours does too.
 */
#include "chanmul_internal.h"

#include <oneapi/dnnl/dnnl.h>
#include <omp.h>
#include <pthread.h>

typedef struct onednn_key {
    chanmul_problem p; /* op, layout, n, h, w, c; bcast: its shapes a and b too */
    int threads;
} onednn_key;

typedef struct onednn_state {
    dnnl_engine_t engine; /* created once, kept for the process */
    dnnl_stream_t stream;
    int have_entry;
    onednn_key key;
    dnnl_primitive_t primitive;
    dnnl_memory_t src0, src1, dst;
    dnnl_memory_t shift; /* affine: b, the post-op's second source (else NULL) */
} onednn_state;

static onednn_state state;
static pthread_mutex_t state_lock = PTHREAD_MUTEX_INITIALIZER;

int chanmul_available_onednn(const char **why)
{
    (void)why;
    return 1; /* oneDNN falls back to its reference code on any x86-64 CPU */
}

static int key_equal(const onednn_key *a, const onednn_key *b)
{
    return chanmul_problem_equal(&a->p, &b->p) && a->threads == b->threads;
}

static void drop_entry(onednn_state *st)
{
    dnnl_primitive_destroy(st->primitive);
    dnnl_memory_destroy(st->src0);
    dnnl_memory_destroy(st->src1);
    dnnl_memory_destroy(st->dst);
    dnnl_memory_destroy(st->shift);
    st->primitive = NULL;
    st->src0 = st->src1 = st->dst = st->shift = NULL;
    st->have_entry = 0;
}

static int open_engine(onednn_state *st)
{
    if (st->stream)
        return 0;
    if (!st->engine && dnnl_engine_create(&st->engine, dnnl_cpu, 0) != dnnl_success)
        return CHANMUL_EPEER;
    if (dnnl_stream_create(&st->stream, st->engine, dnnl_stream_default_flags) != dnnl_success)
        return CHANMUL_EPEER;
    return 0;
}

/* src1's logical dims (N,C,H,W order, as x's) for key's op: the factor with a
 * 1 on every axis it is broadcast along. */
static void factor_dims_of(const onednn_key *key, dnnl_dims_t dims)
{
    dnnl_dim_t n = (dnnl_dim_t)key->p.n, c = (dnnl_dim_t)key->p.c;
    dnnl_dim_t h = (dnnl_dim_t)key->p.h, w = (dnnl_dim_t)key->p.w;
    switch (key->p.op) {
    case CHANMUL_OP_SCALE_NC:
        dims[0] = n, dims[1] = c, dims[2] = 1, dims[3] = 1;
        break;
    case CHANMUL_OP_GATE:
        dims[0] = n, dims[1] = 1, dims[2] = h, dims[3] = w;
        break;
    case CHANMUL_OP_MUL:
        dims[0] = n, dims[1] = c, dims[2] = h, dims[3] = w;
        break;
    default: /* CHANMUL_OP_SCALE and CHANMUL_OP_AFFINE's s; bcast has memory_descs_of's own branch */
        dims[0] = 1, dims[1] = c, dims[2] = 1, dims[3] = 1;
        break;
    }
}

/* s padded with leading 1s to `rank` dims (binary wants both sources of one
 * ndims; a scalar is {1}), dense row-major strides: chanmul's memory order. */
static int row_major_md(dnnl_memory_desc_t *md, const chanmul_shape *s, int rank)
{
    dnnl_dims_t dims = {0}, strides = {0}; /* (zeroed: GCC cannot see that rank dims are set) */
    dnnl_dim_t step = 1;
    if (rank == 0)
        rank = 1;
    for (int i = rank - 1, lead = rank - s->rank; i >= 0; i--) {
        dims[i] = i < lead ? 1 : (dnnl_dim_t)s->dims[i - lead];
        strides[i] = step;
        step *= dims[i];
    }
    return dnnl_memory_desc_init_by_strides(md, rank, dims, dnnl_f32, strides) == dnnl_success
               ? 0
               : CHANMUL_EPEER;
}

/* src0's (also dst's) and src1's memory descs for key. The family's ops: x's
 * N,C,H,W dims in the layout's tag, the factor's in the same tag. bcast: a and
 * b, row-major at y's rank (a has y's shape: chanmul_bcast_onednn checked). */
static int memory_descs_of(const onednn_key *key, dnnl_memory_desc_t *x_md, dnnl_memory_desc_t *factor_md)
{
    const chanmul_problem *p = &key->p;
    if (p->op == CHANMUL_OP_BCAST) {
        int rank = p->a.rank > p->b.rank ? p->a.rank : p->b.rank;
        return row_major_md(x_md, &p->a, rank) || row_major_md(factor_md, &p->b, rank) ? CHANMUL_EPEER : 0;
    }
    dnnl_format_tag_t tag = p->layout == CHANMUL_NHWC ? dnnl_nhwc : dnnl_nchw;
    dnnl_dims_t x_dims = {(dnnl_dim_t)p->n, (dnnl_dim_t)p->c, (dnnl_dim_t)p->h, (dnnl_dim_t)p->w};
    dnnl_dims_t factor_dims;
    factor_dims_of(key, factor_dims);
    if (dnnl_memory_desc_init_by_tag(x_md, 4, x_dims, dnnl_f32, tag) != dnnl_success ||
        dnnl_memory_desc_init_by_tag(factor_md, 4, factor_dims, dnnl_f32, tag) != dnnl_success)
        return CHANMUL_EPEER;
    return 0;
}

/* Builds the primitive and memory objects for key; on failure the entry stays empty. */
static int build_entry(onednn_state *st, const onednn_key *key)
{
    dnnl_memory_desc_t x_md, factor_md;
    dnnl_binary_desc_t desc;
    dnnl_primitive_desc_t pd = NULL;
    dnnl_primitive_attr_t attr = NULL;
    dnnl_post_ops_t post_ops = NULL;
    int err = CHANMUL_EPEER, affine = key->p.op == CHANMUL_OP_AFFINE;

    if (memory_descs_of(key, &x_md, &factor_md) != 0 ||
        dnnl_binary_desc_init(&desc, dnnl_binary_mul, &x_md, &factor_md, &x_md) != dnnl_success)
        return CHANMUL_EPEER;
    if (affine) { /* y = (x * s) + b: b, shaped as s, through a binary-add post-op */
        int ok = dnnl_post_ops_create(&post_ops) == dnnl_success &&
                 dnnl_post_ops_append_binary(post_ops, dnnl_binary_add, &factor_md) == dnnl_success &&
                 dnnl_primitive_attr_create(&attr) == dnnl_success &&
                 dnnl_primitive_attr_set_post_ops(attr, post_ops) == dnnl_success;
        dnnl_post_ops_destroy(post_ops);
        if (!ok) {
            dnnl_primitive_attr_destroy(attr);
            return CHANMUL_EPEER;
        }
    }
    dnnl_status_t created = dnnl_primitive_desc_create(&pd, &desc, attr, st->engine, NULL);
    dnnl_primitive_attr_destroy(attr);
    if (created != dnnl_success)
        return CHANMUL_EPEER;
    if (dnnl_primitive_create(&st->primitive, pd) != dnnl_success)
        goto out_pd;
    if (dnnl_memory_create(&st->src0, &x_md, st->engine, DNNL_MEMORY_NONE) != dnnl_success ||
        dnnl_memory_create(&st->src1, &factor_md, st->engine, DNNL_MEMORY_NONE) != dnnl_success ||
        dnnl_memory_create(&st->dst, &x_md, st->engine, DNNL_MEMORY_NONE) != dnnl_success ||
        (affine && dnnl_memory_create(&st->shift, &factor_md, st->engine, DNNL_MEMORY_NONE) != dnnl_success))
        goto out_entry;
    st->key = *key;
    st->have_entry = 1;
    err = 0;
    goto out_pd;
out_entry:
    drop_entry(st);
out_pd:
    dnnl_primitive_desc_destroy(pd);
    return err;
}

/* Runs the cached primitive on the call's buffers; the lock is held. */
static int execute_locked(onednn_state *st, const onednn_key *key, const float *x,
                          const float *factor, const float *shift, float *y)
{
    int err = open_engine(st);
    if (err)
        return err;
    if (st->have_entry && !key_equal(&st->key, key))
        drop_entry(st);
    if (!st->have_entry && (err = build_entry(st, key)))
        return err;
    /* oneDNN only reads sources: dropping const here is safe. */
    if (dnnl_memory_set_data_handle(st->src0, (void *)x) != dnnl_success ||
        dnnl_memory_set_data_handle(st->src1, (void *)factor) != dnnl_success ||
        dnnl_memory_set_data_handle(st->dst, y) != dnnl_success ||
        (st->shift && dnnl_memory_set_data_handle(st->shift, (void *)shift) != dnnl_success))
        return CHANMUL_EPEER;
    dnnl_exec_arg_t args[4] = {{DNNL_ARG_SRC_0, st->src0},
                               {DNNL_ARG_SRC_1, st->src1},
                               {DNNL_ARG_DST, st->dst},
                               {DNNL_ARG_ATTR_MULTIPLE_POST_OP(0) | DNNL_ARG_SRC_1, st->shift}};
    if (dnnl_primitive_execute(st->primitive, st->stream, st->shift ? 4 : 3, args) != dnnl_success ||
        dnnl_stream_wait(st->stream) != dnnl_success)
        return CHANMUL_EPEER;
    return 0;
}

/* Every op of this peer: the op is part of the key, so one entry point serves all. */
static int multiply_onednn(const chanmul_desc *d, const chanmul_tensors *t, int threads)
{
    const chanmul_problem *p = &d->p;
    const float *x = t->in[0], *factor = t->in[1], *shift = d->inputs > 2 ? t->in[2] : NULL;
    float *y = t->out[0];
    onednn_key key = {*p, chanmul_resolve_threads(threads)};
    pthread_mutex_lock(&state_lock);
    int saved_threads = omp_get_max_threads();
    omp_set_num_threads(key.threads);
    int err = execute_locked(&state, &key, x, factor, shift, y);
    omp_set_num_threads(saved_threads);
    pthread_mutex_unlock(&state_lock);
    return err;
}

int chanmul_scale_onednn(const chanmul_desc *d, const chanmul_tensors *t, int threads)
{
    return multiply_onednn(d, t, threads);
}

int chanmul_scale_nc_onednn(const chanmul_desc *d, const chanmul_tensors *t, int threads)
{
    return multiply_onednn(d, t, threads);
}

int chanmul_gate_onednn(const chanmul_desc *d, const chanmul_tensors *t, int threads)
{
    return multiply_onednn(d, t, threads);
}

int chanmul_mul_onednn(const chanmul_desc *d, const chanmul_tensors *t, int threads)
{
    return multiply_onednn(d, t, threads);
}

int chanmul_affine_onednn(const chanmul_desc *d, const chanmul_tensors *t, int threads)
{
    return multiply_onednn(d, t, threads);
}

int chanmul_bcast_onednn(const chanmul_desc *d, const chanmul_tensors *t, int threads)
{
    /* oneDNN 2.x's binary broadcasts src1 only: src0 must have dst's dims. a
     * is stretched exactly when it has fewer elements than y (the problem is
     * not empty; each of a's dims aligned to y's is y's or 1), and then this
     * peer does not cover the case. b is any broadcastable shape. */
    int err;
    if (chanmul_shape_elements(&d->in[0], &err) != chanmul_shape_elements(&d->out[0], &err))
        return CHANMUL_EOP;
    return multiply_onednn(d, t, threads);
}
