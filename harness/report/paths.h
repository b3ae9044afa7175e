/*
 * Paths for `chanmul report`: making the output folders and writing the plots
 * folder as seen from the report's folder, so the report's image links work
 * wherever the two are put.
 */
#ifndef CHANMUL_PATHS_H
#define CHANMUL_PATHS_H

#include <stddef.h>

/* mkdir -p: creates path and its missing parents. Returns 0 when path is then
 * a directory, or -1 with errno set (ENOTDIR: it exists as something else). */
int path_mkdirs(const char *path);

/* The folder of path: "a/b" -> "a", "/a" -> "/", "a" -> ".". */
void path_parent_dir(const char *path, char *buf, size_t len);

/* path without its trailing slashes ("plots/" -> "plots"; "/" stays). */
void path_trim_slashes(const char *path, char *buf, size_t len);

/* to, relative to the directory from (both existing directories): "../plots",
 * "." when they are the same; to itself when either cannot be resolved. */
void path_relative_dir(const char *from, const char *to, char *buf, size_t len);

#endif
