// AVX-512F lanes for the kernels of core/fast_math.h: eight doubles per register, bit-identical to the
// scalar functions; the twin of core/fast_math_avx2.h. Usable in host translation units compiled with
// AVX-512F enabled (a file compiled with -mavx512f for run-time dispatch: core/fast_math_batch.h);
// elsewhere this header defines nothing.
#pragma once

#if defined(__AVX512F__) && !defined(__CUDACC__)
#define MRTSIM_HAVE_FAST_MATH_AVX512 1

#include <immintrin.h>

#include <cstdint>

#include "core/fast_math.h"

namespace mrtsim::fastmath::avx512 {

constexpr int kLanes = 8;

// Each operation is the single AVX2 instruction with the scalar operation's IEEE semantics.
struct Doubles {
  __m512d v;
  Doubles() = default;
  MRTSIM_INLINE explicit Doubles(__m512d x) : v(x) {}
  MRTSIM_INLINE explicit Doubles(double c) : v(_mm512_set1_pd(c)) {}
};

struct Bits {
  __m512i v;
  MRTSIM_INLINE explicit Bits(__m512i x) : v(x) {}
  MRTSIM_INLINE explicit Bits(uint64_t c) : v(_mm512_set1_epi64(static_cast<long long>(c))) {}
};

struct Mask {
  __mmask8 v;  // bit i: the comparison holds in lane i
};

MRTSIM_INLINE Doubles operator+(Doubles a, Doubles b) { return Doubles(_mm512_add_pd(a.v, b.v)); }
MRTSIM_INLINE Doubles operator-(Doubles a, Doubles b) { return Doubles(_mm512_sub_pd(a.v, b.v)); }
MRTSIM_INLINE Doubles operator*(Doubles a, Doubles b) { return Doubles(_mm512_mul_pd(a.v, b.v)); }
MRTSIM_INLINE Doubles operator/(Doubles a, Doubles b) { return Doubles(_mm512_div_pd(a.v, b.v)); }
MRTSIM_INLINE Doubles operator-(Doubles a) {
  return Doubles(_mm512_castsi512_pd(_mm512_xor_si512(_mm512_castpd_si512(a.v), _mm512_set1_epi64(INT64_MIN))));
}
MRTSIM_INLINE Doubles mul_add(Doubles a, Doubles b, Doubles c) { return Doubles(_mm512_fmadd_pd(a.v, b.v, c.v)); }
MRTSIM_INLINE Doubles sqrt(Doubles a) { return Doubles(_mm512_sqrt_pd(a.v)); }

MRTSIM_INLINE Mask operator<(Doubles a, Doubles b) { return Mask{_mm512_cmp_pd_mask(a.v, b.v, _CMP_LT_OQ)}; }
MRTSIM_INLINE Mask operator>(Doubles a, Doubles b) { return Mask{_mm512_cmp_pd_mask(a.v, b.v, _CMP_GT_OQ)}; }
MRTSIM_INLINE Mask operator>=(Doubles a, Doubles b) { return Mask{_mm512_cmp_pd_mask(a.v, b.v, _CMP_GE_OQ)}; }
MRTSIM_INLINE Mask operator==(Doubles a, Doubles b) { return Mask{_mm512_cmp_pd_mask(a.v, b.v, _CMP_EQ_OQ)}; }
MRTSIM_INLINE Doubles select(Mask m, Doubles if_true, Doubles if_false) {
  return Doubles(_mm512_mask_blend_pd(m.v, if_false.v, if_true.v));
}

MRTSIM_INLINE Bits as_bits(Doubles a) { return Bits(_mm512_castpd_si512(a.v)); }
MRTSIM_INLINE Doubles from_bits(Bits a) { return Doubles(_mm512_castsi512_pd(a.v)); }
MRTSIM_INLINE Bits operator+(Bits a, Bits b) { return Bits(_mm512_add_epi64(a.v, b.v)); }
MRTSIM_INLINE Bits operator-(Bits a, Bits b) { return Bits(_mm512_sub_epi64(a.v, b.v)); }
MRTSIM_INLINE Bits operator&(Bits a, Bits b) { return Bits(_mm512_and_si512(a.v, b.v)); }
MRTSIM_INLINE Bits operator|(Bits a, Bits b) { return Bits(_mm512_or_si512(a.v, b.v)); }
MRTSIM_INLINE Bits operator^(Bits a, Bits b) { return Bits(_mm512_xor_si512(a.v, b.v)); }
MRTSIM_INLINE Bits operator<<(Bits a, int n) { return Bits(_mm512_slli_epi64(a.v, n)); }
MRTSIM_INLINE Bits operator>>(Bits a, int n) { return Bits(_mm512_srli_epi64(a.v, n)); }

MRTSIM_INLINE Doubles load(const double* p) { return Doubles(_mm512_loadu_pd(p)); }
MRTSIM_INLINE void store(double* p, Doubles a) { _mm512_storeu_pd(p, a.v); }

// mrtsim::uniform_open01 of eight words: (w + 1/2) 2^-32, exactly.
MRTSIM_INLINE Doubles uniform_open01(const uint32_t* words) {
  const __m256i w = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(words));
  return Doubles(_mm512_mul_pd(_mm512_add_pd(_mm512_cvtepu32_pd(w), _mm512_set1_pd(0.5)),
                               _mm512_set1_pd(2.3283064365386962890625e-10)));
}

}  // namespace mrtsim::fastmath::avx512

#endif
