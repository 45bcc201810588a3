// Estimators of a distal outcome on simulated cohorts of the Qian et al. (2025) model
// (sims/qian_model.h): DCEE with linear nuisance models, with or without K-fold cross-fitting, and
// the paper's comparators WCLS (p~ = 0.5) and GEE with working independence, each from per-subject
// sums gathered while the subject is generated (no cohort arrays). Written once for both backends.
//
// DCEE (docs/estimators.md §2.3-2.5) with controls x = (1, X, Z), moderators S = (1) or (1, Z) and
// omega = 1/T (a constant weight cancels from beta and V, so rows get weight 1 here). With
// c_t = I_t (-1)^(1-A_t) / p_t(A_t) the pseudo-outcome is psi_t = c_t [Y - x_t'((1 - p_t) g1 + p_t g0)],
// g_a the arm-a nuisance coefficients, so a subject's score sum_t psi_t S_t is
//   r_i = Y_i u_i - P1_i g1 - P0_i g0,  u_i = sum c S,  P1_i = sum c (1 - p) S x',  P0_i = sum c p S x'.
// Stage 1 needs per arm sum x x' and sum x (times Y_i). With cross-fitting, subject i belongs to
// fold i mod K (subjects of a simulated cohort are exchangeable, so this is a balanced random
// partition), and fold k's nuisances come from the other folds' sums: no refits over the data.
//
// WCLS and GEE regress the distal Y (the same on every row of a subject) on
// x = (1, X, Z, (A - p~) S): WCLS with weights I (p~/p)^A ((1-p~)/(1-p))^(1-A) (kernels/wcls.h),
// GEE with weight 1 on every row and p~ = 0 (raw A; the effect coefficients are the same), and no
// small-sample correction. Only the effect block (the last |S| coefficients) is reported.
//
// Every sum is written out with fma in a fixed order and the solves are kernels/small_cholesky.h, so
// both backends compute the same bits. Subjects are summed in order (one CPU thread or one CUDA
// thread per replicate; the WCLS and GEE comparators in the canonical lane order of fit_wcls_lanes).
#pragma once

#include <Eigen/Dense>

#include "core/device_macros.h"
#include "core/philox.h"
#include "kernels/small_cholesky.h"
#include "kernels/wcls.h"
#include "kernels/wcls_simulation.h"
#include "sims/qian_model.h"

namespace mrtsim {

enum class DistalEstimator : int { kDcee = 0, kWcls = 1, kGee = 2 };

constexpr int kDistalControls = 3;  // x = (1, X, Z)
constexpr int kMaxCrossFitFolds = 20;

struct DistalAnalysisView {
  DistalEstimator estimator;
  int num_effects;           // 1: S = (1); 2: S = (1, Z)
  int folds;                 // DCEE cross-fitting folds; 1: no cross-fitting
  bool zero_nuisance;        // DCEE with mu = 0 (the pure IPW estimator)
  double numerator_prob;     // WCLS p~
  SmallSampleCorrection correction;  // WCLS
};

struct DistalSimulationTask {
  QianModelView model;
  DistalAnalysisView analysis;
  uint64_t seed;
  uint32_t scenario;  // stream index, see core/philox.h
  int n_subjects;

  // The model's inputs are scalars: no arrays (kernels/task_arena.h).
  template <class F>
  void for_each_array_group(F&&) {}
};

template <int P>
using EffectByControl = Eigen::Matrix<double, P, kDistalControls>;

MRTSIM_HD MRTSIM_INLINE void distal_controls(const DistalRow& row, double* x) {
  x[0] = 1.0;
  x[1] = row.x;
  x[2] = row.z;
}

MRTSIM_HD MRTSIM_INLINE void distal_moderators(const DistalRow& row, int p, double* s) {
  s[0] = 1.0;
  if (p > 1) s[1] = row.z;
}

// m += k a b' entry by entry: m(i, j) = fma(k a_i, b_j, m(i, j)) (k = 1: fma(a_i, b_j, m(i, j))).
template <class M>
MRTSIM_HD MRTSIM_INLINE void add_scaled_outer(M& m, double k, const double* a, int rows, const double* b, int cols) {
  for (int i = 0; i < rows; ++i) {
    const double ka = k * a[i];
    for (int j = 0; j < cols; ++j) m(i, j) = fma(ka, b[j], m(i, j));
  }
}

// v += k a entry by entry.
template <class Vector>
MRTSIM_HD MRTSIM_INLINE void add_scaled(Vector& v, double k, const double* a, int n) {
  for (int i = 0; i < n; ++i) v(i) = fma(k, a[i], v(i));
}

// One subject's DCEE sums.
template <int P>
struct DceeSubjectSums {
  Mat<kDistalControls> gram[2];   // stage 1: sum x x' over the rows of arm a
  Vec<kDistalControls> xsum[2];   // stage 1: sum x over the rows of arm a (X'y = xsum * Y)
  Mat<P> bread;                   // sum S S' over all rows
  Vec<P> u;                       // sum c S
  EffectByControl<P> p1, p0;      // sum c (1 - p) S x', sum c p S x'
  double y;

  MRTSIM_HD MRTSIM_INLINE void clear() {
    for (int a = 0; a < 2; ++a) {
      gram[a].setZero();
      xsum[a].setZero();
    }
    bread.setZero();
    u.setZero();
    p1.setZero();
    p0.setZero();
    y = 0.0;
  }

  MRTSIM_HD MRTSIM_INLINE void add_row(const DistalRow& row) {
    double x[kDistalControls], s[P];
    distal_controls(row, x);
    distal_moderators(row, P, s);
    add_scaled_outer(gram[row.treated], 1.0, x, kDistalControls, x, kDistalControls);
    for (int i = 0; i < kDistalControls; ++i) xsum[row.treated](i) = xsum[row.treated](i) + x[i];
    add_scaled_outer(bread, 1.0, s, P, s, P);
    if (!row.available) return;
    const double c = row.treated ? 1.0 / row.prob : -1.0 / (1.0 - row.prob);
    add_scaled(u, c, s, P);
    add_scaled_outer(p1, c * (1.0 - row.prob), s, P, x, kDistalControls);
    add_scaled_outer(p0, c * row.prob, s, P, x, kDistalControls);
  }

  // The subject's score r_i(g1, g0) = sum_t psi_t S_t = y u - p1 g1 - p0 g0, minus bread * theta.
  MRTSIM_HD MRTSIM_INLINE Vec<P> residual_score(const Vec<kDistalControls>& g1, const Vec<kDistalControls>& g0,
                                                const Vec<P>& theta) const {
    Vec<P> r;
    for (int i = 0; i < P; ++i) {
      double v = y * u(i);
      for (int j = 0; j < kDistalControls; ++j) v = fma(-p1(i, j), g1(j), v);
      for (int j = 0; j < kDistalControls; ++j) v = fma(-p0(i, j), g0(j), v);
      for (int j = 0; j < P; ++j) v = fma(-bread(i, j), theta(j), v);
      r(i) = v;
    }
    return r;
  }
};

// Sums over the subjects of one cross-fitting fold.
template <int P>
struct DceeFoldSums {
  Mat<kDistalControls> gram[2];
  Vec<kDistalControls> xty[2];
  Vec<P> yu;
  EffectByControl<P> p1, p0;

  MRTSIM_HD MRTSIM_INLINE void clear() {
    for (int a = 0; a < 2; ++a) {
      gram[a].setZero();
      xty[a].setZero();
    }
    yu.setZero();
    p1.setZero();
    p0.setZero();
  }
  MRTSIM_HD MRTSIM_INLINE void add(const DceeSubjectSums<P>& s) {
    for (int a = 0; a < 2; ++a) {
      gram[a] += s.gram[a];
      add_scaled(xty[a], s.y, s.xsum[a].data(), kDistalControls);
    }
    add_scaled(yu, s.y, s.u.data(), P);
    p1 += s.p1;
    p0 += s.p0;
  }
};

template <int P>
MRTSIM_HD MRTSIM_INLINE void simulated_dcee_subject(const DistalSimulationTask& task, uint32_t replicate, int subject,
                                                    DceeSubjectSums<P>& sums) {
  sums.clear();
  const StreamKey key{task.seed, task.scenario, replicate, static_cast<uint32_t>(subject), StreamPurpose::kCohort};
  sums.y = simulate_qian_subject(task.model, key, [&](const DistalRow& row) { sums.add_row(row); });
}

// The fit of one replicate's effect block.
template <int P>
struct DistalFit {
  FitStatus status;
  int n_eff;
  Vec<P> theta;  // the effect coefficients
  Mat<P> variance;
  double joint_statistic;
};

// Arm-a nuisance coefficients fitted on every fold but `fold` (all folds when folds == 1).
template <int P>
MRTSIM_HD MRTSIM_INLINE bool dcee_nuisance(const DceeFoldSums<P>* fold_sums, int folds, int fold, int arm,
                                           Vec<kDistalControls>& coefficients) {
  Mat<kDistalControls> gram = Mat<kDistalControls>::Zero();
  Vec<kDistalControls> xty = Vec<kDistalControls>::Zero();
  for (int k = 0; k < folds; ++k) {
    if (folds > 1 && k == fold) continue;
    gram += fold_sums[k].gram[arm];
    xty += fold_sums[k].xty[arm];
  }
  const SmallCholesky<kDistalControls> factor(gram);
  if (!factor.ok()) return false;
  factor.solve(xty.data(), coefficients.data());
  return true;
}

// DCEE of one replicate. `subject_sums(i, out)` fills subject i's sums; called twice per subject
// unless `scratch` (n_subjects entries) keeps them from the first pass.
template <int P, class SubjectFn>
MRTSIM_HD DistalFit<P> fit_dcee_replicate(const SubjectFn& subject_sums, int n_subjects, const DistalAnalysisView& a,
                                          DceeSubjectSums<P>* scratch) {
  DistalFit<P> fit;
  fit.n_eff = n_subjects;
  fit.theta.setZero();
  fit.variance.setZero();
  fit.joint_statistic = 0.0;
  const int folds = a.folds;
  DceeFoldSums<P> fold_sums[kMaxCrossFitFolds];
  for (int k = 0; k < folds; ++k) fold_sums[k].clear();
  Mat<P> bread = Mat<P>::Zero();
  DceeSubjectSums<P> s;
  for (int i = 0; i < n_subjects; ++i) {
    subject_sums(i, s);
    if (scratch) scratch[i] = s;
    fold_sums[i % folds].add(s);
    bread += s.bread;
  }
  if (n_subjects <= P) {
    fit.status = FitStatus::kNoData;
    return fit;
  }
  // Nuisance coefficients per fold (index k: used for the subjects of fold k).
  Vec<kDistalControls> g1[kMaxCrossFitFolds], g0[kMaxCrossFitFolds];
  for (int k = 0; k < folds; ++k) {
    g1[k].setZero();
    g0[k].setZero();
    if (!a.zero_nuisance &&
        !(dcee_nuisance(fold_sums, folds, k, 1, g1[k]) && dcee_nuisance(fold_sums, folds, k, 0, g0[k]))) {
      fit.status = FitStatus::kSingularNuisance;
      return fit;
    }
  }
  const SmallCholesky<P> bread_factor(bread);
  if (!bread_factor.ok()) {
    fit.status = FitStatus::kSingularBread;
    return fit;
  }
  // sum over folds of yu - p1 g1 - p0 g0.
  double score[P];
  for (int i = 0; i < P; ++i) {
    double total = 0.0;
    for (int k = 0; k < folds; ++k) {
      double v = fold_sums[k].yu(i);
      for (int j = 0; j < kDistalControls; ++j) v = fma(-fold_sums[k].p1(i, j), g1[k](j), v);
      for (int j = 0; j < kDistalControls; ++j) v = fma(-fold_sums[k].p0(i, j), g0[k](j), v);
      total = total + v;
    }
    score[i] = total;
  }
  bread_factor.solve(score, fit.theta.data());

  Mat<P> meat = Mat<P>::Zero();
  for (int i = 0; i < n_subjects; ++i) {
    if (scratch) s = scratch[i];
    else subject_sums(i, s);
    const Vec<P> r = s.residual_score(g1[i % folds], g0[i % folds], fit.theta);
    add_scaled_outer(meat, 1.0, r.data(), P, r.data(), P);
  }
  Mat<P> bread_inverse;
  bread_factor.inverse(bread_inverse);
  fit.variance = triple_product<P>(bread_inverse, meat, bread_inverse);
  const SmallCholesky<P> v_factor(fit.variance);
  if (!v_factor.ok()) {
    fit.status = FitStatus::kSingularVariance;
    return fit;
  }
  fit.joint_statistic = v_factor.quadratic_form(fit.theta.data());
  fit.status = finite_fit_status(FitStatus::kOk, fit.theta.data(), fit.variance.data(), P, fit.joint_statistic);
  return fit;
}

// WCLS / GEE sufficient statistics of a subject: rows accumulate with outcome 1, and the score is
// scaled by the distal Y once the subject is complete.
template <int P>
MRTSIM_HD MRTSIM_INLINE void simulated_distal_regression_subject(const DistalSimulationTask& task, uint32_t replicate,
                                                                 int subject, WclsSubjectStats<kDistalControls + P>& stats) {
  constexpr int D = kDistalControls + P;
  stats.clear();
  const StreamKey key{task.seed, task.scenario, replicate, static_cast<uint32_t>(subject), StreamPurpose::kCohort};
  const bool gee = task.analysis.estimator == DistalEstimator::kGee;
  const double ptilde = gee ? 0.0 : task.analysis.numerator_prob;
  const double y = simulate_qian_subject(task.model, key, [&](const DistalRow& row) {
    double g[kDistalControls], f[P], x[D];
    distal_controls(row, g);
    distal_moderators(row, P, f);
    const WclsWeights weights = gee ? WclsWeights{1.0, 1.0} : wcls_weights(ptilde, row.prob);
    const double w = wcls_design_row(g, kDistalControls, f, P, ptilde, weights, row.treated, gee || row.available, x);
    stats.add_row(x, w, 1.0);
  });
  for (int a = 0; a < D; ++a) stats.score[a] = stats.score[a] * y;
}

// A replicate's WCLS / GEE subjects: from `cache` when there is one (filled in the first pass), else
// simulated again in the second.
template <int P>
struct DistalRegressionSubjects {
  const DistalSimulationTask& task;
  uint32_t replicate;
  WclsSubjectStats<kDistalControls + P>* cache;

  MRTSIM_HD MRTSIM_INLINE void first_pass(int i, WclsSubjectStats<kDistalControls + P>& s) const {
    simulated_distal_regression_subject<P>(task, replicate, i, s);
    if (cache) cache[i] = s;
  }
  MRTSIM_HD MRTSIM_INLINE void second_pass(int i, WclsSubjectStats<kDistalControls + P>& s) const {
    if (cache) s = cache[i];
    else simulated_distal_regression_subject<P>(task, replicate, i, s);
  }
};

template <int P, class Warp>
MRTSIM_HD DistalFit<P> fit_distal_regression_replicate(const Warp& warp, const DistalSimulationTask& task,
                                                       uint32_t replicate, WclsSubjectStats<kDistalControls + P>* cache) {
  constexpr int D = kDistalControls + P;
  const SmallSampleCorrection correction = task.analysis.estimator == DistalEstimator::kGee
                                               ? SmallSampleCorrection::kNever
                                               : task.analysis.correction;
  const WclsFit<D> wcls =
      fit_wcls_lanes<D>(warp, DistalRegressionSubjects<P>{task, replicate, cache}, task.n_subjects, P, correction);
  DistalFit<P> fit;
  fit.status = wcls.status;
  fit.n_eff = wcls.n_eff;
  fit.theta = wcls.theta.template tail<P>();
  fit.variance = wcls.variance.template bottomRightCorner<P, P>();
  fit.joint_statistic = wcls.joint_statistic;
  return fit;
}

// Per-thread scratch of either estimator (the CPU backend keeps subjects between passes; a CUDA
// thread has none and simulates them again).
template <int P>
struct DistalScratch {
  DceeSubjectSums<P>* dcee;
  WclsSubjectStats<kDistalControls + P>* regression;
};

// One replicate of the task's estimator, writing its effect coefficients (P per replicate) to slot
// `slot` of `out`. Warp: EmulatedWarp<Isa> (the lane order of the WCLS and GEE comparators, run by one
// thread).
template <int P, class Warp>
MRTSIM_HD MRTSIM_INLINE void run_distal_replicate(const Warp& warp, const DistalSimulationTask& task,
                                                  uint32_t replicate, long long slot, const ReplicateOutput& out,
                                                  const DistalScratch<P>& scratch) {
  DistalFit<P> fit;
  if (task.analysis.estimator == DistalEstimator::kDcee) {
    const auto subject_sums = [&](int i, DceeSubjectSums<P>& s) { simulated_dcee_subject<P>(task, replicate, i, s); };
    fit = fit_dcee_replicate<P>(subject_sums, task.n_subjects, task.analysis, scratch.dcee);
  } else {
    fit = fit_distal_regression_replicate<P>(warp, task, replicate, scratch.regression);
  }
  write_replicate_fit(fit, out, slot);
}

// The bytes of a CPU thread's DistalScratch (either estimator's cache).
inline size_t distal_cache_bytes(const DistalSimulationTask& task) {
  const size_t per_subject = sizeof(DceeSubjectSums<2>) > sizeof(WclsSubjectStats<kDistalControls + 2>)
                                 ? sizeof(DceeSubjectSums<2>)
                                 : sizeof(WclsSubjectStats<kDistalControls + 2>);
  return per_subject * static_cast<size_t>(task.n_subjects > 0 ? task.n_subjects : 1);
}

}  // namespace mrtsim
