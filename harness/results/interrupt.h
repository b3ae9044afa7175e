/*
 * SIGINT, SIGTERM and SIGHUP during a long command (bench, sweep, tune): the
 * command ends at once with 128 + the signal's number, after one line on
 * stderr saying how far it got and that no results file was written (the
 * earlier one, if any, is left as it was), and after removing the temporary
 * files it registered. Results are written whole or not at all (files.c's
 * atomic write holds these signals off while it writes and renames), so an
 * interrupted run leaves no partial file.
 */
#ifndef CHANMUL_INTERRUPT_H
#define CHANMUL_INTERRUPT_H

#include <stddef.h>

/* Installs the handlers. cmd ("chanmul sweep") and output (the results file
 * the command will write, or NULL) must outlive the command. */
void interrupt_install(const char *cmd, const char *output);

/* How far the command has got, for the line: "after DONE of TOTAL UNIT"
 * (unit: a string literal, e.g. "benchmark repetitions"). */
void interrupt_progress(size_t done, size_t total, const char *unit);

/* A temporary file to remove when interrupted (at most a few; path is copied). */
void interrupt_remove_on_signal(const char *path);

/* The output has been written whole: from now on the line says so. */
void interrupt_output_written(void);

#endif
