// Philox4x32-10 for eight counters at once with AVX2, used by StreamKey::consecutive_words on the
// CPU. It computes exactly the integers of philox4x32_10 (tests/test_philox.cc compares them); the
// CUDA backend and builds without AVX2 use the scalar rounds instead.
#pragma once

#if defined(__AVX2__) && !defined(__CUDACC__)
#define MRTSIM_HAVE_PHILOX_AVX2 1

#include <immintrin.h>

#include <cstdint>

namespace mrtsim::detail {

constexpr int kPhiloxAvx2Lanes = 8;

// The high and low 32-bit halves of m * a in each of the eight lanes. _mm256_mul_epu32 multiplies
// only the even lanes, so the odd ones are shifted down, multiplied, and blended back in place.
inline __attribute__((always_inline)) void mul_hi_lo_avx2(__m256i m, __m256i a, __m256i* hi, __m256i* lo) {
  const __m256i even = _mm256_mul_epu32(m, a);
  const __m256i odd = _mm256_mul_epu32(m, _mm256_srli_epi64(a, 32));
  *hi = _mm256_blend_epi32(_mm256_srli_epi64(even, 32), odd, 0xAA);
  *lo = _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xAA);
}

// words[j][i] = word j of philox4x32_10({first + i, ctr1, ctr2, ctr3}, k0, k1) for i < N. The N / 8
// groups go through each round together: their multiplications are independent, which hides the
// multiplier's latency.
template <int N>
inline __attribute__((always_inline)) void philox4x32_10_avx2(uint32_t first, uint32_t ctr1, uint32_t ctr2,
                                                              uint32_t ctr3, uint32_t k0, uint32_t k1,
                                                              uint32_t (*words)[N]) {
  constexpr int kGroups = N / kPhiloxAvx2Lanes;
  const __m256i m0 = _mm256_set1_epi32(static_cast<int>(kPhiloxM0));
  const __m256i m1 = _mm256_set1_epi32(static_cast<int>(kPhiloxM1));
  const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  __m256i c[kGroups][4];
  for (int g = 0; g < kGroups; ++g) {
    c[g][0] = _mm256_add_epi32(_mm256_set1_epi32(static_cast<int>(first + g * kPhiloxAvx2Lanes)), lane);
    c[g][1] = _mm256_set1_epi32(static_cast<int>(ctr1));
    c[g][2] = _mm256_set1_epi32(static_cast<int>(ctr2));
    c[g][3] = _mm256_set1_epi32(static_cast<int>(ctr3));
  }
#pragma GCC unroll 10
  for (int round = 0; round < 10; ++round) {
    const __m256i key0 = _mm256_set1_epi32(static_cast<int>(k0 + round * kPhiloxW0));
    const __m256i key1 = _mm256_set1_epi32(static_cast<int>(k1 + round * kPhiloxW1));
#pragma GCC unroll 4
    for (int g = 0; g < kGroups; ++g) {
      __m256i hi0, lo0, hi1, lo1;
      mul_hi_lo_avx2(m0, c[g][0], &hi0, &lo0);
      mul_hi_lo_avx2(m1, c[g][2], &hi1, &lo1);
      c[g][0] = _mm256_xor_si256(_mm256_xor_si256(hi1, c[g][1]), key0);
      c[g][1] = lo1;
      c[g][2] = _mm256_xor_si256(_mm256_xor_si256(hi0, c[g][3]), key1);
      c[g][3] = lo0;
    }
  }
  for (int g = 0; g < kGroups; ++g)
    for (int j = 0; j < 4; ++j)
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(&words[j][g * kPhiloxAvx2Lanes]), c[g][j]);
}

}  // namespace mrtsim::detail

#endif
