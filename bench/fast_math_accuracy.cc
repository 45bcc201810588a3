// Accuracy study of core/fast_math.h (not a test; its output is the table of docs/fast_math.md):
//   - maximum error in ulps of log, exp, sin/cos of pi x and the Box-Muller pair against long double
//     references (x87, 64-bit significands), and of glibc's libm against the same references, over
//     dense grids plus random samples (10^8 points each by default);
//   - the long double references themselves checked against __float128 (libquadmath) on a subsample;
//   - the Box-Muller normals' and exponentials' distribution on 10^8 draws: moments and a
//     Kolmogorov-Smirnov statistic (computed exactly up to 2^-22 on the probability-integral-transform
//     scale, far below the statistic's 1% critical value 1.628 / sqrt(n)).
// Usage: fast_math_accuracy [points]   (default 100000000; about 10 minutes on one core)
#include <quadmath.h>

#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "core/fast_math.h"
#include "core/fast_math_batch.h"
#include "core/philox.h"
#include "core/random_variates.h"

namespace mrtsim::fastmath {
namespace {

constexpr long double kPiL = 3.141592653589793238462643383279502884L;

// Random words from Philox, one stream per purpose.
struct Words {
  explicit Words(uint32_t s) : stream(s) {}
  uint32_t stream;
  uint32_t next_block = 0;
  uint32_t buffer[4] = {};
  int used = 4;
  uint32_t operator()() {
    if (used == 4) {
      const uint32_t ctr[4] = {next_block++, stream, 0, 0};
      const Philox4x32 w = philox4x32_10(ctr, 0xacc, 0x0ac1);
      for (int j = 0; j < 4; ++j) buffer[j] = w.v[j];
      used = 0;
    }
    return buffer[used++];
  }
  double unit() { return static_cast<double>((static_cast<uint64_t>((*this)()) << 21) ^ (*this)()) * 0x1p-53; }
};

double ulp_of(long double reference) {
  int exponent;
  std::frexp(static_cast<double>(reference), &exponent);
  return std::ldexp(1.0, std::max(exponent - 53, -1074));
}

double ulp_error(double got, long double reference) {
  if (std::isinf(reference) || std::isinf(got)) return got == static_cast<double>(reference) ? 0.0 : INFINITY;
  return static_cast<double>(std::fabs(static_cast<long double>(got) - reference) / ulp_of(reference));
}

struct ErrorStats {
  double worst = 0;
  double worst_at = 0;
  uint64_t count = 0;
  uint64_t correctly_rounded = 0;
  void add(double got, long double reference, double argument) {
    const double e = ulp_error(got, reference);
    if (e > worst) {
      worst = e;
      worst_at = argument;
    }
    ++count;
    if (got == static_cast<double>(reference)) ++correctly_rounded;
  }
};

// sin(pi x), cos(pi x): the exact reduction x = (n + r) / 2 in double, then the core in long double.
void reference_sincospi(double x, long double* s, long double* c) {
  const double n = std::nearbyint(2.0 * x);
  const long double r = 2.0L * x - n;
  const long double sr = sinl(kPiL / 2 * r), cr = cosl(kPiL / 2 * r);
  const long long quadrant = static_cast<long long>(n) & 3;
  const long double sins[4] = {sr, cr, -sr, -cr}, coss[4] = {cr, -sr, -cr, sr};
  *s = sins[quadrant];
  *c = coss[quadrant];
}

void quad_sincospi(double x, __float128* s, __float128* c) {
  const double n = std::nearbyint(2.0 * x);
  const __float128 r = static_cast<__float128>(2.0 * x) - n;  // 2x exact in double
  static const __float128 half_pi = strtoflt128("1.57079632679489661923132169163975144209858", nullptr);
  const __float128 sr = sinq(half_pi * r), cr = cosq(half_pi * r);
  const long long quadrant = static_cast<long long>(n) & 3;
  const __float128 sins[4] = {sr, cr, -sr, -cr}, coss[4] = {cr, -sr, -cr, sr};
  *s = sins[quadrant];
  *c = coss[quadrant];
}

void print_row(const char* function, const char* inputs, const ErrorStats& fast, const ErrorStats* libm) {
  std::printf("| %s | %s | %.3g | %.3g (at %a) | %.2f%% |", function, inputs, static_cast<double>(fast.count), fast.worst,
              fast.worst_at, 100.0 * fast.correctly_rounded / fast.count);
  if (libm != nullptr) {
    std::printf(" %.3g (at %a) | %.2f%% |\n", libm->worst, libm->worst_at, 100.0 * libm->correctly_rounded / libm->count);
  } else {
    std::printf(" - | - |\n");
  }
  std::fflush(stdout);
}

struct Study {
  uint64_t points;

  void log_on_uniforms() {
    ErrorStats fast, libm;
    auto check = [&](uint32_t w) {
      const double u = uniform_open01(w);
      const long double ref = logl(u);
      fast.add(log(u), ref, u);
      libm.add(std::log(u), ref, u);
    };
    Words words(1);
    for (uint64_t i = 0; i < points; ++i) check(words());
    for (uint64_t w = 0; w < (1ull << 32); w += 251) check(static_cast<uint32_t>(w));  // grid
    for (uint32_t w = 0; w < (1u << 20); ++w) {  // both ends: u near 2^-33 and near 1
      check(w);
      check(~w);
    }
    print_row("log", "u = uniform_open01(w): random w, every 251st w, first/last 2^20 w", fast, &libm);
  }

  void log_general() {
    ErrorStats fast, libm;
    auto check = [&](double x) {
      const long double ref = logl(x);
      fast.add(log(x), ref, x);
      libm.add(std::log(x), ref, x);
    };
    Words words(2);
    for (uint64_t i = 0; i < points; ++i)
      check(detail::from_bits(((static_cast<uint64_t>(words()) << 32) | words()) >> 1));  // all of (0, inf)
    const uint64_t grid = points / 10;
    for (uint64_t i = 0; i < grid; ++i) check(0.5 + 1.5 * static_cast<double>(i) / grid);  // [0.5, 2)
    print_row("log", "x > 0: random bit patterns (subnormals included), grid on [0.5, 2)", fast, &libm);
  }

  void exp_all() {
    ErrorStats fast, libm, fast_subnormal, libm_subnormal;
    auto check = [&](double x, ErrorStats& f, ErrorStats& l) {
      const long double ref = expl(x);
      f.add(exp(x), ref, x);
      l.add(std::exp(x), ref, x);
    };
    Words words(3);
    for (uint64_t i = 0; i < points; ++i) check(-708.39 + 1418.17 * words.unit(), fast, libm);
    const uint64_t grid = points / 10;
    for (uint64_t i = 0; i < grid; ++i) check(-1.0 + 2.0 * static_cast<double>(i) / grid, fast, libm);
    for (uint64_t i = 0; i < grid; ++i) check(-745.2 + 36.8 * words.unit(), fast_subnormal, libm_subnormal);
    print_row("exp", "random on [-708.39, 709.78] (normal results), grid on [-1, 1]", fast, &libm);
    print_row("exp", "random on [-745.2, -708.4] (subnormal results, ulp = 2^-1074)", fast_subnormal, &libm_subnormal);
  }

  void sincospi_all() {
    ErrorStats fast_sin, fast_cos, libm_sin, libm_cos, general_sin, general_cos;
    Words words(4);
    auto check = [&](double x, ErrorStats& s_stats, ErrorStats& c_stats) {
      double s, c;
      long double rs, rc;
      sincospi(x, &s, &c);
      reference_sincospi(x, &rs, &rc);
      s_stats.add(s, rs, x);
      c_stats.add(c, rc, x);
      return std::pair<long double, long double>(rs, rc);
    };
    for (uint64_t i = 0; i < points; ++i) {  // Box-Muller's angles 2 pi u; libm as random_variates.h
      const double u = uniform_open01(words());
      const auto [rs, rc] = check(2.0 * u, fast_sin, fast_cos);
      libm_sin.add(std::sin(kTwoPi * u), rs, u);
      libm_cos.add(std::cos(kTwoPi * u), rc, u);
    }
    for (uint64_t w = 0; w < (1ull << 32); w += 251) check(2.0 * uniform_open01(static_cast<uint32_t>(w)), fast_sin, fast_cos);
    print_row("sin(pi x)", "x = 2u: random w, every 251st w (libm: sin(kTwoPi * u))", fast_sin, &libm_sin);
    print_row("cos(pi x)", "x = 2u: random w, every 251st w (libm: cos(kTwoPi * u))", fast_cos, &libm_cos);
    for (uint64_t i = 0; i < points / 10; ++i) {
      const double x = (words.unit() - 0.5) * std::ldexp(1.0, static_cast<int>(words() % 52));
      check(x, general_sin, general_cos);
    }
    print_row("sin(pi x)", "random |x| < 2^50 at every scale", general_sin, nullptr);
    print_row("cos(pi x)", "random |x| < 2^50 at every scale", general_cos, nullptr);
  }

  void box_muller() {
    ErrorStats fast, libm;
    Words words(5);
    for (uint64_t i = 0; i < points; ++i) {
      const uint32_t w0 = words(), w1 = words();
      const long double radius = sqrtl(-2 * logl(uniform_open01(w0)));
      long double s, c;
      reference_sincospi(2.0 * uniform_open01(w1), &s, &c);
      double z0, z1, l0, l1;
      normal_pair(w0, w1, &z0, &z1);
      mrtsim::normal_pair(w0, w1, &l0, &l1);
      fast.add(z0, radius * c, w0);
      fast.add(z1, radius * s, w1);
      libm.add(l0, radius * c, w0);
      libm.add(l1, radius * s, w1);
    }
    print_row("normal_pair", "z0, z1 from random words (libm: mrtsim::normal_pair)", fast, &libm);
  }

  // The long double references against __float128 on a subsample, in double ulps.
  void references() {
    auto error = [](__float128 quad, long double reference) {
      return static_cast<double>(fabsq(quad - reference) / ulp_of(static_cast<long double>(quad)));
    };
    double worst_log = 0, worst_exp = 0, worst_sincos = 0;
    Words words(6);
    const uint64_t n = std::min<uint64_t>(points / 100, 1000000);
    for (uint64_t i = 0; i < n; ++i) {
      const double u = uniform_open01(words()), x = -745.0 + 1454.0 * words.unit();
      worst_log = std::max(worst_log, error(logq(u), logl(u)));
      worst_exp = std::max(worst_exp, error(expq(x), expl(x)));
      long double s, c;
      __float128 sq, cq;
      reference_sincospi(2.0 * u, &s, &c);
      quad_sincospi(2.0 * u, &sq, &cq);
      worst_sincos = std::max({worst_sincos, error(sq, s), error(cq, c)});
    }
    std::printf("\nlong double references vs __float128 on %" PRIu64 " points (double ulps): log %.2e, exp %.2e, "
                "sincospi %.2e\n", n, worst_log, worst_exp, worst_sincos);
  }

  // Distribution of the normals and exponentials from the fastest array functions (the same bits as
  // the scalar ones): moments, and the KS statistic from a 2^22-bin histogram of the probability
  // integral transform F(x) (exact sup |F_n - F| over the bin edges, plus at most one bin's mass).
  void distributions() {
    constexpr int kBins = 1 << 22;
    const BatchFunctions* f = batch_functions(best_simd_level());
    std::vector<uint32_t> normal_bins(kBins), exponential_bins(kBins);
    long double m1 = 0, m2 = 0, m3 = 0, m4 = 0, cross = 0, e1 = 0, e2 = 0;
    constexpr size_t kChunk = 1 << 16;
    std::vector<uint32_t> w0(kChunk), w1(kChunk);
    std::vector<double> z0(kChunk), z1(kChunk), e(kChunk);
    const StreamKey key{2026, 1, 0, 0, StreamPurpose::kCohort};
    const uint64_t pairs = points / 2;
    for (uint64_t first = 0; first < pairs; first += kChunk) {
      const size_t count = static_cast<size_t>(std::min<uint64_t>(kChunk, pairs - first));
      for (size_t i = 0; i < count; ++i) {
        const Philox4x32 w = key.words(static_cast<uint32_t>(first + i));
        w0[i] = w.v[2];
        w1[i] = w.v[3];
      }
      f->normal_pairs(w0.data(), w1.data(), z0.data(), z1.data(), count);
      for (size_t i = 0; i < count; ++i) {
        for (const double z : {z0[i], z1[i]}) {
          const long double x = z;
          m1 += x;
          m2 += x * x;
          m3 += x * x * x;
          m4 += x * x * x * x;
          ++normal_bins[std::min(kBins - 1, static_cast<int>(0.5 * std::erfc(-z / std::sqrt(2.0)) * kBins))];
        }
        cross += static_cast<long double>(z0[i]) * z1[i];
      }
      for (const std::vector<uint32_t>* w : {&w0, &w1}) {
        f->exponentials(w->data(), e.data(), count);
        for (size_t i = 0; i < count; ++i) {
          e1 += e[i];
          e2 += static_cast<long double>(e[i]) * e[i];
          ++exponential_bins[std::min(kBins - 1, static_cast<int>(-std::expm1(-e[i]) * kBins))];
        }
      }
    }
    const double n = 2.0 * pairs;
    auto ks = [&](const std::vector<uint32_t>& bins) {
      double d = 0, cumulative = 0;
      for (int b = 0; b < kBins; ++b) {
        cumulative += bins[b];
        d = std::max(d, std::fabs(cumulative / n - static_cast<double>(b + 1) / kBins));
      }
      return d;
    };
    const double d_normal = ks(normal_bins), d_exponential = ks(exponential_bins);
    std::printf("\nBox-Muller normals (%s lanes), n = %.3g: mean %.2e (se %.1e), variance - 1 %.2e (se %.1e), "
                "skewness %.2e (se %.1e), excess kurtosis %.2e (se %.1e), corr(z0, z1) %.2e (se %.1e)\n",
                simd_level_name(best_simd_level()), n, static_cast<double>(m1 / n), 1 / std::sqrt(n),
                static_cast<double>(m2 / n - 1), std::sqrt(2 / n), static_cast<double>(m3 / n), std::sqrt(15 / n),
                static_cast<double>(m4 / n - 3), std::sqrt(96 / n), static_cast<double>(cross / pairs),
                1 / std::sqrt(static_cast<double>(pairs)));
    std::printf("KS vs N(0,1): sqrt(n) D = %.3f (+- %.3f binning; 1%% critical value 1.628, 5%% 1.358)\n",
                std::sqrt(n) * d_normal, std::sqrt(n) / kBins);
    std::printf("Exponentials, n = %.3g: mean - 1 %.2e (se %.1e), variance - 1 %.2e (se %.1e); KS vs Exp(1): "
                "sqrt(n) D = %.3f\n", n, static_cast<double>(e1 / n - 1), 1 / std::sqrt(n),
                static_cast<double>(e2 / n - (e1 / n) * (e1 / n) - 1), std::sqrt(8 / n), std::sqrt(n) * d_exponential);
  }
};

}  // namespace
}  // namespace mrtsim::fastmath

int main(int argc, char** argv) {
  const uint64_t points = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 100000000ull;
  mrtsim::fastmath::Study study{points};
  std::printf("| function | inputs | points | fast: max ulp | fast: correctly rounded | libm: max ulp | "
              "libm: correctly rounded |\n|---|---|---|---|---|---|---|\n");
  study.log_on_uniforms();
  study.log_general();
  study.exp_all();
  study.sincospi_all();
  study.box_muller();
  study.references();
  study.distributions();
  return 0;
}
