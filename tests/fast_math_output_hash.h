// A hash of core/fast_math.h's outputs over a fixed set of inputs covering every function's domain,
// including subnormals, infinities and NaN. Every build must reproduce the same value: g++ with
// -ffp-contract=fast or off, clang, the CUDA device (tests/tools/fast_math_cuda_check.cu), other
// CPUs. tests/test_fast_math.cc holds the value.
#pragma once

#include <cstdint>

#include "core/device_macros.h"
#include "core/fast_math.h"
#include "core/philox.h"

namespace mrtsim::fastmath::testing {

constexpr uint32_t kHashInputs = 1u << 16;

MRTSIM_HD MRTSIM_INLINE uint64_t mix_bits(uint64_t h) {  // splitmix64's finalizer
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebull;
  return h ^ (h >> 31);
}

MRTSIM_HD MRTSIM_INLINE double unit_interval(uint32_t w) { return static_cast<double>(w) * 0x1p-32; }

// The arguments of input i: the functions' inputs and the Philox words of the variates.
struct HashArguments {
  double log_arg;     // any positive double (bit patterns, subnormals included) and uniforms
  double exp_arg;     // [-750, 750], past both overflow and underflow
  double sincos_arg;  // |x| up to 2^50 at every scale
  uint32_t words[4];
};

MRTSIM_HD MRTSIM_INLINE HashArguments hash_arguments(uint32_t i) {
  const uint32_t ctr[4] = {i, 0x5eed, 0, 0};
  const Philox4x32 w = philox4x32_10(ctr, 0x12345678u, 0x9abcdef0u);
  const uint64_t random_bits = (static_cast<uint64_t>(w.v[0]) << 32) | w.v[1];
  HashArguments a;
  a.log_arg = i % 2 ? detail::from_bits(random_bits >> 1) : uniform_open01(w.v[2]);
  a.exp_arg = detail::mul_add(1500.0, unit_interval(w.v[2]), -750.0);  // no contractible a * b + c
  const double scale = detail::from_bits(static_cast<uint64_t>(1022 + w.v[0] % 52) << 52);  // 2^-1 .. 2^50
  a.sincos_arg = (unit_interval(w.v[3]) - 0.5) * scale;
  for (int k = 0; k < 4; ++k) a.words[k] = w.v[k];
  return a;
}

// The hash contribution of input i (the total is the sum over i < kHashInputs, in any order).
MRTSIM_HD MRTSIM_INLINE uint64_t output_hash_term(uint32_t i) {
  const HashArguments a = hash_arguments(i);
  double s, c, z0, z1;
  sincospi(a.sincos_arg, &s, &c);
  normal_pair(a.words[1], a.words[2], &z0, &z1);
  const double outputs[7] = {log(a.log_arg), exp(a.exp_arg), s, c, z0, z1, exponential(a.words[3])};
  uint64_t h = mix_bits(i);
  for (int k = 0; k < 7; ++k) h = mix_bits(h ^ detail::as_bits(outputs[k]));
  return h;
}

}  // namespace mrtsim::fastmath::testing
