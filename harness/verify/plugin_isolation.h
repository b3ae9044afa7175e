/*
 * A plugin is someone else's code: its verification runs in a child process,
 * so that one that crashes or hangs in its kernel is reported with its name
 * and the case it was running, and the other implementations' results are not
 * lost. The child announces each case (its repro line and the counts so far)
 * on a pipe before running it; the parent keeps the last announcement, and
 * kills the child when no new case comes within the time limit.
 */
#ifndef CHANMUL_PLUGIN_ISOLATION_H
#define CHANMUL_PLUGIN_ISOLATION_H

#include "verify.h"

/* Seconds a plugin may spend on one case (CHANMUL_PLUGIN_TIMEOUT overrides). */
#define PLUGIN_CASE_TIMEOUT_SECONDS 120.0

typedef struct isolated_result {
    verify_counts counts; /* the child's, or its counts up to the case it ended in (+1 failed) */
    int error;            /* verify_run's negative chanmul_error, else 0 */
    int signal;           /* the signal that ended the child (0: none) */
    int exit_status;      /* its exit status when it ended without its results (else 0) */
    int timed_out;        /* killed: no new case within the time limit */
    double timeout;       /* the limit that applied, in seconds */
    long cases;           /* cases announced */
    char last_case[2048]; /* the repro line of the case it was running when it ended ("" if none) */
} isolated_result;

/* 1 when the child ended without its results: crashed, hung (killed) or exited. */
static inline int isolated_ended(const isolated_result *res)
{
    return res->timed_out || res->signal || res->exit_status;
}

/* 1 when plugins run in a child (the default; CHANMUL_PLUGIN_ISOLATION=0
 * runs them in chanmul's process, for a debugger). */
int plugin_isolation_enabled(void);

/* Runs o's cases for the one target t in a child process (o->targets is not
 * used). Returns 0 with *res filled (res->signal / res->timed_out /
 * res->exit_status say how a child that did not finish ended), or -1 when no
 * child could be started (errno set). Call it before this process has run
 * any OpenMP region: a child of a process whose libgomp threads exist cannot
 * start its own. */
int verify_isolated(const verify_options *o, const verify_target *t, isolated_result *res);

/* The FAIL line (and repro line) for a child that crashed, hung or exited
 * without its results, and the departures text for the summary. */
void isolated_report(FILE *out, const verify_target *t, const isolated_result *res);
const char *isolated_departures(const isolated_result *res, char *buf, size_t len);

#endif
