// The AVX2 + FMA array functions of core/fast_math_batch.h. This file alone is compiled with -mavx2 -mfma
// (CMakeLists.txt), and batch_functions() calls into it only on CPUs that have the instructions.
#include "core/fast_math_avx2.h"
#include "core/fast_math_batch_loops.h"

namespace mrtsim::fastmath::detail {

#if defined(MRTSIM_HAVE_FAST_MATH_AVX2)
namespace {

struct Lanes {
  static constexpr int kLanes = avx2::kLanes;
  using D = avx2::Doubles;
  static D load(const double* p) { return avx2::load(p); }
  static void store(double* p, D x) { avx2::store(p, x); }
  static D uniform_open01(const uint32_t* w) { return avx2::uniform_open01(w); }
};

}  // namespace

const BatchFunctions* avx2_batch_functions() { return BatchLoops<Lanes>::functions(); }
#else
const BatchFunctions* avx2_batch_functions() { return nullptr; }
#endif

}  // namespace mrtsim::fastmath::detail
