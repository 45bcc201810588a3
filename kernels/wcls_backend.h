// Simulated WCLS replicates on a backend: the public entry points. The CPU runs them in
// wcls_backend.cc (OpenMP threads over kernels/cpu_kernels.h's kernels of the CPU's instruction set),
// CUDA in wcls_backend.cu (a warp per replicate, kernels/wcls_warp.h). Both give the
// same bits.
#pragma once

#include <cstdint>
#include <vector>

#include "kernels/backend.h"
#include "kernels/dim_dispatch.h"
#include "kernels/replicate_launch.h"
#include "kernels/replicate_segments.h"
#include "kernels/task_arena.h"
#include "kernels/wcls_data_permutation.h"
#include "kernels/wcls_permutation.h"
#include "kernels/wcls_simulation.h"

namespace mrtsim {

// One task of a batched call and the arena holding its arrays.
struct WclsTaskRef {
  const WclsSimulationTask* task;
  const TaskArena* arena;
};

// Runs the replicates of `segments` (kernels/replicate_segments.h) of tasks that all have `dim` = q + p
// coefficients in one backend call, writing item k to slot k of `out` (host arrays with room for every
// item: `items` entries, `items * dim` for estimates and SEs). `threads` <= 0 means all cores (CPU
// backend only).
void run_wcls_segments(Backend backend, int threads, int dim, const std::vector<WclsTaskRef>& tasks,
                       const std::vector<ReplicateSegment>& segments, const ReplicateOutput& out);

// Replicates first .. first + count - 1 of `task` (its arrays in `arena`): run_wcls_segments with one
// segment, replicate r into slot r - first.
void run_wcls_replicates(Backend backend, int threads, int dim, const WclsSimulationTask& task, const TaskArena& arena,
                         uint32_t first, uint32_t count, const ReplicateOutput& out);

// As run_wcls_replicates, with a permutation test of `permutation.reshuffles` reshuffles in every
// replicate: out.fits is what run_wcls_replicates writes, out.permutation_p has `count * p` entries
// (p = task.design.p effect coefficients), joint_p_value and failed_reshuffles `count`. Throws
// std::invalid_argument for more than kMaxPermutationDecisions decision points or a number of
// reshuffles outside 1 .. kMaxSimulatedReshuffles.
void run_wcls_permutation_replicates(Backend backend, int threads, int dim, const WclsSimulationTask& task,
                                     const TaskArena& arena, const WclsPermutationSettings& permutation, uint32_t first,
                                     uint32_t count, const ReplicateBatchOutput& out);

// The fits of reshuffles first .. first + count - 1 of a real data set (kernels/wcls_data_permutation.h;
// its arrays in `arena`) with `dim` = q + p coefficients, reshuffle b into slot b - first of `out`.
void run_wcls_data_reshuffles(Backend backend, int threads, int dim, const WclsDataTask& task, const TaskArena& arena,
                              uint32_t first, uint32_t count, const ReplicateOutput& out);

// `out` (host arrays for `count` replicates of `dim` coefficients) in the launcher's memory.
template <class Launcher>
ReplicateOutput place_output(Launcher& launcher, const ReplicateOutput& out, uint32_t count, int dim) {
  const size_t values = size_t(count) * dim;
  return ReplicateOutput{launcher.output(out.status, count),
                         launcher.output(out.n_eff, count),
                         launcher.output(out.joint_statistic, count),
                         launcher.output(out.estimates, values),
                         launcher.output(out.std_errors, values),
                         launcher.output(out.joint_statistic_unadjusted, count),
                         launcher.output(out.std_errors_unadjusted, values)};
}

// The items of a batched call: the sum of the segments' counts.
inline long long segment_items(const std::vector<ReplicateSegment>& segments) {
  return segments.empty() ? 0 : segments.back().slot + segments.back().count;
}

namespace cuda_impl {
void run_wcls_segments(int dim, const std::vector<WclsTaskRef>& tasks, const std::vector<ReplicateSegment>& segments,
                       const ReplicateOutput& out);
void run_wcls_permutation_replicates(int dim, const WclsSimulationTask& task, const TaskArena& arena,
                                     const WclsPermutationSettings& permutation, uint32_t first, uint32_t count,
                                     const ReplicateBatchOutput& out);
void run_wcls_data_reshuffles(int dim, const WclsDataTask& task, const TaskArena& arena, uint32_t first,
                              uint32_t count, const ReplicateOutput& out);
}  // namespace cuda_impl

}  // namespace mrtsim
