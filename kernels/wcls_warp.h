// The CUDA backend's WCLS work, one warp per replicate: lane l simulates subjects l, l + 32, ... one
// at a time (ScalarLanes), keeps their statistics in the warp's slice of shared memory for the fit's
// second pass (or simulates them again where shared memory cannot hold them), and the warp fits the
// replicate with fit_wcls_lanes (kernels/wcls.h), its sums in the canonical lane order. The item
// bodies below are the CUDA kernels' (kernels/wcls_backend.cu); the CPU runs the same code with
// EmulatedWarp in tests (tests/test_cpu_kernels.cc), which is how the CUDA path's results are
// checked without a GPU.
#pragma once

#include <cstdint>

#include "core/device_macros.h"
#include "kernels/replicate_output.h"
#include "kernels/replicate_segments.h"
#include "kernels/wcls_permutation.h"
#include "kernels/wcls_simulation.h"

namespace mrtsim {

// A warp's subjects of one replicate: simulated in the first pass, kept in `cache` (shared memory:
// room for n_subjects entries) when there is one, else simulated again in the second pass.
template <int D>
struct WarpSubjects {
  const WclsSimulationTask& task;
  uint32_t replicate;
  WclsSubjectStats<D>* cache;

  MRTSIM_HD MRTSIM_INLINE void first_pass(int i, WclsSubjectStats<D>& s) const {
    simulated_subject_stats<D>(task, replicate, i, s);
    if (cache) cache[i] = s;
  }
  MRTSIM_HD MRTSIM_INLINE void second_pass(int i, WclsSubjectStats<D>& s) const {
    if (cache) {
      s = cache[i];
    } else {
      s.clear();  // simulated_subject_stats fills all of s; g++ cannot see that its one lane is stored
      simulated_subject_stats<D>(task, replicate, i, s);
    }
  }
};

// Item `item` of a batched call on one warp: the fit of its replicate, written by lane 0 to slot `item`.
template <int D, class Warp>
MRTSIM_HD MRTSIM_INLINE void run_wcls_warp_item(const Warp& warp, int lane, const WclsSimulationTask* tasks,
                                                const ReplicateSegment* segments, int n_segments, long long item,
                                                const ReplicateOutput& out, WclsSubjectStats<D>* cache) {
  const SegmentItem at = locate_item(segments, n_segments, item);
  const WclsSimulationTask& task = tasks[at.task];
  const WclsFit<D> fit = fit_wcls_lanes<D>(warp, WarpSubjects<D>{task, at.replicate, cache}, task.n_subjects,
                                           task.design.p, task.correction);
  if (lane == 0) write_replicate_fit(fit, out, item);
}

// The rows buffers of a warp's 32 lanes: lane l's row k at index (first_lane + l) + k * stride (stride:
// the lanes sharing the buffers, so that neighbouring lanes touch neighbouring words).
struct LaneRows {
  uint16_t* decision;
  uint8_t* treated;
  double* outcome;
  long long first_lane;
  int stride;

  MRTSIM_HD MRTSIM_INLINE SubjectRows of_lane(int lane) const {
    const long long at = first_lane + lane;
    return SubjectRows{decision + at, treated + at, outcome + at, stride, 0};
  }
};

// A warp's subjects under reshuffle `reshuffle`: each simulated again by its lane, its available rows
// reshuffled in the lane's rows buffer (reshuffled_subject_stats), kept in `cache` when there is one.
template <int D>
struct ReshuffledWarpSubjects {
  const WclsSimulationTask& task;
  ReshuffleScheme scheme;
  uint32_t replicate;
  uint32_t reshuffle;
  LaneRows rows;
  WclsSubjectStats<D>* cache;

  MRTSIM_HD MRTSIM_INLINE void first_pass(int i, WclsSubjectStats<D>& s) const {
    reshuffled_subject_stats<D>(task, scheme, replicate, reshuffle, i, rows.of_lane(i % kReductionLanes), s);
    if (cache) cache[i] = s;
  }
  MRTSIM_HD MRTSIM_INLINE void second_pass(int i, WclsSubjectStats<D>& s) const {
    if (cache) s = cache[i];
    else first_pass(i, s);
  }
};

// Replicate `replicate` with its permutation test on one warp, written by lane 0 to slot `slot`.
template <int D, class Warp>
MRTSIM_HD MRTSIM_INLINE void run_wcls_permutation_warp_item(const Warp& warp, int lane, const WclsSimulationTask& task,
                                                            const WclsPermutationSettings& permutation,
                                                            uint32_t replicate, long long slot,
                                                            const ReplicateBatchOutput& out, const LaneRows& rows,
                                                            WclsSubjectStats<D>* cache) {
  const WclsFit<D> observed = fit_wcls_lanes<D>(warp, WarpSubjects<D>{task, replicate, cache}, task.n_subjects,
                                                task.design.p, task.correction);
  const auto fit_reshuffle = [&](uint32_t b) {
    const ReshuffledWarpSubjects<D> subjects{task, permutation.scheme, replicate, b, rows, cache};
    return fit_wcls_lanes<D>(warp, subjects, task.n_subjects, task.design.p, task.correction);
  };
  run_permutation_test<D>(observed, permutation, task.design.p, fit_reshuffle, out, slot, lane == 0);
}

}  // namespace mrtsim
