/*
 * eigen: the peer Eigen 3 behind chanmul's kernel signature, written the way an
 * Eigen user writes a broadcast multiply: a row- or column-wise broadcast over
 * a mapped array. Each sample of x is mapped as an (H*W) x C array: row-major
 * for NHWC (row p is position p's channels), column-major for NCHW (column c
 * is channel c's plane). Then, in both layouts,
 *   scale     y = x.rowwise() * s                   (s a 1 x C row)
 *   scale_nc  y = x.rowwise() * s, per sample n     (the row s + n*C)
 *   gate      y = x.colwise() * g, per sample n     (the column g + n*H*W)
 *   mul       y = x * z, the whole tensor as one flat array (equal shapes)
 *   affine    y = (x.rowwise() * s).rowwise() + b  (s, b 1 x C rows)
 *   scale_grad ds = (dy.cast<double>() * x.cast<double>()).colwise().sum(),
 *             db = dy.cast<double>().colwise().sum(), dx = dy.rowwise() * s
 *             (sums in double, as a careful user writes them: Eigen's float
 *             colwise sum loses the digits the verifier's bound requires)
 * In NHWC the samples are consecutive rows of one row-major (N*H*W) x C array,
 * so scale (one row for all) and gate (g is one N*H*W column) map all of x at
 * once; only scale_nc and NCHW need the loop over samples. Aliasing y == x is
 * safe: every coefficient of y depends only on the same coefficient of x.
 *
 * C++ only because Eigen is; the kernels have C linkage. Eigen's array
 * expressions run on one thread (only its matrix products use OpenMP), so the
 * thread count is ignored: the registry row says threaded 0.
 */
/* chanmul_internal.h is a C header without C++ guards. */
extern "C" {
#include "chanmul_internal.h"
}

#include <Eigen/Core>

#include <cmath>
#include <new>

namespace {

using RowMajorArray = Eigen::Array<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using ColMajorArray = Eigen::Array<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::ColMajor>;
using FactorRow = Eigen::Array<float, 1, Eigen::Dynamic>;
using FactorColumn = Eigen::Array<float, Eigen::Dynamic, 1>;

/* Which axis of the (positions x channels) array the factor runs along. */
enum class Broadcast {
    PerChannel, /* one factor per column (channel): x.rowwise() * f, f has cols entries */
    PerPosition /* one factor per row (position): x.colwise() * f, f has rows entries */
};

template <typename ArrayType>
void multiply_block(const float *x, const float *factor, float *y, Eigen::Index rows,
                    Eigen::Index cols, Broadcast broadcast)
{
    Eigen::Map<const ArrayType> in(x, rows, cols);
    Eigen::Map<ArrayType> out(y, rows, cols);
    if (broadcast == Broadcast::PerChannel)
        out = in.rowwise() * Eigen::Map<const FactorRow>(factor, cols);
    else
        out = in.colwise() * Eigen::Map<const FactorColumn>(factor, rows);
}

/* The three ops: y = x * f broadcast as `broadcast`, sample n taking its
 * factors from f + n * factor_stride (0: every sample shares them). */
int multiply_eigen(const chanmul_problem *p, const float *x, const float *factor, float *y,
                   Broadcast broadcast, size_t factor_stride)
{
    const size_t positions = p->h * p->w, sample = positions * p->c;
    const Eigen::Index c = (Eigen::Index)p->c;
    if (p->layout == CHANMUL_NHWC) {
        /* Shared factors (stride 0) or per-position ones (whose per-sample
         * planes lie end to end) broadcast over all N*H*W rows as one array. */
        if (factor_stride == 0 || broadcast == Broadcast::PerPosition) {
            multiply_block<RowMajorArray>(x, factor, y, (Eigen::Index)(p->n * positions), c,
                                          broadcast);
            return CHANMUL_OK;
        }
        for (size_t n = 0; n < p->n; n++)
            multiply_block<RowMajorArray>(x + n * sample, factor + n * factor_stride,
                                          y + n * sample, (Eigen::Index)positions, c, broadcast);
        return CHANMUL_OK;
    }
    for (size_t n = 0; n < p->n; n++)
        multiply_block<ColMajorArray>(x + n * sample, factor + n * factor_stride, y + n * sample,
                                      (Eigen::Index)positions, c, broadcast);
    return CHANMUL_OK;
}

} // namespace

extern "C" int chanmul_available_eigen(const char **why)
{
    (void)why;
    return 1;
}

extern "C" int chanmul_scale_eigen(const chanmul_desc *d, const chanmul_tensors *t, int threads)
{
    (void)threads;
    return multiply_eigen(&d->p, t->in[0], t->in[1], t->out[0], Broadcast::PerChannel, 0);
}

extern "C" int chanmul_scale_nc_eigen(const chanmul_desc *d, const chanmul_tensors *t,
                                      int threads)
{
    (void)threads;
    return multiply_eigen(&d->p, t->in[0], t->in[1], t->out[0], Broadcast::PerChannel, d->p.c);
}

extern "C" int chanmul_gate_eigen(const chanmul_desc *d, const chanmul_tensors *t, int threads)
{
    (void)threads;
    return multiply_eigen(&d->p, t->in[0], t->in[1], t->out[0], Broadcast::PerPosition,
                          d->p.h * d->p.w);
}

extern "C" int chanmul_mul_eigen(const chanmul_desc *d, const chanmul_tensors *t, int threads)
{
    (void)threads;
    const Eigen::Index total = (Eigen::Index)(d->p.n * d->p.h * d->p.w * d->p.c);
    using Flat = Eigen::Array<float, Eigen::Dynamic, 1>;
    Eigen::Map<Flat>(t->out[0], total) =
        Eigen::Map<const Flat>(t->in[0], total) * Eigen::Map<const Flat>(t->in[1], total);
    return CHANMUL_OK;
}

extern "C" int chanmul_affine_eigen(const chanmul_desc *d, const chanmul_tensors *t, int threads)
{
    (void)threads;
    const chanmul_problem *p = &d->p;
    const Eigen::Index c = (Eigen::Index)p->c, positions = (Eigen::Index)(p->h * p->w);
    Eigen::Map<const FactorRow> s(t->in[1], c), b(t->in[2], c);
    if (p->layout == CHANMUL_NHWC) { /* all N*H*W rows at once: s and b are shared */
        Eigen::Map<const RowMajorArray> in(t->in[0], (Eigen::Index)p->n * positions, c);
        Eigen::Map<RowMajorArray> out(t->out[0], (Eigen::Index)p->n * positions, c);
        out = (in.rowwise() * s).rowwise() + b;
        return CHANMUL_OK;
    }
    const size_t sample = p->h * p->w * p->c;
    for (size_t n = 0; n < p->n; n++) {
        Eigen::Map<const ColMajorArray> in(t->in[0] + n * sample, positions, c);
        Eigen::Map<ColMajorArray> out(t->out[0] + n * sample, positions, c);
        out = (in.rowwise() * s).rowwise() + b;
    }
    return CHANMUL_OK;
}

extern "C" int chanmul_scale_grad_eigen(const chanmul_desc *d, const chanmul_tensors *t, int threads)
{
    (void)threads;
    const chanmul_problem *p = &d->p;
    const Eigen::Index c = (Eigen::Index)p->c, positions = (Eigen::Index)(p->h * p->w);
    using Sums = Eigen::Array<double, 1, Eigen::Dynamic>;
    Eigen::Map<const FactorRow> s(t->in[1], c);
    try {
        Sums ds = Sums::Zero(c), db = Sums::Zero(c);
        /* the sums before dx: dx may be dy itself */
        if (p->layout == CHANMUL_NHWC) { /* all N*H*W rows at once */
            const Eigen::Index rows = (Eigen::Index)p->n * positions;
            Eigen::Map<const RowMajorArray> x(t->in[0], rows, c), dy(t->in[2], rows, c);
            ds = (dy.cast<double>() * x.cast<double>()).colwise().sum();
            db = dy.cast<double>().colwise().sum();
            Eigen::Map<RowMajorArray>(t->out[0], rows, c) = dy.rowwise() * s;
        } else {
            const size_t sample = p->h * p->w * p->c;
            for (size_t n = 0; n < p->n; n++) {
                Eigen::Map<const ColMajorArray> x(t->in[0] + n * sample, positions, c),
                    dy(t->in[2] + n * sample, positions, c);
                ds += (dy.cast<double>() * x.cast<double>()).colwise().sum();
                db += dy.cast<double>().colwise().sum();
                Eigen::Map<ColMajorArray>(t->out[0] + n * sample, positions, c) = dy.rowwise() * s;
            }
        }
        for (Eigen::Index k = 0; k < c; k++) {
            t->out[1][k] = (float)ds(k);
            t->out[2][k] = (float)db(k);
        }
    } catch (const std::bad_alloc &) {
        return CHANMUL_ENOMEM;
    }
    return CHANMUL_OK;
}
