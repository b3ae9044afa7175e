/*
 * eigen: the peer Eigen 3 behind chanmul's kernel signature, written the way an
 * Eigen user writes a channel scale: a row-wise broadcast over a mapped array.
 * NHWC maps x as a row-major (N*H*W) x C array; NCHW maps each sample as a
 * column-major (H*W) x C array (column c is channel c's plane). In both,
 * y = x.rowwise() * s with s a 1 x C row. Aliasing y == x is safe: every
 * coefficient of y depends only on the same coefficient of x.
 *
 * C++ only because Eigen is; the kernel has C linkage. Eigen's array
 * expressions run on one thread (only its matrix products use OpenMP), so the
 * thread count is ignored: the registry row says threaded 0.
 */
/* chanmul_internal.h is a C header without C++ guards. */
extern "C" {
#include "chanmul_internal.h"
}

#include <Eigen/Core>

namespace {

using RowMajorArray = Eigen::Array<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using ColMajorArray = Eigen::Array<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::ColMajor>;
using ScaleRow = Eigen::Array<float, 1, Eigen::Dynamic>;

template <typename ArrayType>
void scale_rows(const float *x, const float *s, float *y, Eigen::Index rows, Eigen::Index cols)
{
    Eigen::Map<const ArrayType> in(x, rows, cols);
    Eigen::Map<ArrayType> out(y, rows, cols);
    Eigen::Map<const ScaleRow> scale(s, cols);
    out = in.rowwise() * scale;
}

} // namespace

extern "C" int chanmul_available_eigen(const char **why)
{
    (void)why;
    return 1;
}

extern "C" int chanmul_scale_eigen(const chanmul_desc *d, const chanmul_tensors *t, int threads)
{
    const chanmul_problem *p = &d->p;
    const float *x = t->in[0], *s = t->in[1];
    float *y = t->out[0];
    (void)threads;
    const Eigen::Index c = (Eigen::Index)p->c;
    if (p->layout == CHANMUL_NHWC) {
        scale_rows<RowMajorArray>(x, s, y, (Eigen::Index)(p->n * p->h * p->w), c);
        return CHANMUL_OK;
    }
    const size_t sample = p->h * p->w * p->c;
    for (size_t n = 0; n < p->n; n++)
        scale_rows<ColMajorArray>(x + n * sample, s, y + n * sample,
                                  (Eigen::Index)(p->h * p->w), c);
    return CHANMUL_OK;
}
