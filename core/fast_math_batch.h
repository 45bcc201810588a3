// The functions of core/fast_math.h over arrays, compiled once per instruction set and picked at run
// time by CPU features: the pattern for running vector code in one binary on any x86-64 CPU (ARM64
// builds have the scalar and NEON sets). Every set gives the same bits. Used by the tests, the
// benchmarks and the accuracy program; per-decision-point model code calls the inline lanes directly
// (core/simd_lanes.h).
#pragma once

#include <cstddef>
#include <cstdint>

namespace mrtsim::fastmath {

enum class SimdLevel {
  kScalar,  // core/fast_math.h's scalar functions (with the build's own flags)
  kNeon,    // ARM64 NEON, 2 lanes (core/fast_math_batch_neon.cc; ARM64 builds only)
  kAvx2,    // AVX2 + FMA, 4 lanes (core/fast_math_batch_avx2.cc, compiled with -mavx2 -mfma)
  kAvx512,  // AVX-512F, 8 lanes (core/fast_math_batch_avx512.cc, compiled with -mavx512f)
};

// Every level, narrowest first: what tests and benchmarks iterate over.
constexpr SimdLevel kSimdLevels[] = {SimdLevel::kScalar, SimdLevel::kNeon, SimdLevel::kAvx2, SimdLevel::kAvx512};

// "scalar", "neon", "avx2" or "avx512" (the values of the environment variable MRTSIM_SIMD).
const char* simd_level_name(SimdLevel level);

// out[i] = f(in[i]) for i < n; sincospi and normal_pairs fill two arrays.
struct BatchFunctions {
  void (*log)(const double* x, double* out, size_t n);
  void (*exp)(const double* x, double* out, size_t n);
  void (*sincospi)(const double* x, double* sin_out, double* cos_out, size_t n);
  void (*normal_pairs)(const uint32_t* w0, const uint32_t* w1, double* z0, double* z1, size_t n);
  void (*exponentials)(const uint32_t* w, double* out, size_t n);
};

// The functions of `level`, or nullptr where this build lacks them or this CPU cannot run them.
const BatchFunctions* batch_functions(SimdLevel level);

// The widest level that batch_functions provides here.
SimdLevel best_simd_level();

}  // namespace mrtsim::fastmath
