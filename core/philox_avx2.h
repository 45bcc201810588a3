// Philox4x32-10 for eight counters at once with AVX2 (core/simd_lanes.h's Avx2Lanes). It computes
// exactly the integers of philox4x32_10 (tests/test_philox.cc compares them); CUDA threads and the
// portable CPU path use the scalar rounds instead.
#pragma once

#if defined(__AVX2__) && !defined(__CUDACC__)
#define MRTSIM_HAVE_PHILOX_AVX2 1

#include <immintrin.h>

#include <cstdint>

namespace mrtsim::detail {

// The high and low 32-bit halves of m * a in each of the eight lanes. _mm256_mul_epu32 multiplies
// only the even lanes, so the odd ones are shifted down, multiplied, and blended back in place.
inline __attribute__((always_inline)) void mul_hi_lo_avx2(__m256i m, __m256i a, __m256i* hi, __m256i* lo) {
  const __m256i even = _mm256_mul_epu32(m, a);
  const __m256i odd = _mm256_mul_epu32(m, _mm256_srli_epi64(a, 32));
  *hi = _mm256_blend_epi32(_mm256_srli_epi64(even, 32), odd, 0xAA);
  *lo = _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xAA);
}

// The ten rounds on G groups of eight counters: c[g][j] holds counter word j of eight blocks and
// becomes their random word j. The groups go through each round together: their multiplications
// are independent, which hides the multiplier's latency.
template <int G>
inline __attribute__((always_inline)) void philox4x32_10_avx2(__m256i (*c)[4], uint32_t k0, uint32_t k1) {
  const __m256i m0 = _mm256_set1_epi32(static_cast<int>(kPhiloxM0));
  const __m256i m1 = _mm256_set1_epi32(static_cast<int>(kPhiloxM1));
#pragma GCC unroll 10
  for (int round = 0; round < 10; ++round) {
    const __m256i key0 = _mm256_set1_epi32(static_cast<int>(k0 + round * kPhiloxW0));
    const __m256i key1 = _mm256_set1_epi32(static_cast<int>(k1 + round * kPhiloxW1));
#pragma GCC unroll 4
    for (int g = 0; g < G; ++g) {
      __m256i hi0, lo0, hi1, lo1;
      mul_hi_lo_avx2(m0, c[g][0], &hi0, &lo0);
      mul_hi_lo_avx2(m1, c[g][2], &hi1, &lo1);
      c[g][0] = _mm256_xor_si256(_mm256_xor_si256(hi1, c[g][1]), key0);
      c[g][1] = lo1;
      c[g][2] = _mm256_xor_si256(_mm256_xor_si256(hi0, c[g][3]), key1);
      c[g][3] = lo0;
    }
  }
}

}  // namespace mrtsim::detail

#endif
