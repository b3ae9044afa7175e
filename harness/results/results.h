/* Results files: Google Benchmark's JSON, completed by chanmul after the run
 * (ratio to memcpy) and written atomically. */
#ifndef CHANMUL_RESULTS_H
#define CHANMUL_RESULTS_H

#include <stddef.h>
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

/* The benchmark name: <op>/<layout>/<impl>/<shape>/threads:<T> (the one
 * writer; bench registers it, the summary prints it). 0, or -1 if it does not fit. */
int results_format_name(char *buf, size_t len, const char *op, const char *layout, const char *impl,
                        const char *shape, int threads);

/* As results_parse_name, but threads:<T> may stand anywhere after the shape or
 * be missing (threads 0), and Google Benchmark's own suffixes are skipped: for
 * results files written by other tools (the report's reader). */
int results_parse_name_loose(const char *name, results_name *out);

#endif
