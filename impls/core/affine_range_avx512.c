/* The scale-and-shift's range loops for AVX-512F (built with -mavx512f); entered only when chanmul_kernel_isa() allows it. */
#include "chanmul_internal.h"

#define AFFINE_RANGE(name) chanmul_affine_##name##_avx512
#include "affine_range.inc"
