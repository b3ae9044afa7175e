/*
 * The verifier's cases of the general broadcast (bcast): pairs of shapes, not
 * the family's N x H x W x C matrix (cases.h). Every problem here is filled by
 * chanmul_bcast_problem.
 */
#ifndef CHANMUL_VERIFY_BCAST_CASES_H
#define CHANMUL_VERIFY_BCAST_CASES_H

#include "chanmul.h"

#include <stddef.h>
#include <stdint.h>

/* The fixed matrix: NumPy's examples, every family form either way round,
 * forms that are none of them, scalars, rank 8, empty results, and the row
 * lengths around every vector width for each kind of row. *count problems,
 * malloc'd (NULL and 0 when out of memory). */
chanmul_problem *verify_bcast_matrix(size_t *count);
/* Pairs for the misalignment sweep (odd row lengths: every offset meets a tail). */
#define VERIFY_BCAST_ALIGNMENT 3
void verify_bcast_alignment(chanmul_problem out[VERIFY_BCAST_ALIGNMENT]);
/* One pair of the random pass: a result of rank 0..8 (dimensions log-uniform,
 * at most max_elements in all), each operand its trailing axes, each axis its
 * own dimension or a 1. */
chanmul_problem verify_bcast_random(uint64_t *rng, size_t max_elements);
/* Results over 1.25x the usable LLC: one that is a channel scale, one that is
 * no form of the family. */
#define VERIFY_BCAST_LARGE 2
void verify_bcast_large(chanmul_problem out[VERIFY_BCAST_LARGE]);

#endif
