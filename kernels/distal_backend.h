// Backend dispatch for simulated distal-outcome replicates (kernels/distal_simulation.h): twins
// distal_backend_cpu.cc and distal_backend_cuda.cu behind one interface, as for WCLS.
#pragma once

#include <cstdint>

#include "kernels/distal_simulation.h"
#include "kernels/wcls_backend.h"

namespace mrtsim {

// Runs replicates first .. first + count - 1 of `task`, writing slot r - first of `out` (host
// arrays: `count` entries, `count * task.analysis.num_effects` for estimates and SEs).
void run_distal_replicates(Backend backend, int threads, const DistalSimulationTask& task, uint32_t first,
                           uint32_t count, const WclsReplicateOutput& out);

// Calls fn(std::integral_constant<int, P>) for the task's number of effects P (1 or 2).
template <class Fn>
void dispatch_num_effects(int num_effects, Fn&& fn) {
  if (num_effects == 1) fn(std::integral_constant<int, 1>{});
  else fn(std::integral_constant<int, 2>{});
}

namespace cpu_impl {
void run_distal_replicates(int threads, const DistalSimulationTask& task, uint32_t first, uint32_t count,
                           const WclsReplicateOutput& out);
}  // namespace cpu_impl

namespace cuda_impl {
void run_distal_replicates(const DistalSimulationTask& task, uint32_t first, uint32_t count,
                           const WclsReplicateOutput& out);
}  // namespace cuda_impl

}  // namespace mrtsim
