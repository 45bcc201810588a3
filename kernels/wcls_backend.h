// Simulated WCLS replicates on a backend: the public entry points, and their runners written once
// over the launcher (kernels/replicate_launch.h), instantiated for the CPU in wcls_backend.cc and for
// CUDA in wcls_backend.cu.
#pragma once

#include <cstdint>

#include "kernels/backend.h"
#include "kernels/dim_dispatch.h"
#include "kernels/replicate_launch.h"
#include "kernels/wcls_permutation.h"
#include "kernels/wcls_simulation.h"

namespace mrtsim {

// Runs replicates first .. first + count - 1 of `task` (its arrays in `arena`) with `dim` = q + p
// coefficients, writing slot r - first of `out` (host arrays of `count` entries, `count * dim` for
// estimates and SEs). `threads` <= 0 means all cores (CPU backend only).
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

template <class Launcher>
void run_wcls_on(Launcher& launcher, int dim, const WclsSimulationTask& task, const TaskArena& arena, uint32_t first,
                 uint32_t count, const ReplicateOutput& out) {
  const WclsSimulationTask placed = launcher.task(task, arena);
  const ReplicateOutput placed_out = place_output(launcher, out, count, dim);
  dispatch_dim(dim, [&](auto dim_constant) {
    launcher.run(WclsReplicateJob<decltype(dim_constant)::value>{placed, placed_out}, first, count);
  });
  launcher.finish();
}

template <class Launcher>
void run_wcls_permutation_on(Launcher& launcher, int dim, const WclsSimulationTask& task, const TaskArena& arena,
                             const WclsPermutationSettings& permutation, uint32_t first, uint32_t count,
                             const ReplicateBatchOutput& out) {
  const WclsSimulationTask placed = launcher.task(task, arena);
  const size_t p_values = size_t(count) * task.design.p;
  const ReplicateBatchOutput placed_out{
      place_output(launcher, out.fits, count, dim), launcher.output(out.permutation_p, p_values),
      launcher.output(out.joint_permutation_p, count), launcher.output(out.failed_reshuffles, count)};
  dispatch_dim(dim, [&](auto dim_constant) {
    launcher.run(WclsPermutationJob<decltype(dim_constant)::value>{placed, permutation, placed_out}, first, count);
  });
  launcher.finish();
}

namespace cuda_impl {
void run_wcls_replicates(int dim, const WclsSimulationTask& task, const TaskArena& arena, uint32_t first,
                         uint32_t count, const ReplicateOutput& out);
void run_wcls_permutation_replicates(int dim, const WclsSimulationTask& task, const TaskArena& arena,
                                     const WclsPermutationSettings& permutation, uint32_t first, uint32_t count,
                                     const ReplicateBatchOutput& out);
}  // namespace cuda_impl

}  // namespace mrtsim
