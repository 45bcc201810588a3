// ARM64 Advanced SIMD (NEON) lanes for the kernels of core/fast_math.h: two doubles per register,
// bit-identical to the scalar functions; the ARM twin of core/fast_math_avx2.h. NEON is part of every
// ARMv8-A CPU, so ARM64 builds always have it and need no run-time check; elsewhere this header
// defines nothing.
#pragma once

#if defined(__aarch64__) && defined(__ARM_NEON) && !defined(__CUDACC__)
#define MRTSIM_HAVE_FAST_MATH_NEON 1

#include <arm_neon.h>

#include <cstdint>

#include "core/fast_math.h"

namespace mrtsim::fastmath::neon {

constexpr int kLanes = 2;

// Each operation is the single NEON instruction with the scalar operation's IEEE semantics (ARM64
// keeps the default rounding and, unlike ARMv7's NEON, handles subnormals in vector operations).
struct Doubles {
  float64x2_t v;
  Doubles() = default;
  MRTSIM_INLINE explicit Doubles(float64x2_t x) : v(x) {}
  MRTSIM_INLINE explicit Doubles(double c) : v(vdupq_n_f64(c)) {}
};

struct Bits {
  uint64x2_t v;
  MRTSIM_INLINE explicit Bits(uint64x2_t x) : v(x) {}
  MRTSIM_INLINE explicit Bits(uint64_t c) : v(vdupq_n_u64(c)) {}
};

struct Mask {
  uint64x2_t v;  // all ones in the lanes where the comparison holds
};

MRTSIM_INLINE Doubles operator+(Doubles a, Doubles b) { return Doubles(vaddq_f64(a.v, b.v)); }
MRTSIM_INLINE Doubles operator-(Doubles a, Doubles b) { return Doubles(vsubq_f64(a.v, b.v)); }
MRTSIM_INLINE Doubles operator*(Doubles a, Doubles b) { return Doubles(vmulq_f64(a.v, b.v)); }
MRTSIM_INLINE Doubles operator/(Doubles a, Doubles b) { return Doubles(vdivq_f64(a.v, b.v)); }
MRTSIM_INLINE Doubles operator-(Doubles a) { return Doubles(vnegq_f64(a.v)); }
// vfmaq_f64(c, a, b) = c + a b with one rounding.
MRTSIM_INLINE Doubles mul_add(Doubles a, Doubles b, Doubles c) { return Doubles(vfmaq_f64(c.v, a.v, b.v)); }
MRTSIM_INLINE Doubles sqrt(Doubles a) { return Doubles(vsqrtq_f64(a.v)); }

// Ordered comparisons: false in a lane where either operand is NaN, as the scalar ones.
MRTSIM_INLINE Mask operator<(Doubles a, Doubles b) { return Mask{vcltq_f64(a.v, b.v)}; }
MRTSIM_INLINE Mask operator>(Doubles a, Doubles b) { return Mask{vcgtq_f64(a.v, b.v)}; }
MRTSIM_INLINE Mask operator>=(Doubles a, Doubles b) { return Mask{vcgeq_f64(a.v, b.v)}; }
MRTSIM_INLINE Mask operator==(Doubles a, Doubles b) { return Mask{vceqq_f64(a.v, b.v)}; }
MRTSIM_INLINE Doubles select(Mask m, Doubles if_true, Doubles if_false) {
  return Doubles(vbslq_f64(m.v, if_true.v, if_false.v));
}

MRTSIM_INLINE Bits as_bits(Doubles a) { return Bits(vreinterpretq_u64_f64(a.v)); }
MRTSIM_INLINE Doubles from_bits(Bits a) { return Doubles(vreinterpretq_f64_u64(a.v)); }
MRTSIM_INLINE Bits operator+(Bits a, Bits b) { return Bits(vaddq_u64(a.v, b.v)); }
MRTSIM_INLINE Bits operator-(Bits a, Bits b) { return Bits(vsubq_u64(a.v, b.v)); }
MRTSIM_INLINE Bits operator&(Bits a, Bits b) { return Bits(vandq_u64(a.v, b.v)); }
MRTSIM_INLINE Bits operator|(Bits a, Bits b) { return Bits(vorrq_u64(a.v, b.v)); }
MRTSIM_INLINE Bits operator^(Bits a, Bits b) { return Bits(veorq_u64(a.v, b.v)); }
// vshlq_u64 shifts by a signed per-lane count (negative: logical right shift), which unlike
// vshlq_n_u64 need not be a constant expression here; inlined with a constant n it is one instruction.
MRTSIM_INLINE Bits operator<<(Bits a, int n) { return Bits(vshlq_u64(a.v, vdupq_n_s64(n))); }
MRTSIM_INLINE Bits operator>>(Bits a, int n) { return Bits(vshlq_u64(a.v, vdupq_n_s64(-n))); }

MRTSIM_INLINE Doubles load(const double* p) { return Doubles(vld1q_f64(p)); }
MRTSIM_INLINE void store(double* p, Doubles a) { vst1q_f64(p, a.v); }

// mrtsim::uniform_open01 of two words: (w + 1/2) 2^-32, exactly (w widened to 64 bits converts exactly).
MRTSIM_INLINE Doubles uniform_open01(const uint32_t* words) {
  const float64x2_t w = vcvtq_f64_u64(vmovl_u32(vld1_u32(words)));
  return Doubles(vmulq_f64(vaddq_f64(w, vdupq_n_f64(0.5)), vdupq_n_f64(2.3283064365386962890625e-10)));
}

}  // namespace mrtsim::fastmath::neon

#endif
