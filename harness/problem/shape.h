/* Parsing of the CLI's small value syntaxes (shapes, layouts, counts). */
#ifndef CHANMUL_SHAPE_H
#define CHANMUL_SHAPE_H

#include "chanmul.h"

#include <stddef.h>

/* Parses "NxHxWxC" (four non-negative decimal integers). Returns 0, or -1 with
 * a message in err (size errlen). */
int shape_parse(const char *text, chanmul_problem *p, char *err, size_t errlen);
/* "nhwc" / "nchw" (case-insensitive) -> 0 and *layout, else -1. */
int layout_parse(const char *text, chanmul_layout *layout);
/* Non-negative decimal integer that fits in an int; 0 or -1. */
int int_parse(const char *text, int *value);
/* An unsigned decimal integer that fits 64 bits, digits only (no sign, no
 * spaces): 0, or -1 for anything else. */
int u64_parse(const char *text, unsigned long long *value);
/* Parses a general shape "AxBx..." (1 to CHANMUL_MAX_RANK non-negative
 * integers, e.g. --shape2's "7x1x5"; "scalar" for rank 0). 0, or -1 with a message in err. */
int dims_parse(const char *text, chanmul_shape *s, char *err, size_t errlen);
/* Formats s as "AxBx..." ("scalar" for rank 0) into buf. */
const char *dims_format(const chanmul_shape *s, char *buf, size_t len);
/* The logical shape (N, H, W, C order, restricted to the operand's axes) of
 * input k of p's op: what --shape2 names for the second operand. */
void operand_logical_shape(const chanmul_problem *p, int k, chanmul_shape *s);
/* 0 when `given` is the logical shape of p's second operand; else -1 with a
 * message naming both shapes and the first axis where they differ. */
int shape2_check(const chanmul_problem *p, const chanmul_shape *given, char *err, size_t errlen);
/* The problem string of p, the one format of results names, reports, FAIL
 * lines and repro lines: NxHxWxC, or for bcast its two shapes "A,B"
 * ("8x1x6x1,7x1x5"; "scalar" for rank 0). Into buf. */
const char *shape_format(const chanmul_problem *p, char *buf, size_t len);
/* The inverse: "A,B" is a bcast problem, anything else NxHxWxC (p->op kept
 * unless it was bcast, and p->layout kept). 0, or -1 with a message. */
int problem_shape_parse(const char *text, chanmul_problem *p, char *err, size_t errlen);
/* bcast's b when only a is given (--shape without --shape2): a's last axis,
 * the channel scale as a broadcast (a scalar for a scalar). */
void bcast_default_b(const chanmul_shape *a, chanmul_shape *b);

#endif
