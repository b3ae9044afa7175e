/*
 * Plugin loading (harness/verify/plugin.c): plugin_check, what plugin_load
 * does with a library's exports once dlopen has mapped it. The input is a
 * library's export table, so that every mix of present and missing symbols,
 * every ABI version, name, thread flag and fused-op mask is tried without
 * building a shared object for each (dlopen itself is glibc's loader; the
 * ctest plugin_* tests load real libraries that lack a symbol or have
 * another ABI version):
 *
 *   byte 0      which of the symbols exist: 1 chanmul_plugin_abi,
 *               2 chanmul_plugin_kernel, 4 chanmul_plugin_name,
 *               8 chanmul_plugin_threaded, 16 chanmul_plugin_fused_ops,
 *               32 the name symbol holds NULL
 *   byte 1      which chanmul_plugin_<op> exist (bit k: op k)
 *   bytes 2-13  the values of the ABI, threaded and fused_ops (3 x 4 bytes)
 *   the rest    the name's text, a NUL, then the plugin's path
 *
 * Properties: plugin_check accepts exactly the table that a plugin of the
 * README's ABI may export, computed here on its own: an ABI of 1 or 2, a
 * kernel of that ABI, a name that is absent or valid, fused ops only for
 * multiply-add ops; what it accepts has those kernels, a valid name (the
 * given one, else one made from the path), a 0/1 thread flag; what it
 * refuses has a message that names the path.
 */
#include "fuzz_input.h"

#include "plugin.h"

#include "chanmul.h"

#include <ctype.h>

typedef struct table {
    unsigned present, kernels;
    int abi, threaded;
    unsigned fused;
    const char *name;
} table;

static void kernel_stub(void)
{
}

static void *lookup(void *ctx, const char *symbol)
{
    table *t = ctx;
    static const char *const name_null = NULL;
    if (strcmp(symbol, "chanmul_plugin_abi") == 0)
        return t->present & 1 ? &t->abi : NULL;
    if (strcmp(symbol, "chanmul_plugin_kernel") == 0)
        return t->present & 2 ? (void *)(uintptr_t)kernel_stub : NULL;
    if (strcmp(symbol, "chanmul_plugin_name") == 0)
        return !(t->present & 4) ? NULL : t->present & 32 ? (void *)&name_null : (void *)&t->name;
    if (strcmp(symbol, "chanmul_plugin_threaded") == 0)
        return t->present & 8 ? &t->threaded : NULL;
    if (strcmp(symbol, "chanmul_plugin_fused_ops") == 0)
        return t->present & 16 ? &t->fused : NULL;
    for (int op = 0; op < CHANMUL_OP_COUNT; op++) {
        char want[96];
        snprintf(want, sizeof want, "chanmul_plugin_%s", chanmul_op_name((chanmul_op)op));
        if (strcmp(symbol, want) == 0)
            return t->kernels >> op & 1u ? (void *)(uintptr_t)kernel_stub : NULL;
    }
    return NULL; /* a symbol no plugin exports: not asked for */
}

/* The README's name rule, written again: 1 to 63 of [A-Za-z0-9_.+-]. */
static int name_ok(const char *s)
{
    size_t n = strlen(s);
    for (size_t k = 0; k < n; k++)
        if (!isalnum((unsigned char)s[k]) && !strchr("_.+-", s[k]))
            return 0;
    return n >= 1 && n <= 63;
}

static unsigned multiply_add_ops(void)
{
    unsigned mask = 0;
    for (int op = 0; op < CHANMUL_OP_COUNT; op++)
        if (chanmul_op_info_of((chanmul_op)op)->rounding == CHANMUL_ROUND_MULTIPLY_ADD)
            mask |= 1u << op;
    return mask;
}

static int32_t read_i32(const uint8_t *p)
{
    uint32_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
    int32_t out;
    memcpy(&out, &v, sizeof out);
    return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 14)
        return 0;
    table t = {data[0], data[1], read_i32(data + 2), read_i32(data + 6), (unsigned)read_i32(data + 10), NULL};
    t.kernels &= (1u << CHANMUL_OP_COUNT) - 1;
    /* the name, then the path: two strings from the rest */
    char *text = malloc(size - 14 + 2);
    if (!text)
        abort();
    memcpy(text, data + 14, size - 14);
    text[size - 14] = text[size - 14 + 1] = '\0';
    t.name = text;
    const char *path = text + strlen(text) + 1;
    if (path > text + (size - 14))
        path = "";

    int given_name = (t.present & 4) && !(t.present & 32) && *t.name;
    int kernels = (t.present & 2) != 0;
    if ((t.present & 1) && t.abi == 2)
        for (int op = 0; op < CHANMUL_OP_COUNT; op++)
            kernels += (int)(t.kernels >> op & 1u);
    unsigned fused = t.present & 16 ? t.fused : 0;
    int expect_ok = (t.present & 1) && (t.abi == 1 || t.abi == 2) && kernels > 0 &&
                    (!given_name || name_ok(t.name)) && (fused & ~multiply_add_ops()) == 0;

    chanmul_impl impl;
    char name[PLUGIN_NAME_MAX], err[1024] = "";
    int rc = plugin_check(path, lookup, &t, &impl, name, sizeof name, err, sizeof err);
    FUZZ_CHECK((rc == 0) == expect_ok);
    if (rc == 0) {
        FUZZ_CHECK(impl.kind == CHANMUL_KIND_PLUGIN && impl.name == name);
        FUZZ_CHECK(name_ok(impl.name) && plugin_name_valid(impl.name));
        FUZZ_CHECK(!given_name || strcmp(impl.name, t.name) == 0);
        FUZZ_CHECK((impl.scale_abi1 != NULL) == ((t.present & 2) != 0));
        for (int op = 0; op < CHANMUL_OP_COUNT; op++)
            FUZZ_CHECK((impl.kernels[op] != NULL) == (t.abi == 2 && (t.kernels >> op & 1u)));
        FUZZ_CHECK(impl.threaded == 0 || impl.threaded == 1);
        FUZZ_CHECK(impl.threaded == (t.present & 8 ? t.threaded != 0 : 1));
        FUZZ_CHECK(impl.fused_ops == fused);
        int covers_any = 0;
        for (int op = 0; op < CHANMUL_OP_COUNT; op++)
            covers_any |= chanmul_impl_covers(&impl, (chanmul_op)op);
        FUZZ_CHECK(covers_any);
    } else {
        FUZZ_CHECK(err[0] && strstr(err, "plugin '")); /* (a long path may truncate the message: snprintf) */
        char quoted[600];
        snprintf(quoted, sizeof quoted, "'%.500s'", path);
        FUZZ_CHECK(strlen(path) > 500 || strstr(err, quoted));
    }
    free(text);
    return 0;
}
