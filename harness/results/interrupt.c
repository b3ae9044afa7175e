/* The interrupted command's last line and clean-up (interrupt.h). The handler
 * uses only what is async-signal-safe: write(), unlink(), _exit(), and
 * numbers formatted by hand into a buffer of its own. */
#include "interrupt.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define MAX_TEMPS 4

static const char *the_cmd = "chanmul";
static const char *the_output;
static volatile size_t progress_done, progress_total;
static const char *volatile progress_unit;
static volatile sig_atomic_t output_written;
static char temps[MAX_TEMPS][1024];
static volatile sig_atomic_t temp_count;

/* Appends s to buf (cap bytes, *len used), truncating. */
static void put(char *buf, size_t cap, size_t *len, const char *s)
{
    while (*s && *len + 1 < cap)
        buf[(*len)++] = *s++;
}

static void put_number(char *buf, size_t cap, size_t *len, size_t v)
{
    char digits[24];
    int n = 0;
    do
        digits[n++] = (char)('0' + v % 10);
    while ((v /= 10) && n < (int)sizeof digits);
    while (n > 0 && *len + 1 < cap)
        buf[(*len)++] = digits[--n];
}

static const char *signal_name(int sig)
{
    return sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : sig == SIGHUP ? "SIGHUP" : "a signal";
}

static void on_signal(int sig)
{
    char line[2048];
    size_t len = 0;
    put(line, sizeof line, &len, "\n");
    put(line, sizeof line, &len, the_cmd);
    put(line, sizeof line, &len, ": interrupted by ");
    put(line, sizeof line, &len, signal_name(sig));
    if (progress_total) {
        put(line, sizeof line, &len, " after ");
        put_number(line, sizeof line, &len, progress_done);
        put(line, sizeof line, &len, " of ");
        put_number(line, sizeof line, &len, progress_total);
        put(line, sizeof line, &len, " ");
        put(line, sizeof line, &len, progress_unit ? progress_unit : "steps");
    }
    if (output_written) {
        put(line, sizeof line, &len, "; ");
        put(line, sizeof line, &len, the_output ? the_output : "the results");
        put(line, sizeof line, &len, " was written whole before");
    } else if (the_output) {
        put(line, sizeof line, &len, "; nothing written: ");
        put(line, sizeof line, &len, the_output);
        put(line, sizeof line, &len, " is as it was");
    }
    put(line, sizeof line, &len, "\n");
    ssize_t ignored = write(STDERR_FILENO, line, len);
    (void)ignored;
    for (int k = 0; k < temp_count; k++)
        unlink(temps[k]);
    _exit(128 + sig);
}

void interrupt_install(const char *cmd, const char *output)
{
    the_cmd = cmd;
    the_output = output;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGINT);
    sigaddset(&sa.sa_mask, SIGTERM);
    sigaddset(&sa.sa_mask, SIGHUP);
    int signals[] = {SIGINT, SIGTERM, SIGHUP};
    for (size_t k = 0; k < sizeof signals / sizeof *signals; k++) {
        struct sigaction old;
        /* a signal the shell told us to ignore (nohup, a background job) stays ignored */
        if (sigaction(signals[k], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
            continue;
        sigaction(signals[k], &sa, NULL);
    }
}

void interrupt_progress(size_t done, size_t total, const char *unit)
{
    progress_unit = unit;
    progress_done = done;
    progress_total = total;
}

void interrupt_remove_on_signal(const char *path)
{
    if (temp_count >= MAX_TEMPS || strlen(path) >= sizeof temps[0])
        return;
    strcpy(temps[temp_count], path);
    temp_count = temp_count + 1; /* (after the copy: the handler reads only whole entries) */
}

void interrupt_output_written(void)
{
    output_written = 1;
}
