// The AVX-512F array functions of core/fast_math_batch.h. This file alone is compiled with -mavx512f
// (CMakeLists.txt), and batch_functions() calls into it only on CPUs that have the instructions.
#include "core/fast_math_avx512.h"
#include "core/fast_math_batch_loops.h"

namespace mrtsim::fastmath::detail {

#if defined(MRTSIM_HAVE_FAST_MATH_AVX512)
namespace {

struct Lanes {
  static constexpr int kLanes = avx512::kLanes;
  using D = avx512::Doubles;
  static D load(const double* p) { return avx512::load(p); }
  static void store(double* p, D x) { avx512::store(p, x); }
  static D uniform_open01(const uint32_t* w) { return avx512::uniform_open01(w); }
};

}  // namespace

const BatchFunctions* avx512_batch_functions() { return BatchLoops<Lanes>::functions(); }
#else
const BatchFunctions* avx512_batch_functions() { return nullptr; }
#endif

}  // namespace mrtsim::fastmath::detail
