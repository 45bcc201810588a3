// The reshuffled WCLS fits of `mrtsim permute` (host/analysis/permutation_test.h) on a real data set,
// written once for both backends: the CPU runs a reshuffle per thread with the kernels of its
// instruction set (kernels/cpu_kernels.h), CUDA a reshuffle per warp (kernels/wcls_backend.cu), its
// lanes over the subjects. Each subject's statistics are those host/analysis/wcls_analysis.cc
// accumulates for the same treatments, and fit_wcls_lanes sums them in the canonical lane order, so
// a reshuffle's fit has the bits of fit_wcls_design on the treatments reshuffled_treatment returns.
#pragma once

#include <cstdint>

#include "core/device_macros.h"
#include "core/philox.h"
#include "kernels/replicate_output.h"
#include "kernels/reshuffle.h"
#include "kernels/wcls.h"

namespace mrtsim {

// The data set's rows (subjects contiguous) and the per-subject stream keys, as arena arrays.
struct WclsDataArrays {
  const double* controls;    // row r: n_controls values at r * n_controls (g of wcls_design_row)
  const double* moderators;  // row r: n_effects values at r * n_effects (f)
  const double* numerator_prob;
  const double* rand_prob;
  const WclsWeights* weights;  // wcls_weights(numerator_prob, rand_prob) of every row
  const double* outcome;
  const uint8_t* available;
  const uint8_t* treatment;      // observed
  const int* subject_begin;      // n_subjects + 1 entries
  const uint32_t* key_scenario;  // StreamKey.scenario of each subject's kPermutation stream
  const uint32_t* key_subject;   // StreamKey.subject
};

struct WclsDataTask {
  int n_subjects;
  int n_controls;
  int n_effects;
  int max_subject_rows;  // the most rows of one subject: the slots a lane needs
  uint64_t seed;
  ReshuffleScheme scheme;
  SmallSampleCorrection correction;
  WclsDataArrays rows;

  template <class F>
  void for_each_array_group(F&& f) {
    f(rows);
  }
};

// The treatment slots of a warp's 32 lanes: lane l's slot k at index (first_lane + l) + k * stride
// (kernels/wcls_warp.h's LaneRows layout).
struct LaneSlots {
  uint8_t* slots;
  long long first_lane;
  long long stride;

  MRTSIM_HD MRTSIM_INLINE uint8_t* of_lane(int lane) const { return slots + first_lane + lane; }
};

// Subject `subject`'s statistics under reshuffle `reshuffle`: its available rows' reshuffled
// treatments into `slots` (reshuffled_available_treatments), then every row added in row order.
template <int D>
MRTSIM_HD MRTSIM_INLINE void reshuffled_data_subject_stats(const WclsDataTask& task, uint32_t reshuffle, int subject,
                                                           uint8_t* slots, long long stride,
                                                           WclsSubjectStats<D>& stats) {
  const WclsDataArrays& a = task.rows;
  const int begin = a.subject_begin[subject], n_rows = a.subject_begin[subject + 1] - begin;
  const StreamKey key{task.seed, a.key_scenario[subject], reshuffle, a.key_subject[subject],
                      StreamPurpose::kPermutation};
  reshuffled_available_treatments(task.scheme, key, n_rows, a.available + begin, a.treatment + begin,
                                  a.rand_prob + begin, slots, stride);
  // Accumulated in a local copy: stores through `stats` could alias the rows read, which kept every
  // sum in memory.
  WclsSubjectStats<D> sums;
  sums.clear();
  double x[D];
  int k = 0;
  for (int r = begin; r < begin + n_rows; ++r) {
    const bool available = a.available[r] != 0;
    const int treated = available ? slots[k++ * stride] : a.treatment[r];
    const long long at = r;  // rows * coefficients may pass 2^31
    const double weight =
        wcls_design_row(a.controls + at * task.n_controls, task.n_controls, a.moderators + at * task.n_effects,
                        task.n_effects, a.numerator_prob[r], a.weights[r], treated, available, x);
    sums.add_row(x, weight, a.outcome[r]);
  }
  stats = sums;
}

// The subjects of one reshuffle on a warp: lane l computes subject i (i % 32 == l) in its slots and
// keeps the statistics in `cache` (room for n_subjects) when there is one, else computes them again
// in the fit's second pass.
template <int D>
struct ReshuffledDataSubjects {
  const WclsDataTask& task;
  uint32_t reshuffle;
  LaneSlots slots;
  WclsSubjectStats<D>* cache;

  MRTSIM_HD MRTSIM_INLINE void first_pass(int i, WclsSubjectStats<D>& s) const {
    reshuffled_data_subject_stats<D>(task, reshuffle, i, slots.of_lane(i % kReductionLanes), slots.stride, s);
    if (cache) cache[i] = s;
  }
  MRTSIM_HD MRTSIM_INLINE void second_pass(int i, WclsSubjectStats<D>& s) const {
    if (cache) s = cache[i];
    else first_pass(i, s);
  }
};

// Reshuffle `reshuffle`'s fit (WCLS with MRTAnalysis's correction rule in task.correction), written by
// lane 0 to slot `slot` of `out`.
template <int D, class Warp>
MRTSIM_HD MRTSIM_INLINE void run_wcls_data_reshuffle(const Warp& warp, int lane, const WclsDataTask& task,
                                                     uint32_t reshuffle, long long slot, const ReplicateOutput& out,
                                                     const LaneSlots& slots, WclsSubjectStats<D>* cache) {
  const WclsFit<D> fit = fit_wcls_lanes<D>(warp, ReshuffledDataSubjects<D>{task, reshuffle, slots, cache},
                                           task.n_subjects, task.n_effects, task.correction);
  if (lane == 0) write_replicate_fit(fit, out, slot);
}

}  // namespace mrtsim
