/* Loading users' kernels from shared objects (the ABI is in chanmul.h and README.md). */
#ifndef CHANMUL_PLUGIN_H
#define CHANMUL_PLUGIN_H

#include "chanmul.h"

#include <stddef.h>

/* Loads path; on success fills *impl (kind PLUGIN) and returns 0. On failure
 * returns -1 with the reason in err. The object stays loaded for the process. */
int plugin_load(const char *path, chanmul_impl *impl, char *err, size_t errlen);

#endif
