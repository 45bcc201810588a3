// A permutation (or re-randomization) test inside every simulated WCLS replicate: the replicate's
// observed fit, exactly as WclsReplicateJob computes it, against B fits with reshuffled treatments
// and the outcomes as generated (the sharp null of no effect). Written once for both backends.
//
// Cost and memory: reshuffle b of replicate r refits the whole cohort, regenerating every subject
// from its cohort stream (fit_wcls does it once per subject with the CPU's statistics cache, twice
// without it), so a replicate costs about (B + 1) x n x T cells. It holds one subject's available
// rows at a time while reshuffling them (SubjectRows, at most kMaxPermutationDecisions rows), plus
// fit_wcls's O(n D^2) cache where the backend keeps one: never the cohort.
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

#include "core/device_macros.h"
#include "core/philox.h"
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
  SubjectAccumulator<D> accumulate{task.design, stats};
  for (int k = 0; k < rows.count; ++k) accumulate(rows.row(k));
}

// The two-sided statistic of coefficient j, the one host/analysis/permutation_test uses too.
template <int D>
MRTSIM_HD MRTSIM_INLINE double abs_t_statistic(const WclsFit<D>& fit, int j) {
  return fabs(fit.theta(j) / sqrt(fit.variance(j, j)));
}

// Runs replicate `replicate` with its permutation test and writes slot `slot` of `out`. `rows` is
// this thread's room for one subject; `stats_scratch` is fit_wcls's optional cache.
template <int D>
MRTSIM_HD void run_wcls_permutation_replicate(const WclsSimulationTask& task,
                                              const WclsPermutationSettings& permutation, uint32_t replicate,
                                              const ReplicateBatchOutput& out, long long slot, SubjectRows rows,
                                              WclsSubjectStats<D>* stats_scratch) {
  const WclsFit<D> observed = fit_simulated_replicate<D>(task, replicate, stats_scratch);
  write_replicate_fit(observed, out.fits, slot);
  const int p = task.design.p, first_effect = D - p;
  if (observed.status != FitStatus::kOk) {
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
    const auto subject_stats = [&](int i, WclsSubjectStats<D>& s) {
      reshuffled_subject_stats<D>(task, permutation.scheme, replicate, b, i, rows, s);
    };
    const WclsFit<D> fit = fit_wcls<D>(subject_stats, task.n_subjects, p, task.correction, stats_scratch);
    if (fit.status != FitStatus::kOk) continue;
    ++completed;
    for (int j = first_effect; j < D; ++j) at_least_observed[j] += abs_t_statistic(fit, j) >= observed_t[j];
    joint_at_least_observed += fit.joint_statistic >= observed.joint_statistic;
  }

  for (int j = first_effect; j < D; ++j)
    out.permutation_p[slot * p + (j - first_effect)] = permutation_p_value(at_least_observed[j], completed);
  out.joint_permutation_p[slot] = permutation_p_value(joint_at_least_observed, completed);
  out.failed_reshuffles[slot] = static_cast<int>(permutation.reshuffles - completed);
}

// One replicate with its permutation test (kernels/replicate_launch.h's job). Every thread needs
// room for one subject's rows; a CPU thread also caches the cohort's subject statistics.
template <int D>
struct WclsPermutationJob {
  WclsSimulationTask task;
  WclsPermutationSettings permutation;
  ReplicateBatchOutput out;

  struct Scratch {
    SubjectRows rows;
    WclsSubjectStats<D>* subject_cache;
  };
  MRTSIM_HD void operator()(uint32_t replicate, long long slot, const Scratch& scratch) const {
    run_wcls_permutation_replicate<D>(task, permutation, replicate, out, slot, scratch.rows, scratch.subject_cache);
  }

  class CpuScratch {
   public:
    explicit CpuScratch(const WclsPermutationJob& job)
        : decision_(job.task.model.num_decisions),
          treated_(job.task.model.num_decisions),
          outcome_(job.task.model.num_decisions),
          cache_(job.task.n_subjects) {}
    Scratch view() { return Scratch{SubjectRows{decision_.data(), treated_.data(), outcome_.data(), 1, 0}, cache_.data()}; }

   private:
    std::vector<uint16_t> decision_;
    std::vector<uint8_t> treated_;
    std::vector<double> outcome_;
    std::vector<WclsSubjectStats<D>> cache_;
  };
};

}  // namespace mrtsim
