#include "core/fast_math_batch.h"

#include <initializer_list>

#include "core/fast_math_batch_loops.h"

namespace mrtsim::fastmath {
namespace {

struct ScalarLanes {
  static constexpr int kLanes = 1;
  using D = double;
  static D load(const double* p) { return *p; }
  static void store(double* p, D x) { *p = x; }
  static D uniform_open01(const uint32_t* w) { return mrtsim::uniform_open01(*w); }
};

bool cpu_runs(SimdLevel level) {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  switch (level) {
    case SimdLevel::kScalar:
      return true;
    case SimdLevel::kAvx2:
      return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case SimdLevel::kAvx512:
      return __builtin_cpu_supports("avx512f");
  }
  return false;
#else
  return level == SimdLevel::kScalar;
#endif
}

}  // namespace

const char* simd_level_name(SimdLevel level) {
  switch (level) {
    case SimdLevel::kScalar:
      return "scalar";
    case SimdLevel::kAvx2:
      return "avx2";
    case SimdLevel::kAvx512:
      return "avx512";
  }
  return "unknown";
}

const BatchFunctions* batch_functions(SimdLevel level) {
  if (!cpu_runs(level)) return nullptr;
  switch (level) {
    case SimdLevel::kScalar:
      return detail::BatchLoops<ScalarLanes>::functions();
    case SimdLevel::kAvx2:
      return detail::avx2_batch_functions();
    case SimdLevel::kAvx512:
      return detail::avx512_batch_functions();
  }
  return nullptr;
}

SimdLevel best_simd_level() {
  for (const SimdLevel level : {SimdLevel::kAvx512, SimdLevel::kAvx2})
    if (batch_functions(level) != nullptr) return level;
  return SimdLevel::kScalar;
}

}  // namespace mrtsim::fastmath
