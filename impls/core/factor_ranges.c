/*
 * simd and stream for the one-factor family: the channel scale's SIMD range
 * kernels (simd_ranges.c) run on the factor's walk.
 *  - runs (one factor per run of elements) are the range kernels' plane walk,
 *    on a channel scale in NCHW with planes of `run` and `count` channels;
 *  - slices that every sample shares (the channel scale in NHWC) are the
 *    pattern walk over the whole tensor;
 *  - a slice as long as the sample (mul: z has x's shape) is a second stream
 *    beside x, over the whole tensor (chanmul_run_pairs);
 *  - slices that move with the sample (scale_nc in NHWC, gate in NCHW) are one
 *    pattern walk per sample, the samples split across the threads when there
 *    are enough of them, else each sample split across all of them.
 * The channel scale's own calls are exactly the ones its kernels made before
 * the family joined (same problem, same decisions).
 */
#include "chanmul_internal.h"
#include "grad_sums.h"

#include <omp.h>

typedef struct blocks_job {
    const chanmul_range_kernels *k;
    chanmul_problem block; /* one sample as a channel scale in NHWC */
    const float *x, *f;
    float *y;
    size_t blocks, block_elements, stride;
    int nontemporal; /* CHANMUL_NT_DECIDED or CHANMUL_NT_NEVER */
    const chanmul_tunables *tun;
} blocks_job;

static void run_blocks(const blocks_job *j, size_t first, size_t last, int threads)
{
    for (size_t b = first; b < last; b++)
        chanmul_run_ranges(j->k, &j->block, j->x + b * j->block_elements, j->f + b * j->stride,
                           j->y + b * j->block_elements, threads, j->nontemporal, j->tun);
}

/* Thread `index` of `count`: a contiguous share of the samples, one thread each. */
static void blocks_share(void *arg, int index, int count)
{
    const blocks_job *j = arg;
    size_t first, last;
    chanmul_split_range(j->blocks, 1, count, index, &first, &last);
    run_blocks(j, first, last, 1);
}

/* The walks that are one channel scale over the whole tensor (runs: its NCHW
 * planes; slices every sample shares: its NHWC pattern): 1 and that problem. */
static int one_channel_scale(const chanmul_factor_walk *w, chanmul_problem *scale)
{
    if (w->runs) {
        *scale = (chanmul_problem){CHANMUL_OP_SCALE, CHANMUL_NCHW, w->total / (w->run * w->count), 1,
                                   w->run, w->count};
        return 1;
    }
    if (w->stride == 0) {
        *scale = (chanmul_problem){CHANMUL_OP_SCALE, CHANMUL_NHWC, w->total / w->period, 1, 1, w->period};
        return 1;
    }
    return 0;
}

int chanmul_factor_ranges_prepare(const chanmul_desc *d, int threads, int allow_nontemporal,
                                  const chanmul_tunables *tun, chanmul_range_call *call)
{
    chanmul_factor_walk w;
    chanmul_problem scale;
    chanmul_factor_walk_of(&d->p, &w);
    return w.total && one_channel_scale(&w, &scale) &&
           chanmul_ranges_prepare(chanmul_range_kernels_for_cpu(), &scale, threads, allow_nontemporal,
                                  tun, call);
}

int chanmul_factor_ranges(const chanmul_desc *d, const chanmul_tensors *t, int threads,
                          int allow_nontemporal, const chanmul_tunables *tun)
{
    const chanmul_range_kernels *k = chanmul_range_kernels_for_cpu();
    const float *x = t->in[0], *f = t->in[1];
    float *y = t->out[0];
    chanmul_factor_walk w;
    chanmul_problem scale;
    chanmul_factor_walk_of(&d->p, &w);
    if (one_channel_scale(&w, &scale))
        return chanmul_run_ranges(k, &scale, x, f, y, threads, allow_nontemporal, tun);
    if (w.period == w.block && w.stride == w.block)
        return chanmul_run_pairs(k, x, f, y, w.total, threads, allow_nontemporal, tun);
    blocks_job job = {k, {CHANMUL_OP_SCALE, CHANMUL_NHWC, 1, 1, w.block / w.period, w.period},
                      x, f, y, w.total / w.block, w.block, w.stride, CHANMUL_NT_NEVER, tun};
    /* streaming stores are decided by the whole output, not by one sample */
    if (allow_nontemporal != CHANMUL_NT_NEVER && k->isa != CHANMUL_ISA_SCALAR &&
        chanmul_want_nontemporal(w.total * sizeof(float), x == y, tun))
        job.nontemporal = CHANMUL_NT_DECIDED;
    int nthreads = chanmul_useful_threads(w.total, threads, tun);
    if (nthreads == 1 || job.blocks < (size_t)nthreads) {
        run_blocks(&job, 0, job.blocks, nthreads);
    } else if (chanmul_team_run(nthreads, blocks_share, &job) != 0) {
#pragma omp parallel num_threads(nthreads)
        /* the team may be smaller than asked: split by its size */
        blocks_share(&job, omp_get_thread_num(), omp_get_num_threads());
    }
    return CHANMUL_OK;
}

int chanmul_stream_tuned(const chanmul_desc *d, const chanmul_tensors *t, int threads,
                         const chanmul_tunables *tun)
{
    if (d->p.op == CHANMUL_OP_AFFINE) /* the scale-and-shift has range loops of its own */
        return chanmul_affine_ranges(d, t, threads, tun);
    if (d->p.op == CHANMUL_OP_SCALE_GRAD) /* the sums' fixed order sets their own thread rule */
        return chanmul_grad_sums(&d->p, t->in[0], t->in[1], t->in[2], t->out[0], t->out[1],
                                 t->out[2], threads, CHANMUL_GRAD_SIMD);
    if (d->p.op == CHANMUL_OP_BCAST) /* the plan of the broadcast, its forms the family's */
        return chanmul_bcast_ranges(d, t, threads, CHANMUL_NT_BY_SIZE, tun);
    return chanmul_factor_ranges(d, t, threads, CHANMUL_NT_BY_SIZE, tun);
}
