/*
 * What every fuzz target shares: libFuzzer's input is bytes, not a C string
 * (no NUL at the end, NULs inside), so each target copies it into one; the
 * command-line target splits it into argv words; and a violated property
 * must count as a crash, with a line saying which one.
 *
 * Built by clang only (tests/fuzz/CMakeLists.txt, CHANMUL_FUZZ=ON).
 */
#ifndef CHANMUL_FUZZ_INPUT_H
#define CHANMUL_FUZZ_INPUT_H

#include <sanitizer/common_interface_defs.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A property the code under test promises: on failure, a line on the
 * sanitizers' report stream (which -close_fd_mask leaves open, unlike
 * stderr), then a trap, which libFuzzer reports with the input. */
#define FUZZ_CHECK(cond)                                                                        \
    do {                                                                                        \
        if (!(cond)) {                                                                          \
            char fuzz_msg_[512];                                                                \
            snprintf(fuzz_msg_, sizeof fuzz_msg_, "fuzz property violated at %s:%d: %s",       \
                     __FILE__, __LINE__, #cond);                                                \
            __sanitizer_report_error_summary(fuzz_msg_);                                        \
            __builtin_trap();                                                                   \
        }                                                                                       \
    } while (0)

/* The input as a NUL-terminated string (malloc'd; free() it). A NUL inside
 * ends the string early, as it would for any C caller. */
static inline char *fuzz_string(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        abort();
    if (size)
        memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

/* The input as a command line: words separated by NUL or newline (empty
 * words kept: "" is an argument too), argv[argc] NULL as in main. */
typedef struct fuzz_argv {
    char *text;  /* the words, each NUL-terminated, argv points into it */
    char **argv;
    int argc;
} fuzz_argv;

/* Words beyond this are dropped: longer command lines find nothing new. */
#define FUZZ_MAX_WORDS 64

static inline void fuzz_argv_split(const uint8_t *data, size_t size, fuzz_argv *a)
{
    a->text = fuzz_string(data, size);
    a->argv = calloc(FUZZ_MAX_WORDS + 1, sizeof *a->argv);
    if (!a->argv)
        abort();
    a->argc = 0;
    size_t start = 0;
    for (size_t i = 0; i <= size && a->argc < FUZZ_MAX_WORDS; i++) {
        if (i < size && a->text[i] != '\0' && a->text[i] != '\n')
            continue;
        if (i == size && start == size && a->argc > 0)
            break; /* a trailing separator ends the line, it does not add an empty word */
        a->text[i] = '\0';
        a->argv[a->argc++] = a->text + start;
        start = i + 1;
    }
    a->argv[a->argc] = NULL;
}

static inline void fuzz_argv_free(fuzz_argv *a)
{
    free(a->argv);
    free(a->text);
}

#endif
