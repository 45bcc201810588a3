// The ARM64 NEON array functions of core/fast_math_batch.h (every ARM64 CPU has NEON; other builds
// define an empty table).
#include "core/fast_math_batch_loops.h"

namespace mrtsim::fastmath::detail {

#if defined(MRTSIM_HAVE_NEON_LANES)
const BatchFunctions* neon_batch_functions() { return BatchLoops<NeonLanes>::functions(); }
#else
const BatchFunctions* neon_batch_functions() { return nullptr; }
#endif

}  // namespace mrtsim::fastmath::detail
