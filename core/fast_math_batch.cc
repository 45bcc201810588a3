#include "core/fast_math_batch.h"

#include "core/fast_math_batch_loops.h"

namespace mrtsim::fastmath {
namespace {

bool cpu_runs(SimdLevel level) {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  switch (level) {
    case SimdLevel::kScalar:
      return true;
    case SimdLevel::kNeon:
      return false;
    case SimdLevel::kAvx2:
      return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case SimdLevel::kAvx512:
      return __builtin_cpu_supports("avx512f");
  }
  return false;
#elif defined(__aarch64__)
  // NEON is part of every ARMv8-A CPU.
  return level == SimdLevel::kScalar || level == SimdLevel::kNeon;
#else
  return level == SimdLevel::kScalar;
#endif
}

}  // namespace

const char* simd_level_name(SimdLevel level) {
  switch (level) {
    case SimdLevel::kScalar:
      return "scalar";
    case SimdLevel::kNeon:
      return "neon";
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
    case SimdLevel::kNeon:
      return detail::neon_batch_functions();
    case SimdLevel::kAvx2:
      return detail::avx2_batch_functions();
    case SimdLevel::kAvx512:
      return detail::avx512_batch_functions();
  }
  return nullptr;
}

SimdLevel best_simd_level() {
  SimdLevel best = SimdLevel::kScalar;
  for (const SimdLevel level : kSimdLevels)
    if (batch_functions(level) != nullptr) best = level;
  return best;
}

}  // namespace mrtsim::fastmath
