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
/* Formats p's logical shape as NxHxWxC into buf. */
const char *shape_format(const chanmul_problem *p, char *buf, size_t len);

#endif
