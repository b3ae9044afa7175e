/* The scale-and-shift's range loops for AVX2 (built with -mavx2 -mfma; -ffp-contract=off keeps the product and the sum apart); entered only when chanmul_kernel_isa() allows it. */
#include "chanmul_internal.h"

#define AFFINE_RANGE(name) chanmul_affine_##name##_avx2
#include "affine_range.inc"
