// Philox4x32-10 for four counters at once with ARM64 NEON (core/simd_lanes.h's NeonLanes): the twin
// of core/philox_avx2.h, exactly the integers of philox4x32_10.
#pragma once

#if defined(__aarch64__) && defined(__ARM_NEON) && !defined(__CUDACC__)
#define MRTSIM_HAVE_PHILOX_NEON 1

#include <arm_neon.h>

#include <cstdint>

namespace mrtsim::detail {

// The high and low 32-bit halves of m * a in each of the four lanes: the widening multiplies give the
// 64-bit products of lanes 0-1 and 2-3, and unzipping their 32-bit halves puts the low words in one
// register and the high words in the other, in lane order.
inline __attribute__((always_inline)) void mul_hi_lo_neon(uint32x4_t m, uint32x4_t a, uint32x4_t* hi, uint32x4_t* lo) {
  const uint32x4_t first = vreinterpretq_u32_u64(vmull_u32(vget_low_u32(m), vget_low_u32(a)));
  const uint32x4_t second = vreinterpretq_u32_u64(vmull_high_u32(m, a));
  *lo = vuzp1q_u32(first, second);
  *hi = vuzp2q_u32(first, second);
}

// The ten rounds on four counters: c[j] holds counter word j of four blocks and becomes their random
// word j.
inline __attribute__((always_inline)) void philox4x32_10_neon(uint32x4_t* c, uint32_t k0, uint32_t k1) {
  const uint32x4_t m0 = vdupq_n_u32(kPhiloxM0);
  const uint32x4_t m1 = vdupq_n_u32(kPhiloxM1);
#pragma GCC unroll 10
  for (int round = 0; round < 10; ++round) {
    const uint32x4_t key0 = vdupq_n_u32(k0 + round * kPhiloxW0);
    const uint32x4_t key1 = vdupq_n_u32(k1 + round * kPhiloxW1);
    uint32x4_t hi0, lo0, hi1, lo1;
    mul_hi_lo_neon(m0, c[0], &hi0, &lo0);
    mul_hi_lo_neon(m1, c[2], &hi1, &lo1);
    c[0] = veorq_u32(veorq_u32(hi1, c[1]), key0);
    c[1] = lo1;
    c[2] = veorq_u32(veorq_u32(hi0, c[3]), key1);
    c[3] = lo0;
  }
}

}  // namespace mrtsim::detail

#endif
