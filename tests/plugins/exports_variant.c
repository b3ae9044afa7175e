/*
 * exports_variant.c: one correct channel-scale kernel, built several times
 * (tests/CMakeLists.txt, chanmul_test_plugin_variant) with one export changed
 * each time, for the loader's refusals and defaults:
 *
 *   VARIANT_NO_KERNEL      ABI 2 and a name, but no kernel at all: refused
 *   VARIANT_BAD_NAME       a name with '/' and a space ("my kernels/v2"): refused
 *   VARIANT_BAD_FUSED      declares a fused multiply-add for the scale, which has none: refused
 *   VARIANT_BUILTIN_NAME   named "stream", a built-in implementation's name: refused
 *   VARIANT_UNNAMED        no chanmul_plugin_name: named after its file (unnamed_scale)
 */
#include "chanmul.h"

int chanmul_plugin_abi = CHANMUL_PLUGIN_ABI;

#if defined(VARIANT_BAD_NAME)
const char *chanmul_plugin_name = "my kernels/v2";
#elif defined(VARIANT_BUILTIN_NAME)
const char *chanmul_plugin_name = "stream";
#elif !defined(VARIANT_UNNAMED)
const char *chanmul_plugin_name = "exports_variant";
#endif

#if defined(VARIANT_BAD_FUSED)
unsigned chanmul_plugin_fused_ops = 1u << CHANMUL_OP_SCALE;
#endif

int chanmul_plugin_threaded = 0;

#if !defined(VARIANT_NO_KERNEL)
int chanmul_plugin_scale(const chanmul_desc *d, const chanmul_tensors *t, int threads)
{
    (void)threads;
    const chanmul_problem *p = &d->p;
    size_t plane = p->h * p->w, total = p->n * plane * p->c;
    for (size_t i = 0; i < total; i++)
        t->out[0][i] = t->in[0][i] * t->in[1][p->layout == CHANMUL_NHWC ? i % p->c : i / plane % p->c];
    return 0;
}
#endif
