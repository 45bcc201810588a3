// Simulated distal-outcome replicates (kernels/distal_simulation.h) on a backend: the public entry
// point and its runner written once over the launcher, instantiated for the CPU in
// distal_backend.cc and for CUDA in distal_backend.cu.
#pragma once

#include <cstdint>
#include <type_traits>

#include "kernels/distal_simulation.h"
#include "kernels/wcls_backend.h"

namespace mrtsim {

// Runs replicates first .. first + count - 1 of `task`, writing slot r - first of `out` (host
// arrays: `count` entries, `count * task.analysis.num_effects` for estimates and SEs).
void run_distal_replicates(Backend backend, int threads, const DistalSimulationTask& task, uint32_t first,
                           uint32_t count, const ReplicateOutput& out);

// Calls fn(std::integral_constant<int, P>) for the task's number of effects P (1 or 2).
template <class Fn>
void dispatch_num_effects(int num_effects, Fn&& fn) {
  if (num_effects == 1)
    fn(std::integral_constant<int, 1>{});
  else
    fn(std::integral_constant<int, 2>{});
}

template <class Launcher>
void run_distal_on(Launcher& launcher, const DistalSimulationTask& task, uint32_t first, uint32_t count,
                   const ReplicateOutput& out) {
  static const TaskArena kNoArrays;
  const DistalSimulationTask placed = launcher.task(task, kNoArrays);
  const ReplicateOutput placed_out = place_output(launcher, out, count, task.analysis.num_effects);
  dispatch_num_effects(task.analysis.num_effects, [&](auto effects_constant) {
    launcher.run(DistalReplicateJob<decltype(effects_constant)::value>{placed, placed_out}, first, count);
  });
  launcher.finish();
}

namespace cuda_impl {
void run_distal_replicates(const DistalSimulationTask& task, uint32_t first, uint32_t count,
                           const ReplicateOutput& out);
}  // namespace cuda_impl

}  // namespace mrtsim
