/*
 * The C tests' one checking harness: CHECK(cond, fmt, ...) counts a pass, or
 * a failure explained with file:line, the expression and the message;
 * check_summary() prints the last line, exactly "N passed, M failed", and
 * gives the exit status (non-zero when M > 0). Included once per test program.
 */
#ifndef CHANMUL_TESTS_CHECK_H
#define CHANMUL_TESTS_CHECK_H

#include <stdarg.h>
#include <stdio.h>

static long passed, failed;

#define CHECK(cond, ...) check_((cond) != 0, __FILE__, __LINE__, #cond, __VA_ARGS__)
#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

#if defined(__GNUC__)
static void check_(int ok, const char *file, int line, const char *expr, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
#endif

static void check_(int ok, const char *file, int line, const char *expr, const char *fmt, ...)
{
    if (ok) {
        passed++;
        return;
    }
    failed++;
    va_list ap;
    va_start(ap, fmt);
    printf("FAIL %s:%d: %s: ", file, line, expr);
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
}

static int check_summary(void)
{
    printf("%ld passed, %ld failed\n", passed, failed);
    return failed ? 1 : 0;
}

#endif
