// WCLS (Boruvka et al. 2018; MRTAnalysis::wcls) from per-subject sufficient statistics.
//
// Per subject i the fit needs only B_i = X_i' W_i X_i and c_i = X_i' W_i y_i. Then
//   theta = B^-1 sum_i c_i,  U_i = c_i - B_i theta,
// and the Mancl-DeRouen corrected score is u_i = B (B - B_i)^-1 U_i (the push-through form of
// X_i' W_i (I - H_ii)^-1 r_i, a D x D solve instead of MRTAnalysis's T_i x T_i one), giving
//   V = B^-1 (sum_i u_i u_i') B^-1.
// Everything here is written once for the CPU and CUDA backends; D (the number of coefficients)
// is a compile-time size so that Eigen's fixed-size matrices live in registers.
#pragma once

#include <Eigen/Dense>

#include "core/device_macros.h"
#include "kernels/fit_status.h"

namespace mrtsim {

constexpr int kMaxWclsDim = 12;

template <int D>
using Vec = Eigen::Matrix<double, D, 1>;
template <int D>
using Mat = Eigen::Matrix<double, D, D>;

// B_i (upper triangle only, while accumulating) and c_i of one subject.
template <int D>
struct WclsSubjectStats {
  Mat<D> bread;
  Vec<D> score;
  int weighted_rows;  // rows with nonzero weight: the subject counts towards n_eff if > 0

  MRTSIM_HD void clear() {
    bread.setZero();
    score.setZero();
    weighted_rows = 0;
  }

  // Adds one decision point with design row x, weight w and outcome y (the hot loop).
  MRTSIM_HD MRTSIM_INLINE void add_row(const double* x, double w, double y) {
    if (w == 0.0) return;
    ++weighted_rows;
MRTSIM_UNROLL
    for (int a = 0; a < D; ++a) {
      const double wxa = w * x[a];
      score(a) += wxa * y;
MRTSIM_UNROLL
      for (int b = a; b < D; ++b) bread(a, b) += wxa * x[b];
    }
  }

  MRTSIM_HD void add(const WclsSubjectStats& other) {
    bread += other.bread;
    score += other.score;
    weighted_rows += other.weighted_rows;
  }

  // Copies the accumulated upper triangle into the lower one.
  MRTSIM_HD void symmetrize() {
    for (int a = 0; a < D; ++a)
      for (int b = 0; b < a; ++b) bread(a, b) = bread(b, a);
  }
};

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
// theta), kept fixed-size: the control rows and columns of V are replaced by the identity and the
// control entries of theta by 0, which leaves exactly the effect block's quadratic form. False (and
// *statistic untouched) when V_beta is not positive definite.
template <int D>
MRTSIM_HD bool effect_wald_statistic(const Mat<D>& variance, const Vec<D>& theta, int num_effects, double* statistic) {
  const int first_effect = D - num_effects;
  Mat<D> v_effects = variance;
  Vec<D> beta = theta;
  for (int j = 0; j < first_effect; ++j) {
    v_effects.row(j).setZero();
    v_effects.col(j).setZero();
    v_effects(j, j) = 1.0;
    beta(j) = 0.0;
  }
  const Eigen::LLT<Mat<D>> v_llt(v_effects);
  if (v_llt.info() != Eigen::Success) return false;
  *statistic = beta.dot(v_llt.solve(beta));
  return true;
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

// Fits WCLS for one data set. `subject_stats(i, out)` fills the statistics of subject i; it is
// called twice per subject unless `scratch` (room for n_subjects entries) keeps them from the first
// pass: the CPU backend keeps them, the CUDA backend regenerates them (no per-cohort memory).
template <int D, class SubjectStatsFn>
MRTSIM_HD WclsFit<D> fit_wcls(const SubjectStatsFn& subject_stats, int n_subjects, int num_effects,
                              SmallSampleCorrection correction, WclsSubjectStats<D>* scratch) {
  WclsFit<D> fit;
  fit.theta.setZero();
  fit.variance.setZero();
  fit.joint_statistic = 0.0;

  WclsSubjectStats<D> total, s;
  total.clear();
  int n_eff = 0;
  for (int i = 0; i < n_subjects; ++i) {
    subject_stats(i, s);
    s.symmetrize();
    if (scratch) scratch[i] = s;
    total.add(s);
    n_eff += s.weighted_rows > 0;
  }
  fit.n_eff = n_eff;
  fit.corrected = apply_correction(correction, n_eff);
  if (n_eff <= D) {
    fit.status = FitStatus::kNoData;
    return fit;
  }
  const Eigen::LLT<Mat<D>> bread_llt(total.bread);
  if (bread_llt.info() != Eigen::Success) {
    fit.status = FitStatus::kSingularBread;
    return fit;
  }
  fit.theta = bread_llt.solve(total.score);

  Mat<D> meat = Mat<D>::Zero();
  for (int i = 0; i < n_subjects; ++i) {
    if (scratch) {
      s = scratch[i];
    } else {
      subject_stats(i, s);
      s.symmetrize();
    }
    if (s.weighted_rows == 0) continue;
    Vec<D> u = s.score - s.bread * fit.theta;
    if (fit.corrected) {
      const Eigen::LLT<Mat<D>> leave_out(total.bread - s.bread);
      if (leave_out.info() != Eigen::Success) {
        fit.status = FitStatus::kSingularLeaveOut;
        return fit;
      }
      u = total.bread * leave_out.solve(u);
    }
    meat.noalias() += u * u.transpose();
  }
  const Mat<D> bread_inverse = bread_llt.solve(Mat<D>::Identity());
  fit.variance = bread_inverse * meat * bread_inverse;

  fit.status = effect_wald_statistic(fit.variance, fit.theta, num_effects, &fit.joint_statistic)
                   ? FitStatus::kOk
                   : FitStatus::kSingularVariance;
  fit.status = finite_fit_status(fit.status, fit.theta.data(), fit.variance.data(), D, fit.joint_statistic);
  return fit;
}

}  // namespace mrtsim
