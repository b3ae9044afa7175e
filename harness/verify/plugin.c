#include "plugin.h"

#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- reading the exports (no loader: the fuzz target calls this alone) ----------------- */

int plugin_name_valid(const char *name)
{
    size_t n = 0;
    for (; name[n]; n++)
        if (!strchr(PLUGIN_NAME_CHARS, name[n]))
            return 0;
    return n >= 1 && n < PLUGIN_NAME_MAX;
}

/* The name a plugin without chanmul_plugin_name gets: its file's name without
 * the folder and a ".so" suffix, each character outside PLUGIN_NAME_CHARS
 * made '_' ("/opt/my kernels/fast.so" -> "fast"). Not the path: its '/'
 * would split the benchmark names (<op>/<layout>/<impl>/...). */
static void default_name(const char *path, char *name, size_t len)
{
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    size_t n = strlen(base);
    if (n > 3 && strcmp(base + n - 3, ".so") == 0)
        n -= 3;
    if (n >= len)
        n = len - 1;
    for (size_t k = 0; k < n; k++)
        name[k] = strchr(PLUGIN_NAME_CHARS, base[k]) && base[k] ? base[k] : '_';
    name[n] = '\0';
    if (n == 0)
        snprintf(name, len, "plugin");
}

int plugin_check(const char *path, plugin_lookup lookup, void *ctx, chanmul_impl *impl, char *name,
                 size_t name_len, char *err, size_t errlen)
{
    const int *abi = lookup(ctx, "chanmul_plugin_abi");
    void *scale_abi1 = lookup(ctx, "chanmul_plugin_kernel");
    const char *const *given_name = lookup(ctx, "chanmul_plugin_name");
    const int *threaded = lookup(ctx, "chanmul_plugin_threaded");
    const unsigned *fused_ops = lookup(ctx, "chanmul_plugin_fused_ops");
    if (!abi) {
        snprintf(err, errlen, "plugin '%s' does not export 'int chanmul_plugin_abi': see README.md, section Plugins",
                 path);
        return -1;
    }
    if (*abi != 1 && *abi != CHANMUL_PLUGIN_ABI) {
        snprintf(err, errlen, "plugin '%s' was built for plugin ABI %d; this chanmul speaks ABI 1 and %d", path,
                 *abi, CHANMUL_PLUGIN_ABI);
        return -1;
    }
    /* ABI 2: chanmul_plugin_<op> for each op it covers (an ABI-1 plugin's are not looked at) */
    void *kernels[CHANMUL_OP_COUNT] = {0};
    int kernel_count = scale_abi1 != NULL;
    for (int op = 0; *abi >= 2 && op < CHANMUL_OP_COUNT; op++) {
        char symbol[96];
        snprintf(symbol, sizeof symbol, "chanmul_plugin_%s", chanmul_op_name((chanmul_op)op));
        kernels[op] = lookup(ctx, symbol);
        kernel_count += kernels[op] != NULL;
    }
    if (!kernel_count) {
        if (*abi == 1)
            snprintf(err, errlen, "plugin '%s' does not export 'chanmul_plugin_kernel': see README.md, section Plugins",
                     path);
        else
            snprintf(err, errlen,
                     "plugin '%s' exports no kernel: 'chanmul_plugin_kernel' (the channel scale) or "
                     "'chanmul_plugin_<op>' for an op (scale, gate, affine, ...): see README.md, section Plugins",
                     path);
        return -1;
    }
    /* the name goes into benchmark names, results and the report: a name that
     * would split them (a '/', a space, a newline) is refused, not mangled */
    if (given_name && *given_name && **given_name) {
        if (!plugin_name_valid(*given_name)) {
            snprintf(err, errlen,
                     "plugin '%s': chanmul_plugin_name '%.*s%s' is not a valid name: 1 to %d letters, digits "
                     "and '_', '.', '+', '-' (it names benchmarks and results)",
                     path, 80, *given_name, strlen(*given_name) > 80 ? "..." : "", PLUGIN_NAME_MAX - 1);
            return -1;
        }
        snprintf(name, name_len, "%s", *given_name);
    } else {
        default_name(path, name, name_len < PLUGIN_NAME_MAX ? name_len : PLUGIN_NAME_MAX);
    }
    unsigned fused = fused_ops ? *fused_ops : 0; /* undeclared: a product, then a sum */
    for (unsigned bit = 0; bit < 32; bit++) {
        const chanmul_op_info *info = bit < CHANMUL_OP_COUNT ? chanmul_op_info_of((chanmul_op)bit) : NULL;
        if ((fused >> bit & 1u) && (!info || info->rounding != CHANMUL_ROUND_MULTIPLY_ADD)) {
            char what[64];
            if (info)
                snprintf(what, sizeof what, "op %s, which has none", info->name);
            else
                snprintf(what, sizeof what, "bit %u, which is no op", bit);
            snprintf(err, errlen,
                     "plugin '%s': chanmul_plugin_fused_ops 0x%x declares a fused multiply-add for %s "
                     "(only an op computing x*s + b has one: affine)",
                     path, fused, what);
            return -1;
        }
    }
    memset(impl, 0, sizeof *impl);
    impl->name = name;
    impl->kind = CHANMUL_KIND_PLUGIN;
    /* an exported object's address to a function pointer: POSIX guarantees
     * the conversion of what dlsym returns works */
    if (scale_abi1)
        memcpy(&impl->scale_abi1, &scale_abi1, sizeof impl->scale_abi1);
    for (int op = 0; op < CHANMUL_OP_COUNT; op++)
        if (kernels[op])
            memcpy(&impl->kernels[op], &kernels[op], sizeof impl->kernels[op]);
    impl->threaded = threaded ? *threaded != 0 : 1;
    impl->fused_ops = fused;
    impl->description = "user plugin";
    impl->available = NULL; /* NULL: always available (chanmul_impl_available) */
    return 0;
}

/* ---- loading --------------------------------------------------------------------------- */

/* Every plugin handed out, so that plugin_free_all() can release them. */
typedef struct loaded_plugin {
    chanmul_impl *impl;
    char *name; /* impl->name, owned */
    char *path; /* absolute path, owned */
} loaded_plugin;

static loaded_plugin *loaded;
static size_t loaded_count, loaded_cap;

static void *dl_lookup(void *handle, const char *symbol)
{
    return dlsym(handle, symbol);
}

int plugin_load(const char *path, const chanmul_impl **impl_out, const char **abs_path, char *err,
                size_t errlen)
{
    /* The repro line names the plugin by its absolute path, so that it works
     * from any directory; resolving it also makes dlopen treat it as a file
     * rather than a name to search the library path for. */
    char *resolved = realpath(path, NULL);
    if (!resolved) {
        snprintf(err, errlen, "cannot load plugin '%s': %s", path, strerror(errno));
        return -1;
    }
    void *handle = dlopen(resolved, RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        snprintf(err, errlen, "cannot load plugin '%s': %s", path, dlerror());
        free(resolved);
        return -1;
    }
    chanmul_impl checked;
    char name[PLUGIN_NAME_MAX];
    if (plugin_check(path, dl_lookup, handle, &checked, name, sizeof name, err, errlen) != 0) {
        dlclose(handle);
        free(resolved);
        return -1;
    }
    if (loaded_count == loaded_cap) {
        size_t cap = loaded_cap ? 2 * loaded_cap : 8;
        loaded_plugin *bigger = realloc(loaded, cap * sizeof *bigger);
        if (!bigger) {
            snprintf(err, errlen, "cannot load plugin '%s': out of memory", path);
            free(resolved);
            return -1;
        }
        loaded = bigger;
        loaded_cap = cap;
    }
    chanmul_impl *impl = malloc(sizeof *impl);
    char *impl_name = strdup(name);
    if (!impl || !impl_name) {
        snprintf(err, errlen, "cannot load plugin '%s': out of memory", path);
        free(impl);
        free(impl_name);
        free(resolved);
        return -1;
    }
    *impl = checked;
    impl->name = impl_name;
    loaded[loaded_count++] = (loaded_plugin){impl, impl_name, resolved};
    *impl_out = impl;
    *abs_path = resolved;
    return 0;
}

void plugin_free_all(void)
{
    for (size_t i = 0; i < loaded_count; i++) {
        free(loaded[i].impl);
        free(loaded[i].name);
        free(loaded[i].path);
    }
    free(loaded);
    loaded = NULL;
    loaded_count = loaded_cap = 0;
}
