// The AVX2 + FMA array functions of core/fast_math_batch.h. This file alone is compiled with -mavx2 -mfma
// (CMakeLists.txt), and batch_functions() calls into it only on CPUs that have the instructions.
#include "core/fast_math_batch_loops.h"

namespace mrtsim::fastmath::detail {

#if defined(MRTSIM_HAVE_AVX2_LANES)
const BatchFunctions* avx2_batch_functions() { return BatchLoops<Avx2Lanes>::functions(); }
#else
const BatchFunctions* avx2_batch_functions() { return nullptr; }
#endif

}  // namespace mrtsim::fastmath::detail
