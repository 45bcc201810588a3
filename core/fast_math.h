// mrtsim's own log, exp and sin/cos of pi x, and the variates built on them (Box-Muller normal pairs,
// exponentials), bit-identical on every backend: the CUDA device, the CPU's scalar code, and its AVX2,
// AVX-512 and NEON lanes (core/fast_math_avx2.h, core/fast_math_avx512.h, core/fast_math_neon.h) all
// run the same kernels below.
//
// Each kernel is written once, as a template over a "lane" type D: plain double here (scalar CPU code
// and CUDA threads), or a SIMD register of doubles. D comes with an unsigned 64-bit integer lane type
// (decltype(as_bits(x))), a mask type (what comparisons return) and the operations
//   + - * / (IEEE, correctly rounded), unary -, mul_add (fused, one rounding), sqrt, select(mask, a, b),
//   as_bits / from_bits, and on the integer lanes + - & | ^ and logical shifts by a constant.
// Every floating-point step is one correctly rounded IEEE operation in a fixed order, so all lane
// types give the same bits. Two rules keep it so whatever the compiler does:
//   1. No product ever feeds a + or - directly: such pairs are written as mul_add. The project builds
//      with -ffp-contract=off and nvcc with --fmad=false, but a compiler left at its default (g++
//      -ffp-contract=fast, nvcc's fmad) may fuse a plain a * b + c on one backend and not on another;
//      with the rule there is nothing left to contract (products only feed mul_add, *, /, sqrt and
//      comparisons, or are exact). The kernels are inlined into their callers, so the same holds for
//      an argument, which may itself be a caller's product: no argument is the operand of a + or -
//      before it has gone through an exact or non-contractible operation.
//   2. Steps that are exact (integer bit manipulation, products by powers of two, Sterbenz
//      subtractions, the rounding of a value to an integer, selections) may be carried out differently
//      per lane type; steps that round are the same IEEE operation everywhere.
// tests/test_fast_math.cc checks the identity (scalar vs every lane type the CPU runs, and a hash of
// outputs that every build must reproduce, whether compiled with -ffp-contract=fast or off);
// scripts/check_arm_identity.sh does the same for ARM64 and its NEON lanes under qemu. Without hardware FMA
// (a generic x86-64 build) fma() is glibc's correctly rounded software fma: the same bits, slower.
//
// Algorithms, coefficient fits (scripts/fit_fast_math_polynomials.py) and measured accuracy (all
// within 1 ulp; bench/fast_math_accuracy.cc): docs/fast_math.md.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>

#include "core/device_macros.h"
#include "core/random_variates.h"

namespace mrtsim::fastmath {
namespace detail {

// ---- The scalar lane type: plain double, uint64_t bits, bool masks ----

MRTSIM_HD MRTSIM_INLINE double mul_add(double a, double b, double c) { return fma(a, b, c); }

MRTSIM_HD MRTSIM_INLINE uint64_t as_bits(double x) {
#if defined(__CUDA_ARCH__)
  return static_cast<uint64_t>(__double_as_longlong(x));
#else
  uint64_t bits;
  std::memcpy(&bits, &x, sizeof bits);
  return bits;
#endif
}

MRTSIM_HD MRTSIM_INLINE double from_bits(uint64_t bits) {
#if defined(__CUDA_ARCH__)
  return __longlong_as_double(static_cast<long long>(bits));
#else
  double x;
  std::memcpy(&x, &bits, sizeof x);
  return x;
#endif
}

MRTSIM_HD MRTSIM_INLINE double select(bool mask, double if_true, double if_false) { return mask ? if_true : if_false; }

// ---- Constants ----

// 1.5 * 2^52: adding it to |v| < 2^51 rounds v to the nearest integer n (ties to even) and leaves n in
// the low bits of the sum's representation: as_bits(v + kRoundShifter) = kRoundShifterBits + n.
constexpr double kRoundShifter = 0x1.8p52;
constexpr uint64_t kRoundShifterBits = 0x4338000000000000ull;
constexpr uint64_t kMantissaMask = 0x000fffffffffffffull;
constexpr uint64_t kQuietNaNBits = 0x7ff8000000000000ull;
constexpr double kInfinity = HUGE_VAL;

// ln 2 = kLn2Hi + kLn2Lo with kLn2Hi rounded to 42 bits, so that k * kLn2Hi is exact for |k| < 2^11.
constexpr double kLn2Hi = 0x1.62e42fefa3800p-1;
constexpr double kLn2Lo = 0x1.ef35793c76730p-45;

// log's reduction pivot p = sqrt(2)/2 rounded: x = 2^k m with m in [p, 2p).
constexpr uint64_t kLogPivotBits = 0x3fe6a09e667f3bcdull;

// ---- Helpers ----

// c0 + x (c1 + x (c2 + ...)) by Horner's rule, with the coefficients from the constant term up.
template <class D>
MRTSIM_HD MRTSIM_INLINE D horner(D, double c) {
  return D(c);
}
template <class D, class... Rest>
MRTSIM_HD MRTSIM_INLINE D horner(D x, double c0, Rest... rest) {
  return mul_add(horner(x, rest...), x, D(c0));
}

// 2^n for -1022 <= n <= 1023 (two's complement n in the integer lanes).
template <class U>
MRTSIM_HD MRTSIM_INLINE auto power_of_two(U n) {
  return from_bits((n + U(1023)) << 52);
}

// ---- log ----

// log(x) for a positive, normal, finite x, plus extra_k * ln 2 (extra_k a small integer): the
// reduction of fdlibm's log, x = 2^k (1 + f) with 1 + f in [sqrt(2)/2, sqrt(2)), s = f / (2 + f),
//   log(1 + f) = 2 atanh(s) = f - hfsq + s (hfsq + R),  hfsq = f^2 / 2,  R = s^2 Q(s^2)
// with Q a degree-7 minimax fit (|s| <= 0.1716), and k ln 2 added in two parts.
template <class D>
MRTSIM_HD MRTSIM_INLINE D log_of_normal(D x, D extra_k) {
  using U = decltype(as_bits(x));
  // x's bits minus the pivot's: the top 12 bits are k (two's complement), the rest m's mantissa
  // relative to the pivot's.
  const U offset = as_bits(x) - U(kLogPivotBits);
  const U k_plus_2048 = (offset >> 52) ^ U(0x800);
  const D k = from_bits(k_plus_2048 + U(kRoundShifterBits)) - D(kRoundShifter + 2048.0) + extra_k;  // exact
  const D m = from_bits((offset & U(kMantissaMask)) + U(kLogPivotBits));
  const D f = m - D(1.0);  // exact: m in [0.7, 1.42]
  const D s = f / (D(2.0) + f);
  const D z = s * s;
  const D q = horner(z, 0x1.5555555555555p-1, 0x1.9999999999a38p-2, 0x1.2492492476b9bp-2, 0x1.c71c7201777b5p-3,
                     0x1.745cf8f9039d1p-3, 0x1.3b1c379a4f29fp-3, 0x1.0fbe5e3550dd2p-3, 0x1.0c05b8d818174p-3);
  const D r = z * q;
  // log x = hi + (k ln2_lo - hfsq + s (hfsq + R) + e) where hi = k ln2_hi + f rounded and e its exact
  // rounding error (|k ln2_hi| >= |f| unless k = 0, where hi = f), so that only the last addition
  // rounds at full size.
  const D hi = mul_add(k, D(kLn2Hi), f);
  const D e = mul_add(k, D(kLn2Hi), -hi) + f;
  const D half_f = D(0.5) * f;                                        // exact
  const D hfsq_plus_r = mul_add(half_f, f, r);                          // hfsq + R
  const D b = mul_add(s, hfsq_plus_r, mul_add(k, D(kLn2Lo), e));       // s (hfsq + R) + k ln2_lo + e
  return hi - mul_add(half_f, f, -b);                                   // hi - (hfsq - b)
}

// log(x) for every double: subnormals are scaled into the normal range first; log(+-0) = -inf,
// log(+inf) = +inf, negative or NaN x gives the quiet NaN 0x7ff8000000000000 on every backend.
template <class D>
MRTSIM_HD MRTSIM_INLINE D log_any(D x) {
  const auto subnormal = x < D(0x1p-1022);
  const D scaled = select(subnormal, x * D(0x1p54), x);
  D result = log_of_normal(scaled, select(subnormal, D(-54.0), D(0.0)));
  result = select(x >= D(0.0), result, from_bits(decltype(as_bits(x))(kQuietNaNBits)));
  result = select(x == D(0.0), D(-kInfinity), result);
  return select(x == D(kInfinity), D(kInfinity), result);
}

// ---- exp ----

// exp(x) for every double: x = k ln 2 + r with |r| <= ln2 / 2 (r carried with its rounding error d),
//   exp(r + d) = 1 + r + r^2 E(r) + d (1 + r),  E a degree-10 minimax fit,
// summed from the 1 + r term so that only the last addition rounds at full size, then scaled by 2^k in
// two factors (each a power of two in the normal range; only the second product can round, when the
// result is subnormal). x is clamped to [-746, 710], where the result is already 0 or inf; NaN gives
// the quiet NaN 0x7ff8000000000000 on every backend.
template <class D>
MRTSIM_HD MRTSIM_INLINE D exp_any(D x) {
  using U = decltype(as_bits(x));
  D xc = select(x > D(710.0), D(710.0), x);
  xc = select(xc < D(-746.0), D(-746.0), xc);
  const D shifted = mul_add(xc, D(0x1.71547652b82fep+0), D(kRoundShifter));  // k = rint(x / ln 2)
  const D k = shifted - D(kRoundShifter);
  const D r_hi = mul_add(-k, D(kLn2Hi), xc);  // exact
  const D r = mul_add(-k, D(kLn2Lo), r_hi);
  const D d = mul_add(-k, D(kLn2Lo), r_hi - r);  // r_hi - k ln2_lo - r: the rounding error of r
  const D e = horner(r, 0x1.0000000000000p-1, 0x1.5555555555557p-3, 0x1.555555555554ep-5, 0x1.11111111100ebp-7,
                     0x1.6c16c16c1a07fp-10, 0x1.a01a01abe0cf8p-13, 0x1.a01a01905fb92p-16, 0x1.71de024585108p-19,
                     0x1.27e510dce8315p-22, 0x1.af4dc49b013ebp-26, 0x1.1f19f630f25cap-29);
  const D one_plus_r = D(1.0) + r;
  const D one_plus_r_error = (D(1.0) - one_plus_r) + r;  // exact (|r| < 1)
  D tail = mul_add(r * r, e, one_plus_r_error + d);
  tail = mul_add(d, r, tail);
  const D mantissa = one_plus_r + tail;
  // 2^k = 2^k1 2^k2 with k1 = rint(k / 2): both in [-538, 513] for k in [-1076, 1025].
  const U k_int = as_bits(shifted) - U(kRoundShifterBits);
  const U k1 = as_bits(mul_add(k, D(0.5), D(kRoundShifter))) - U(kRoundShifterBits);
  const D result = mantissa * power_of_two(k1) * power_of_two(k_int - k1);
  return select(x == x, result, from_bits(U(kQuietNaNBits)));
}

// ---- sin and cos of pi x ----

// sin(pi x) and cos(pi x) for finite |x| <= 2^50. The reduction is exact: v = 2x, n = rint(v),
// r = v - n in [-1/2, 1/2], pi x = (pi/2)(n + r); then with z = r^2
//   sin(pi r / 2) = r (pi/2 + z P(z)),  cos(pi r / 2) = 1 - (pi^2/8) z + z^2 C(z)
// (P degree 6, C degree 5, minimax on z <= 1/4; the leading constants in two parts, cos's 1 - c1 z
// summed with its rounding error), and n mod 4 picks and signs the quadrant's pair.
template <class D>
MRTSIM_HD MRTSIM_INLINE void sincospi_finite(D x, D* sin_out, D* cos_out) {
  using U = decltype(as_bits(x));
  const D v = x * D(2.0);  // not x + x: a caller's product x = a * b could be fused into it
  const D shifted = v + D(kRoundShifter);
  const U n = as_bits(shifted);  // low bits: rint(v) in two's complement
  const D r = v - (shifted - D(kRoundShifter));
  const D z = r * r;
  const D z_error = mul_add(r, r, -z);  // r^2 = z + z_error exactly
  const D p = horner(z, -0x1.4abbce625be53p-1, 0x1.466bc6775aae1p-4, -0x1.32d2cce62b868p-8, 0x1.50783486f970fp-13,
                     -0x1.e3074d237aa4fp-19, 0x1.e8f0346d3ac48p-25, -0x1.6cc4b2c7ad5d0p-31);
  const D sin_tail = mul_add(z, p, D(0x1.1a62633145c07p-54));  // pi/2 low part + z P(z)
  const D sin_r = mul_add(r, D(0x1.921fb54442d18p+0), r * sin_tail);
  constexpr double kC1Hi = 0x1.3bd3cc9be45dep+0, kC1Lo = 0x1.692b71366cc04p-54;  // pi^2 / 8
  const D head = mul_add(D(-kC1Hi), z, D(1.0));
  D cos_tail = mul_add(D(-kC1Hi), z, D(1.0) - head);  // head's rounding error (1 - head is exact)
  cos_tail = mul_add(D(-kC1Hi), z_error, cos_tail);
  cos_tail = mul_add(D(-kC1Lo), z, cos_tail);
  const D c = horner(z, 0x1.03c1f081b5ac4p-2, -0x1.55d3c7e3cbd70p-6, 0x1.e1f506882f221p-11, -0x1.a6d1f0aa04a5ap-16,
                     0x1.f9cfbecdf0480p-22, -0x1.b38296efe11d1p-28);
  cos_tail = mul_add(z * z, c, cos_tail);
  const D cos_r = head + cos_tail;
  // Quadrant n mod 4: odd n swaps sin and cos; sin is negated for n = 2, 3 and cos for n = 1, 2.
  const U sin_bits = as_bits(sin_r), cos_bits = as_bits(cos_r);
  const U swap = U(0) - (n & U(1));
  const U swapped = (sin_bits ^ cos_bits) & swap;
  *sin_out = from_bits((sin_bits ^ swapped) ^ ((n & U(2)) << 62));
  *cos_out = from_bits((cos_bits ^ swapped) ^ (((n + U(1)) & U(2)) << 62));
}

// ---- Variates from uniforms on (0, 1) ----

// A standard normal pair by Box-Muller: sqrt(-2 log u0) (cos 2 pi u1, sin 2 pi u1), the same pairing
// as mrtsim::normal_pair (core/random_variates.h).
template <class D>
MRTSIM_HD MRTSIM_INLINE void normal_pair_of_uniforms(D u0, D u1, D* z0, D* z1) {
  const D radius = sqrt(D(-2.0) * log_of_normal(u0, D(0.0)));
  D s, c;
  sincospi_finite(u1 * D(2.0), &s, &c);
  *z0 = radius * c;
  *z1 = radius * s;
}

template <class D>
MRTSIM_HD MRTSIM_INLINE D exponential_of_uniform(D u) {
  return -log_of_normal(u, D(0.0));
}

}  // namespace detail

// ---- The scalar functions (host and device) ----

MRTSIM_HD MRTSIM_INLINE double log(double x) { return detail::log_any(x); }

MRTSIM_HD MRTSIM_INLINE double exp(double x) { return detail::exp_any(x); }

// sin(pi x) and cos(pi x) for finite |x| <= 2^50 (larger or non-finite x: unspecified values).
MRTSIM_HD MRTSIM_INLINE void sincospi(double x, double* sin_out, double* cos_out) {
  detail::sincospi_finite(x, sin_out, cos_out);
}

// A pair of independent standard normals from two Philox words, with the uniforms of
// mrtsim::uniform_open01: radius from w0, angle from w1.
MRTSIM_HD MRTSIM_INLINE void normal_pair(uint32_t w0, uint32_t w1, double* z0, double* z1) {
  detail::normal_pair_of_uniforms(uniform_open01(w0), uniform_open01(w1), z0, z1);
}

// A standard exponential from one word: -log(uniform_open01(w)).
MRTSIM_HD MRTSIM_INLINE double exponential(uint32_t w) { return detail::exponential_of_uniform(uniform_open01(w)); }

}  // namespace mrtsim::fastmath
