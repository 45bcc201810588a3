// A permutation (or re-randomization) test inside every simulated WCLS replicate: the replicate's
// observed fit, exactly as WclsReplicateJob computes it, against B fits with reshuffled treatments
// and the outcomes as generated (the sharp null of no effect). Written once for both backends.
//
// Cost and memory: a CPU thread simulates the cohort once and keeps it (a table of n x T rows) while
// it refits the B reshuffles from the table; a CUDA lane keeps one subject's available rows at a time
// (SubjectRows, at most kMaxPermutationDecisions rows) and simulates its subjects again for every
// reshuffle, so no cohort is ever held on the device. Both give the statistics the same bits.
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

#include "core/device_macros.h"
#include "core/philox.h"
#include "core/simd_lanes.h"
#include "kernels/reshuffle.h"
#include "kernels/wcls.h"
#include "kernels/wcls_simulation.h"

namespace mrtsim {

// Reshuffle draws use draw index reshuffle << kReshufflePositionBits | position (core/philox.h),
// which bounds the decision points per subject and the reshuffles per replicate.
constexpr int kReshufflePositionBits = 12;
constexpr int kMaxPermutationDecisions = 1 << kReshufflePositionBits;
constexpr uint32_t kMaxSimulatedReshuffles = 1u << (32 - kReshufflePositionBits);

MRTSIM_HD MRTSIM_INLINE uint32_t reshuffle_draw(uint32_t reshuffle, int position) {
  return (reshuffle << kReshufflePositionBits) | static_cast<uint32_t>(position);
}

struct WclsPermutationSettings {
  uint32_t reshuffles;  // B, 1 .. kMaxSimulatedReshuffles
  ReshuffleScheme scheme;
};

// One subject's available decision points while one reshuffle of its treatments is applied. Row k
// lives at index k * stride: 1 on the CPU; on CUDA the number of threads sharing the buffers, so that
// neighbouring threads touch neighbouring words.
struct SubjectRows {
  uint16_t* decision;
  uint8_t* treated;
  double* outcome;
  int stride;
  int count;

  MRTSIM_HD MRTSIM_INLINE void push(const DecisionRow& row) {
    const int at = count++ * stride;
    decision[at] = static_cast<uint16_t>(row.t);
    treated[at] = static_cast<uint8_t>(row.treated);
    outcome[at] = row.outcome;
  }
  MRTSIM_HD MRTSIM_INLINE DecisionRow row(int k) const {
    const int at = k * stride;
    return DecisionRow{decision[at], true, treated[at], outcome[at]};
  }
  MRTSIM_HD MRTSIM_INLINE void swap_treatments(int a, int b) {
    const uint8_t kept = treated[a * stride];
    treated[a * stride] = treated[b * stride];
    treated[b * stride] = kept;
  }
};

// Keeps the available rows of a simulated subject (the visitor of simulate_liao_subject).
struct AvailableRowCollector {
  SubjectRows& rows;
  MRTSIM_HD MRTSIM_INLINE void operator()(const DecisionRow& row) {
    if (row.available) rows.push(row);
  }
};

// Applies reshuffle `reshuffle` to the treatments of `rows`, drawing from `key` (the subject's
// kPermutation stream): a Fisher-Yates permutation of the rows (the subject's treatment count is
// kept), or A_t ~ Bernoulli(rand_prob[t]) drawn at position t.
MRTSIM_HD inline void reshuffle_treatments(ReshuffleScheme scheme, const StreamKey& key, uint32_t reshuffle,
                                           const double* rand_prob, SubjectRows& rows) {
  if (scheme == ReshuffleScheme::kPermute) {
    permute_positions(key, reshuffle_draw(reshuffle, 0), rows.count,
                      [&](int slot, int pick) { rows.swap_treatments(slot, pick); });
    return;
  }
  for (int k = 0; k < rows.count; ++k) {
    const int t = rows.decision[k * rows.stride];
    const int drawn = rerandomized_treatment(key, reshuffle_draw(reshuffle, t), rand_prob[t]);
    rows.treated[k * rows.stride] = static_cast<uint8_t>(drawn);
  }
}

// Sufficient statistics of subject `subject` of replicate `replicate` under reshuffle `reshuffle`:
// the subject is regenerated from its cohort stream, its available rows are kept in `rows`, their
// treatments reshuffled, and the rows accumulated in decision order as simulated_subject_stats does.
template <int D>
MRTSIM_HD void reshuffled_subject_stats(const WclsSimulationTask& task, ReshuffleScheme scheme, uint32_t replicate,
                                        uint32_t reshuffle, int subject, SubjectRows rows, WclsSubjectStats<D>& stats) {
  const StreamKey cohort{task.seed, task.scenario, replicate, static_cast<uint32_t>(subject), StreamPurpose::kCohort};
  rows.count = 0;
  AvailableRowCollector collect{rows};
  simulate_liao_subject(task.model, cohort, collect);
  reshuffle_treatments(scheme, cohort.with_purpose(StreamPurpose::kPermutation), reshuffle, task.model.rand_prob, rows);
  stats.clear();
  for (int k = 0; k < rows.count; ++k) add_wcls_row<D>(task.design, rows.row(k), stats);
}

// The two-sided statistic of coefficient j, the one host/analysis/permutation_test uses too.
template <int D>
MRTSIM_HD MRTSIM_INLINE double abs_t_statistic(const WclsFit<D>& fit, int j) {
  return fabs(fit.theta(j) / sqrt(fit.variance(j, j)));
}

// Replicate `replicate`'s permutation test from its observed fit and `fit_reshuffle(b)`, the fit of
// reshuffle b (called for b = 0 .. B - 1 in order): writes slot `slot` of `out` where `write` is true
// (the CPU thread; lane 0 of a CUDA warp, whose lanes all compute the fits together).
template <int D, class FitReshuffle>
MRTSIM_HD MRTSIM_INLINE void run_permutation_test(const WclsFit<D>& observed, const WclsPermutationSettings& permutation,
                                                  int p, FitReshuffle&& fit_reshuffle, const ReplicateBatchOutput& out,
                                                  long long slot, bool write) {
  if (write) write_replicate_fit(observed, out.fits, slot);
  const int first_effect = D - p;
  if (observed.status != FitStatus::kOk) {
    if (!write) return;
    for (int j = 0; j < p; ++j) out.permutation_p[slot * p + j] = NAN;
    out.joint_permutation_p[slot] = NAN;
    out.failed_reshuffles[slot] = 0;
    return;
  }
  double observed_t[D];
  uint32_t at_least_observed[D];
  for (int j = first_effect; j < D; ++j) {
    observed_t[j] = abs_t_statistic(observed, j);
    at_least_observed[j] = 0;
  }
  uint32_t joint_at_least_observed = 0, completed = 0;
  for (uint32_t b = 0; b < permutation.reshuffles; ++b) {
    const WclsFit<D> fit = fit_reshuffle(b);
    if (fit.status != FitStatus::kOk) continue;
    ++completed;
    for (int j = first_effect; j < D; ++j) at_least_observed[j] += abs_t_statistic(fit, j) >= observed_t[j];
    joint_at_least_observed += fit.joint_statistic >= observed.joint_statistic;
  }
  if (!write) return;
  for (int j = first_effect; j < D; ++j)
    out.permutation_p[slot * p + (j - first_effect)] = permutation_p_value(at_least_observed[j], completed);
  out.joint_permutation_p[slot] = permutation_p_value(joint_at_least_observed, completed);
  out.failed_reshuffles[slot] = static_cast<int>(permutation.reshuffles - completed);
}

// A replicate's cohort kept for its reshuffles on one CPU thread: per subject i and decision point t
// (index i * T + t) the availability and treatment (0 or 1) and the outcome, written as the cohort is
// simulated (the visitor of simulate_liao_lanes, next to the WCLS statistics).
struct CohortTable {
  double* available;
  double* treated;
  double* outcome;
  int num_decisions;
};

template <class L>
struct CohortRecorder {
  using V = typename L::V;
  CohortTable table;
  int first;  // the lanes' first subject
  int count;  // lanes holding subjects

  template <class Mask>
  MRTSIM_HD MRTSIM_INLINE void operator()(int t, Mask available, Mask treated, V outcome) {
    using lanes::select;
    double a[L::kLanes], z[L::kLanes], y[L::kLanes];
    L::store(a, select(available, V(1.0), V(0.0)));
    L::store(z, select(treated, V(1.0), V(0.0)));
    L::store(y, outcome);
    for (int l = 0; l < count; ++l) {
      const int at = (first + l) * table.num_decisions + t;
      table.available[at] = a[l];
      table.treated[at] = z[l];
      table.outcome[at] = y[l];
    }
  }
};

// Both visitors at once.
template <class First, class Second>
struct BothVisitors {
  First& first;
  Second& second;
  template <class Mask, class V>
  MRTSIM_HD MRTSIM_INLINE void operator()(int t, Mask available, Mask treated, V outcome) {
    first(t, available, treated, outcome);
    second(t, available, treated, outcome);
  }
};

// Per-thread memory of the CPU's permutation replicate: the cohort's statistics and its table, the
// reshuffled treatments, and one subject's rows.
template <int D>
struct PermutationScratch {
  WclsSubjectStats<D>* stats;  // n_subjects
  CohortTable cohort;          // n_subjects * T each
  double* reshuffled;          // n_subjects * T: the treatments of the current reshuffle
  SubjectRows rows;            // room for T rows

  // Carves the regions out of `bytes` (permutation_scratch_bytes(n, T) of them).
  MRTSIM_HD static PermutationScratch carve(void* bytes, int n_subjects, int num_decisions) {
    PermutationScratch s;
    const size_t cells = size_t(n_subjects) * num_decisions;
    auto* doubles = static_cast<double*>(bytes);
    s.stats = reinterpret_cast<WclsSubjectStats<D>*>(doubles);
    doubles += (sizeof(WclsSubjectStats<kMaxWclsDim>) * n_subjects + sizeof(double) - 1) / sizeof(double);
    s.cohort = CohortTable{doubles, doubles + cells, doubles + 2 * cells, num_decisions};
    s.reshuffled = doubles + 3 * cells;
    double* row_outcome = s.reshuffled + cells;
    auto* row_decision = reinterpret_cast<uint16_t*>(row_outcome + num_decisions);
    auto* row_treated = reinterpret_cast<uint8_t*>(row_decision + num_decisions);
    s.rows = SubjectRows{row_decision, row_treated, row_outcome, 1, 0};
    return s;
  }
  static size_t bytes(int n_subjects, int num_decisions) {
    const size_t cells = size_t(n_subjects) * num_decisions;
    return sizeof(WclsSubjectStats<kMaxWclsDim>) * n_subjects + sizeof(double) * (4 * cells + num_decisions) +
           (sizeof(uint16_t) + sizeof(uint8_t)) * num_decisions + 2 * sizeof(double);
  }
};

// Writes reshuffle b's treatments of every subject into scratch.reshuffled: each subject's available
// rows are gathered, reshuffled by reshuffle_treatments (the draws of reshuffled_subject_stats) and
// scattered back.
template <int D>
MRTSIM_HD MRTSIM_INLINE void reshuffle_cohort(const WclsSimulationTask& task, ReshuffleScheme scheme, uint32_t replicate,
                                              uint32_t reshuffle, PermutationScratch<D>& s) {
  const int T = task.model.num_decisions;
  for (int i = 0; i < task.n_subjects; ++i) {
    const StreamKey key{task.seed, task.scenario, replicate, static_cast<uint32_t>(i), StreamPurpose::kPermutation};
    SubjectRows rows = s.rows;
    rows.count = 0;
    for (int t = 0; t < T; ++t) {
      const int at = i * T + t;
      s.reshuffled[at] = s.cohort.treated[at];
      if (s.cohort.available[at] != 0.0)
        rows.push(DecisionRow{t, true, s.cohort.treated[at] != 0.0 ? 1 : 0, s.cohort.outcome[at]});
    }
    reshuffle_treatments(scheme, key, reshuffle, task.model.rand_prob, rows);
    for (int k = 0; k < rows.count; ++k) s.reshuffled[i * T + rows.decision[k]] = rows.treated[k];
  }
}

// The statistics of subjects first .. first + L::kLanes - 1 from the cohort table with the treatments
// `treated` (the lanes' rows as simulate_liao_lanes would give them).
template <int D, class L>
MRTSIM_HD MRTSIM_INLINE void table_stats_lanes(const WclsSimulationTask& task, const CohortTable& cohort,
                                               const double* treated, int first, WclsSubjectStats<D>* out) {
  using V = typename L::V;
  constexpr int K = L::kLanes;
  const int T = cohort.num_decisions;
  const int count = task.n_subjects - first < K ? task.n_subjects - first : K;
  WclsStatsLanes<D, V> sums;
  sums.clear();
  WclsRowAccumulator<D, V> accumulate{task.design, sums};
  for (int t = 0; t < T; ++t) {
    double a[K], z[K], y[K];
    for (int l = 0; l < K; ++l) {
      const int at = (first + (l < count ? l : 0)) * T + t;
      a[l] = cohort.available[at];
      z[l] = treated[at];
      y[l] = cohort.outcome[at];
    }
    accumulate(t, L::load(a) > V(0.5), L::load(z) > V(0.5), L::load(y));
  }
  store_stats_lanes<D, L>(sums, count, out);
}

// One replicate with its permutation test on one CPU thread: the cohort is simulated once (its
// statistics and its table, L::kLanes subjects at a time), then each reshuffle permutes the table's
// treatments and recomputes the statistics from the table. Every statistic has the bits of
// reshuffled_subject_stats, the path of a CUDA lane, which simulates the subject again instead.
template <int D, class L>
MRTSIM_HD void run_wcls_permutation_replicate_cpu(const WclsSimulationTask& task,
                                                  const WclsPermutationSettings& permutation, uint32_t replicate,
                                                  const ReplicateBatchOutput& out, long long slot, void* scratch_bytes) {
  PermutationScratch<D> s = PermutationScratch<D>::carve(scratch_bytes, task.n_subjects, task.model.num_decisions);
  using V = typename L::V;
  for (int first = 0; first < task.n_subjects; first += L::kLanes) {
    const StreamKey key{task.seed, task.scenario, replicate, static_cast<uint32_t>(first), StreamPurpose::kCohort};
    WclsStatsLanes<D, V> sums;
    sums.clear();
    WclsRowAccumulator<D, V> accumulate{task.design, sums};
    const int count = task.n_subjects - first < L::kLanes ? task.n_subjects - first : L::kLanes;
    CohortRecorder<L> record{s.cohort, first, count};
    BothVisitors<WclsRowAccumulator<D, V>, CohortRecorder<L>> both{accumulate, record};
    simulate_liao_lanes<L>(task.model, key, both);
    store_stats_lanes<D, L>(sums, count, s.stats + first);
  }
  const EmulatedWarp<L> warp;
  const WclsFit<D> observed =
      fit_wcls_lanes<D>(warp, CachedSubjects<D>{s.stats}, task.n_subjects, task.design.p, task.correction);
  const auto fit_reshuffle = [&](uint32_t b) {
    reshuffle_cohort<D>(task, permutation.scheme, replicate, b, s);
    for (int first = 0; first < task.n_subjects; first += L::kLanes)
      table_stats_lanes<D, L>(task, s.cohort, s.reshuffled, first, s.stats + first);
    return fit_wcls_lanes<D>(warp, CachedSubjects<D>{s.stats}, task.n_subjects, task.design.p, task.correction);
  };
  run_permutation_test<D>(observed, permutation, task.design.p, fit_reshuffle, out, slot, true);
}

}  // namespace mrtsim
