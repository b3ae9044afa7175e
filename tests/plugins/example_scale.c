/*
 * example_scale.c: a complete chanmul plugin, as small as a correct one can be.
 *
 * Build it (no -ffast-math: flushing denormals or reassociating would make the
 * results differ from the reference, and the verifier compares bit for bit):
 *
 *     cc -std=c11 -O2 -fPIC -shared -I include tests/plugins/example_scale.c -o example_scale.so
 *
 * and prove it bit-exact against the reference over the whole case matrix:
 *
 *     chanmul verify --plugin ./example_scale.so
 */
#include "chanmul.h"

/* Required: the plugin ABI this file was written against. chanmul refuses to
 * load a plugin built for another ABI. */
int chanmul_plugin_abi = CHANMUL_PLUGIN_ABI;

/* Optional: the name shown in reports (default: the file's name, example_scale). */
const char *chanmul_plugin_name = "example_scale";

/* Optional: 0 says this kernel ignores the thread count, so the verifier runs
 * it once per case instead of once per thread count (default: 1). */
int chanmul_plugin_threaded = 0;

/*
 * Required: the kernel, with the signature of chanmul_kernel_fn.
 *
 * The logical shape is N x H x W x C whatever the layout; p->layout says how
 * the elements lie in memory:
 *   NHWC (channels last):  element i has channel  i % C
 *   NCHW (channels first): element i has channel (i / (H*W)) % C
 * chanmul validates the arguments first, so the problem is valid and not
 * empty. y may be x itself (in place): read x[i] before writing y[i] and touch
 * no other element. Return 0 on success or a negative chanmul_error.
 */
int chanmul_plugin_kernel(const chanmul_problem *p, const float *x, const float *s, float *y,
                          int threads)
{
    (void)threads; /* single-threaded: see chanmul_plugin_threaded */
    size_t plane = p->h * p->w;
    size_t total = p->n * plane * p->c;
    for (size_t i = 0; i < total; i++) {
        size_t c = p->layout == CHANMUL_NHWC ? i % p->c : i / plane % p->c;
        y[i] = x[i] * s[c];
    }
    return 0;
}
