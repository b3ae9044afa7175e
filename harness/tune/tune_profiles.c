/* The tuner's profiles (tuner.h): apart from the tuner itself, so that the
 * command line's reader (harness/cli/tune_args.c) links without it. */
#include "tuner.h"

#include <string.h>

/* ---- profiles ----------------------------------------------------------------------- */

static const size_t quick_batches[] = {1, 8, 32};
static const size_t quick_channels[] = {8, 16, 32, 64, 256, 1024};
static const size_t quick_form_channels[] = {16, 256};
static const size_t quick_spatials[] = {7, 28};
static const size_t full_batches[] = {1, 2, 4, 8, 16, 32, 64};
static const size_t full_channels[] = {3, 8, 16, 32, 64, 128, 256, 512, 1024, 2048};
static const size_t full_form_channels[] = {8, 32, 256, 1024};
static const size_t full_spatials[] = {1, 7, 14, 28, 56};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
static const tune_profile profiles[] = {
    {"quick", quick_batches, COUNT(quick_batches), quick_channels, COUNT(quick_channels),
     quick_form_channels, COUNT(quick_form_channels), quick_spatials, COUNT(quick_spatials), (size_t)4 << 20, 5, 0.002, 0.006},
    {"full", full_batches, COUNT(full_batches), full_channels, COUNT(full_channels),
     full_form_channels, COUNT(full_form_channels), full_spatials,
     COUNT(full_spatials), (size_t)32 << 20, 9, 0.005, 0.008},
};

const tune_profile *tune_profile_find(const char *name)
{
    for (size_t i = 0; i < COUNT(profiles); i++)
        if (strcmp(profiles[i].name, name) == 0)
            return &profiles[i];
    return NULL;
}

const char *tune_profile_names(void) { return "quick|full"; }
