/* The driver shared by the SIMD-based kernels: picks the ISA's range kernels,
 * chooses pattern or plane walk, splits the flat tensor across threads by
 * bytes (boundaries on 64-byte multiples so no two threads share a line), and
 * has each thread build the pattern it reads. */
#include "chanmul_internal.h"

#include <omp.h>
#include <stdatomic.h>
#include <stdlib.h>

/* Below this many elements a second thread costs more than it saves. With the
 * thread team (thread_team.c) a fork and join costs about 0.15 us; measured on
 * this project's Zen 3 machine (L1d 32 KiB), two threads pay from about 8-12k
 * elements (1x14x14x64: 0.35-0.40 us against 0.56 us on one thread): an L1d's
 * worth of floats. So the default is the L1d's size in floats (CPUID), this
 * value when the CPU does not say; CHANMUL_MIN_ELEMENTS_PER_THREAD in the
 * environment overrides it, read once; `chanmul tune` measures it, and `auto`
 * runs stream with the measured value. */
#ifndef CHANMUL_MIN_ELEMENTS_PER_THREAD
#define CHANMUL_MIN_ELEMENTS_PER_THREAD 8192
#endif

size_t chanmul_default_min_elements_per_thread(void)
{
    /* 0 until read; a relaxed atomic: user threads may make their first calls
     * at once, and a plain variable one writes while another reads is a data
     * race, even when both compute the same value (see chanmul_kernel_isa) */
    static _Atomic size_t cached;
    size_t n = atomic_load_explicit(&cached, memory_order_relaxed);
    if (!n) {
        const char *env = getenv("CHANMUL_MIN_ELEMENTS_PER_THREAD");
        char *end;
        unsigned long long v = env ? strtoull(env, &end, 10) : 0;
        size_t l1d = chanmul_cpuid_cache_bytes(1);
        n = env && *env && !*end && v > 0 ? (size_t)v
            : l1d                          ? l1d / sizeof(float)
                                           : CHANMUL_MIN_ELEMENTS_PER_THREAD;
        atomic_store_explicit(&cached, n, memory_order_relaxed);
    }
    return n;
}

/* NCHW planes shorter than this are streamed against a pattern of the
 * expanded scale sequence (when its period fits, and the problem is at least
 * CHANMUL_NCHW_PATTERN_MIN_PERIODS periods long so that building it costs
 * little) rather than plane by plane: a plane walk costs a blend or a masked
 * step per plane. */
#define CHANMUL_NCHW_PATTERN_BELOW_HW 64
#define CHANMUL_NCHW_PATTERN_MIN_PERIODS 8

int chanmul_useful_threads(size_t total, int threads, const chanmul_tunables *tun)
{
    size_t per_thread = tun && tun->min_elements_per_thread ? tun->min_elements_per_thread
                                                            : chanmul_default_min_elements_per_thread();
    size_t max_useful = total / per_thread + 1;
    int n = chanmul_resolve_threads(threads);
    return (size_t)n > max_useful ? (int)max_useful : n;
}

const chanmul_range_kernels *chanmul_range_kernels_for_cpu(void)
{
    chanmul_isa isa = chanmul_kernel_isa();
    chanmul_isa_note(isa);
    switch (isa) {
    case CHANMUL_ISA_AVX512: return &chanmul_range_avx512;
    case CHANMUL_ISA_AVX2: return &chanmul_range_avx2;
    case CHANMUL_ISA_SCALAR: break;
    }
    return &chanmul_range_scalar;
}

/* Floats of the per-thread pattern buffer (on each thread's own stack). */
#define LOCAL_PATTERN_FLOATS (CHANMUL_PATTERN_MAX_FLOATS + CHANMUL_PATTERN_SLACK + CHANMUL_MAX_LANES)

typedef struct range_job {
    const chanmul_range_kernels *k;
    const chanmul_problem *p;
    const float *x, *s;
    float *y;
    size_t total;
    size_t repeat;                 /* pattern: each scale this many times */
    int use_pattern;               /* stream against a pattern (else plane by plane) */
    const chanmul_pattern *shared; /* a pattern too long for the stack, or NULL */
    int nontemporal;
} range_job;

/* Elements [begin, end). A pattern that fits is built here, by the thread
 * that reads it: shared, it would be rewritten by the caller on every call
 * and every other thread would pull its lines across cores (microseconds for
 * a 3136-float NCHW pattern, more than the work on an L2-sized problem). */
static void run_chunk(const range_job *j, size_t begin, size_t end)
{
    if (begin >= end)
        return;
    if (!j->use_pattern) {
        j->k->planes(j->x, j->y, j->s, j->p->c, j->p->h * j->p->w, begin, end, j->nontemporal);
        return;
    }
    if (j->shared) {
        j->k->pattern(j->x, j->y, j->shared, begin, end, j->nontemporal);
        return;
    }
    /* no allocation per call: small problems cannot afford one */
    _Alignas(64) float local[LOCAL_PATTERN_FLOATS];
    chanmul_pattern pat;
    chanmul_pattern_init(&pat, j->k, j->s, j->p->c, j->repeat, local, LOCAL_PATTERN_FLOATS);
    j->k->pattern(j->x, j->y, &pat, begin, end, j->nontemporal);
}

/* Thread `index` of `count`: an even share of the elements, cut on 16-element
 * (64-byte) boundaries so that no two threads write the same cache line. */
static void run_share(void *arg, int index, int count)
{
    const range_job *j = arg;
    size_t begin, end;
    chanmul_split_range(j->total, 16, count, index, &begin, &end);
    run_chunk(j, begin, end);
}

/* The streaming-store decision of both walks. */
static int nontemporal_for(const chanmul_range_kernels *k, size_t total, int in_place,
                           int allow_nontemporal, const chanmul_tunables *tun)
{
    return allow_nontemporal != CHANMUL_NT_NEVER && k->isa != CHANMUL_ISA_SCALAR &&
           (allow_nontemporal == CHANMUL_NT_DECIDED ||
            chanmul_want_nontemporal(total * sizeof(float), in_place, tun));
}

/* The thread split and the streaming-store decision of both walks. */
static void run_job(range_job *job, int threads, int allow_nontemporal, const chanmul_tunables *tun)
{
    job->nontemporal = nontemporal_for(job->k, job->total, job->x == job->y, allow_nontemporal, tun);
    int nthreads = chanmul_useful_threads(job->total, threads, tun);
    if (nthreads == 1) {
        run_chunk(job, 0, job->total);
    } else if (chanmul_team_run(nthreads, run_share, job) != 0) {
#pragma omp parallel num_threads(nthreads)
        /* the team may be smaller than asked: split by its size */
        run_share(job, omp_get_thread_num(), omp_get_num_threads());
    }
}

int chanmul_run_pairs(const chanmul_range_kernels *k, const float *x, const float *z, float *y,
                      size_t total, int threads, int allow_nontemporal,
                      const chanmul_tunables *tun)
{
    if (total == 0)
        return CHANMUL_OK;
    if (total <= CHANMUL_PATTERN_SLACK) {
        /* the pattern kernels may read a period that divides 64 as whole
         * vectors, into the slack a built pattern has and z has not: a tensor
         * this small is a channel scale with C = total, its pattern built */
        chanmul_problem one = {CHANMUL_OP_SCALE, CHANMUL_NHWC, 1, 1, 1, total};
        return chanmul_run_ranges(k, &one, x, z, y, threads, allow_nontemporal, tun);
    }
    /* a pattern whose period is the whole tensor: element i meets z[i], and
     * the pattern kernels never wrap or read past z + total */
    chanmul_pattern whole = {(float *)z, total, NULL};
    range_job job = {k, NULL, x, z, y, total, 1, 1, &whole, 0};
    run_job(&job, threads, allow_nontemporal, tun);
    return CHANMUL_OK;
}

/* NCHW takes the pattern only when building it costs little beside the
 * problem (a period is C*H*W floats: a whole sample). */
static int pattern_wanted(const chanmul_problem *p, size_t total)
{
    size_t hw = p->h * p->w;
    return p->layout == CHANMUL_NHWC ||
           (hw < CHANMUL_NCHW_PATTERN_BELOW_HW && p->c * hw <= CHANMUL_PATTERN_MAX_FLOATS &&
            p->c * hw * CHANMUL_NCHW_PATTERN_MIN_PERIODS <= total);
}

int chanmul_ranges_prepare(const chanmul_range_kernels *k, const chanmul_problem *p, int threads,
                           int allow_nontemporal, const chanmul_tunables *tun,
                           chanmul_range_call *call)
{
    size_t total = p->n * p->h * p->w * p->c, hw = p->h * p->w;
    size_t repeat = p->layout == CHANMUL_NHWC ? 1 : hw;
    int use_pattern = pattern_wanted(p, total);
    if (total == 0 || chanmul_useful_threads(total, threads, tun) != 1 ||
        (use_pattern && chanmul_pattern_storage(p->c, repeat) > LOCAL_PATTERN_FLOATS))
        return 0;
    int nontemporal = nontemporal_for(k, total, 0, allow_nontemporal, tun);
    if (nontemporal != nontemporal_for(k, total, 1, allow_nontemporal, tun))
        return 0; /* decided by whether the call is in place: a pointer's business */
    *call = (chanmul_range_call){k, *p, total, repeat, use_pattern, nontemporal};
    return 1;
}

void chanmul_range_call_run(const chanmul_range_call *call, const float *x, const float *f, float *y)
{
    range_job job = {call->k, &call->p, x, f, y, call->total, call->repeat, call->use_pattern, NULL,
                     call->nontemporal};
    run_chunk(&job, 0, call->total); /* one thread, its pattern on the stack */
}

int chanmul_run_ranges(const chanmul_range_kernels *k, const chanmul_problem *p,
                       const float *x, const float *s, float *y, int threads,
                       int allow_nontemporal, const chanmul_tunables *tun)
{
    size_t total = p->n * p->h * p->w * p->c;
    if (total == 0)
        return CHANMUL_OK;
    size_t hw = p->h * p->w;
    range_job job = {k, p, x, s, y, total, p->layout == CHANMUL_NHWC ? 1 : hw, 0, NULL, 0};
    job.use_pattern = pattern_wanted(p, total);
    chanmul_pattern shared = {0};
    if (job.use_pattern && chanmul_pattern_storage(p->c, job.repeat) > LOCAL_PATTERN_FLOATS) {
        /* long (C in the thousands and odd): built once on the heap, read by all */
        int err = chanmul_pattern_init(&shared, k, s, p->c, job.repeat, NULL, 0);
        if (err)
            return err;
        job.shared = &shared;
    }
    run_job(&job, threads, allow_nontemporal, tun);
    chanmul_pattern_free(&shared);
    return CHANMUL_OK;
}
