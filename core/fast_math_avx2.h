// AVX2 + FMA lanes for the kernels of core/fast_math.h: four doubles per register, bit-identical to the
// scalar functions. Usable in any host translation unit compiled with AVX2 and FMA enabled (the default
// x86-64-v3 build, or a file compiled with -mavx2 -mfma for run-time dispatch: core/fast_math_batch.h);
// elsewhere this header defines nothing. core/fast_math_avx512.h is its eight-lane twin.
#pragma once

#if defined(__AVX2__) && defined(__FMA__) && !defined(__CUDACC__)
#define MRTSIM_HAVE_FAST_MATH_AVX2 1

#include <immintrin.h>

#include <cstdint>

#include "core/fast_math.h"

namespace mrtsim::fastmath::avx2 {

constexpr int kLanes = 4;

// Each operation is the single AVX2 instruction with the scalar operation's IEEE semantics.
struct Doubles {
  __m256d v;
  Doubles() = default;
  MRTSIM_INLINE explicit Doubles(__m256d x) : v(x) {}
  MRTSIM_INLINE explicit Doubles(double c) : v(_mm256_set1_pd(c)) {}
};

struct Bits {
  __m256i v;
  MRTSIM_INLINE explicit Bits(__m256i x) : v(x) {}
  MRTSIM_INLINE explicit Bits(uint64_t c) : v(_mm256_set1_epi64x(static_cast<long long>(c))) {}
};

struct Mask {
  __m256d v;  // all ones in the lanes where the comparison holds
};

MRTSIM_INLINE Doubles operator+(Doubles a, Doubles b) { return Doubles(_mm256_add_pd(a.v, b.v)); }
MRTSIM_INLINE Doubles operator-(Doubles a, Doubles b) { return Doubles(_mm256_sub_pd(a.v, b.v)); }
MRTSIM_INLINE Doubles operator*(Doubles a, Doubles b) { return Doubles(_mm256_mul_pd(a.v, b.v)); }
MRTSIM_INLINE Doubles operator/(Doubles a, Doubles b) { return Doubles(_mm256_div_pd(a.v, b.v)); }
MRTSIM_INLINE Doubles operator-(Doubles a) { return Doubles(_mm256_xor_pd(a.v, _mm256_set1_pd(-0.0))); }
MRTSIM_INLINE Doubles mul_add(Doubles a, Doubles b, Doubles c) { return Doubles(_mm256_fmadd_pd(a.v, b.v, c.v)); }
MRTSIM_INLINE Doubles sqrt(Doubles a) { return Doubles(_mm256_sqrt_pd(a.v)); }

MRTSIM_INLINE Mask operator<(Doubles a, Doubles b) { return Mask{_mm256_cmp_pd(a.v, b.v, _CMP_LT_OQ)}; }
MRTSIM_INLINE Mask operator>(Doubles a, Doubles b) { return Mask{_mm256_cmp_pd(a.v, b.v, _CMP_GT_OQ)}; }
MRTSIM_INLINE Mask operator>=(Doubles a, Doubles b) { return Mask{_mm256_cmp_pd(a.v, b.v, _CMP_GE_OQ)}; }
MRTSIM_INLINE Mask operator==(Doubles a, Doubles b) { return Mask{_mm256_cmp_pd(a.v, b.v, _CMP_EQ_OQ)}; }
MRTSIM_INLINE Doubles select(Mask m, Doubles if_true, Doubles if_false) {
  return Doubles(_mm256_blendv_pd(if_false.v, if_true.v, m.v));
}

MRTSIM_INLINE Bits as_bits(Doubles a) { return Bits(_mm256_castpd_si256(a.v)); }
MRTSIM_INLINE Doubles from_bits(Bits a) { return Doubles(_mm256_castsi256_pd(a.v)); }
MRTSIM_INLINE Bits operator+(Bits a, Bits b) { return Bits(_mm256_add_epi64(a.v, b.v)); }
MRTSIM_INLINE Bits operator-(Bits a, Bits b) { return Bits(_mm256_sub_epi64(a.v, b.v)); }
MRTSIM_INLINE Bits operator&(Bits a, Bits b) { return Bits(_mm256_and_si256(a.v, b.v)); }
MRTSIM_INLINE Bits operator|(Bits a, Bits b) { return Bits(_mm256_or_si256(a.v, b.v)); }
MRTSIM_INLINE Bits operator^(Bits a, Bits b) { return Bits(_mm256_xor_si256(a.v, b.v)); }
MRTSIM_INLINE Bits operator<<(Bits a, int n) { return Bits(_mm256_slli_epi64(a.v, n)); }
MRTSIM_INLINE Bits operator>>(Bits a, int n) { return Bits(_mm256_srli_epi64(a.v, n)); }

MRTSIM_INLINE Doubles load(const double* p) { return Doubles(_mm256_loadu_pd(p)); }
MRTSIM_INLINE void store(double* p, Doubles a) { _mm256_storeu_pd(p, a.v); }

// mrtsim::uniform_open01 of four words: (w + 1/2) 2^-32, exactly. AVX2 converts only signed 32-bit
// integers, so w - 2^31 is converted and 2^31 + 1/2 added back (both steps exact).
MRTSIM_INLINE Doubles uniform_open01(const uint32_t* words) {
  const __m128i w = _mm_loadu_si128(reinterpret_cast<const __m128i*>(words));
  const __m256d centred = _mm256_cvtepi32_pd(_mm_xor_si128(w, _mm_set1_epi32(INT32_MIN)));
  return Doubles(_mm256_mul_pd(_mm256_add_pd(centred, _mm256_set1_pd(2147483648.5)),
                               _mm256_set1_pd(2.3283064365386962890625e-10)));
}

}  // namespace mrtsim::fastmath::avx2

#endif
