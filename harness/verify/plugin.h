/* Loading users' kernels from shared objects (the ABI is in chanmul.h and README.md). */
#ifndef CHANMUL_PLUGIN_H
#define CHANMUL_PLUGIN_H

#include "chanmul.h"

#include <stddef.h>

/* Loads path; on success sets *impl (kind PLUGIN) and *abs_path (the plugin's
 * absolute path, from realpath(3)) and returns 0. Both stay valid until
 * plugin_free_all(). On failure returns -1 with the reason in err. The shared
 * object itself stays loaded for the process. */
int plugin_load(const char *path, const chanmul_impl **impl, const char **abs_path, char *err,
                size_t errlen);

/* Frees every impl and path plugin_load handed out (idempotent). Call it once
 * nothing uses them any more: after verify / bench / sweep, on every exit path. */
void plugin_free_all(void);

#endif
