#include "plugin.h"

#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Every plugin handed out, so that plugin_free_all() can release them. */
typedef struct loaded_plugin {
    chanmul_impl *impl;
    char *name; /* impl->name, owned */
    char *path; /* absolute path, owned */
} loaded_plugin;

static loaded_plugin *loaded;
static size_t loaded_count, loaded_cap;

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
    const int *abi = dlsym(handle, "chanmul_plugin_abi");
    void *scale_abi1 = dlsym(handle, "chanmul_plugin_kernel");
    const char *const *name = dlsym(handle, "chanmul_plugin_name");
    const int *threaded = dlsym(handle, "chanmul_plugin_threaded");
    const unsigned *fused_ops = dlsym(handle, "chanmul_plugin_fused_ops");
    if (!abi) {
        snprintf(err, errlen, "plugin '%s' does not export 'int chanmul_plugin_abi': see README.md, section Plugins",
                 path);
        dlclose(handle);
        free(resolved);
        return -1;
    }
    if (*abi != 1 && *abi != CHANMUL_PLUGIN_ABI) {
        snprintf(err, errlen, "plugin '%s' was built for plugin ABI %d; this chanmul speaks ABI 1 and %d",
                 path, *abi, CHANMUL_PLUGIN_ABI);
        dlclose(handle);
        free(resolved);
        return -1;
    }
    /* ABI 2: chanmul_plugin_<op> for each op it covers */
    void *kernels[CHANMUL_OP_COUNT] = {0};
    int kernel_count = scale_abi1 != NULL;
    for (int op = 0; *abi >= 2 && op < CHANMUL_OP_COUNT; op++) {
        char symbol[96];
        snprintf(symbol, sizeof symbol, "chanmul_plugin_%s", chanmul_op_name((chanmul_op)op));
        kernels[op] = dlsym(handle, symbol);
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
    chanmul_impl *impl = calloc(1, sizeof *impl);
    char *impl_name = strdup(name && *name ? *name : path);
    if (!impl || !impl_name) {
        snprintf(err, errlen, "cannot load plugin '%s': out of memory", path);
        free(impl);
        free(impl_name);
        free(resolved);
        return -1;
    }
    impl->name = impl_name;
    impl->kind = CHANMUL_KIND_PLUGIN;
    /* dlsym returns an object pointer; POSIX guarantees the conversion works. */
    if (scale_abi1)
        memcpy(&impl->scale_abi1, &scale_abi1, sizeof impl->scale_abi1);
    for (int op = 0; op < CHANMUL_OP_COUNT; op++)
        if (kernels[op])
            memcpy(&impl->kernels[op], &kernels[op], sizeof impl->kernels[op]);
    impl->threaded = threaded ? *threaded : 1;
    impl->fused_ops = fused_ops ? *fused_ops : 0; /* undeclared: a product, then a sum */
    impl->description = "user plugin";
    impl->available = NULL; /* NULL: always available (chanmul_impl_available) */
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
