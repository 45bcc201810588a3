// The AVX-512F array functions of core/fast_math_batch.h. This file alone is compiled with -mavx512f
// (CMakeLists.txt), and batch_functions() calls into it only on CPUs that have the instructions.
#include "core/fast_math_batch_loops.h"

namespace mrtsim::fastmath::detail {

#if defined(MRTSIM_HAVE_AVX512_LANES)
const BatchFunctions* avx512_batch_functions() { return BatchLoops<Avx512Lanes>::functions(); }
#else
const BatchFunctions* avx512_batch_functions() { return nullptr; }
#endif

}  // namespace mrtsim::fastmath::detail
