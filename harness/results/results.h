/* Results files: Google Benchmark's JSON, completed by chanmul after the run
 * (ratio to memcpy) and written atomically. */
#ifndef CHANMUL_RESULTS_H
#define CHANMUL_RESULTS_H

#include <stdio.h>

/* Reads Google Benchmark JSON from `raw_path`, adds "memcpy_ratio" to every
 * kernel row (bytes_per_second over the row's own memcpy_bytes_per_second,
 * the memcpy timed next to it; else over the memcpy row of the same layout,
 * shape, thread count, run type and repetition), writes the result to `out_path`
 * through a temporary file and rename(), and prints a median summary to
 * `summary` (if not NULL). Returns 0, or -1 with a message on stderr. */
int results_finish(const char *raw_path, const char *out_path, FILE *summary);

/* A benchmark name <op>/<layout>/<impl>/<NxHxWxC>/threads:<T>[/real_time] split
 * into its fields (pointers into buf). Returns 0, or -1 if it has another form. */
typedef struct results_name {
    char buf[256];
    const char *op, *layout, *impl, *shape;
    int threads;
} results_name;

int results_parse_name(const char *name, results_name *out);

/* Writes `len` bytes to path atomically (temp file in the same folder, rename). */
int results_write_atomic(const char *path, const char *data, size_t len);

#endif
