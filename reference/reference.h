/*
 * What the references share: the offset of a logical element in memory, from
 * the layout's definition. Every reference is built with -O1
 * -ffp-contract=off and no fast-math (see CMakeLists.txt): plain scalar code,
 * nothing clever, so that each output is what its op's rounding says.
 */
#ifndef CHANMUL_REFERENCE_H
#define CHANMUL_REFERENCE_H

#include "chanmul_internal.h"

/* Offset of logical element (n, h, w, c) of the data tensor. */
static inline size_t reference_offset(const chanmul_problem *p, size_t n, size_t h, size_t w,
                                      size_t c)
{
    if (p->layout == CHANMUL_NHWC)
        return ((n * p->h + h) * p->w + w) * p->c + c;
    return ((n * p->c + c) * p->h + h) * p->w + w;
}

#endif
