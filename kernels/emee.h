// EMEE and EMEE2 (Qian et al. 2021; MRTAnalysis::emee / emee2): the causal excursion effect of a
// binary treatment on a binary proximal outcome, on the log relative-risk scale
// (docs/estimators.md §4). Written once for the real-data analysis and for the CPU and CUDA
// simulation backends.
//
// theta = (alpha, beta): alpha (q entries) goes with the control terms g, beta (p entries) with the
// moderator terms f; D = q + p. Each available row contributes U_t = D_t r_t to the estimating function:
//   EMEE:  D_t = W_t e^{-A f'beta} (g; (A - p~) f),  r_t = Y - mu_t,  mu_t = e^{g'alpha + A f'beta},
//          W_t = (p~/p)^A ((1 - p~)/(1 - p))^(1 - A);
//   EMEE2: D_t = (g; (A - p) f),                      r_t = e^{-(A - p) f'beta} Y - e^{g'alpha}.
// rho_t = dr_t/dtheta, and the row's Jacobian dU_t/dtheta' is the rank-one D_t v_t' with
//   EMEE: v_t = -(mu_t g; A Y f) (dD_t/dtheta' r_t + D_t rho_t' collapses to it since A is 0/1);
//   EMEE2: v_t = rho_t (D_t does not depend on theta).
//
// The fit (fit_emee = emee_newton + emee_sandwich, which the simulated replicates of
// kernels/emee_simulation.h compose with tabulated rows): Newton's method from a start value, each
// iteration one pass over the rows that sums U = sum_t U_t and J = sum_t D_t v_t'; then one pass for
// the sandwich variance with per-subject sums U_i, K_i = sum_t D_t rho_t' (available rows) and, for
// EMEE2, K_i^u = sum_t D_t rho_t' and S_i^u = sum_t D_t r_t over the unavailable rows:
//   unadjusted: V = J^-1 (sum_i U_i U_i') J^-T;
//   adjusted (MRTAnalysis's always-on small-sample correction): MRTAnalysis replaces r_i by
//   (I - H_ii)^-1 r_i with the T_i x T_i matrix H_ii = R_i J^-1 D_i (R_i has the rows rho_t', D_i the
//   columns D_t). By the Woodbury identity (I - R J^-1 D)^-1 = I + R (J - D R)^-1 D, the corrected
//   score needs only a D x D solve per subject:
//     u~_i = U_i + K_i (J - K_i - K_i^u)^-1 (U_i + S_i^u),   V_adj = J^-1 (sum_i u~_i u~_i') J^-T.
//   For EMEE the unavailable rows have r_t = 0 and rho_t = 0 (availability is part of r_t), so
//   K^u = S^u = 0 and u~_i = J (J - K_i)^-1 U_i. EMEE2's MRTAnalysis code builds H_ii and r_i from every
//   row and applies the availability only outside, D_i' I_i (I - H_ii)^-1 r_i; K^u and S^u reproduce
//   that, so EMEE2 needs the outcome, treatment, randomization probability and terms on unavailable rows
//   too. (I - H_ii) is singular exactly when J - K_i - K_i^u is (det(I - AB) = det(I - BA)).
#pragma once

#include <cmath>

#include <Eigen/Dense>

#include "core/device_macros.h"
#include "core/fast_math.h"
#include "kernels/small_lu.h"
#include "kernels/wcls.h"  // Vec, Mat, FitStatus, effect_wald_statistic, kMaxWclsDim

namespace mrtsim {

enum class EmeeVariant : int {
  kEmee = 0,   // MRTAnalysis::emee: weighted, treatment centred at the numerator probability
  kEmee2 = 1,  // MRTAnalysis::emee2: unweighted, treatment centred at the randomization probability
};

// Newton's method stops at theta_k once the step it would take is at most kEmeeStepTolerance (1 + |theta_j|)
// in every coordinate; theta_k, the Jacobian and the variance then all belong to one point. Newton's
// quadratic convergence puts theta_k within about that step of the root, far closer than the 1e-6
// relative agreement with MRTAnalysis needs (rootSolve::multiroot, MRTAnalysis's root finder, stops at
// |U/n| <= 1e-6 |theta| + 1e-8 or a step <= 1e-8, by then typically within 1e-9 of the root).
constexpr double kEmeeStepTolerance = 1e-10;
// rootSolve::multiroot's default maxiter (Newton iterations, i.e. Jacobian evaluations).
constexpr int kEmeeMaxIterations = 100;

// One decision point as the fit sees it. `controls` (g, q entries) and `moderators` (f, p entries)
// point into the caller's storage.
struct EmeeRow {
  const double* controls;
  const double* moderators;
  int treated;
  double outcome;
  double rand_prob;
  double numerator_prob;  // EMEE only
  bool available;
};

// What one row contributes at theta (see the header comment).
template <int D>
struct EmeeRowTerms {
  Vec<D> design;             // D_t
  double residual;           // r_t
  Vec<D> residual_gradient;  // rho_t
  Vec<D> jacobian_factor;    // v_t: dU_t/dtheta' = D_t v_t'
  double fitted_prob;        // EMEE: e^{g'alpha + A f'beta}; EMEE2: e^{g'alpha + (A - p) f'beta}
};

// A row's two exponentials at theta. They depend on its decision point and treatment only, not on its
// outcome or availability, so the rows (t, A, Y = 0) and (t, A, Y = 1) share them (the simulated fits
// compute them once per pair: kernels/emee_simulation.h). core/fast_math.h's exp, the only
// transcendental function of the EMEE kernels (fit and simulated replicates), so that the CPU and the
// CUDA device compute the same bits (libm's and CUDA's exp differ in the last bit now and then).
struct EmeeRowExponentials {
  double fitted;    // EMEE: mu_t = e^{g'alpha + A f'beta}; EMEE2: e^{g'alpha}
  double deweight;  // EMEE: e^{-A f'beta}; EMEE2: e^{-(A - p) f'beta}
};

template <int D>
MRTSIM_HD MRTSIM_INLINE EmeeRowExponentials emee_row_exponentials(EmeeVariant variant, const Vec<D>& theta, int q,
                                                                  const EmeeRow& row) {
  double control_index = 0.0, effect_index = 0.0;  // g'alpha, f'beta
MRTSIM_UNROLL
  for (int j = 0; j < D; ++j) {
    if (j < q)
      control_index += row.controls[j] * theta(j);
    else
      effect_index += row.moderators[j - q] * theta(j);
  }
  if (variant == EmeeVariant::kEmee) {
    // e^{-0 f'beta} = 1 exactly: an untreated row needs one exponential.
    if (!row.treated) return {fastmath::exp(control_index), 1.0};
    return {fastmath::exp(control_index + effect_index), fastmath::exp(-effect_index)};
  }
  return {fastmath::exp(control_index), fastmath::exp(-(row.treated - row.rand_prob) * effect_index)};
}

// What row `row` contributes at theta, given its exponentials there.
template <int D>
MRTSIM_HD MRTSIM_INLINE EmeeRowTerms<D> emee_row_terms(EmeeVariant variant, int q, const EmeeRow& row,
                                                       const EmeeRowExponentials& exponentials) {
  EmeeRowTerms<D> terms;
  if (variant == EmeeVariant::kEmee) {
    const double a = row.treated;
    const double weight = row.treated ? row.numerator_prob / row.rand_prob
                                      : (1.0 - row.numerator_prob) / (1.0 - row.rand_prob);
    const double mu = exponentials.fitted;
    const double scale = weight * exponentials.deweight;
    const double centred = a - row.numerator_prob;
    terms.residual = row.outcome - mu;
    terms.fitted_prob = mu;
MRTSIM_UNROLL
    for (int j = 0; j < D; ++j) {
      const double term = j < q ? row.controls[j] : row.moderators[j - q];
      terms.design(j) = scale * (j < q ? term : centred * term);
      terms.residual_gradient(j) = -mu * (j < q ? term : a * term);
      terms.jacobian_factor(j) = -(j < q ? mu * term : a * row.outcome * term);
    }
  } else {
    const double centred = row.treated - row.rand_prob;
    const double baseline = exponentials.fitted;     // e^{g'alpha}
    const double deweight = exponentials.deweight;  // e^{-(A - p) f'beta}
    terms.residual = deweight * row.outcome - baseline;
    terms.fitted_prob = baseline / deweight;
MRTSIM_UNROLL
    for (int j = 0; j < D; ++j) {
      const double term = j < q ? row.controls[j] : row.moderators[j - q];
      terms.design(j) = j < q ? term : centred * term;
      terms.residual_gradient(j) = j < q ? -baseline * term : -centred * deweight * row.outcome * term;
      terms.jacobian_factor(j) = terms.residual_gradient(j);
    }
  }
  return terms;
}

// What row `row` contributes at theta.
template <int D>
MRTSIM_HD MRTSIM_INLINE EmeeRowTerms<D> emee_row_terms(EmeeVariant variant, const Vec<D>& theta, int q,
                                                       const EmeeRow& row) {
  return emee_row_terms<D>(variant, q, row, emee_row_exponentials<D>(variant, theta, q, row));
}

// a += x y' (the hot loop of both passes).
template <int D>
MRTSIM_HD MRTSIM_INLINE void add_outer(Mat<D>& a, const Vec<D>& x, const Vec<D>& y) {
MRTSIM_UNROLL
  for (int c = 0; c < D; ++c)
MRTSIM_UNROLL
    for (int r = 0; r < D; ++r) a(r, c) += x(r) * y(c);
}

// U and J over all subjects at one theta (a Newton pass).
template <int D>
struct EmeeNewtonSums {
  Vec<D> score;
  Mat<D> jacobian;

  MRTSIM_HD void clear() {
    score.setZero();
    jacobian.setZero();
  }
  MRTSIM_HD MRTSIM_INLINE void add(const EmeeRowTerms<D>& t) {
    score += t.residual * t.design;
    add_outer(jacobian, t.design, t.jacobian_factor);
  }
  // `count` rows with the same terms (a tabulated cohort, kernels/emee_simulation.h), or a row's
  // probability (the population equations of host/engine/cohn_truth.h).
  MRTSIM_HD MRTSIM_INLINE void add(const EmeeRowTerms<D>& t, double count) {
    const Vec<D> weighted = count * t.design;
    score += t.residual * weighted;
    add_outer(jacobian, weighted, t.jacobian_factor);
  }
};

// One subject's sums for the variance pass.
template <int D>
struct EmeeSubjectStats {
  Vec<D> score;                 // U_i
  Mat<D> leverage;              // K_i
  Vec<D> unavailable_score;     // S_i^u (EMEE2)
  Mat<D> unavailable_leverage;  // K_i^u (EMEE2)
  int available_rows;
  double max_fitted_prob;       // over the available rows

  MRTSIM_HD void clear() {
    score.setZero();
    leverage.setZero();
    unavailable_score.setZero();
    unavailable_leverage.setZero();
    available_rows = 0;
    max_fitted_prob = 0.0;
  }
  MRTSIM_HD MRTSIM_INLINE void add_available(const EmeeRowTerms<D>& t) {
    ++available_rows;
    score += t.residual * t.design;
    add_outer(leverage, t.design, t.residual_gradient);
    if (t.fitted_prob > max_fitted_prob) max_fitted_prob = t.fitted_prob;
  }
  MRTSIM_HD MRTSIM_INLINE void add_unavailable(const EmeeRowTerms<D>& t) {
    unavailable_score += t.residual * t.design;
    add_outer(unavailable_leverage, t.design, t.residual_gradient);
  }
  // A row of either kind: unavailable rows count for EMEE2 only (see the header comment).
  MRTSIM_HD MRTSIM_INLINE void add_row(const EmeeRowTerms<D>& t, bool available, EmeeVariant variant) {
    if (available)
      add_available(t);
    else if (variant == EmeeVariant::kEmee2)
      add_unavailable(t);
  }

  // u~_i = U_i + K_i (J - K_i - K_i^u)^-1 (U_i + S_i^u); false when the leave-out matrix is singular.
  MRTSIM_HD MRTSIM_INLINE bool corrected_score(const Mat<D>& jacobian, Vec<D>* corrected) const {
    const SmallLu<D> leave_out(jacobian - leverage - unavailable_leverage);
    if (leave_out.singular()) return false;
    const Vec<D> solved = leave_out.solve(Vec<D>(score + unavailable_score));
    // Written out, like every sum of products of the fit: Eigen's product would sum in an order (and
    // with fused multiply-adds) that depends on the instruction set it was compiled for.
    for (int r = 0; r < D; ++r) {
      double sum = 0.0;
      for (int k = 0; k < D; ++k) sum = fma(leverage(r, k), solved(k), sum);
      (*corrected)(r) = score(r) + sum;
    }
    return true;
  }
};

// The fit of one data set. Both variances are filled whenever the status is kOk,
// kFittedProbabilityAtLeastOne or kSingularVariance.
template <int D>
struct EmeeFit {
  FitStatus status;
  int n_eff;       // subjects: MRTAnalysis's n (unique ids, available rows or not), df = n - p - q
  int iterations;  // Newton passes (Jacobian evaluations), the last at theta
  Vec<D> theta;
  Mat<D> variance;             // small-sample adjusted: what summary() reports
  Mat<D> variance_unadjusted;  // the plain sandwich
  double joint_statistic;             // beta' V_beta^-1 beta with the adjusted variance
  double joint_statistic_unadjusted;  // ... with the unadjusted one
  double max_fitted_prob;             // over the available rows, at theta
};

// The fit of n_subjects subjects before Newton's method: theta = start, everything else zero.
template <int D>
MRTSIM_HD EmeeFit<D> emee_fit_start(const Vec<D>& start, int n_subjects) {
  EmeeFit<D> fit;
  fit.status = FitStatus::kOk;
  fit.n_eff = n_subjects;
  fit.iterations = 0;
  fit.theta = start;
  fit.variance.setZero();
  fit.variance_unadjusted.setZero();
  fit.joint_statistic = 0.0;
  fit.joint_statistic_unadjusted = 0.0;
  fit.max_fitted_prob = 0.0;
  return fit;
}

// Newton's method from fit.theta. `newton_pass(theta, sums)` adds U and J at theta to the cleared
// `sums`. Returns true at convergence, with `sums` holding J at fit.theta; otherwise sets fit.status
// to kSingularBread (J singular at some iterate) or kNotConverged (no root within kEmeeMaxIterations,
// or the sums overflowed).
template <int D, class NewtonPass>
MRTSIM_HD bool emee_newton(const NewtonPass& newton_pass, EmeeFit<D>& fit, EmeeNewtonSums<D>& sums) {
  for (;;) {
    ++fit.iterations;
    sums.clear();
    newton_pass(fit.theta, sums);
    if (!all_finite(sums.score.data(), D) || !all_finite(sums.jacobian.data(), D * D)) {
      fit.status = FitStatus::kNotConverged;  // overflowed: the iterates diverge
      return false;
    }
    const SmallLu<D> jacobian_lu(sums.jacobian);
    if (jacobian_lu.singular()) {
      fit.status = FitStatus::kSingularBread;
      return false;
    }
    const Vec<D> step = jacobian_lu.solve(Vec<D>(-sums.score));
    bool converged = true;
    for (int j = 0; j < D; ++j) converged = converged && fabs(step(j)) <= kEmeeStepTolerance * (1.0 + fabs(fit.theta(j)));
    if (converged) return true;
    if (fit.iterations == kEmeeMaxIterations) {
      fit.status = FitStatus::kNotConverged;
      return false;
    }
    fit.theta += step;
  }
}

// The sandwich variances, joint statistics and final status at fit.theta, where `jacobian` is J.
// `subject_stats(i, stats)` adds subject i's rows at fit.theta to the cleared `stats`. The status is
// kSingularLeaveOut, kFittedProbabilityAtLeastOne (then everything else is filled),
// kSingularVariance (V_beta, adjusted or not, is not positive definite) or kOk.
template <int D, class SubjectStatsFn>
MRTSIM_HD void emee_sandwich(const SubjectStatsFn& subject_stats, int n_subjects, int num_effects,
                             const Mat<D>& jacobian, EmeeFit<D>& fit) {
  Mat<D> meat = Mat<D>::Zero(), meat_adjusted = Mat<D>::Zero();
  EmeeSubjectStats<D> stats;
  for (int i = 0; i < n_subjects; ++i) {
    stats.clear();
    subject_stats(i, stats);
    if (stats.available_rows == 0) continue;  // U_i = K_i = 0: no contribution, corrected or not
    if (stats.max_fitted_prob > fit.max_fitted_prob) fit.max_fitted_prob = stats.max_fitted_prob;
    Vec<D> corrected;
    if (!stats.corrected_score(jacobian, &corrected)) {
      fit.status = FitStatus::kSingularLeaveOut;
      return;
    }
    add_outer(meat, stats.score, stats.score);
    add_outer(meat_adjusted, corrected, corrected);
  }
  const Mat<D> jacobian_inverse = SmallLu<D>(jacobian).inverse();
  fit.variance_unadjusted = triple_product<D>(jacobian_inverse, meat, jacobian_inverse.transpose());
  fit.variance = triple_product<D>(jacobian_inverse, meat_adjusted, jacobian_inverse.transpose());

  const bool joint_defined =
      effect_wald_statistic(fit.variance, fit.theta, num_effects, &fit.joint_statistic) &&
      effect_wald_statistic(fit.variance_unadjusted, fit.theta, num_effects, &fit.joint_statistic_unadjusted);
  if (fit.max_fitted_prob >= 1.0)
    fit.status = FitStatus::kFittedProbabilityAtLeastOne;
  else
    fit.status = joint_defined ? FitStatus::kOk : FitStatus::kSingularVariance;
  if (!all_finite(fit.variance_unadjusted.data(), D * D) || !all_finite(&fit.joint_statistic_unadjusted, 1))
    fit.status = FitStatus::kNonFiniteEstimate;
  fit.status = finite_fit_status(fit.status, fit.theta.data(), fit.variance.data(), D, fit.joint_statistic);
}

// Fits EMEE or EMEE2 from `start` (MRTAnalysis: all zeros). `subject_rows(i, visit)` calls
// visit(const EmeeRow&) for every row of subject i (available or not), in the same order on every
// call; it is called once per Newton iteration and once more for the variance, so a caller without
// per-subject memory regenerates the rows each time. The last `num_effects` coefficients are beta.
// Statuses, in the order they are checked: kNoData (n_subjects <= D: no degrees of freedom
// n - p - q), then those of emee_newton and emee_sandwich.
template <int D, class SubjectRowsFn>
MRTSIM_HD EmeeFit<D> fit_emee(const SubjectRowsFn& subject_rows, int n_subjects, int num_effects, EmeeVariant variant,
                              const Vec<D>& start) {
  EmeeFit<D> fit = emee_fit_start<D>(start, n_subjects);
  if (n_subjects <= D) {
    fit.status = FitStatus::kNoData;
    return fit;
  }
  const int q = D - num_effects;
  const auto newton_pass = [&](const Vec<D>& theta, EmeeNewtonSums<D>& sums) {
    const auto add_available_row = [&](const EmeeRow& row) {
      if (row.available) sums.add(emee_row_terms<D>(variant, theta, q, row));
    };
    for (int i = 0; i < n_subjects; ++i) subject_rows(i, add_available_row);
  };
  EmeeNewtonSums<D> sums;
  if (!emee_newton<D>(newton_pass, fit, sums)) return fit;

  const auto subject_stats = [&](int i, EmeeSubjectStats<D>& stats) {
    const auto add_row = [&](const EmeeRow& row) {
      if (row.available || variant == EmeeVariant::kEmee2)
        stats.add_row(emee_row_terms<D>(variant, fit.theta, q, row), row.available, variant);
    };
    subject_rows(i, add_row);
  };
  emee_sandwich<D>(subject_stats, n_subjects, num_effects, sums.jacobian, fit);
  return fit;
}

}  // namespace mrtsim
