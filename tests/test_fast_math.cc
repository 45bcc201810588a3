// core/fast_math.h: the SIMD paths give the scalar functions' bits, the scalar functions are within
// 0.8 ulp of long double libm (x87, 64-bit significands) on samples and exact where the exact value
// is a double, every build reproduces the same outputs, and the Box-Muller normals and exponentials
// follow their distributions (moments, Kolmogorov-Smirnov against erfc / expm1) and agree with the
// libm-based variates of core/random_variates.h. The 10^8-point accuracy study is
// bench/fast_math_accuracy.cc (docs/fast_math.md).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "core/fast_math.h"
#include "core/fast_math_batch.h"
#include "core/philox.h"
#include "core/random_variates.h"
#include "tests/fast_math_output_hash.h"

namespace mrtsim::fastmath {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr long double kPiL = 3.141592653589793238462643383279502884L;

uint64_t bits_of(double x) { return detail::as_bits(x); }

// Random words from Philox, a stream of their own per test.
std::vector<uint32_t> random_words(size_t n, uint32_t stream) {
  std::vector<uint32_t> words(n);
  for (size_t i = 0; i < n; i += 4) {
    const uint32_t ctr[4] = {static_cast<uint32_t>(i / 4), stream, 0, 0};
    const Philox4x32 w = philox4x32_10(ctr, 2024, 7);
    for (size_t j = 0; j < 4 && i + j < n; ++j) words[i + j] = w.v[j];
  }
  return words;
}

double unit(uint32_t w) { return static_cast<double>(w) * 0x1p-32; }

const std::vector<uint32_t> kEdgeWords = {0u, 1u, 2u, 3u, 0x7fffffffu, 0x80000000u, 0x80000001u, 0xfffffffdu,
                                          0xfffffffeu, 0xffffffffu};

std::vector<double> log_inputs() {
  std::vector<double> x = {1.0, 2.0, 0.5, 0x1.6a09e667f3bcdp-1, 0x1.6a09e667f3bccp-1, 0x1p-1022, 0x1p-1074,
                           0x0.fffffffffffffp-1022, std::numeric_limits<double>::max(), 0.0, -0.0, -1.0, kInf, -kInf,
                           kNaN};
  for (uint32_t w : kEdgeWords) x.push_back(uniform_open01(w));
  const std::vector<uint32_t> words = random_words(400000, 1);
  for (size_t i = 0; i + 1 < words.size(); i += 2) {
    x.push_back(uniform_open01(words[i]));
    x.push_back(detail::from_bits(((static_cast<uint64_t>(words[i]) << 32) | words[i + 1]) >> 1));  // any x >= 0
  }
  return x;
}

std::vector<double> exp_inputs() {
  std::vector<double> x = {0.0, -0.0, 1.0, -1.0, 0x1.62e42fefa39efp+9, 709.79, 710.0, -708.4, -745.13, -745.2,
                           -746.0, -1e300, 1e300, kInf, -kInf, kNaN, 1e-300, -1e-300, 0x1p-1074};
  const std::vector<uint32_t> words = random_words(200000, 2);
  for (uint32_t w : words) x.push_back(detail::mul_add(1520.0, unit(w), -760.0));
  for (size_t i = 0; i < 1000; ++i) x.push_back(-unit(words[i]) * 1e-10);
  return x;
}

std::vector<double> sincospi_inputs() {
  std::vector<double> x = {0.0, -0.0, 0.25, -0.25, 0.5, -0.5, 0.75, 1.0, 1.5, 2.0, -3.0, 0x1p-1074, 1e-300,
                           0x1p50, -0x1p50, 0x1p50 - 0.25, 0x1p49 + 0.5, 1.0 - 0x1p-53, 0.5 - 0x1p-54};
  for (uint32_t w : kEdgeWords) x.push_back(2.0 * uniform_open01(w));
  const std::vector<uint32_t> words = random_words(300000, 3);
  for (size_t i = 0; i < words.size(); i += 3) {
    x.push_back(2.0 * uniform_open01(words[i]));                    // Box-Muller's angles
    x.push_back(8.0 * unit(words[i + 1]) - 4.0);                    // exact in double
    x.push_back((unit(words[i + 2]) - 0.5) * std::ldexp(1.0, static_cast<int>(words[i] % 52)));
  }
  return x;
}

// Both NaN, or the same bits.
void expect_same(double scalar, double vector, const char* what, size_t i) {
  if (std::isnan(scalar)) {
    EXPECT_TRUE(std::isnan(vector)) << what << " input " << i;
  } else {
    EXPECT_EQ(bits_of(scalar), bits_of(vector)) << what << " input " << i << ": " << scalar << " vs " << vector;
  }
}

class FastMathLevels : public ::testing::TestWithParam<SimdLevel> {};

// Every level, on inputs whose count is not a multiple of the lane count, gives exactly the scalar
// functions' doubles (the scalar side compiled with the project's flags).
TEST_P(FastMathLevels, MatchScalarBits) {
  const BatchFunctions* f = batch_functions(GetParam());
  if (f == nullptr) GTEST_SKIP() << simd_level_name(GetParam()) << " is not available on this build or CPU";

  const std::vector<double> lx = log_inputs();
  std::vector<double> out(lx.size()), out2(lx.size());
  f->log(lx.data(), out.data(), lx.size());
  for (size_t i = 0; i < lx.size(); ++i) expect_same(log(lx[i]), out[i], "log", i);

  const std::vector<double> ex = exp_inputs();
  out.resize(ex.size());
  f->exp(ex.data(), out.data(), ex.size());
  for (size_t i = 0; i < ex.size(); ++i) expect_same(exp(ex[i]), out[i], "exp", i);

  const std::vector<double> sx = sincospi_inputs();
  out.resize(sx.size());
  out2.resize(sx.size());
  f->sincospi(sx.data(), out.data(), out2.data(), sx.size());
  for (size_t i = 0; i < sx.size(); ++i) {
    double s, c;
    sincospi(sx[i], &s, &c);
    expect_same(s, out[i], "sinpi", i);
    expect_same(c, out2[i], "cospi", i);
  }

  std::vector<uint32_t> w0 = random_words(100003, 4), w1 = random_words(100003, 5);
  for (uint32_t a : kEdgeWords)
    for (uint32_t b : kEdgeWords) {
      w0.push_back(a);
      w1.push_back(b);
    }
  out.resize(w0.size());
  out2.resize(w0.size());
  f->normal_pairs(w0.data(), w1.data(), out.data(), out2.data(), w0.size());
  for (size_t i = 0; i < w0.size(); ++i) {
    double z0, z1;
    normal_pair(w0[i], w1[i], &z0, &z1);
    expect_same(z0, out[i], "normal z0", i);
    expect_same(z1, out2[i], "normal z1", i);
  }
  f->exponentials(w0.data(), out.data(), w0.size());
  for (size_t i = 0; i < w0.size(); ++i) expect_same(exponential(w0[i]), out[i], "exponential", i);
}

INSTANTIATE_TEST_SUITE_P(AllLevels, FastMathLevels,
                         ::testing::ValuesIn(kSimdLevels),
                         [](const ::testing::TestParamInfo<SimdLevel>& info) {
                           return std::string(simd_level_name(info.param));
                         });

// |got - reference| in units of the double ulp at the reference (2^-1074 for subnormal results).
double ulp_error(double got, long double reference) {
  const double rounded = static_cast<double>(reference);
  int exponent;
  std::frexp(rounded, &exponent);
  const double ulp = std::ldexp(1.0, std::max(exponent - 53, -1074));
  return static_cast<double>(std::fabs(static_cast<long double>(got) - reference) / ulp);
}

// sin(pi x), cos(pi x) in long double: the exact reduction x = (n + r) / 2, then sinl / cosl of
// (pi/2) r with |r| <= 1/2 (reducing pi x in long double instead would lose the relative accuracy of
// the reference near the zeros).
void reference_sincospi(double x, long double* s, long double* c) {
  const double n = std::nearbyint(2.0 * x);
  const long double r = 2.0L * x - n;
  const long double sr = sinl(kPiL / 2 * r), cr = cosl(kPiL / 2 * r);
  const long long quadrant = static_cast<long long>(n) & 3;
  const long double sins[4] = {sr, cr, -sr, -cr}, coss[4] = {cr, -sr, -cr, sr};
  *s = sins[quadrant];
  *c = coss[quadrant];
}

TEST(FastMath, WithinUlpBoundOfLongDouble) {
  constexpr double kBound = 0.8;  // measured maxima over 10^8 points: docs/fast_math.md
  double worst_log = 0, worst_exp = 0, worst_sin = 0, worst_cos = 0;
  for (double x : log_inputs())
    if (std::isfinite(x) && x > 0) worst_log = std::max(worst_log, ulp_error(log(x), logl(x)));
  for (double x : exp_inputs())
    if (std::isfinite(x) && std::fabs(x) < 700) worst_exp = std::max(worst_exp, ulp_error(exp(x), expl(x)));
  for (double x : sincospi_inputs()) {
    double s, c;
    long double rs, rc;
    sincospi(x, &s, &c);
    reference_sincospi(x, &rs, &rc);
    worst_sin = std::max(worst_sin, ulp_error(s, rs));
    worst_cos = std::max(worst_cos, ulp_error(c, rc));
  }
  EXPECT_LE(worst_log, kBound);
  EXPECT_LE(worst_exp, kBound);
  EXPECT_LE(worst_sin, kBound);
  EXPECT_LE(worst_cos, kBound);
  // Subnormal results of exp are rounded once, to within one unit of the smallest subnormal.
  for (double x = -745.1; x < -708.4; x += 0.37) EXPECT_LE(ulp_error(exp(x), expl(x)), 1.0) << x;
}

TEST(FastMath, SpecialInputs) {
  EXPECT_EQ(bits_of(log(1.0)), bits_of(0.0));
  EXPECT_EQ(log(0.0), -kInf);
  EXPECT_EQ(log(-0.0), -kInf);
  EXPECT_EQ(log(kInf), kInf);
  EXPECT_TRUE(std::isnan(log(-1.0)));
  EXPECT_TRUE(std::isnan(log(-kInf)));
  EXPECT_TRUE(std::isnan(log(kNaN)));
  EXPECT_EQ(log(2.0), static_cast<double>(logl(2.0L)));
  EXPECT_EQ(log(0x1p-1074), static_cast<double>(-1074 * logl(2.0L)));
  // The uniforms' extremes: the smallest, 2^-33, and the largest, 1 - 2^-33.
  EXPECT_EQ(log(uniform_open01(0u)), static_cast<double>(-33 * logl(2.0L)));
  EXPECT_LE(ulp_error(log(uniform_open01(0xffffffffu)), log1pl(-0x1p-33L)), 0.5);

  EXPECT_EQ(exp(0.0), 1.0);
  EXPECT_EQ(exp(-0.0), 1.0);
  EXPECT_EQ(exp(kInf), kInf);
  EXPECT_EQ(bits_of(exp(-kInf)), bits_of(0.0));
  EXPECT_TRUE(std::isnan(exp(kNaN)));
  EXPECT_EQ(exp(709.79), kInf);
  EXPECT_EQ(exp(0x1.62e42fefa39efp+9), static_cast<double>(expl(0x1.62e42fefa39efp+9L)));  // DBL_MAX's region
  EXPECT_EQ(exp(-745.1), 0x1p-1074);
  EXPECT_EQ(bits_of(exp(-746.0)), bits_of(0.0));
  EXPECT_EQ(exp(0x1p-60), 1.0);

  for (int k = -6; k <= 6; ++k) {  // exact zeros and ones at the integers and half-integers
    double s, c;
    sincospi(k, &s, &c);
    EXPECT_EQ(s, 0.0) << k;
    EXPECT_EQ(c, k % 2 == 0 ? 1.0 : -1.0) << k;
    sincospi(k + 0.5, &s, &c);
    EXPECT_EQ(s, k % 2 == 0 ? 1.0 : -1.0) << k;
    EXPECT_EQ(c, 0.0) << k;
  }
  double s, c;
  sincospi(0.0, &s, &c);
  EXPECT_EQ(bits_of(s), bits_of(0.0));
  sincospi(-0.0, &s, &c);
  EXPECT_EQ(bits_of(s), bits_of(-0.0));
  sincospi(1.0 / 6.0, &s, &c);
  EXPECT_LE(ulp_error(s, 0.5L), 1.0);

  // Box-Muller at the extreme words: radius sqrt(66 ln 2) at w0 = 0; the angle 2 pi 2^-33 at w1 = 0.
  double z0, z1;
  normal_pair(0u, 0u, &z0, &z1);
  const long double radius = sqrtl(66 * logl(2.0L)), angle = 2 * kPiL * 0x1p-33L;
  EXPECT_LE(ulp_error(z0, radius * cosl(angle)), 1.5);
  EXPECT_LE(ulp_error(z1, radius * sinl(angle)), 1.5);
  normal_pair(0xffffffffu, 0x80000000u, &z0, &z1);  // u1 = 1/2 + 2^-33: the angle just past pi
  const long double small_radius = sqrtl(-2 * log1pl(-0x1p-33L)), past_pi = 2 * kPiL * 0x1p-33L;
  EXPECT_LE(ulp_error(z0, -small_radius * cosl(past_pi)), 1.5);
  EXPECT_LE(ulp_error(z1, -small_radius * sinl(past_pi)), 1.5);
  EXPECT_EQ(exponential(0u), static_cast<double>(33 * logl(2.0L)));
}

// The variates differ from core/random_variates.h's libm-based ones by rounding only: the simulated
// values are the same numbers up to ~1e-15.
TEST(FastMath, VariatesAgreeWithLibmVariates) {
  const std::vector<uint32_t> w0 = random_words(1 << 20, 6), w1 = random_words(1 << 20, 7);
  double worst_normal = 0, worst_exponential = 0;
  for (size_t i = 0; i < w0.size(); ++i) {
    double a0, a1, b0, b1;
    normal_pair(w0[i], w1[i], &a0, &a1);
    mrtsim::normal_pair(w0[i], w1[i], &b0, &b1);
    worst_normal = std::max({worst_normal, std::fabs(a0 - b0), std::fabs(a1 - b1)});
    worst_exponential = std::max(worst_exponential, ulp_error(exponential(w0[i]), mrtsim::exponential(w0[i])));
  }
  EXPECT_LE(worst_normal, 1e-14);
  EXPECT_LE(worst_exponential, 1.5);
}

// Kolmogorov-Smirnov distance sup |F_n - F| of a sample (sorted here) from a continuous cdf.
template <class Cdf>
double ks_distance(std::vector<double>& sample, Cdf cdf) {
  std::sort(sample.begin(), sample.end());
  const double n = static_cast<double>(sample.size());
  double d = 0;
  for (size_t i = 0; i < sample.size(); ++i) {
    const double f = cdf(sample[i]);
    d = std::max({d, f - i / n, (i + 1) / n - f});
  }
  return d;
}

// 10^7 normals from 5 * 10^6 Box-Muller pairs of Philox words: mean, variance, skewness, excess
// kurtosis and the correlation of the pair's halves within 5 standard errors of N(0, 1)'s, and the
// KS statistic below its 1% critical value (sqrt(n) D < 1.628); the same KS test for 10^7 exponentials.
TEST(FastMath, BoxMullerNormalsAndExponentialsFollowTheirDistributions) {
  constexpr size_t kPairs = 5000000;
  const BatchFunctions* f = batch_functions(best_simd_level());
  std::vector<uint32_t> w0(kPairs), w1(kPairs);
  const StreamKey key{99, 0, 0, 0, StreamPurpose::kCohort};
  for (uint32_t i = 0; i < kPairs; ++i) {
    const Philox4x32 w = key.words(i);
    w0[i] = w.v[2];
    w1[i] = w.v[3];
  }
  std::vector<double> z(2 * kPairs);
  f->normal_pairs(w0.data(), w1.data(), z.data(), z.data() + kPairs, kPairs);
  const double n = static_cast<double>(z.size());
  long double m1 = 0, m2 = 0, m3 = 0, m4 = 0, cross = 0;
  for (size_t i = 0; i < z.size(); ++i) {
    const long double x = z[i];
    m1 += x;
    m2 += x * x;
    m3 += x * x * x;
    m4 += x * x * x * x;
    if (i < kPairs) cross += x * z[i + kPairs];
  }
  EXPECT_LE(std::fabs(static_cast<double>(m1 / n)), 5 / std::sqrt(n));
  EXPECT_LE(std::fabs(static_cast<double>(m2 / n) - 1), 5 * std::sqrt(2 / n));
  EXPECT_LE(std::fabs(static_cast<double>(m3 / n)), 5 * std::sqrt(15 / n));
  EXPECT_LE(std::fabs(static_cast<double>(m4 / n) - 3), 5 * std::sqrt(96 / n));
  EXPECT_LE(std::fabs(static_cast<double>(cross / kPairs)), 5 / std::sqrt(static_cast<double>(kPairs)));
  const double d_normal = ks_distance(z, [](double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); });
  EXPECT_LT(std::sqrt(n) * d_normal, 1.628);

  std::vector<double> e(z.size());
  f->exponentials(w0.data(), e.data(), kPairs);
  f->exponentials(w1.data(), e.data() + kPairs, kPairs);
  const double d_exponential = ks_distance(e, [](double x) { return -std::expm1(-x); });
  EXPECT_LT(std::sqrt(n) * d_exponential, 1.628);
}

// The hash of tests/fast_math_output_hash.h as computed with g++ -ffp-contract=off: the build under
// test (contraction on, its own instruction selection) must give the same bits.
TEST(FastMath, EveryBuildReproducesTheOutputs) {
  uint64_t hash = 0;
  for (uint32_t i = 0; i < testing::kHashInputs; ++i) hash += testing::output_hash_term(i);
  EXPECT_EQ(hash, 0xd80023227e914c88ull) << std::hex << hash;
}

}  // namespace
}  // namespace mrtsim::fastmath
