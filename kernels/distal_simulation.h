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
// A subject's sums are accumulated as its rows are drawn, on lanes (core/simd_lanes.h): the CPU
// simulates 4 or 8 subjects at once, branch-free, a CUDA thread one subject. Every sum is written out
// with fma in a fixed order and the solves are kernels/small_cholesky.h, so every instruction set and
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
constexpr int kMaxDistalSets = 2;   // the model's two effect models, S = (1) and S = (1, Z)

struct DistalAnalysisView {
  DistalEstimator estimator;
  // The effect models fitted on each cohort, reported side by side (set k's coefficients after
  // those of sets 0 .. k - 1): set k has set_effects[k] effects, 1: S = (1); 2: S = (1, Z).
  int num_sets;
  int set_effects[kMaxDistalSets];
  int folds;                 // DCEE cross-fitting folds; 1: no cross-fitting
  bool zero_nuisance;        // DCEE with mu = 0 (the pure IPW estimator)
  double numerator_prob;     // WCLS p~
  SmallSampleCorrection correction;  // WCLS

  // A replicate's coefficients: every set's effects.
  MRTSIM_HD MRTSIM_INLINE int columns() const {
    int total = 0;
    for (int k = 0; k < num_sets; ++k) total += set_effects[k];
    return total;
  }
  // The largest set: the CPU simulates a cohort's sums for it once and fits every set from them.
  MRTSIM_HD MRTSIM_INLINE int max_effects() const {
    int most = 0;
    for (int k = 0; k < num_sets; ++k) most = set_effects[k] > most ? set_effects[k] : most;
    return most;
  }
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

// A subject's sums for the first p effects (S's leading entries) from its sums for P >= p: the bits
// the p-effect sums would have, since every entry adds its own products in row order.
template <int p, int P>
MRTSIM_HD MRTSIM_INLINE DceeSubjectSums<p> leading_effects(const DceeSubjectSums<P>& s) {
  static_assert(p <= P, "a subject's sums hold at most P effects");
  if constexpr (p == P) {
    return s;
  } else {
    DceeSubjectSums<p> out;
    for (int a = 0; a < 2; ++a) {
      out.gram[a] = s.gram[a];
      out.xsum[a] = s.xsum[a];
    }
    out.bread = s.bread.template topLeftCorner<p, p>();
    out.u = s.u.template head<p>();
    out.p1 = s.p1.template topRows<p>();
    out.p0 = s.p0.template topRows<p>();
    out.y = s.y;
    return out;
  }
}

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

// DceeSubjectSums of L::kLanes subjects, one per lane, accumulated branch-free: a row adds to a sum
// through select(mask, sum + term, sum), so every lane's sums are the bits of its subject's sums
// added row by row. Symmetric sums keep their upper triangles (entry (i, j) and (j, i) of the
// subject's matrices add the same products in the same order).
template <int P, class V>
struct DceeSumsLanes {
  static constexpr int C = kDistalControls;
  V gram[2][C * C];  // [arm][i * C + j], j >= i
  V xsum[2][C];
  V bread[P * P];    // [i * P + j], j >= i
  V u[P];
  V p1[P * C], p0[P * C];

  MRTSIM_HD MRTSIM_INLINE DceeSumsLanes() {
    for (int a = 0; a < 2; ++a) {
      for (int k = 0; k < C * C; ++k) gram[a][k] = V(0.0);
      for (int k = 0; k < C; ++k) xsum[a][k] = V(0.0);
    }
    for (int k = 0; k < P * P; ++k) bread[k] = V(0.0);
    for (int k = 0; k < P; ++k) u[k] = V(0.0);
    for (int k = 0; k < P * C; ++k) p1[k] = p0[k] = V(0.0);
  }

  // x = (1, X, Z), S = (1) or (1, Z); c = I (-1)^(1-A) / p(A); stage-1 sums go to the row's arm.
  MRTSIM_HD MRTSIM_INLINE void operator()(const QianLanesRow<V>& row) {
    using lanes::mul_add;
    using lanes::select;
    const V x[C] = {V(1.0), row.x, row.z};
    const V s[2] = {V(1.0), row.z};
    const auto treated = row.treated == V(1.0);
    const auto available = row.available == V(1.0);
    for (int arm = 0; arm < 2; ++arm) {
      const auto in_arm = arm == 1 ? treated : row.treated == V(0.0);
MRTSIM_UNROLL
      for (int i = 0; i < C; ++i) {
MRTSIM_UNROLL
        for (int j = i; j < C; ++j)
          gram[arm][i * C + j] = select(in_arm, mul_add(x[i], x[j], gram[arm][i * C + j]), gram[arm][i * C + j]);
        xsum[arm][i] = select(in_arm, xsum[arm][i] + x[i], xsum[arm][i]);
      }
    }
MRTSIM_UNROLL
    for (int i = 0; i < P; ++i)
MRTSIM_UNROLL
      for (int j = i; j < P; ++j) bread[i * P + j] = mul_add(s[i], s[j], bread[i * P + j]);
    const V c = select(treated, V(1.0) / row.prob, V(-1.0) / (V(1.0) - row.prob));
    const V c1 = c * (V(1.0) - row.prob), c0 = c * row.prob;
MRTSIM_UNROLL
    for (int i = 0; i < P; ++i) {
      u[i] = select(available, mul_add(c, s[i], u[i]), u[i]);
      const V c1s = c1 * s[i], c0s = c0 * s[i];
MRTSIM_UNROLL
      for (int j = 0; j < C; ++j) {
        p1[i * C + j] = select(available, mul_add(c1s, x[j], p1[i * C + j]), p1[i * C + j]);
        p0[i * C + j] = select(available, mul_add(c0s, x[j], p0[i * C + j]), p0[i * C + j]);
      }
    }
  }
};

// The subjects of a group of lanes that starts at subject `first`: at most kLanes, none past n.
MRTSIM_HD MRTSIM_INLINE int subjects_in_lanes(int n_subjects, int first, int lanes) {
  return n_subjects - first < lanes ? n_subjects - first : lanes;
}

// The sums of subjects first .. first + count - 1 (count <= L::kLanes) of replicate `replicate` into
// out[0 .. count - 1].
template <int P, class L>
MRTSIM_HD MRTSIM_INLINE void simulated_dcee_lanes(const DistalSimulationTask& task, uint32_t replicate, int first,
                                                  int count, DceeSubjectSums<P>* out) {
  constexpr int C = kDistalControls;
  const StreamKey key{task.seed, task.scenario, replicate, static_cast<uint32_t>(first), StreamPurpose::kCohort};
  DceeSumsLanes<P, typename L::V> sums;
  const typename L::V y = simulate_qian_lanes<L>(task.model, key, sums);
  // Lane l of v into entry(out[l]), for the lanes that hold subjects (symmetric sums: both entries).
  const auto put = [&](typename L::V v, auto&& entry) {
    double lane[L::kLanes];
    L::store(lane, v);
    for (int l = 0; l < count; ++l) entry(out[l]) = lane[l];
  };
  for (int a = 0; a < 2; ++a)
    for (int i = 0; i < C; ++i) {
      for (int j = i; j < C; ++j) {
        put(sums.gram[a][i * C + j], [&](DceeSubjectSums<P>& s) -> double& { return s.gram[a](i, j); });
        put(sums.gram[a][i * C + j], [&](DceeSubjectSums<P>& s) -> double& { return s.gram[a](j, i); });
      }
      put(sums.xsum[a][i], [&](DceeSubjectSums<P>& s) -> double& { return s.xsum[a](i); });
    }
  for (int i = 0; i < P; ++i) {
    for (int j = i; j < P; ++j) {
      put(sums.bread[i * P + j], [&](DceeSubjectSums<P>& s) -> double& { return s.bread(i, j); });
      put(sums.bread[i * P + j], [&](DceeSubjectSums<P>& s) -> double& { return s.bread(j, i); });
    }
    put(sums.u[i], [&](DceeSubjectSums<P>& s) -> double& { return s.u(i); });
    for (int j = 0; j < C; ++j) {
      put(sums.p1[i * C + j], [&](DceeSubjectSums<P>& s) -> double& { return s.p1(i, j); });
      put(sums.p0[i * C + j], [&](DceeSubjectSums<P>& s) -> double& { return s.p0(i, j); });
    }
  }
  put(y, [](DceeSubjectSums<P>& s) -> double& { return s.y; });
}

// One subject's sums (a CUDA thread; tests).
template <int P>
MRTSIM_HD MRTSIM_INLINE void simulated_dcee_subject(const DistalSimulationTask& task, uint32_t replicate, int subject,
                                                    DceeSubjectSums<P>& sums) {
  simulated_dcee_lanes<P, ScalarLanes>(task, replicate, subject, 1, &sums);
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

// DCEE of one replicate. `subject_sums(i, out)` fills subject i's sums; called twice per subject.
template <int P, class SubjectFn>
MRTSIM_HD DistalFit<P> fit_dcee_replicate(const SubjectFn& subject_sums, int n_subjects, const DistalAnalysisView& a) {
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
    subject_sums(i, s);
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

// The visitor of simulate_qian_lanes that adds each decision point's WCLS / GEE row to the lanes'
// sums, with outcome 1: the score is scaled by the distal Y once the subjects are complete. GEE:
// weight 1 on every row and p~ = 0 (raw A).
template <int P, class V>
struct DistalRegressionRows {
  static constexpr int D = kDistalControls + P;
  bool gee;
  double ptilde;
  WclsStatsLanes<D, V>& stats;

  MRTSIM_HD MRTSIM_INLINE void operator()(const QianLanesRow<V>& row) {
    using lanes::select;
    const V centred = row.treated - V(ptilde);
    const V design[kDistalControls + 2] = {V(1.0), row.x, row.z, centred, centred * row.z};  // the first D
    V w(1.0);
    if (!gee) {
      const V weight = select(row.treated == V(1.0), V(ptilde) / row.prob, V(1.0 - ptilde) / (V(1.0) - row.prob));
      w = select(row.available == V(1.0), weight, V(0.0));
    }
    stats.add_row(design, w, V(1.0));
  }
};

// WCLS / GEE statistics of subjects first .. first + count - 1 (count <= L::kLanes) of replicate
// `replicate` into out[0 .. count - 1].
template <int P, class L>
MRTSIM_HD MRTSIM_INLINE void simulated_distal_regression_lanes(const DistalSimulationTask& task, uint32_t replicate,
                                                               int first, int count,
                                                               WclsSubjectStats<kDistalControls + P>* out) {
  constexpr int D = kDistalControls + P;
  using V = typename L::V;
  const StreamKey key{task.seed, task.scenario, replicate, static_cast<uint32_t>(first), StreamPurpose::kCohort};
  const bool gee = task.analysis.estimator == DistalEstimator::kGee;
  WclsStatsLanes<D, V> stats;
  stats.clear();
  const V y = simulate_qian_lanes<L>(task.model, key,
                                     DistalRegressionRows<P, V>{gee, gee ? 0.0 : task.analysis.numerator_prob, stats});
  for (int a = 0; a < D; ++a) stats.score[a] = stats.score[a] * y;
  store_stats_lanes<D, L>(stats, count, out);
}

// A replicate's WCLS / GEE subjects simulated one at a time in both passes (a CUDA thread, which
// keeps no per-subject memory).
template <int P>
struct SimulatedRegressionSubjects {
  const DistalSimulationTask& task;
  uint32_t replicate;

  MRTSIM_HD MRTSIM_INLINE void first_pass(int i, WclsSubjectStats<kDistalControls + P>& s) const {
    simulated_distal_regression_lanes<P, ScalarLanes>(task, replicate, i, 1, &s);
  }
  MRTSIM_HD MRTSIM_INLINE void second_pass(int i, WclsSubjectStats<kDistalControls + P>& s) const {
    first_pass(i, s);
  }
};

template <int P, class Warp, class Subjects>
MRTSIM_HD DistalFit<P> fit_distal_regression_replicate(const Warp& warp, const DistalSimulationTask& task,
                                                       const Subjects& subjects) {
  constexpr int D = kDistalControls + P;
  const SmallSampleCorrection correction = task.analysis.estimator == DistalEstimator::kGee
                                               ? SmallSampleCorrection::kNever
                                               : task.analysis.correction;
  const WclsFit<D> wcls = fit_wcls_lanes<D>(warp, subjects, task.n_subjects, P, correction);
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

// Set `set`'s fit (p effects) of one replicate: from the sums of the largest set (P effects) that
// the CPU keeps in `cache`, or, without a cache (a CUDA thread), by simulating the subjects again in
// each pass of the fit. Both give the same bits (leading_effects, leading_columns).
template <int p, int P, class Warp>
MRTSIM_HD MRTSIM_INLINE DistalFit<p> fit_distal_set(const Warp& warp, const DistalSimulationTask& task,
                                                    uint32_t replicate, const DistalScratch<P>& cache) {
  constexpr int C = kDistalControls;
  const int n = task.n_subjects;
  if (task.analysis.estimator == DistalEstimator::kDcee) {
    if (cache.dcee) {
      const auto cached = [&](int i, DceeSubjectSums<p>& s) { s = leading_effects<p>(cache.dcee[i]); };
      return fit_dcee_replicate<p>(cached, n, task.analysis);
    }
    const auto simulated = [&](int i, DceeSubjectSums<p>& s) { simulated_dcee_subject<p>(task, replicate, i, s); };
    return fit_dcee_replicate<p>(simulated, n, task.analysis);
  }
  if (cache.regression)
    return fit_distal_regression_replicate<p>(warp, task, CachedSubjects<C + p, C + P>{cache.regression});
  return fit_distal_regression_replicate<p>(warp, task, SimulatedRegressionSubjects<p>{task, replicate});
}

// Writes set `set`'s fit to slot `slot` of `out`, its effects after those of the sets before it
// (from column `first_column` of the slot's `columns`). The replicate's status is set 0's unless
// that is kOk and a later set's is not; n_eff and the joint statistic are set 0's (the cell's
// joint test is the first set's).
template <int p>
MRTSIM_HD MRTSIM_INLINE void write_set_fit(const DistalFit<p>& fit, int set, int first_column, int columns,
                                           const ReplicateOutput& out, long long slot) {
  const int kOk = static_cast<int>(FitStatus::kOk);
  if (set == 0 || (out.status[slot] == kOk && fit.status != FitStatus::kOk)) out.status[slot] = static_cast<int>(fit.status);
  if (set == 0) {
    out.n_eff[slot] = fit.n_eff;
    out.joint_statistic[slot] = fit.joint_statistic;
  }
  write_coefficients(fit, out, slot * columns + first_column);
}

// One replicate of the task's estimator, every set's effects (task.analysis.columns() per
// replicate) to slot `slot` of `out`; P = task.analysis.max_effects(). With a scratch (the CPU
// backend), the cohort's per-subject sums for the largest set are simulated L::kLanes subjects at a
// time into it once, and every pass of every set's fit reads them there; without (a CUDA thread),
// each pass simulates the subjects again one at a time. Warp: EmulatedWarp<L> (the lane order of
// the WCLS and GEE comparators, run by one thread).
template <int P, class L, class Warp>
MRTSIM_HD MRTSIM_INLINE void run_distal_replicate(const Warp& warp, const DistalSimulationTask& task,
                                                  uint32_t replicate, long long slot, const ReplicateOutput& out,
                                                  const DistalScratch<P>& scratch) {
  const int n = task.n_subjects;
  DistalScratch<P> cache{nullptr, nullptr};
  if (task.analysis.estimator == DistalEstimator::kDcee && scratch.dcee) {
    cache.dcee = scratch.dcee;
    for (int first = 0; first < n; first += L::kLanes)
      simulated_dcee_lanes<P, L>(task, replicate, first, subjects_in_lanes(n, first, L::kLanes), cache.dcee + first);
  } else if (task.analysis.estimator != DistalEstimator::kDcee && scratch.regression) {
    cache.regression = scratch.regression;
    for (int first = 0; first < n; first += L::kLanes)
      simulated_distal_regression_lanes<P, L>(task, replicate, first, subjects_in_lanes(n, first, L::kLanes),
                                              cache.regression + first);
  }
  const int columns = task.analysis.columns();
  for (int set = 0, column = 0; set < task.analysis.num_sets; column += task.analysis.set_effects[set], ++set) {
    // A set has 1 effect or P (the model's effect models are S = (1) and S = (1, Z)).
    if (task.analysis.set_effects[set] == P)
      write_set_fit(fit_distal_set<P, P>(warp, task, replicate, cache), set, column, columns, out, slot);
    else
      write_set_fit(fit_distal_set<1, P>(warp, task, replicate, cache), set, column, columns, out, slot);
  }
}

// The bytes of a CPU thread's DistalScratch (either estimator's cache).
inline size_t distal_cache_bytes(const DistalSimulationTask& task) {
  const size_t per_subject = sizeof(DceeSubjectSums<2>) > sizeof(WclsSubjectStats<kDistalControls + 2>)
                                 ? sizeof(DceeSubjectSums<2>)
                                 : sizeof(WclsSubjectStats<kDistalControls + 2>);
  return per_subject * static_cast<size_t>(task.n_subjects > 0 ? task.n_subjects : 1);
}

}  // namespace mrtsim
