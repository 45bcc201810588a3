// WCLS on simulated cohorts: the per-replicate work that both backends run. A replicate draws its
// cohort subject by subject from the keyed Philox stream, accumulates each subject's sufficient
// statistics as the rows are generated (no cohort arrays), and fits WCLS with the corrected
// sandwich. Written once for the CPU and the CUDA backend.
#pragma once

#include <cstdint>
#include <vector>

#include "core/device_macros.h"
#include "core/philox.h"
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

template <int D>
struct SubjectAccumulator {
  const WclsDesignView& design;
  WclsSubjectStats<D>& stats;

  MRTSIM_HD MRTSIM_INLINE void operator()(const DecisionRow& row) {
    if (!row.available) return;
    double x[D];
    const int t = row.t;
    // p = D - q rather than design.p (equal): a compile-time q + p lets wcls_design_row unroll.
    const double w = wcls_design_row(design.controls + t * design.q, design.q, design.moderators + t * design.p,
                                     D - design.q, design.numerator_prob[t], design.weights[t], row.treated, true, x);
    stats.add_row(x, w, row.outcome);
  }
};

// Sufficient statistics of subject `subject` of replicate `replicate`, drawn from the cohort stream.
template <int D>
MRTSIM_HD void simulated_subject_stats(const WclsSimulationTask& task, uint32_t replicate, int subject,
                                       WclsSubjectStats<D>& stats) {
  const StreamKey key{task.seed, task.scenario, replicate, static_cast<uint32_t>(subject), StreamPurpose::kCohort};
  // A local copy that nothing else can alias, so that the compiler keeps it in registers.
  WclsSubjectStats<D> local;
  local.clear();
  SubjectAccumulator<D> accumulate{task.design, local};
  simulate_liao_subject(task.model, key, accumulate);
  stats = local;
}

// The WCLS fit of replicate `replicate` (scratch: as in fit_wcls).
template <int D>
MRTSIM_HD WclsFit<D> fit_simulated_replicate(const WclsSimulationTask& task, uint32_t replicate,
                                             WclsSubjectStats<D>* scratch) {
  const auto subject_stats = [&](int i, WclsSubjectStats<D>& s) { simulated_subject_stats<D>(task, replicate, i, s); };
  return fit_wcls<D>(subject_stats, task.n_subjects, task.design.p, task.correction, scratch);
}

// One replicate of WCLS: its fit, written to its slot of `out` (kernels/replicate_launch.h's job).
// A CPU thread caches the cohort's subject statistics between fit_wcls's two passes; a CUDA thread
// regenerates them.
template <int D>
struct WclsReplicateJob {
  WclsSimulationTask task;
  ReplicateOutput out;

  using Scratch = WclsSubjectStats<D>*;
  MRTSIM_HD void operator()(uint32_t replicate, long long slot, Scratch subject_cache) const {
    write_replicate_fit(fit_simulated_replicate<D>(task, replicate, subject_cache), out, slot);
  }

  class CpuScratch {
   public:
    explicit CpuScratch(const WclsReplicateJob& job) : cache_(job.task.n_subjects) {}
    Scratch view() { return cache_.data(); }

   private:
    std::vector<WclsSubjectStats<D>> cache_;
  };
};

}  // namespace mrtsim
