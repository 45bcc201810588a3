// Philox4x32-10 for sixteen counters at once with AVX-512F (core/simd_lanes.h's Avx512Lanes): the
// twin of core/philox_avx2.h, exactly the integers of philox4x32_10.
#pragma once

#if defined(__AVX512F__) && !defined(__CUDACC__)
#define MRTSIM_HAVE_PHILOX_AVX512 1

#include <immintrin.h>

#include <cstdint>

namespace mrtsim::detail {

// The high and low 32-bit halves of m * a in each of the sixteen lanes (even lanes multiplied in
// place, odd lanes shifted down and back, as in mul_hi_lo_avx2).
inline __attribute__((always_inline)) void mul_hi_lo_avx512(__m512i m, __m512i a, __m512i* hi, __m512i* lo) {
  const __m512i even = _mm512_mul_epu32(m, a);
  const __m512i odd = _mm512_mul_epu32(m, _mm512_srli_epi64(a, 32));
  constexpr __mmask16 kOddLanes = 0xAAAA;
  *hi = _mm512_mask_blend_epi32(kOddLanes, _mm512_srli_epi64(even, 32), odd);
  *lo = _mm512_mask_blend_epi32(kOddLanes, even, _mm512_slli_epi64(odd, 32));
}

// The ten rounds on sixteen counters: c[j] holds counter word j of sixteen blocks and becomes their
// random word j.
inline __attribute__((always_inline)) void philox4x32_10_avx512(__m512i* c, uint32_t k0, uint32_t k1) {
  const __m512i m0 = _mm512_set1_epi32(static_cast<int>(kPhiloxM0));
  const __m512i m1 = _mm512_set1_epi32(static_cast<int>(kPhiloxM1));
#pragma GCC unroll 10
  for (int round = 0; round < 10; ++round) {
    const __m512i key0 = _mm512_set1_epi32(static_cast<int>(k0 + round * kPhiloxW0));
    const __m512i key1 = _mm512_set1_epi32(static_cast<int>(k1 + round * kPhiloxW1));
    __m512i hi0, lo0, hi1, lo1;
    mul_hi_lo_avx512(m0, c[0], &hi0, &lo0);
    mul_hi_lo_avx512(m1, c[2], &hi1, &lo1);
    c[0] = _mm512_xor_si512(_mm512_xor_si512(hi1, c[1]), key0);
    c[1] = lo1;
    c[2] = _mm512_xor_si512(_mm512_xor_si512(hi0, c[3]), key1);
    c[3] = lo0;
  }
}

}  // namespace mrtsim::detail

#endif
