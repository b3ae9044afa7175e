#include "plugin.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int plugin_available(const char **why)
{
    (void)why;
    return 1;
}

int plugin_load(const char *path, chanmul_impl *impl, char *err, size_t errlen)
{
    /* dlopen searches the library path for a bare name; a plugin is a file. */
    char resolved[4096];
    snprintf(resolved, sizeof resolved, "%s%s", strchr(path, '/') ? "" : "./", path);
    void *handle = dlopen(resolved, RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        snprintf(err, errlen, "cannot load plugin '%s': %s", path, dlerror());
        return -1;
    }
    const int *abi = dlsym(handle, "chanmul_plugin_abi");
    void *kernel = dlsym(handle, "chanmul_plugin_kernel");
    const char *const *name = dlsym(handle, "chanmul_plugin_name");
    const int *threaded = dlsym(handle, "chanmul_plugin_threaded");
    if (!abi || !kernel) {
        snprintf(err, errlen,
                 "plugin '%s' does not export %s: see README.md, section Plugins", path,
                 !abi ? "'int chanmul_plugin_abi'" : "'chanmul_plugin_kernel'");
        dlclose(handle);
        return -1;
    }
    if (*abi != CHANMUL_PLUGIN_ABI) {
        snprintf(err, errlen, "plugin '%s' was built for plugin ABI %d; this chanmul speaks ABI %d",
                 path, *abi, CHANMUL_PLUGIN_ABI);
        dlclose(handle);
        return -1;
    }
    memset(impl, 0, sizeof *impl);
    impl->name = name && *name ? strdup(*name) : strdup(path);
    impl->kind = CHANMUL_KIND_PLUGIN;
    /* dlsym returns an object pointer; POSIX guarantees the conversion works. */
    memcpy(&impl->fn, &kernel, sizeof impl->fn);
    impl->threaded = threaded ? *threaded : 1;
    impl->description = "user plugin";
    impl->available = plugin_available;
    return 0;
}
