// The array loops of core/fast_math_batch.h, instantiated once per instruction set by the files
// core/fast_math_batch*.cc (each compiled for its set). Only those files include this header.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/fast_math.h"
#include "core/fast_math_batch.h"
#include "core/simd_lanes.h"

namespace mrtsim::fastmath::detail {

// Calls block(first) for each full block of kLanes elements of [0, n), then tail(first, count) for a
// last partial block.
template <int kLanes, class Block, class Tail>
MRTSIM_INLINE void for_each_block(size_t n, Block block, Tail tail) {
  size_t first = 0;
  for (; first + kLanes <= n; first += kLanes) block(first);
  if (first < n) tail(first, n - first);
}

// Lanes: a lane policy of core/simd_lanes.h.
template <class Lanes>
struct BatchLoops {
  using D = typename Lanes::V;
  static constexpr int L = Lanes::kLanes;

  // Runs kernel(const In* in0, const In* in1, double* out0, double* out1) on blocks of L elements
  // (in1 / out1 may be null when unused), the last partial block on zero-padded copies.
  template <class In, class Kernel>
  static void blocks(const In* in0, const In* in1, double* out0, double* out1, size_t n, Kernel kernel) {
    for_each_block<L>(
        n, [&](size_t i) { kernel(in0 + i, in1 ? in1 + i : nullptr, out0 + i, out1 ? out1 + i : nullptr); },
        [&](size_t i, size_t count) {
          In a[L] = {}, b[L] = {};
          double c[L] = {}, d[L] = {};
          for (size_t j = 0; j < count; ++j) {
            a[j] = in0[i + j];
            if (in1) b[j] = in1[i + j];
          }
          kernel(a, b, c, d);
          for (size_t j = 0; j < count; ++j) {
            out0[i + j] = c[j];
            if (out1) out1[i + j] = d[j];
          }
        });
  }

  static void log(const double* x, double* out, size_t n) {
    blocks(x, static_cast<const double*>(nullptr), out, nullptr, n,
           [](const double* in, const double*, double* o, double*) { Lanes::store(o, log_any(Lanes::load(in))); });
  }

  static void exp(const double* x, double* out, size_t n) {
    blocks(x, static_cast<const double*>(nullptr), out, nullptr, n,
           [](const double* in, const double*, double* o, double*) { Lanes::store(o, exp_any(Lanes::load(in))); });
  }

  static void sincospi(const double* x, double* sin_out, double* cos_out, size_t n) {
    blocks(x, static_cast<const double*>(nullptr), sin_out, cos_out, n,
           [](const double* in, const double*, double* s_out, double* c_out) {
             D s, c;
             sincospi_finite(Lanes::load(in), &s, &c);
             Lanes::store(s_out, s);
             Lanes::store(c_out, c);
           });
  }

  static void normal_pairs(const uint32_t* w0, const uint32_t* w1, double* z0, double* z1, size_t n) {
    blocks(w0, w1, z0, z1, n, [](const uint32_t* a, const uint32_t* b, double* z0_out, double* z1_out) {
      D first, second;
      normal_pair_of_uniforms(Lanes::uniform(a), Lanes::uniform(b), &first, &second);
      Lanes::store(z0_out, first);
      Lanes::store(z1_out, second);
    });
  }

  static void exponentials(const uint32_t* w, double* out, size_t n) {
    blocks(w, static_cast<const uint32_t*>(nullptr), out, nullptr, n,
           [](const uint32_t* a, const uint32_t*, double* o, double*) {
             Lanes::store(o, exponential_of_uniform(Lanes::uniform(a)));
           });
  }

  static const BatchFunctions* functions() {
    static const BatchFunctions table{&log, &exp, &sincospi, &normal_pairs, &exponentials};
    return &table;
  }
};

// Defined by core/fast_math_batch_neon.cc, _avx2.cc and _avx512.cc: their tables, or nullptr where the
// build does not compile that instruction set.
const BatchFunctions* neon_batch_functions();
const BatchFunctions* avx2_batch_functions();
const BatchFunctions* avx512_batch_functions();

}  // namespace mrtsim::fastmath::detail
