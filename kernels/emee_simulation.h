// EMEE and EMEE2 (kernels/emee.h) on simulated cohorts of the Cohn et al. (2023) model
// (sims/cohn_model.h): the per-replicate work that both backends run. Written once for the CPU and
// the CUDA backend.
//
// The estimator sees a row only through (t, I_t, A_t, Y_{t+1}): the working design g_t, f_t, p_t and
// p~_t depends on t alone. So the Newton passes of a replicate need only the cohort's counts
// n_t(a, y) of available rows per decision point, treatment and outcome: one pass draws the cohort
// and fills this table, and every Newton iteration then costs 4 m row terms instead of n m. The
// sandwich needs per-subject sums: a second pass over the subjects, which a CPU thread reads from the
// row codes it kept in the first pass (one byte per row), looking the row terms at the root up in a
// table of the 8 m possible rows, while a CUDA thread regenerates the subjects from the keyed Philox
// stream and computes the terms per row. Both give the same terms, and the counts are summed in one
// fixed order (t, then a, then y), so the backends agree.
#pragma once

#include <cstdint>
#include <vector>

#include "core/device_macros.h"
#include "core/philox.h"
#include "kernels/emee.h"
#include "kernels/replicate_output.h"
#include "sims/cohn_model.h"

namespace mrtsim {

// Per decision point design of the analysis (an array group of kernels/task_arena.h): the control
// terms g_t (q per decision point), the moderator terms f_t (p) and the numerator probability p~_t
// (EMEE only).
struct EmeeDesignArrays {
  const double* controls;        // [t * q + j]
  const double* moderators;      // [t * p + j]
  const double* numerator_prob;  // [t]
};

struct EmeeDesignView : EmeeDesignArrays {
  int q;
  int p;
  EmeeVariant variant;
};

// Everything a backend needs to run replicates [first, first + count) of one cohn2023 cell.
struct EmeeSimulationTask {
  CohnModelView model;
  EmeeDesignView design;
  uint64_t seed;
  uint32_t scenario;  // the cell's stream index (scenario x hypothesis), see core/philox.h
  int n_subjects;

  template <class F>
  void for_each_array_group(F&& f) {
    f(static_cast<CohnModelArrays&>(model));
    f(static_cast<EmeeDesignArrays&>(design));
  }
};

// A row as one of 8 codes I * 4 + A * 2 + Y (codes 2 and 3, treated while unavailable, never occur;
// kEmeeNoRow marks a decision point after the subject left the study).
constexpr int kEmeeRowCodes = 8;
constexpr uint8_t kEmeeNoRow = 2;
MRTSIM_HD MRTSIM_INLINE int emee_row_code(const CohnRow& row) {
  return (row.available ? 4 : 0) + row.treated * 2 + row.outcome;
}

// Per-thread memory of a replicate. `counts` has 4 m entries, `stride` apart (CUDA interleaves the
// threads' tables); `rows` (n m row codes) and `terms` (8 m row terms) are null where the thread
// regenerates the cohort instead (CUDA).
template <int D>
struct EmeeScratch {
  int* counts;             // [(t * 4 + a * 2 + y) * stride]: available rows of the cohort
  long long stride;
  uint8_t* rows;           // [subject * m + t]: emee_row_code of every row
  EmeeRowTerms<D>* terms;  // [t * 8 + code]: the row terms at the root
};

// The kernel's view of row (t, code) with the task's design.
MRTSIM_HD MRTSIM_INLINE EmeeRow emee_task_row(const EmeeSimulationTask& task, int t, int code) {
  const EmeeDesignView& d = task.design;
  return EmeeRow{d.controls + t * d.q,
                 d.moderators + t * d.p,
                 (code >> 1) & 1,
                 static_cast<double>(code & 1),
                 task.model.rand_prob[t],
                 d.numerator_prob[t],
                 code >= 4};
}

template <int D>
MRTSIM_HD MRTSIM_INLINE EmeeRowTerms<D> emee_task_row_terms(const EmeeSimulationTask& task, const Vec<D>& theta,
                                                            int t, int code) {
  return emee_row_terms<D>(task.design.variant, theta, task.design.q, emee_task_row(task, t, code));
}

MRTSIM_HD MRTSIM_INLINE StreamKey emee_subject_key(const EmeeSimulationTask& task, uint32_t replicate, int subject) {
  return StreamKey{task.seed, task.scenario, replicate, static_cast<uint32_t>(subject), StreamPurpose::kCohort};
}

// Draws the cohort of replicate `replicate`: fills the table of available-row counts and, where the
// scratch has room, the row codes.
template <int D>
MRTSIM_HD void draw_emee_cohort(const EmeeSimulationTask& task, uint32_t replicate, const EmeeScratch<D>& scratch) {
  const int m = task.model.num_decisions;
  for (int k = 0; k < 4 * m; ++k) scratch.counts[k * scratch.stride] = 0;
  for (int i = 0; i < task.n_subjects; ++i) {
    uint8_t* codes = scratch.rows ? scratch.rows + static_cast<long long>(i) * m : nullptr;
    if (codes && task.model.survival)  // rows after leaving are never visited
      for (int t = 0; t < m; ++t) codes[t] = kEmeeNoRow;
    auto record = [&](const CohnRow& row) {
      const int code = emee_row_code(row);
      if (row.available) ++scratch.counts[(row.t * 4 + code - 4) * scratch.stride];
      if (codes) codes[row.t] = static_cast<uint8_t>(code);
    };
    simulate_cohn_subject(task.model, emee_subject_key(task, replicate, i), record);
  }
}

// The EMEE or EMEE2 fit of replicate `replicate` from theta = 0 (MRTAnalysis's start).
template <int D>
MRTSIM_HD EmeeFit<D> fit_simulated_emee(const EmeeSimulationTask& task, uint32_t replicate,
                                        const EmeeScratch<D>& scratch) {
  const int m = task.model.num_decisions;
  EmeeFit<D> fit = emee_fit_start<D>(Vec<D>::Zero(), task.n_subjects);
  if (task.n_subjects <= D) {
    fit.status = FitStatus::kNoData;
    return fit;
  }
  draw_emee_cohort<D>(task, replicate, scratch);

  const auto newton_pass = [&](const Vec<D>& theta, EmeeNewtonSums<D>& sums) {
    for (int t = 0; t < m; ++t)
      for (int k = 0; k < 4; ++k) {
        const int count = scratch.counts[(t * 4 + k) * scratch.stride];
        if (count > 0) sums.add(emee_task_row_terms<D>(task, theta, t, 4 + k), static_cast<double>(count));
      }
  };
  EmeeNewtonSums<D> sums;
  if (!emee_newton<D>(newton_pass, fit, sums)) return fit;

  const EmeeVariant variant = task.design.variant;
  if (scratch.terms)
    for (int t = 0; t < m; ++t)
      for (int code = 0; code < kEmeeRowCodes; ++code)
        if (code != 2 && code != 3) scratch.terms[t * kEmeeRowCodes + code] = emee_task_row_terms<D>(task, fit.theta, t, code);
  const auto subject_stats = [&](int i, EmeeSubjectStats<D>& stats) {
    if (scratch.rows) {
      const uint8_t* codes = scratch.rows + static_cast<long long>(i) * m;
      for (int t = 0; t < m; ++t)
        if (codes[t] != kEmeeNoRow) stats.add_row(scratch.terms[t * kEmeeRowCodes + codes[t]], codes[t] >= 4, variant);
      return;
    }
    auto add = [&](const CohnRow& row) {
      if (row.available || variant == EmeeVariant::kEmee2)
        stats.add_row(emee_task_row_terms<D>(task, fit.theta, row.t, emee_row_code(row)), row.available, variant);
    };
    simulate_cohn_subject(task.model, emee_subject_key(task, replicate, i), add);
  };
  emee_sandwich<D>(subject_stats, task.n_subjects, task.design.p, sums.jacobian, fit);
  return fit;
}

// One replicate: its fit (adjusted variance, and the unadjusted one where `out` asks for it) in its
// slot of `out` (kernels/replicate_launch.h's job). A CPU thread keeps the cohort's row codes and
// the root's row terms; a CUDA thread regenerates the cohort (its scratch: kernels/emee_backend.cu).
template <int D>
struct EmeeReplicateJob {
  EmeeSimulationTask task;
  ReplicateOutput out;

  using Scratch = EmeeScratch<D>;
  MRTSIM_HD void operator()(uint32_t replicate, long long slot, const Scratch& scratch) const {
    const EmeeFit<D> fit = fit_simulated_emee<D>(task, replicate, scratch);
    write_replicate_fit(fit, out, slot);
    write_unadjusted_variance(fit, out, slot);
  }

  class CpuScratch {
   public:
    explicit CpuScratch(const EmeeReplicateJob& job)
        : counts_(4 * static_cast<size_t>(job.task.model.num_decisions)),
          rows_(static_cast<size_t>(job.task.n_subjects) * job.task.model.num_decisions),
          terms_(kEmeeRowCodes * static_cast<size_t>(job.task.model.num_decisions)) {}
    Scratch view() { return Scratch{counts_.data(), 1, rows_.data(), terms_.data()}; }

   private:
    std::vector<int> counts_;
    std::vector<uint8_t> rows_;
    std::vector<EmeeRowTerms<D>> terms_;
  };
};

}  // namespace mrtsim
