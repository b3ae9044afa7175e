/*
 * A small team of worker threads for the roofline kernel: a fork and join in
 * about 0.15-0.25 microseconds, where an OpenMP parallel region costs about
 * half a microsecond here (libgomp, default spinning) and far more when its
 * threads sleep (OMP_WAIT_POLICY=passive). On problems that fit in L2 that
 * difference is most of the time a second thread could save. The model is
 * pthreadpool (XNNPACK's): workers spin a while on a generation counter after
 * each job, then sleep on a condition variable.
 *
 * One job at a time: a caller that finds the team busy (another thread of the
 * user's, or a call from inside a job) gets -1 and runs its work some other
 * way. Teams larger than the CPUs the process may use are refused too: a
 * spinning worker without a core of its own only delays the others.
 */
#include "chanmul_internal.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define CPU_RELAX() _mm_pause()
#else
#define CPU_RELAX() ((void)0)
#endif

/* Polls of the generation counter before a worker goes to sleep: some tens of
 * microseconds, long enough to catch the next call of a benchmark or a
 * layer-by-layer model, short enough not to burn a core for long after. */
#define SPIN_POLLS 20000
#define TEAM_MAX_WORKERS 63

typedef struct team {
    pthread_mutex_t busy; /* held by the caller for a whole job */
    pthread_mutex_t sleep_lock;
    pthread_cond_t wake;
    int sleepers; /* workers waiting on `wake`, under sleep_lock */
    int started;  /* workers created so far (index 1..started) */

    /* the current job: written by the caller before the generation moves */
    chanmul_team_fn fn;
    void *arg;
    int count;

    _Alignas(64) atomic_uint generation; /* one more per job */
    _Alignas(64) atomic_int pending;     /* workers yet to report this job */
} team;

static team the_team = {.busy = PTHREAD_MUTEX_INITIALIZER,
                        .sleep_lock = PTHREAD_MUTEX_INITIALIZER,
                        .wake = PTHREAD_COND_INITIALIZER};

/* What a worker is started with: its index, and the generation current when
 * it was created (its first job is the next one, which may be published
 * before the thread first runs). */
typedef struct worker_start {
    int index;
    unsigned generation;
} worker_start;

static worker_start worker_starts[TEAM_MAX_WORKERS + 1];

static void *worker_main(void *p)
{
    const worker_start *start = p;
    int index = start->index;
    unsigned seen = start->generation;
    team *t = &the_team;
    for (;;) {
        unsigned g = seen;
        for (int k = 0; k < SPIN_POLLS && g == seen; k++) {
            CPU_RELAX();
            g = atomic_load_explicit(&t->generation, memory_order_acquire);
        }
        if (g == seen) {
            pthread_mutex_lock(&t->sleep_lock);
            t->sleepers++;
            while ((g = atomic_load_explicit(&t->generation, memory_order_acquire)) == seen)
                pthread_cond_wait(&t->wake, &t->sleep_lock);
            t->sleepers--;
            pthread_mutex_unlock(&t->sleep_lock);
        }
        seen = g;
        /* The acquire above orders these reads after the caller's writes.
         * Every worker reports every job, taking part or not: the caller
         * then cannot publish the next job while one still reads this one. */
        if (index < t->count)
            t->fn(t->arg, index, t->count);
        atomic_fetch_sub_explicit(&t->pending, 1, memory_order_release);
    }
    return NULL;
}

/* CPUs this process may run on (its affinity mask), at least 1. Read once.
 * The cache is a relaxed atomic, as are the other settings read once here and
 * in platform.c: user threads may make their first calls at the same time,
 * and though each computes the same value, a plain variable written by one
 * and read by another is a data race (undefined behaviour; ThreadSanitizer
 * reports it). A relaxed load is a plain load on x86. */
int chanmul_usable_cpus(void)
{
    static _Atomic int cached; /* 0 until read */
    int n = atomic_load_explicit(&cached, memory_order_relaxed);
    if (!n) {
#ifdef CPU_COUNT
        cpu_set_t set;
        if (sched_getaffinity(0, sizeof set, &set) == 0)
            n = CPU_COUNT(&set);
#endif
        if (n <= 0)
            n = (int)sysconf(_SC_NPROCESSORS_ONLN);
        n = n > 0 ? n : 1;
        atomic_store_explicit(&cached, n, memory_order_relaxed);
    }
    return n;
}

/* Starts workers up to index count-1; 0, or -1 when a thread cannot be made. */
static int grow(team *t, int count)
{
    while (t->started < count - 1) {
        int index = t->started + 1;
        worker_starts[index].index = index;
        worker_starts[index].generation = atomic_load_explicit(&t->generation, memory_order_relaxed);
        pthread_attr_t attr;
        pthread_t id;
        if (pthread_attr_init(&attr) != 0)
            return -1;
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        int rc = pthread_create(&id, &attr, worker_main, &worker_starts[index]);
        pthread_attr_destroy(&attr);
        if (rc != 0)
            return -1;
        t->started = index;
    }
    return 0;
}

/* CHANMUL_THREAD_TEAM=0 turns the team off (OpenMP everywhere), read once. */
static int team_enabled(void)
{
    static _Atomic int cached = -1; /* -1 until read; a relaxed atomic, as chanmul_usable_cpus' */
    int on = atomic_load_explicit(&cached, memory_order_relaxed);
    if (on < 0) {
        const char *env = getenv("CHANMUL_THREAD_TEAM");
        on = !(env && env[0] == '0' && env[1] == '\0');
        atomic_store_explicit(&cached, on, memory_order_relaxed);
    }
    return on;
}

int chanmul_team_run(int count, chanmul_team_fn fn, void *arg)
{
    team *t = &the_team;
    if (!team_enabled() || count < 2 || count > TEAM_MAX_WORKERS + 1 || count > chanmul_usable_cpus())
        return -1;
    if (pthread_mutex_trylock(&t->busy) != 0)
        return -1; /* another job is running (or this is a call from inside one) */
    if (grow(t, count) != 0) {
        pthread_mutex_unlock(&t->busy);
        return -1;
    }
    t->fn = fn;
    t->arg = arg;
    t->count = count;
    atomic_store_explicit(&t->pending, t->started, memory_order_relaxed);
    /* The release publishes the job; under sleep_lock so that a worker about
     * to sleep either sees the new generation or is woken. */
    pthread_mutex_lock(&t->sleep_lock);
    atomic_fetch_add_explicit(&t->generation, 1, memory_order_release);
    if (t->sleepers)
        pthread_cond_broadcast(&t->wake);
    pthread_mutex_unlock(&t->sleep_lock);

    fn(arg, 0, count);
    while (atomic_load_explicit(&t->pending, memory_order_acquire) > 0)
        CPU_RELAX();
    pthread_mutex_unlock(&t->busy);
    return 0;
}
