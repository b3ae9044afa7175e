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

/* Whether a file can be written at path, asked before minutes of work: path
 * must not be a directory, and its folder must be a writable directory (with
 * may_create, the nearest existing folder above it: the missing ones can be
 * made). Nothing is created. Returns 0, or -1 with errno set (EISDIR, ENOENT,
 * ENOTDIR, EACCES, EROFS, ...) and in which (len bytes) the path the errno is
 * about: path itself or a folder. */
int path_check_output(const char *path, int may_create, char *which, size_t len);

/* Moves every file directly in from_dir into to_dir (rename: the same file
 * system), replacing files of the same names. Returns 0, or -1 with errno set
 * at the first that fails (those moved before stay moved). */
int path_move_files(const char *from_dir, const char *to_dir);

/* Removes the files directly in dir, then dir (a staging folder: no subfolders). */
void path_remove_flat_dir(const char *dir);

/* The folder of path: "a/b" -> "a", "/a" -> "/", "a" -> ".". */
void path_parent_dir(const char *path, char *buf, size_t len);

/* path without its trailing slashes ("plots/" -> "plots"; "/" stays). */
void path_trim_slashes(const char *path, char *buf, size_t len);

/* to, relative to the directory from (both existing directories): "../plots",
 * "." when they are the same; to itself when either cannot be resolved. */
void path_relative_dir(const char *from, const char *to, char *buf, size_t len);

#endif
