// Lane policies: per-subject model and accumulation code (sims/, kernels/) is written once as a
// template over a policy L and runs on L::kLanes consecutive subjects at once, one subject per
// lane. ScalarLanes (one subject, plain doubles) is what a CUDA thread and the portable CPU path
// run; Avx2Lanes (4 subjects) and Avx512Lanes (8 subjects) exist in translation units compiled for
// those instruction sets (kernels/cpu_kernels_avx2.cc, cpu_kernels_avx512.cc; chosen at run time by
// CPU features), NeonLanes (2 subjects) in every ARM64 build (kernels/cpu_kernels_neon.cc). Every lane
// computes exactly what ScalarLanes computes for its subject: the arithmetic is core/fast_math.h's
// lane types (one correctly rounded IEEE operation per step, products that feed a sum written as
// mul_add), and the Philox words are the scalar generator's integers.
//
// A policy provides
//   V                        the lane type of doubles (core/fast_math.h's lane types), masks from
//                            its comparisons
//   kLanes                   subjects per call
//   words(key, draw, block, out)   out[j][k * kLanes + l] = word j of block `block` at draw index
//                            draw + k (k = 0, 1) of subject key.subject + l's stream
//   uniform(w)               uniform_open01 of the kLanes words w[0..kLanes-1]
//   load(p), store(p, v)     the kLanes values p[0..kLanes-1]
// and the variates of core/fast_math.h on lanes: normal_pair, exponential, exp.
#pragma once

#include <cstdint>

#include "core/device_macros.h"
#include "core/fast_math.h"
#include "core/fast_math_avx2.h"
#include "core/fast_math_avx512.h"
#include "core/fast_math_neon.h"
#include "core/philox.h"

namespace mrtsim {

// The operations of core/fast_math.h's lane types by their plain names, for code written over lanes:
// for V = double these are the scalar overloads; SIMD lane types find theirs by argument-dependent
// lookup.
namespace lanes {
using fastmath::detail::mul_add;
using fastmath::detail::select;

// v clipped to [lo, hi] in every lane.
template <class V>
MRTSIM_HD MRTSIM_INLINE V clip(V v, double lo, double hi) {
  return select(v < V(lo), V(lo), select(v > V(hi), V(hi), v));
}
}  // namespace lanes

// The lane policy of lane type V's variates (shared by every policy below).
template <class V>
struct LaneVariates {
  MRTSIM_HD MRTSIM_INLINE static void normal_pair(V u0, V u1, V* z0, V* z1) {
    fastmath::detail::normal_pair_of_uniforms(u0, u1, z0, z1);
  }
  MRTSIM_HD MRTSIM_INLINE static V exponential(V u) { return fastmath::detail::exponential_of_uniform(u); }
  MRTSIM_HD MRTSIM_INLINE static V exp(V x) { return fastmath::detail::exp_any(x); }
};

struct ScalarLanes : LaneVariates<double> {
  using V = double;
  static constexpr int kLanes = 1;

  MRTSIM_HD MRTSIM_INLINE static void words(const StreamKey& key, uint32_t draw, uint32_t block, uint32_t (*out)[2]) {
    for (uint32_t k = 0; k < 2; ++k) {
      const Philox4x32 w = key.words(draw + k, block);
      for (int j = 0; j < 4; ++j) out[j][k] = w.v[j];
    }
  }
  MRTSIM_HD MRTSIM_INLINE static V uniform(const uint32_t* w) { return uniform_open01(*w); }
  MRTSIM_HD MRTSIM_INLINE static V load(const double* p) { return *p; }
  MRTSIM_HD MRTSIM_INLINE static void store(double* p, V v) { *p = v; }
};

#if defined(MRTSIM_HAVE_FAST_MATH_AVX2) && defined(MRTSIM_HAVE_PHILOX_AVX2)
#define MRTSIM_HAVE_AVX2_LANES 1
struct Avx2Lanes : LaneVariates<fastmath::avx2::Doubles> {
  using V = fastmath::avx2::Doubles;
  static constexpr int kLanes = fastmath::avx2::kLanes;

  // One group of eight Philox counters: lanes 0-3 are the four subjects at `draw`, lanes 4-7 at draw + 1.
  MRTSIM_INLINE static void words(const StreamKey& key, uint32_t draw, uint32_t block, uint32_t (*out)[8]) {
    __m256i c[1][4] = {{_mm256_add_epi32(_mm256_set1_epi32(static_cast<int>(draw)), _mm256_setr_epi32(0, 0, 0, 0, 1, 1, 1, 1)),
                        _mm256_add_epi32(_mm256_set1_epi32(static_cast<int>(key.subject)), _mm256_setr_epi32(0, 1, 2, 3, 0, 1, 2, 3)),
                        _mm256_set1_epi32(static_cast<int>(key.replicate)),
                        _mm256_set1_epi32(static_cast<int>(key.counter3(block)))}};
    detail::philox4x32_10_avx2<1>(c, static_cast<uint32_t>(key.seed), static_cast<uint32_t>(key.seed >> 32));
    for (int j = 0; j < 4; ++j) _mm256_storeu_si256(reinterpret_cast<__m256i*>(out[j]), c[0][j]);
  }
  MRTSIM_INLINE static V uniform(const uint32_t* w) { return fastmath::avx2::uniform_open01(w); }
  MRTSIM_INLINE static V load(const double* p) { return fastmath::avx2::load(p); }
  MRTSIM_INLINE static void store(double* p, V v) { fastmath::avx2::store(p, v); }
};
#endif

#if defined(MRTSIM_HAVE_FAST_MATH_AVX512) && defined(MRTSIM_HAVE_PHILOX_AVX512)
#define MRTSIM_HAVE_AVX512_LANES 1
struct Avx512Lanes : LaneVariates<fastmath::avx512::Doubles> {
  using V = fastmath::avx512::Doubles;
  static constexpr int kLanes = fastmath::avx512::kLanes;

  // Sixteen Philox counters: lanes 0-7 are the eight subjects at `draw`, lanes 8-15 at draw + 1.
  MRTSIM_INLINE static void words(const StreamKey& key, uint32_t draw, uint32_t block, uint32_t (*out)[16]) {
    __m512i c[4] = {
        _mm512_add_epi32(_mm512_set1_epi32(static_cast<int>(draw)),
                         _mm512_setr_epi32(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1)),
        _mm512_add_epi32(_mm512_set1_epi32(static_cast<int>(key.subject)),
                         _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7)),
        _mm512_set1_epi32(static_cast<int>(key.replicate)), _mm512_set1_epi32(static_cast<int>(key.counter3(block)))};
    detail::philox4x32_10_avx512(c, static_cast<uint32_t>(key.seed), static_cast<uint32_t>(key.seed >> 32));
    for (int j = 0; j < 4; ++j) _mm512_storeu_si512(out[j], c[j]);
  }
  MRTSIM_INLINE static V uniform(const uint32_t* w) { return fastmath::avx512::uniform_open01(w); }
  MRTSIM_INLINE static V load(const double* p) { return fastmath::avx512::load(p); }
  MRTSIM_INLINE static void store(double* p, V v) { fastmath::avx512::store(p, v); }
};
#endif

#if defined(MRTSIM_HAVE_FAST_MATH_NEON) && defined(MRTSIM_HAVE_PHILOX_NEON)
#define MRTSIM_HAVE_NEON_LANES 1
struct NeonLanes : LaneVariates<fastmath::neon::Doubles> {
  using V = fastmath::neon::Doubles;
  static constexpr int kLanes = fastmath::neon::kLanes;

  // Four Philox counters: lanes 0-1 are the two subjects at `draw`, lanes 2-3 at draw + 1.
  MRTSIM_INLINE static void words(const StreamKey& key, uint32_t draw, uint32_t block, uint32_t (*out)[4]) {
    const uint32_t draws[4] = {draw, draw, draw + 1, draw + 1};
    const uint32_t subjects[4] = {key.subject, key.subject + 1, key.subject, key.subject + 1};
    uint32x4_t c[4] = {vld1q_u32(draws), vld1q_u32(subjects), vdupq_n_u32(key.replicate),
                       vdupq_n_u32(key.counter3(block))};
    detail::philox4x32_10_neon(c, static_cast<uint32_t>(key.seed), static_cast<uint32_t>(key.seed >> 32));
    for (int j = 0; j < 4; ++j) vst1q_u32(out[j], c[j]);
  }
  MRTSIM_INLINE static V uniform(const uint32_t* w) { return fastmath::neon::uniform_open01(w); }
  MRTSIM_INLINE static V load(const double* p) { return fastmath::neon::load(p); }
  MRTSIM_INLINE static void store(double* p, V v) { fastmath::neon::store(p, v); }
};
#endif

}  // namespace mrtsim
