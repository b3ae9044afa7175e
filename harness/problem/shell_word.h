/* Words for a POSIX shell: the one quoting rule of repro lines and the
 * commands the report and compare print. */
#ifndef CHANMUL_SHELL_WORD_H
#define CHANMUL_SHELL_WORD_H

#include <stddef.h>
#include <stdio.h>

/* Writes word into buf (size len, always terminated) as one shell word: as is
 * when it has only safe characters, else in single quotes (each ' inside
 * written as '\''). Returns the length the quoted word needs. */
size_t shell_word_format(char *buf, size_t len, const char *word);
/* Appends word to the command line in buf, separated by a space from what is there. */
void shell_word_append(char *buf, size_t len, const char *word);
/* Prints word to out as one shell word. */
void shell_word_print(FILE *out, const char *word);

#endif
