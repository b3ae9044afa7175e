/* Loading users' kernels from shared objects (the ABI is in chanmul.h and README.md). */
#ifndef CHANMUL_PLUGIN_H
#define CHANMUL_PLUGIN_H

#include "chanmul.h"

#include <stddef.h>

/* A plugin's name (chanmul_plugin_name, or one made from its file name):
 * shorter than PLUGIN_NAME_MAX, of these characters only, as it goes into
 * benchmark names (<op>/<layout>/<impl>/...), results and repro lines. */
#define PLUGIN_NAME_MAX 64
#define PLUGIN_NAME_CHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.+-"

/* 1 when name is a valid plugin name (above). */
int plugin_name_valid(const char *name);

/* A plugin's exports by symbol name: dlsym on the loaded library, or a table
 * (tests/fuzz/fuzz_plugin.c); NULL when it does not export symbol. */
typedef void *(*plugin_lookup)(void *ctx, const char *symbol);

/* Reads and checks the exports of the plugin at path (named in messages, and
 * the default name's source) through lookup: the ABI version, at least one
 * kernel, the name, the fused ops. On success fills *impl (kind PLUGIN;
 * impl->name is name, a buffer of name_len >= PLUGIN_NAME_MAX bytes) and
 * returns 0; else -1 with the reason, naming path, in err. */
int plugin_check(const char *path, plugin_lookup lookup, void *ctx, chanmul_impl *impl, char *name,
                 size_t name_len, char *err, size_t errlen);

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
