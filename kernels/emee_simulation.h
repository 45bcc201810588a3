// EMEE and EMEE2 (kernels/emee.h) on simulated cohorts of the Cohn et al. (2023) model
// (sims/cohn_model.h): the per-replicate work that both backends run. Written once for the CPU and
// the CUDA backend.
//
// The estimator sees a row only through (t, I_t, A_t, Y_{t+1}): the working design g_t, f_t, p_t and
// p~_t depends on t alone. So the Newton passes of a replicate need only the cohort's counts
// n_t(a, y) of available rows per decision point, treatment and outcome: one pass draws the cohort
// and fills this table, and every Newton iteration then costs 4 m row terms instead of n m. The
// sandwich needs per-subject sums: a second pass over the subjects. fit_simulated_emee runs both
// passes through a cohort:
//   - LaneEmeeCohort (a CPU thread) draws L::kLanes subjects at once (core/simd_lanes.h), draws them
//     again for the sandwich (one lane keeps its rows' codes instead) and takes each row's terms at the
//     root from a table of the 8 m possible rows, with lane selects;
//   - ThreadEmeeCohort (a CUDA thread) keeps nothing per subject: it draws each subject again and
//     computes its rows' terms.
// Both give every row the same terms, sum each subject's rows in decision order and the subjects in
// subject order, and count rows as integers, so the backends and instruction sets agree.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/device_macros.h"
#include "core/philox.h"
#include "core/simd_lanes.h"
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

// A row as one of 8 codes I * 4 + A * 2 + Y (codes 2 and 3, treated while unavailable, never occur).
constexpr int kEmeeRowCodes = 8;
MRTSIM_HD MRTSIM_INLINE int emee_row_code(const CohnRow& row) {
  return (row.available ? 4 : 0) + row.treated * 2 + row.outcome;
}

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

// The terms of rows (t, code) and (t, code + 1) (code even: the same row with Y = 0 and Y = 1) at
// theta, with their shared exponentials computed once; use(0 or 1, terms) for those that `wanted`.
template <int D, class Use>
MRTSIM_HD MRTSIM_INLINE void emee_task_row_pair_terms(const EmeeSimulationTask& task, const Vec<D>& theta, int t,
                                                      int code, const bool wanted[2], Use&& use) {
  if (!wanted[0] && !wanted[1]) return;
  const EmeeDesignView& d = task.design;
  const EmeeRowExponentials exponentials = emee_row_exponentials<D>(d.variant, theta, d.q, emee_task_row(task, t, code));
  for (int y = 0; y < 2; ++y)
    if (wanted[y]) use(y, emee_row_terms<D>(d.variant, d.q, emee_task_row(task, t, code + y), exponentials));
}

MRTSIM_HD MRTSIM_INLINE StreamKey emee_subject_key(const EmeeSimulationTask& task, uint32_t replicate, int subject) {
  return StreamKey{task.seed, task.scenario, replicate, static_cast<uint32_t>(subject), StreamPurpose::kCohort};
}

// The EMEE or EMEE2 fit of one replicate from theta = 0 (MRTAnalysis's start). The cohort provides
//   count_rows()                  draws the cohort and counts its available rows per (t, a, y);
//   count(k)                      the count of cell k = t * 4 + a * 2 + y;
//   at_root(theta)                called once at the root, before the subjects' sums;
//   subject_stats(i, theta, s)    adds subject i's rows at theta to the cleared s, for i = 0, 1, ... in order.
template <int D, class Cohort>
MRTSIM_HD EmeeFit<D> fit_simulated_emee(const EmeeSimulationTask& task, Cohort& cohort) {
  const int m = task.model.num_decisions;
  EmeeFit<D> fit = emee_fit_start<D>(Vec<D>::Zero(), task.n_subjects);
  if (task.n_subjects <= D) {
    fit.status = FitStatus::kNoData;
    return fit;
  }
  cohort.count_rows();
  const auto newton_pass = [&](const Vec<D>& theta, EmeeNewtonSums<D>& sums) {
    for (int t = 0; t < m; ++t)
      for (int k = 0; k < 4; k += 2) {  // the available rows (A, Y) = (k / 2, 0) and (k / 2, 1)
        const int counts[2] = {cohort.count(t * 4 + k), cohort.count(t * 4 + k + 1)};
        const bool present[2] = {counts[0] > 0, counts[1] > 0};
        emee_task_row_pair_terms<D>(task, theta, t, 4 + k, present, [&](int y, const EmeeRowTerms<D>& terms) {
          sums.add(terms, static_cast<double>(counts[y]));
        });
      }
  };
  EmeeNewtonSums<D> sums;
  if (!emee_newton<D>(newton_pass, fit, sums)) return fit;
  cohort.at_root(fit.theta);
  const auto subject_stats = [&](int i, EmeeSubjectStats<D>& stats) { cohort.subject_stats(i, fit.theta, stats); };
  emee_sandwich<D>(subject_stats, task.n_subjects, task.design.p, sums.jacobian, fit);
  return fit;
}

// A CUDA thread's cohort: the counts (4 m entries, `stride` apart: kernels/emee_backend.cu interleaves
// the threads' tables) and nothing per subject; the sandwich pass draws each subject again and
// computes its rows' terms.
template <int D>
struct ThreadEmeeCohort {
  const EmeeSimulationTask& task;
  uint32_t replicate;
  int* counts;
  long long stride;

  MRTSIM_HD void count_rows() {
    for (int k = 0; k < 4 * task.model.num_decisions; ++k) counts[k * stride] = 0;
    auto record = [&](const CohnRow& row) {
      if (row.available) ++counts[(row.t * 4 + emee_row_code(row) - 4) * stride];
    };
    for (int i = 0; i < task.n_subjects; ++i) simulate_cohn_subject(task.model, emee_subject_key(task, replicate, i), record);
  }
  MRTSIM_HD int count(int k) const { return counts[k * stride]; }
  MRTSIM_HD void at_root(const Vec<D>&) const {}
  MRTSIM_HD void subject_stats(int i, const Vec<D>& theta, EmeeSubjectStats<D>& stats) const {
    const EmeeVariant variant = task.design.variant;
    auto add = [&](const CohnRow& row) {
      if (row.available || variant == EmeeVariant::kEmee2)
        stats.add_row(emee_task_row_terms<D>(task, theta, row.t, emee_row_code(row)), row.available, variant);
    };
    simulate_cohn_subject(task.model, emee_subject_key(task, replicate, i), add);
  }
};

// One replicate on a CUDA thread: its fit (adjusted variance, and the unadjusted one where `out` asks
// for it) in its slot of `out` (kernels/replicate_launch.h's job; scratch: kernels/emee_backend.cu).
template <int D>
struct EmeeReplicateJob {
  EmeeSimulationTask task;
  ReplicateOutput out;

  struct Scratch {
    int* counts;
    long long stride;
  };
  MRTSIM_HD void operator()(uint32_t replicate, long long slot, const Scratch& scratch) const {
    ThreadEmeeCohort<D> cohort{task, replicate, scratch.counts, scratch.stride};
    const EmeeFit<D> fit = fit_simulated_emee<D>(task, cohort);
    write_replicate_fit(fit, out, slot);
    write_unadjusted_variance(fit, out, slot);
  }
};

// A CPU thread's per-replicate memory for LaneEmeeCohort<D, L> with L::kLanes <= kMaxEmeeLanes: each
// part starts on a 64-byte boundary of a block that does (the layout is the same for every
// instruction set: kernels/cpu_kernels.h).
constexpr int kMaxEmeeLanes = 8;
template <int D>
struct EmeeCpuScratchLayout {
  static constexpr size_t kAlign = 64;
  static constexpr size_t round_up(size_t bytes) { return (bytes + kAlign - 1) / kAlign * kAlign; }

  size_t codes, counts, terms, group, bytes;
  EmeeCpuScratchLayout(int num_decisions, int n_subjects) {
    const size_t m = num_decisions > 0 ? static_cast<size_t>(num_decisions) : 1;
    const size_t n = n_subjects > 0 ? static_cast<size_t>(n_subjects) : 1;
    codes = 0;                                                                 // int8_t[n m] (the one-lane cohort)
    counts = codes + round_up(n * m);                                          // int[4 m]
    terms = counts + round_up(sizeof(int) * 4 * m);                            // EmeeRowTerms<D>[8 m]
    group = terms + round_up(sizeof(EmeeRowTerms<D>) * kEmeeRowCodes * m);     // EmeeSubjectStats<D>[lanes]
    bytes = group + round_up(sizeof(EmeeSubjectStats<D>) * kMaxEmeeLanes);
  }
};

// One lane group's subject sums, member for member those of EmeeSubjectStats.
template <int D, class V>
struct EmeeLanesStats {
  V score[D], leverage[D][D], unavailable_score[D], unavailable_leverage[D][D];
  V available_rows, max_fitted_prob;
};

// A CPU thread's cohort: draws L::kLanes subjects at once; in the sandwich pass, a group's lanes draw
// their subjects again (or, one lane, read its rows' codes back) and pick their rows' terms from the
// table of the 8 m possible rows at the root, and the group's subject sums are kept until
// emee_sandwich has taken them one by one.
template <int D, class L>
class LaneEmeeCohort {
 public:
  using V = typename L::V;
  static constexpr int K = L::kLanes;
  static_assert(K <= kMaxEmeeLanes, "EmeeCpuScratchLayout holds at most kMaxEmeeLanes lanes");

  LaneEmeeCohort(const EmeeSimulationTask& task, uint32_t replicate, void* scratch) : task_(task), replicate_(replicate) {
    const EmeeCpuScratchLayout<D> layout(task.model.num_decisions, task.n_subjects);
    char* base = static_cast<char*>(scratch);
    codes_ = reinterpret_cast<int8_t*>(base + layout.codes);
    counts_ = reinterpret_cast<int*>(base + layout.counts);
    terms_ = reinterpret_cast<EmeeRowTerms<D>*>(base + layout.terms);
    group_ = reinterpret_cast<EmeeSubjectStats<D>*>(base + layout.group);
  }

  void count_rows() {
    using lanes::select;
    const int m = task_.model.num_decisions;
    for (int k = 0; k < 4 * m; ++k) counts_[k] = 0;
    if (kKeepsCodes)  // rows after dropout are never visited
      for (long long k = 0; k < static_cast<long long>(task_.n_subjects) * m; ++k) codes_[k] = kAbsent;
    for (int first = 0; first < task_.n_subjects; first += K) {
      const int lanes = task_.n_subjects - first < K ? task_.n_subjects - first : K;
      simulate_cohn_lanes<L>(task_.model, emee_subject_key(task_, replicate_, first), [&](const CohnLanesRow<V>& row) {
        double code[K];
        L::store(code, select(row.present == V(1.0), V(4.0) * row.available + V(2.0) * row.treated + row.outcome,
                              V(static_cast<double>(kAbsent))));
        for (int l = 0; l < lanes; ++l) {
          const int c = static_cast<int>(code[l]);
          if (kKeepsCodes) codes_[static_cast<long long>(first + l) * m + row.t] = static_cast<int8_t>(c);
          if (c >= 4) ++counts_[row.t * 4 + c - 4];
        }
      });
    }
  }
  int count(int k) const { return counts_[k]; }

  void at_root(const Vec<D>& theta) {
    const bool both[2] = {true, true};
    for (int t = 0; t < task_.model.num_decisions; ++t)
      for (int code = 0; code < kEmeeRowCodes; code += 2)
        if (code != 2)  // treated while unavailable never occurs
          emee_task_row_pair_terms<D>(task_, theta, t, code, both, [&](int y, const EmeeRowTerms<D>& terms) {
            terms_[t * kEmeeRowCodes + code + y] = terms;
          });
  }

  void subject_stats(int i, const Vec<D>&, EmeeSubjectStats<D>& stats) {
    if (i % K == 0) group_stats(i);
    stats = group_[i % K];
  }

 private:
  static constexpr int8_t kAbsent = -1;  // the code of a row after the subject left, or of a lane past the cohort
  // One lane reads its rows' codes back in the sandwich pass; wider lanes draw the subjects again, which
  // their vector Philox makes cheaper than gathering the codes lane by lane (bench/RESULTS.md).
  static constexpr bool kKeepsCodes = K == 1;

  // Decision point t of subjects first .. first + K - 1 from their codes.
  CohnLanesRow<V> coded_row(int first, int t) const {
    const int m = task_.model.num_decisions;
    double present[K], available[K], treated[K], outcome[K];
    for (int l = 0; l < K; ++l) {
      const int code = first + l < task_.n_subjects ? codes_[static_cast<long long>(first + l) * m + t] : kAbsent;
      present[l] = code != kAbsent ? 1.0 : 0.0;
      available[l] = code >= 4 ? 1.0 : 0.0;
      treated[l] = code != kAbsent && (code & 2) ? 1.0 : 0.0;
      outcome[l] = code != kAbsent && (code & 1) ? 1.0 : 0.0;
    }
    return CohnLanesRow<V>{t, L::load(present), L::load(available), L::load(treated), L::load(outcome)};
  }

  // The subject sums of subjects first .. first + K - 1 into group_ (EmeeSubjectStats::add_row, lane by lane).
  void group_stats(int first) {
    using lanes::select;
    const bool emee2 = task_.design.variant == EmeeVariant::kEmee2;
    EmeeLanesStats<D, V> s;
    for (int j = 0; j < D; ++j) {
      s.score[j] = s.unavailable_score[j] = V(0.0);
      for (int c = 0; c < D; ++c) s.leverage[j][c] = s.unavailable_leverage[j][c] = V(0.0);
    }
    s.available_rows = s.max_fitted_prob = V(0.0);
    const auto add_row = [&](const CohnLanesRow<V>& row) {
      const EmeeRowTerms<D>* terms = terms_ + row.t * kEmeeRowCodes;
      const auto treated = row.treated == V(1.0), outcome = row.outcome == V(1.0), available = row.available == V(1.0);
      // A member of the lanes' row terms: code I * 4 + A * 2 + Y (codes 2 and 3 never occur). One
      // lane (the portable path) looks its code up; wider lanes select among the codes.
      const auto pick = [&](auto member) {
        if constexpr (K == 1) {
          return V(member(terms[static_cast<int>(V(4.0) * row.available + V(2.0) * row.treated + row.outcome)]));
        } else {
          const V if_available = select(treated, select(outcome, V(member(terms[7])), V(member(terms[6]))),
                                        select(outcome, V(member(terms[5])), V(member(terms[4]))));
          return emee2 ? select(available, if_available, select(outcome, V(member(terms[1])), V(member(terms[0]))))
                       : if_available;
        }
      };
      V design[D], gradient[D];
      for (int j = 0; j < D; ++j) {
        design[j] = pick([j](const EmeeRowTerms<D>& r) { return r.design(j); });
        gradient[j] = pick([j](const EmeeRowTerms<D>& r) { return r.residual_gradient(j); });
      }
      const V residual = pick([](const EmeeRowTerms<D>& r) { return r.residual; });
      const auto counts_available = row.present * row.available == V(1.0);
      accumulate(counts_available, residual, design, gradient, s.score, s.leverage);
      s.available_rows = select(counts_available, s.available_rows + V(1.0), s.available_rows);
      const V fitted = pick([](const EmeeRowTerms<D>& r) { return r.fitted_prob; });
      s.max_fitted_prob = select(counts_available, select(fitted > s.max_fitted_prob, fitted, s.max_fitted_prob),
                                 s.max_fitted_prob);
      if (emee2) {
        const auto counts_unavailable = row.present * (V(1.0) - row.available) == V(1.0);
        accumulate(counts_unavailable, residual, design, gradient, s.unavailable_score, s.unavailable_leverage);
      }
    };
    if constexpr (kKeepsCodes) {
      for (int t = 0; t < task_.model.num_decisions; ++t) add_row(coded_row(first, t));
    } else {
      simulate_cohn_lanes<L>(task_.model, emee_subject_key(task_, replicate_, first), add_row);
    }
    store_group(s, task_.n_subjects - first);
  }

  // score += residual design and leverage += design gradient' in the lanes of `where` (the operations of
  // EmeeSubjectStats::add_available, unfused).
  template <class Mask>
  static void accumulate(Mask where, V residual, const V* design, const V* gradient, V* score, V (*leverage)[D]) {
    using lanes::select;
    if constexpr (K == 1) {
      if (!where) return;  // one lane: skip the row (the selects below then keep every sum)
    }
    for (int r = 0; r < D; ++r) {
      score[r] = select(where, score[r] + residual * design[r], score[r]);
      for (int c = 0; c < D; ++c) leverage[r][c] = select(where, leverage[r][c] + design[r] * gradient[c], leverage[r][c]);
    }
  }

  void store_group(const EmeeLanesStats<D, V>& s, int subjects) {
    const int lanes = subjects < K ? subjects : K;
    double lane[K];
    const auto scatter = [&](V v, auto&& put) {
      L::store(lane, v);
      for (int l = 0; l < lanes; ++l) put(group_[l], lane[l]);
    };
    for (int r = 0; r < D; ++r) {
      scatter(s.score[r], [r](EmeeSubjectStats<D>& g, double x) { g.score(r) = x; });
      scatter(s.unavailable_score[r], [r](EmeeSubjectStats<D>& g, double x) { g.unavailable_score(r) = x; });
      for (int c = 0; c < D; ++c) {
        scatter(s.leverage[r][c], [r, c](EmeeSubjectStats<D>& g, double x) { g.leverage(r, c) = x; });
        scatter(s.unavailable_leverage[r][c], [r, c](EmeeSubjectStats<D>& g, double x) { g.unavailable_leverage(r, c) = x; });
      }
    }
    scatter(s.available_rows, [](EmeeSubjectStats<D>& g, double x) { g.available_rows = static_cast<int>(x); });
    scatter(s.max_fitted_prob, [](EmeeSubjectStats<D>& g, double x) { g.max_fitted_prob = x; });
  }

  const EmeeSimulationTask& task_;
  uint32_t replicate_;
  int8_t* codes_;  // subject i's decision t at i * m + t: I * 4 + A * 2 + Y, or kAbsent
  int* counts_;
  EmeeRowTerms<D>* terms_;
  EmeeSubjectStats<D>* group_;
};

}  // namespace mrtsim
