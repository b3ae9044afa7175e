/* Whole files in and out: the one atomic write and the one whole-file read of
 * the harness (results, report, plots, compare). */
#ifndef CHANMUL_FILES_H
#define CHANMUL_FILES_H

#include <stddef.h>

/* Writes len bytes to path atomically: a temporary file in the same folder,
 * then rename(), so a reader sees the old file or the new one, never half of
 * one. Returns 0, or -1 with errno set (the temporary file removed). */
int file_write_atomic(const char *path, const char *data, size_t len);

/* Reads the whole of path (NUL-terminated; *len bytes before the NUL).
 * Returns the buffer (free() it), or NULL with a message in err naming the
 * file as `what` ("results file '...' is a directory"). */
char *file_read_all(const char *path, const char *what, size_t *len, char *err, size_t errlen);

#endif
