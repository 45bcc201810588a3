// WCLS on simulated cohorts: the per-replicate work of both backends. A subject's statistics are
// accumulated as its rows are drawn from the keyed Philox stream (no cohort arrays), written once
// over lane policies (core/simd_lanes.h): the CPU runs 4 or 8 subjects per instruction, a CUDA lane
// one subject, with the same bits; the fit (kernels/wcls.h) sums them in the canonical lane order.
#pragma once

#include <cstdint>

#include "core/device_macros.h"
#include "core/philox.h"
#include "core/simd_lanes.h"
#include "kernels/replicate_output.h"
#include "kernels/wcls.h"
#include "sims/liao_model.h"

namespace mrtsim {

// Per decision point design of the analysis: controls g_t (q entries, moderator main effects
// included) and moderators f_t (p entries), numerator probability and the weights it implies with
// the known rand prob (an array group of kernels/task_arena.h).
struct WclsDesignArrays {
  const double* controls;    // [t * q + j]
  const double* moderators;  // [t * p + j]
  const double* numerator_prob;
  const WclsWeights* weights;
};

struct WclsDesignView : WclsDesignArrays {
  int q;
  int p;
};

// Everything a backend needs to run replicates [first, first + count) of one scenario.
struct WclsSimulationTask {
  LiaoModelView model;
  WclsDesignView design;
  uint64_t seed;
  uint32_t scenario;  // the scenario's stream index (scenario x hypothesis), see core/philox.h
  int n_subjects;
  SmallSampleCorrection correction;

  template <class F>
  void for_each_array_group(F&& f) {
    f(static_cast<LiaoModelArrays&>(model));
    f(static_cast<WclsDesignArrays&>(design));
  }
};

// B_i, c_i and the weighted-row count of L::kLanes subjects, one per lane.
template <int D, class V>
struct WclsStatsLanes {
  V bread[kPackedSize<D>];
  V score[D];
  V weighted_rows;

  MRTSIM_HD MRTSIM_INLINE void clear() {
    for (int k = 0; k < kPackedSize<D>; ++k) bread[k] = V(0.0);
    for (int a = 0; a < D; ++a) score[a] = V(0.0);
    weighted_rows = V(0.0);
  }

  // WclsSubjectStats::add_row in every lane, branch-free: a lane whose weight is 0 adds exact zeros
  // (its outcome is finite), which leaves its sums as they are.
  MRTSIM_HD MRTSIM_INLINE void add_row(const V* x, V w, V y) {
    using lanes::mul_add;
    using lanes::select;
    weighted_rows = weighted_rows + select(w == V(0.0), V(0.0), V(1.0));
    int k = 0;
MRTSIM_UNROLL
    for (int a = 0; a < D; ++a) {
      const V wxa = w * x[a];
      score[a] = mul_add(wxa, y, score[a]);
MRTSIM_UNROLL
      for (int b = a; b < D; ++b, ++k) bread[k] = mul_add(wxa, x[b], bread[k]);
    }
  }
};

// The visitor of simulate_liao_lanes that adds each decision point's WCLS row to the lanes' sums.
template <int D, class V>
struct WclsRowAccumulator {
  const WclsDesignView& design;
  WclsStatsLanes<D, V>& stats;

  template <class Mask>
  MRTSIM_HD MRTSIM_INLINE void operator()(int t, Mask available, Mask treated, V outcome) {
    using lanes::select;
    const int q = design.q, p = D - design.q;  // D - q rather than design.p (equal): it unrolls
    const V centred = select(treated, V(1.0), V(0.0)) - V(design.numerator_prob[t]);
    const WclsWeights weights = design.weights[t];
    const V w = select(available, select(treated, V(weights.treated), V(weights.untreated)), V(0.0));
    V x[D];
MRTSIM_UNROLL
    for (int j = 0; j < D; ++j) x[j] = j < q ? V(design.controls[t * q + j]) : centred * V(design.moderators[t * p + j - q]);
    stats.add_row(x, w, outcome);
  }
};

// The lanes' sums into out[0 .. count - 1] (count <= L::kLanes: the lanes that hold subjects).
template <int D, class L>
MRTSIM_HD MRTSIM_INLINE void store_stats_lanes(const WclsStatsLanes<D, typename L::V>& sums, int count,
                                               WclsSubjectStats<D>* out) {
  double lane[L::kLanes];
  for (int k = 0; k < kPackedSize<D>; ++k) {
    L::store(lane, sums.bread[k]);
    for (int l = 0; l < count; ++l) out[l].bread[k] = lane[l];
  }
  for (int a = 0; a < D; ++a) {
    L::store(lane, sums.score[a]);
    for (int l = 0; l < count; ++l) out[l].score[a] = lane[l];
  }
  L::store(lane, sums.weighted_rows);
  for (int l = 0; l < count; ++l) out[l].weighted_rows = static_cast<int>(lane[l]);
}

// Statistics of subjects first .. first + L::kLanes - 1 of replicate `replicate`, drawn from their
// cohort streams; out[l] receives subject first + l's, for those below n_subjects.
template <int D, class L>
MRTSIM_HD MRTSIM_INLINE void simulated_stats_lanes(const WclsSimulationTask& task, uint32_t replicate, int first,
                                                   WclsSubjectStats<D>* out) {
  using V = typename L::V;
  const StreamKey key{task.seed, task.scenario, replicate, static_cast<uint32_t>(first), StreamPurpose::kCohort};
  // A local accumulator that nothing else can alias, so that the compiler keeps it in registers.
  WclsStatsLanes<D, V> sums;
  sums.clear();
  WclsRowAccumulator<D, V> accumulate{task.design, sums};
  simulate_liao_lanes<L>(task.model, key, accumulate);
  const int count = task.n_subjects - first < L::kLanes ? task.n_subjects - first : L::kLanes;
  store_stats_lanes<D, L>(sums, count, out);
}

// Adds one available row of a subject (the scalar path of reshuffled rows): the same bits as a lane
// of WclsRowAccumulator.
template <int D>
MRTSIM_HD MRTSIM_INLINE void add_wcls_row(const WclsDesignView& design, const DecisionRow& row,
                                          WclsSubjectStats<D>& stats) {
  const int t = row.t, q = design.q;
  double x[D];
  const double w = wcls_design_row(design.controls + t * q, q, design.moderators + t * (D - q), D - q,
                                   design.numerator_prob[t], design.weights[t], row.treated, row.available, x);
  stats.add_row(x, w, row.outcome);
}

// Statistics of subject `subject` of replicate `replicate` (one lane: a CUDA lane, tests).
template <int D>
MRTSIM_HD MRTSIM_INLINE void simulated_subject_stats(const WclsSimulationTask& task, uint32_t replicate, int subject,
                                                     WclsSubjectStats<D>& stats) {
  simulated_stats_lanes<D, ScalarLanes>(task, replicate, subject, &stats);
}

// Every subject's statistics of replicate `replicate`, L::kLanes subjects at a time, into cache[0 ..
// n_subjects - 1].
template <int D, class L>
MRTSIM_HD MRTSIM_INLINE void simulated_cohort_stats(const WclsSimulationTask& task, uint32_t replicate,
                                                    WclsSubjectStats<D>* cache) {
  for (int first = 0; first < task.n_subjects; first += L::kLanes)
    simulated_stats_lanes<D, L>(task, replicate, first, cache + first);
}

// The WCLS fit of replicate `replicate` on one CPU thread: the cohort's statistics into `cache` (room
// for n_subjects entries), L::kLanes subjects at a time, then the fit on the emulated warp.
template <int D, class L>
MRTSIM_HD WclsFit<D> fit_simulated_replicate(const WclsSimulationTask& task, uint32_t replicate,
                                             WclsSubjectStats<D>* cache) {
  simulated_cohort_stats<D, L>(task, replicate, cache);
  return fit_wcls_lanes<D>(EmulatedWarp<L>{}, CachedSubjects<D>{cache}, task.n_subjects, task.design.p,
                           task.correction);
}

}  // namespace mrtsim
