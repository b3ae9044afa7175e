/* A plugin's verification in a child process (plugin_isolation.h). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* strsignal, sigabbrev_np */
#endif
#include "plugin_isolation.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int plugin_isolation_enabled(void)
{
    const char *v = getenv("CHANMUL_PLUGIN_ISOLATION");
    return !(v && strcmp(v, "0") == 0);
}

static double case_timeout(void)
{
    const char *v = getenv("CHANMUL_PLUGIN_TIMEOUT");
    char *end;
    double t = v && *v ? strtod(v, &end) : 0;
    return v && *v && !*end && t > 0 ? t : PLUGIN_CASE_TIMEOUT_SECONDS;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* ---- the child ------------------------------------------------------------------- */

typedef struct announcer {
    FILE *pipe;                  /* to the parent, one line per case */
    const verify_counts *counts; /* the child's own, updated by verify_run as it goes */
} announcer;

/* "P F S M<TAB>  repro: ...\n", flushed: the counts before the case, then the case. */
static void announce(void *ctx, const verify_target *t, const verify_case *vc)
{
    announcer *a = ctx;
    fprintf(a->pipe, "%ld %ld %ld %ld\t", a->counts->passed, a->counts->failed, a->counts->skipped,
            a->counts->mistrusted);
    verify_print_repro(a->pipe, t, vc);
    fflush(a->pipe);
}

static void write_all(int fd, const void *data, size_t len)
{
    const char *p = data;
    while (len) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        p += n;
        len -= (size_t)n;
    }
}

static void run_child(const verify_options *o, const verify_target *t, int case_fd, int result_fd)
{
    /* line by line: the FAIL lines of the cases before a crash must reach the parent's output */
    setvbuf(o->out ? o->out : stdout, NULL, _IOLBF, 0);
    verify_options child = *o;
    verify_counts counts, total;
    memset(&counts, 0, sizeof counts);
    announcer a = {fdopen(case_fd, "w"), &counts};
    child.targets = t;
    child.target_count = 1;
    if (a.pipe) {
        child.before_case = announce;
        child.before_case_ctx = &a;
    }
    int err = verify_run(&child, &counts, &total);
    fflush(NULL);
    write_all(result_fd, &counts, sizeof counts);
    write_all(result_fd, &err, sizeof err);
    _exit(0);
}

/* ---- the parent ------------------------------------------------------------------ */

/* Takes the complete lines in buf[0..*len): the last one becomes res's last
 * case (its counts parsed); an incomplete tail is kept. */
static void take_lines(char *buf, size_t *len, isolated_result *res)
{
    char *start = buf, *nl;
    while ((nl = memchr(start, '\n', (size_t)(buf + *len - start))) != NULL) {
        *nl = '\0';
        char *tab = strchr(start, '\t');
        if (tab) {
            verify_counts c = res->counts;
            if (sscanf(start, "%ld %ld %ld %ld", &c.passed, &c.failed, &c.skipped, &c.mistrusted) == 4)
                res->counts = c;
            snprintf(res->last_case, sizeof res->last_case, "%s", tab + 1);
            res->cases++;
        }
        start = nl + 1;
    }
    *len = (size_t)(buf + *len - start);
    memmove(buf, start, *len);
}

int verify_isolated(const verify_options *o, const verify_target *t, isolated_result *res)
{
    memset(res, 0, sizeof *res);
    res->timeout = case_timeout();
    int case_pipe[2], result_pipe[2];
    if (pipe(case_pipe) != 0)
        return -1;
    if (pipe(result_pipe) != 0) {
        close(case_pipe[0]);
        close(case_pipe[1]);
        return -1;
    }
    fflush(NULL); /* nothing buffered here may be written twice */
    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        close(case_pipe[0]), close(case_pipe[1]), close(result_pipe[0]), close(result_pipe[1]);
        errno = e;
        return -1;
    }
    if (pid == 0) {
        close(case_pipe[0]);
        close(result_pipe[0]);
        run_child(o, t, case_pipe[1], result_pipe[1]);
    }
    close(case_pipe[1]);
    close(result_pipe[1]);

    /* the cases as they are announced; the limit restarts at each */
    char buf[8192];
    size_t len = 0;
    double deadline = now_seconds() + res->timeout;
    for (;;) {
        double left = deadline - now_seconds();
        if (left <= 0) {
            res->timed_out = 1;
            kill(pid, SIGKILL);
            break;
        }
        struct pollfd pfd = {case_pipe[0], POLLIN, 0};
        int ready = poll(&pfd, 1, left > 1e6 ? 1000000000 : (int)(left * 1000) + 1);
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready <= 0)
            continue; /* (the deadline decides) */
        if (len == sizeof buf) /* a line longer than the buffer: keep its end */
            len = 0;
        ssize_t n = read(case_pipe[0], buf + len, sizeof buf - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break; /* the child closed its end: finished or dead */
        len += (size_t)n;
        long before = res->cases;
        take_lines(buf, &len, res);
        if (res->cases != before)
            deadline = now_seconds() + res->timeout;
    }
    close(case_pipe[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    verify_counts counts;
    int err = 0;
    ssize_t got = read(result_pipe[0], &counts, sizeof counts);
    ssize_t got_err = got == (ssize_t)sizeof counts ? read(result_pipe[0], &err, sizeof err) : 0;
    close(result_pipe[0]);
    if (!res->timed_out && WIFEXITED(status) && got == (ssize_t)sizeof counts && got_err == (ssize_t)sizeof err) {
        res->counts = counts;
        res->error = err;
        res->last_case[0] = '\0';
        return 0;
    }
    if (!res->timed_out && WIFSIGNALED(status))
        res->signal = WTERMSIG(status);
    else if (!res->timed_out)
        res->exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    if (res->cases > 0)
        res->counts.failed++; /* the case it was running */
    return 0;
}

/* "SIGSEGV (Segmentation fault)" */
static const char *signal_text(int sig, char *buf, size_t len)
{
    const char *abbrev = sigabbrev_np(sig);
    snprintf(buf, len, "SIG%s (%s)", abbrev ? abbrev : "?", strsignal(sig));
    return buf;
}

const char *isolated_departures(const isolated_result *res, char *buf, size_t len)
{
    char sig[96];
    if (res->timed_out)
        snprintf(buf, len, "hangs: no result within %g s in a case (killed; the cases after it not run)", res->timeout);
    else if (res->signal)
        snprintf(buf, len, "crashes with %s in a case (the cases after it not run)",
                 signal_text(res->signal, sig, sizeof sig));
    else
        snprintf(buf, len, "exits (status %d) in a case without its results (the cases after it not run)",
                 res->exit_status);
    return buf;
}

void isolated_report(FILE *out, const verify_target *t, const isolated_result *res)
{
    char what[256];
    fprintf(out, "FAIL %s: %s, after %ld case%s\n", t->impl->name, isolated_departures(res, what, sizeof what),
            res->cases > 0 ? res->cases - 1 : 0, res->cases == 2 ? "" : "s");
    if (res->last_case[0])
        fprintf(out, "%s\n", res->last_case);
    else
        fprintf(out, "  (before its first case: in loading or in the verifier's set-up)\n");
}
