/*
 * test_thread_team: the thread team (impls/core/thread_team.c) driven directly,
 * written for ThreadSanitizer (the tsan label runs it in the CHANMUL_TSAN
 * build) and a plain test anywhere else:
 *  - first use from three user threads at once (the team's lazily read
 *    settings, its first workers started under contention);
 *  - the refusals: fewer than 2 threads, more than the usable CPUs, more than
 *    the team's 64; nothing run;
 *  - jobs at every count the team takes here (up to 4): each index called
 *    once, index 0 on the caller, the caller's inputs seen by the workers and
 *    the workers' outputs seen by the caller after the call (plain memory:
 *    TSan checks the team's release and acquire order them);
 *  - a smaller job after a larger one: the extra workers run nothing;
 *  - workers asleep (idle well past their spin), then woken by a job;
 *  - a call from inside a job (on the caller's index and on a worker's): -1;
 *  - a call from another user thread while a job runs: -1, deterministically;
 *  - three user threads calling at once, each running its job itself on -1;
 *  - stream's and auto's kernels from three user threads at once (the team
 *    busy for all but one: the others fall back to OpenMP), against the
 *    reference (not with --team-only).
 * On a machine with one usable CPU the team takes no job: only the refusals
 * are checked, and the test says so.
 *
 * The last line printed is exactly "N passed, M failed"; the exit status is
 * non-zero when M > 0.
 */
#include "chanmul_internal.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

#define MAX_INDEX 64
#define ELEMENTS 4096

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0)
        ;
}

/* ---- a job over plain memory --------------------------------------------------------- */

typedef struct fill_job {
    int in[ELEMENTS];
    int out[ELEMENTS];
    int calls[MAX_INDEX]; /* each index's calls, written by that index only */
    pthread_t who[MAX_INDEX];
    int counts[MAX_INDEX]; /* the count each index was called with */
} fill_job;

static void fill_share(void *arg, int index, int count)
{
    fill_job *j = arg;
    size_t begin, end;
    chanmul_split_range(ELEMENTS, 1, count, index, &begin, &end);
    for (size_t k = begin; k < end; k++)
        j->out[k] = j->in[k] * 3 + 1;
    j->calls[index]++;
    j->who[index] = pthread_self();
    j->counts[index] = count;
}

static void fill_prepare(fill_job *j, int seed)
{
    for (int k = 0; k < ELEMENTS; k++) {
        j->in[k] = seed * 7 + k;
        j->out[k] = -1;
    }
    memset(j->calls, 0, sizeof j->calls);
    memset(j->counts, 0, sizeof j->counts);
}

/* The job ran each index below count once, with count, and nothing else; every output right. */
static int fill_right(const fill_job *j, int count)
{
    for (int i = 0; i < MAX_INDEX; i++)
        if (j->calls[i] != (i < count) || (i < count && j->counts[i] != count))
            return 0;
    for (int k = 0; k < ELEMENTS; k++)
        if (j->out[k] != j->in[k] * 3 + 1)
            return 0;
    return 1;
}

/* What a caller does when the team refuses: the whole job on its own thread. */
static void fill_alone(fill_job *j, int count)
{
    for (int i = 0; i < count; i++)
        fill_share(j, i, count);
}

static int never_called;
static void must_not_run(void *arg, int index, int count)
{
    (void)arg;
    (void)index;
    (void)count;
    never_called++;
}

/* ---- several user threads ------------------------------------------------------------- */

#define USERS 3

typedef struct user {
    pthread_barrier_t *start;
    int calls;
    int through_team; /* calls the team took */
    int wrong;        /* jobs with a wrong output or index */
    int bad_rc;       /* returns other than 0 and -1 */
    fill_job job;
} user;

static void *hammer(void *p)
{
    user *u = p;
    pthread_barrier_wait(u->start);
    for (int c = 0; c < u->calls; c++) {
        fill_prepare(&u->job, c);
        int rc = chanmul_team_run(2, fill_share, &u->job);
        if (rc == 0)
            u->through_team++;
        else if (rc == -1)
            fill_alone(&u->job, 2);
        else
            u->bad_rc++;
        if (!fill_right(&u->job, 2))
            u->wrong++;
        sched_yield(); /* let another user take the team: the team changes hands */
    }
    return NULL;
}

/* USERS threads, released together, calls jobs each; returns the team's takes. */
static int run_users(const char *what, int calls, int cpus)
{
    pthread_barrier_t start;
    pthread_barrier_init(&start, NULL, USERS);
    user *users = calloc(USERS, sizeof *users);
    pthread_t ids[USERS];
    for (int u = 0; u < USERS; u++) {
        users[u].start = &start;
        users[u].calls = calls;
        pthread_create(&ids[u], NULL, hammer, &users[u]);
    }
    int taken = 0, wrong = 0, bad = 0;
    char each[64] = "";
    for (int u = 0; u < USERS; u++) {
        pthread_join(ids[u], NULL);
        snprintf(each + strlen(each), sizeof each - strlen(each), "%s%d", u ? ", " : "", users[u].through_team);
        taken += users[u].through_team;
        wrong += users[u].wrong;
        bad += users[u].bad_rc;
    }
    CHECK(wrong == 0 && bad == 0, "%s: %d wrong jobs, %d returns other than 0 and -1", what, wrong, bad);
    /* a refusal means another call held the team: someone got through */
    if (cpus >= 2)
        CHECK(taken >= 1, "%s: the team took none of %d calls", what, USERS * calls);
    else
        CHECK(taken == 0, "%s: one usable CPU, yet the team took %d calls", what, taken);
    printf("%s: the team took %d of %d calls from %d user threads (%s)\n", what, taken, USERS * calls, USERS,
           each);
    pthread_barrier_destroy(&start);
    free(users);
    return taken;
}

/* ---- busy: another user thread calls while a job runs ----------------------------------- */

typedef struct busy_job {
    atomic_int started; /* index 0 of the long job is running */
    atomic_int tried;   /* the other user thread has made its call */
    int other_rc;
} busy_job;

static void long_share(void *arg, int index, int count)
{
    (void)count;
    busy_job *b = arg;
    if (index != 0)
        return;
    atomic_store(&b->started, 1);
    while (!atomic_load(&b->tried))
        sched_yield();
}

static void *other_user(void *p)
{
    busy_job *b = p;
    while (!atomic_load(&b->started))
        sched_yield();
    b->other_rc = chanmul_team_run(2, must_not_run, NULL);
    atomic_store(&b->tried, 1);
    return NULL;
}

/* ---- a call from inside a job ----------------------------------------------------------- */

typedef struct nested_job {
    int inner_rc[MAX_INDEX];
} nested_job;

static void nested_share(void *arg, int index, int count)
{
    nested_job *n = arg;
    n->inner_rc[index] = chanmul_team_run(count, must_not_run, NULL);
}

/* ---- stream's kernels from several user threads ------------------------------------------ */

typedef struct kernel_user {
    pthread_barrier_t *start;
    const chanmul_impl *impl, *ref;
    chanmul_problem p;
    int threads, calls;
    int wrong, failed_rc;
} kernel_user;

static void *kernel_hammer(void *arg)
{
    kernel_user *k = arg;
    size_t n = k->p.n * k->p.h * k->p.w * k->p.c;
    float *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y), *want = malloc(n * sizeof *want);
    float *s = malloc(k->p.c * sizeof *s);
    for (size_t i = 0; i < n; i++)
        x[i] = (float)((i * 37) % 101) - 50.0f;
    for (size_t c = 0; c < k->p.c; c++)
        s[c] = 0.25f * (float)(c % 13) - 1.5f;
    if (chanmul_run(k->ref, &k->p, x, s, want, 1) != 0)
        k->failed_rc++;
    pthread_barrier_wait(k->start);
    for (int c = 0; c < k->calls; c++) {
        memset(y, 0, n * sizeof *y);
        if (chanmul_run(k->impl, &k->p, x, s, y, k->threads) != 0)
            k->failed_rc++;
        else if (memcmp(y, want, n * sizeof *y) != 0)
            k->wrong++;
    }
    free(x);
    free(y);
    free(want);
    free(s);
    return NULL;
}

static void test_kernels_from_user_threads(const char *impl_name)
{
    const chanmul_impl *impl = chanmul_impl_find(impl_name), *ref = chanmul_impl_find("reference");
    CHECK(impl && ref, "%s and reference are in the registry", impl_name);
    if (!impl || !ref)
        return;
    pthread_barrier_t start;
    pthread_barrier_init(&start, NULL, USERS);
    kernel_user users[USERS];
    pthread_t ids[USERS];
    /* large enough for stream to use both threads at its default threshold
     * (an L1d of floats per thread); each user its own shape and layout */
    static const chanmul_problem shapes[USERS] = {
        {CHANMUL_OP_SCALE, CHANMUL_NHWC, 2, 28, 28, 64},
        {CHANMUL_OP_SCALE, CHANMUL_NCHW, 2, 28, 28, 17},
        {CHANMUL_OP_SCALE, CHANMUL_NHWC, 1, 56, 56, 33},
    };
    for (int u = 0; u < USERS; u++) {
        users[u] = (kernel_user){&start, impl, ref, shapes[u], 2 + u % 2, 20, 0, 0};
        pthread_create(&ids[u], NULL, kernel_hammer, &users[u]);
    }
    int wrong = 0, failed_rc = 0;
    for (int u = 0; u < USERS; u++) {
        pthread_join(ids[u], NULL);
        wrong += users[u].wrong;
        failed_rc += users[u].failed_rc;
    }
    CHECK(wrong == 0 && failed_rc == 0, "%s from %d user threads at once: %d wrong outputs, %d failed calls",
          impl_name, USERS, wrong, failed_rc);
    pthread_barrier_destroy(&start);
}

int main(int argc, char **argv)
{
    /* --team-only: no library kernels (they may run OpenMP regions), for a
     * ThreadSanitizer build whose OpenMP runtime TSan cannot follow */
    int team_only = argc > 1 && strcmp(argv[1], "--team-only") == 0;
    int cpus = chanmul_usable_cpus();
    int top = cpus < 4 ? cpus : 4; /* the largest count tried */
    printf("usable CPUs: %d; team counts tried: 2..%d\n", cpus, top);
    static fill_job job;

    /* first: the team's first use, from three user threads at once */
    run_users("first use", 50, cpus);

    /* refusals: nothing run */
    never_called = 0;
    CHECK(chanmul_team_run(0, must_not_run, NULL) == -1, "count 0 refused");
    CHECK(chanmul_team_run(1, must_not_run, NULL) == -1, "count 1 refused");
    CHECK(chanmul_team_run(-1, must_not_run, NULL) == -1, "count -1 refused");
    CHECK(chanmul_team_run(65, must_not_run, NULL) == -1, "count 65 (more than the team's 64) refused");
    if (cpus < 64)
        CHECK(chanmul_team_run(cpus + 1, must_not_run, NULL) == -1, "count %d (more than the usable CPUs) refused",
              cpus + 1);
    CHECK(never_called == 0, "a refused job ran %d times", never_called);

    if (cpus < 2) {
        printf("one usable CPU: the team takes no job here; only the refusals were checked\n");
        return check_summary();
    }

    /* jobs at every count, many in a row (the workers spinning between them) */
    for (int count = 2; count <= top; count++) {
        int bad = 0, rc_bad = 0, caller_bad = 0, worker_bad = 0;
        for (int r = 0; r < 200; r++) {
            fill_prepare(&job, r);
            if (chanmul_team_run(count, fill_share, &job) != 0) {
                rc_bad++;
                continue;
            }
            bad += !fill_right(&job, count);
            caller_bad += !pthread_equal(job.who[0], pthread_self());
            for (int i = 1; i < count; i++)
                worker_bad += pthread_equal(job.who[i], pthread_self()) != 0;
        }
        CHECK(rc_bad == 0 && bad == 0, "count %d: %d refused, %d wrong of 200 jobs", count, rc_bad, bad);
        CHECK(caller_bad == 0 && worker_bad == 0,
              "count %d: index 0 off the caller %d times, a worker's index on the caller %d times", count,
              caller_bad, worker_bad);
    }

    /* a smaller job after the largest: the workers beyond it run nothing */
    if (top >= 3) {
        fill_prepare(&job, 1);
        CHECK(chanmul_team_run(top, fill_share, &job) == 0 && fill_right(&job, top), "count %d job", top);
        fill_prepare(&job, 2);
        CHECK(chanmul_team_run(2, fill_share, &job) == 0 && fill_right(&job, 2),
              "count 2 after count %d: only indices 0 and 1 ran", top);
    }

    /* workers asleep: idle far past their spin (some tens of microseconds,
     * a few milliseconds under TSan), then a job wakes them; twice */
    for (int r = 0; r < 2; r++) {
        sleep_ms(200);
        fill_prepare(&job, 10 + r);
        CHECK(chanmul_team_run(top, fill_share, &job) == 0 && fill_right(&job, top),
              "count %d job after 200 ms idle (round %d)", top, r);
        fill_prepare(&job, 20 + r);
        CHECK(chanmul_team_run(2, fill_share, &job) == 0 && fill_right(&job, 2),
              "count 2 job right after it (round %d)", r);
    }

    /* a call from inside a job, on the caller's index and on the workers' */
    {
        static nested_job nested;
        for (int i = 0; i < MAX_INDEX; i++)
            nested.inner_rc[i] = 99;
        never_called = 0;
        CHECK(chanmul_team_run(top, nested_share, &nested) == 0, "the outer job of the nested calls ran");
        for (int i = 0; i < top; i++)
            CHECK(nested.inner_rc[i] == -1, "a call from inside a job (index %d) returned %d, not -1", i,
                  nested.inner_rc[i]);
        CHECK(never_called == 0, "a nested call's job ran %d times", never_called);
        fill_prepare(&job, 3);
        CHECK(chanmul_team_run(2, fill_share, &job) == 0 && fill_right(&job, 2), "the team free after them");
    }

    /* another user thread calls while a job runs: refused */
    {
        static busy_job b;
        atomic_store(&b.started, 0);
        atomic_store(&b.tried, 0);
        b.other_rc = 99;
        never_called = 0;
        pthread_t other;
        pthread_create(&other, NULL, other_user, &b);
        int rc = chanmul_team_run(2, long_share, &b);
        pthread_join(other, NULL);
        CHECK(rc == 0, "the long job ran (%d)", rc);
        CHECK(b.other_rc == -1, "a call from another user thread during a job returned %d, not -1", b.other_rc);
        CHECK(never_called == 0, "the refused job ran %d times", never_called);
        fill_prepare(&job, 4);
        CHECK(chanmul_team_run(2, fill_share, &job) == 0 && fill_right(&job, 2), "the team free after it");
    }

    /* three user threads at once, the team warm */
    run_users("contended", 300, cpus);

    /* the roofline kernel and auto from three user threads at once */
    if (team_only) {
        printf("--team-only: stream and auto from user threads not run\n");
    } else {
        test_kernels_from_user_threads("stream");
        test_kernels_from_user_threads("auto");
    }

    return check_summary();
}
