// WCLS (Boruvka et al. 2018; MRTAnalysis::wcls) from per-subject sufficient statistics.
//
// Per subject i the fit needs only B_i = X_i' W_i X_i and c_i = X_i' W_i y_i. Then
//   theta = B^-1 sum_i c_i,  U_i = c_i - B_i theta,
// and the Mancl-DeRouen corrected score is u_i = B (B - B_i)^-1 U_i (the push-through form of
// X_i' W_i (I - H_ii)^-1 r_i, a D x D solve instead of MRTAnalysis's T_i x T_i one), giving
//   V = B^-1 (sum_i u_i u_i') B^-1.
// Everything here is written once for the CPU and CUDA backends; D (the number of coefficients) is
// a compile-time size so that the matrices live in registers.
//
// Every backend computes the same bits: each step is one correctly rounded operation in a fixed
// order (products that feed a sum are fma), the linear algebra is kernels/small_cholesky.h, and the
// sums over subjects follow kernels/lane_reduction.h's canonical lane tree. fit_wcls_lanes spells
// out the order; docs/fast_math.md ("Kernels on every instruction set") describes it.
#pragma once

#include <Eigen/Dense>

#include "core/device_macros.h"
#include "core/enum_table.h"
#include "kernels/fit_status.h"
#include "kernels/lane_reduction.h"
#include "kernels/small_cholesky.h"

namespace mrtsim {

constexpr int kMaxWclsDim = 12;

template <int D>
using Vec = Eigen::Matrix<double, D, 1>;
template <int D>
using Mat = Eigen::Matrix<double, D, D>;

// Entries of a symmetric D x D matrix stored as its upper triangle, row by row.
template <int D>
constexpr int kPackedSize = D * (D + 1) / 2;

// Index of entry (a, b), a <= b, in the packed upper triangle.
template <int D>
MRTSIM_HD MRTSIM_INLINE int packed_index(int a, int b) {
  return a * D - a * (a - 1) / 2 + (b - a);
}

// Entry (a, b) of a packed symmetric matrix, for either order of a and b.
template <int D>
MRTSIM_HD MRTSIM_INLINE double packed_at(const double* packed, int a, int b) {
  return a <= b ? packed[packed_index<D>(a, b)] : packed[packed_index<D>(b, a)];
}

// A packed symmetric matrix read as a matrix (SmallCholesky's input).
template <int D>
struct PackedView {
  const double* packed;
  MRTSIM_HD MRTSIM_INLINE double operator()(int a, int b) const { return packed_at<D>(packed, a, b); }
};

// B_i (packed) and c_i of one subject, and the count of its rows with nonzero weight (the subject
// counts towards n_eff if it is > 0). Also a lane's partial sum of them (kernels/lane_reduction.h).
template <int D>
struct WclsSubjectStats {
  double bread[kPackedSize<D>];
  double score[D];
  int weighted_rows;

  MRTSIM_HD MRTSIM_INLINE void clear() {
    for (int k = 0; k < kPackedSize<D>; ++k) bread[k] = 0.0;
    for (int a = 0; a < D; ++a) score[a] = 0.0;
    weighted_rows = 0;
  }

  // Adds one decision point with design row x, weight w and outcome y. Rows of weight 0 are skipped
  // (their outcome may be missing); adding them would leave every sum unchanged, which is what lets
  // the simulation's lanes (kernels/wcls_simulation.h) add every row with w = 0 as a mask.
  MRTSIM_HD MRTSIM_INLINE void add_row(const double* x, double w, double y) {
    if (w == 0.0) return;
    ++weighted_rows;
    int k = 0;
MRTSIM_UNROLL
    for (int a = 0; a < D; ++a) {
      const double wxa = w * x[a];
      score[a] = fma(wxa, y, score[a]);
MRTSIM_UNROLL
      for (int b = a; b < D; ++b, ++k) bread[k] = fma(wxa, x[b], bread[k]);
    }
  }

  MRTSIM_HD MRTSIM_INLINE void add(const WclsSubjectStats& other) {
    for (int k = 0; k < kPackedSize<D>; ++k) bread[k] = bread[k] + other.bread[k];
    for (int a = 0; a < D; ++a) score[a] = score[a] + other.score[a];
    weighted_rows += other.weighted_rows;
  }

  template <class F>
  MRTSIM_HD MRTSIM_INLINE void for_each_value(F&& f) {
    for (int k = 0; k < kPackedSize<D>; ++k) f(bread[k]);
    for (int a = 0; a < D; ++a) f(score[a]);
    f(weighted_rows);
  }
};

// A subject's statistics for the regression on the first d of its D >= d design columns: the bits
// of the d-column statistics, since every entry adds its own products in row order.
template <int d, int D>
MRTSIM_HD MRTSIM_INLINE WclsSubjectStats<d> leading_columns(const WclsSubjectStats<D>& s) {
  static_assert(d <= D, "a subject's statistics hold at most D columns");
  if constexpr (d == D) {
    return s;
  } else {
    WclsSubjectStats<d> out;
    for (int a = 0; a < d; ++a) {
      out.score[a] = s.score[a];
      for (int b = a; b < d; ++b) out.bread[packed_index<d>(a, b)] = s.bread[packed_index<D>(a, b)];
    }
    out.weighted_rows = s.weighted_rows;
    return out;
  }
}

// The WCLS weights (ptilde/p)^A ((1-ptilde)/(1-p))^(1-A) for A = 1 and A = 0 at one decision point
// (computed once per decision point in simulations: no division in the hot loop).
struct WclsWeights {
  double treated;
  double untreated;
};

MRTSIM_HD MRTSIM_INLINE WclsWeights wcls_weights(double ptilde, double prob) {
  return WclsWeights{ptilde / prob, (1.0 - ptilde) / (1.0 - prob)};
}

// One WCLS design row: x = (g, (A - ptilde) f) and the weight W = I * weights(A). g has q entries,
// f has p entries, q + p = D.
MRTSIM_HD MRTSIM_INLINE double wcls_design_row(const double* g, int q, const double* f, int p, double ptilde,
                                               WclsWeights weights, int treated, bool available, double* x) {
  const double centred = treated - ptilde;
  // One loop over all q + p entries: when the caller's q + p is a compile-time constant, it unrolls
  // and x stays in registers (writing the two parts in separate loops of run-time length made the
  // simulation's hot loop read x back through memory).
  const int dim = q + p;
MRTSIM_UNROLL
  for (int j = 0; j < dim; ++j) x[j] = j < q ? g[j] : centred * f[j - q];
  if (!available) return 0.0;
  return treated ? weights.treated : weights.untreated;
}

enum class SmallSampleCorrection : int {
  kAlways = 0,     // Liao et al. (2016): Mancl-DeRouen for every N
  kMrtAnalysis = 1,  // MRTAnalysis: only when n_eff <= 50
  kNever = 2,
};

inline constexpr auto kSmallSampleCorrectionNames = make_enum_table<SmallSampleCorrection>({
    {SmallSampleCorrection::kAlways, "always"},
    {SmallSampleCorrection::kMrtAnalysis, "mrtanalysis"},
    {SmallSampleCorrection::kNever, "never"},
});

constexpr int kMrtAnalysisSmallSampleLimit = 50;

MRTSIM_HD MRTSIM_INLINE bool apply_correction(SmallSampleCorrection mode, int n_eff) {
  return mode == SmallSampleCorrection::kAlways ||
         (mode == SmallSampleCorrection::kMrtAnalysis && n_eff <= kMrtAnalysisSmallSampleLimit);
}

// The joint statistic beta' V_beta^-1 beta of the effect block (the last num_effects coefficients of
// theta), through the Cholesky factor of V's trailing block. False (and *statistic untouched) when
// V_beta is not positive definite.
template <int D>
MRTSIM_HD MRTSIM_INLINE bool effect_wald_statistic(const Mat<D>& variance, const Vec<D>& theta, int num_effects,
                                                   double* statistic) {
  const SmallCholesky<D> v_effects(variance, D - num_effects);
  if (!v_effects.ok()) return false;
  *statistic = v_effects.quadratic_form(theta.data());
  return true;
}

// a b c for D x D matrices: (a b) first, each entry a sum over k in order (fma from the first product).
template <int D, class A, class B, class C>
MRTSIM_HD MRTSIM_INLINE Mat<D> triple_product(const A& a, const B& b, const C& c) {
  double ab[D][D];
  for (int r = 0; r < D; ++r)
    for (int s = 0; s < D; ++s) {
      double sum = 0.0;
      for (int k = 0; k < D; ++k) sum = fma(a(r, k), b(k, s), sum);
      ab[r][s] = sum;
    }
  Mat<D> out;
  for (int r = 0; r < D; ++r)
    for (int s = 0; s < D; ++s) {
      double sum = 0.0;
      for (int k = 0; k < D; ++k) sum = fma(ab[r][k], c(k, s), sum);
      out(r, s) = sum;
    }
  return out;
}

// The fit of one data set (one replicate): coefficients, sandwich SEs, and the Wald-type statistic
// beta' V_beta^-1 beta of the last `num_effects` coefficients.
template <int D>
struct WclsFit {
  FitStatus status;
  int n_eff;
  bool corrected;
  Vec<D> theta;
  Mat<D> variance;
  double joint_statistic;
};

// What a lane adds up in the fit's first pass: its subjects' statistics and how many count.
template <int D>
struct WclsTotals {
  WclsSubjectStats<D> sum;
  int n_eff;

  MRTSIM_HD MRTSIM_INLINE void clear() {
    sum.clear();
    n_eff = 0;
  }
  MRTSIM_HD MRTSIM_INLINE void add(const WclsTotals& other) {
    sum.add(other.sum);
    n_eff += other.n_eff;
  }
  template <class F>
  MRTSIM_HD MRTSIM_INLINE void for_each_value(F&& f) {
    sum.for_each_value(f);
    f(n_eff);
  }
};

// ... and in the second pass: its subjects' sum of u_i u_i' (packed), and whether the small-sample
// correction failed for one of them.
template <int D>
struct WclsMeat {
  double meat[kPackedSize<D>];
  int singular_leave_out;

  MRTSIM_HD MRTSIM_INLINE void clear() {
    for (int k = 0; k < kPackedSize<D>; ++k) meat[k] = 0.0;
    singular_leave_out = 0;
  }
  MRTSIM_HD MRTSIM_INLINE void add(const WclsMeat& other) {
    for (int k = 0; k < kPackedSize<D>; ++k) meat[k] = meat[k] + other.meat[k];
    singular_leave_out += other.singular_leave_out;
  }
  template <class F>
  MRTSIM_HD MRTSIM_INLINE void for_each_value(F&& f) {
    for (int k = 0; k < kPackedSize<D>; ++k) f(meat[k]);
    f(singular_leave_out);
  }
};

// Adds subject s's u_i u_i' to `meat` (theta and the factor of B from the first pass; B itself
// packed in `total`): U_i = c_i - B_i theta (row a: c_a, then - B_i(a, b) theta_b for b in order),
// corrected u_i = B (B - B_i)^-1 U_i (each entry a sum over b in order), then u_a u_b added by fma.
template <int D>
MRTSIM_HD MRTSIM_INLINE void add_subject_meat(const WclsSubjectStats<D>& s, const WclsSubjectStats<D>& total,
                                              const double* theta, bool corrected, WclsMeat<D>& meat) {
  double u[D];
  for (int a = 0; a < D; ++a) {
    double r = s.score[a];
    for (int b = 0; b < D; ++b) r = fma(-packed_at<D>(s.bread, a, b), theta[b], r);
    u[a] = r;
  }
  if (corrected) {
    double leave_out[kPackedSize<D>];
    for (int k = 0; k < kPackedSize<D>; ++k) leave_out[k] = total.bread[k] - s.bread[k];
    const SmallCholesky<D> factor(PackedView<D>{leave_out});
    if (!factor.ok()) {
      meat.singular_leave_out += 1;
      return;
    }
    double v[D];
    factor.solve(u, v);
    for (int a = 0; a < D; ++a) {
      double sum = 0.0;
      for (int b = 0; b < D; ++b) sum = fma(packed_at<D>(total.bread, a, b), v[b], sum);
      u[a] = sum;
    }
  }
  int k = 0;
  for (int a = 0; a < D; ++a)
    for (int b = a; b < D; ++b, ++k) meat.meat[k] = fma(u[a], u[b], meat.meat[k]);
}

// Fits WCLS for one data set of n_subjects subjects, the sums over subjects by `warp` (EmulatedWarp
// or the CUDA warp) in the canonical lane order. `subjects` gives subject i's statistics:
// subjects.first_pass(i, s) and subjects.second_pass(i, s) fill s (the second pass may read what the
// first stored, or compute it again). The last `num_effects` coefficients are the effects.
//   pass 1: per lane, sum of its subjects' statistics and n_eff; tree sum over the lanes;
//   theta = B^-1 c (Cholesky of B; kSingularBread if B is not positive definite, kNoData if
//   n_eff <= D, kNonFiniteEstimate if the sums overflowed);
//   pass 2: per lane, sum of u_i u_i' over its subjects with weighted rows (kSingularLeaveOut if
//   B - B_i is not positive definite for one of them); tree sum over the lanes;
//   V = B^-1 meat B^-1 (B^-1 column by column from the factor); the joint statistic from the
//   Cholesky factor of V's effect block (kSingularVariance if it is not positive definite).
template <int D, class Warp, class Subjects>
MRTSIM_HD WclsFit<D> fit_wcls_lanes(const Warp& warp, const Subjects& subjects, int n_subjects, int num_effects,
                                    SmallSampleCorrection correction) {
  WclsFit<D> fit;
  fit.theta.setZero();
  fit.variance.setZero();
  fit.joint_statistic = 0.0;

  const WclsTotals<D> totals = warp.template reduce<WclsTotals<D>>([&](int lane, WclsTotals<D>& part) {
    WclsSubjectStats<D> s;
    for (int i = lane; i < n_subjects; i += kReductionLanes) {
      subjects.first_pass(i, s);
      part.sum.add(s);
      part.n_eff += s.weighted_rows > 0;
    }
  });
  const WclsSubjectStats<D>& total = totals.sum;
  fit.n_eff = totals.n_eff;
  fit.corrected = apply_correction(correction, fit.n_eff);
  if (fit.n_eff <= D) {
    fit.status = FitStatus::kNoData;
    return fit;
  }
  // Inputs beyond double precision overflow the sums before any factorization could notice.
  if (!all_finite(total.bread, kPackedSize<D>) || !all_finite(total.score, D)) {
    fit.status = FitStatus::kNonFiniteEstimate;
    return fit;
  }
  const SmallCholesky<D> bread(PackedView<D>{total.bread});
  if (!bread.ok()) {
    fit.status = FitStatus::kSingularBread;
    return fit;
  }
  double theta[D];
  bread.solve(total.score, theta);
  for (int a = 0; a < D; ++a) fit.theta(a) = theta[a];

  const WclsMeat<D> meat = warp.template reduce<WclsMeat<D>>([&](int lane, WclsMeat<D>& part) {
    WclsSubjectStats<D> s;
    for (int i = lane; i < n_subjects; i += kReductionLanes) {
      subjects.second_pass(i, s);
      if (s.weighted_rows > 0) add_subject_meat<D>(s, total, theta, fit.corrected, part);
    }
  });
  if (meat.singular_leave_out > 0) {
    fit.status = FitStatus::kSingularLeaveOut;
    return fit;
  }
  Mat<D> bread_inverse;
  bread.inverse(bread_inverse);
  fit.variance = triple_product<D>(bread_inverse, PackedView<D>{meat.meat}, bread_inverse);

  fit.status = effect_wald_statistic(fit.variance, fit.theta, num_effects, &fit.joint_statistic)
                   ? FitStatus::kOk
                   : FitStatus::kSingularVariance;
  fit.status = finite_fit_status(fit.status, fit.theta.data(), fit.variance.data(), D, fit.joint_statistic);
  return fit;
}

// Subject statistics kept in an array for both passes, of Stored >= D design columns: a fit of the
// first D columns reads their leading block (a distal cell's marginal effect model from the
// moderated model's statistics).
template <int D, int Stored = D>
struct CachedSubjects {
  const WclsSubjectStats<Stored>* stats;
  MRTSIM_HD MRTSIM_INLINE void first_pass(int i, WclsSubjectStats<D>& s) const { s = leading_columns<D>(stats[i]); }
  MRTSIM_HD MRTSIM_INLINE void second_pass(int i, WclsSubjectStats<D>& s) const { s = leading_columns<D>(stats[i]); }
};

// Fits WCLS for one data set whose subject statistics `subject_stats(i, out)` fills: all of them
// once into `scratch` (room for n_subjects entries), then fit_wcls_lanes on the emulated warp.
template <int D, class SubjectStatsFn>
MRTSIM_HD WclsFit<D> fit_wcls(const SubjectStatsFn& subject_stats, int n_subjects, int num_effects,
                              SmallSampleCorrection correction, WclsSubjectStats<D>* scratch) {
  for (int i = 0; i < n_subjects; ++i) subject_stats(i, scratch[i]);
  return fit_wcls_lanes<D>(EmulatedWarp<>{}, CachedSubjects<D>{scratch}, n_subjects, num_effects, correction);
}

}  // namespace mrtsim
