/* The scale-and-shift's range loops for the baseline vector unit (no ISA flags); entered only when chanmul_kernel_isa() allows it. */
#include "chanmul_internal.h"

#define AFFINE_RANGE(name) chanmul_affine_##name##_scalar
#include "affine_range.inc"
