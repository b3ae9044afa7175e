/*
 * The tuner: measures the implementations `auto` may pick (those that pass
 * the verifier at the grid point on every data set) over a profile's grid,
 * and stream's tunable parameters, into a selection (impls/core/selection.h).
 *
 * Drift cancels in two ways: within a round every candidate is timed once,
 * in a shuffled order, so a slow spell of the machine hits them alike; and
 * margins are medians of per-round ratios (paired), not ratios of medians.
 */
#ifndef CHANMUL_TUNER_H
#define CHANMUL_TUNER_H

#include "selection.h"

#include <stdio.h>

typedef struct tune_profile {
    const char *name;
    const size_t *batches;
    size_t batch_count;
    const size_t *channels;
    size_t channel_count;
    /* the channel axis of the forms whose kernels do not walk a factor of C
     * (mul: z has x's shape) or walk it as the channel scale does (affine):
     * coarser, since their speed follows the element count */
    const size_t *form_channels;
    size_t form_channel_count;
    const size_t *spatials; /* h = w */
    size_t spatial_count;
    size_t max_elements;    /* grid points above this many elements of x are left out */
    int rounds;             /* timed rounds per point (each candidate once per round) */
    double batch_seconds;   /* each timed batch of calls lasts at least this long */
    double settle_seconds;  /* untimed calls of the same candidate before each timed batch */
} tune_profile;

/* "quick" (the default) or "full"; NULL for another name. */
const tune_profile *tune_profile_find(const char *name);
/* The profiles' names, "quick|full", for usage messages. */
const char *tune_profile_names(void);

typedef struct tune_options {
    const tune_profile *profile;
    int op;                 /* a chanmul_op, or -1: every op */
    int progress;           /* progress and time left on stderr */
    const char *command;    /* recorded in the file */
    FILE *log;              /* one line per grid point and the tunables' evidence; NULL: none */
} tune_options;

/* Runs the tuner into *sel (free it with chanmul_selection_free). 0, or a
 * negative chanmul_error (out of memory). */
int tune_run(const tune_options *o, chanmul_selection *sel);

#endif
