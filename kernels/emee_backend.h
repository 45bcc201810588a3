// Simulated EMEE / EMEE2 replicates (kernels/emee_simulation.h) on a backend: the public entry point
// and its runner written once over the launcher (kernels/replicate_launch.h), instantiated for the
// CPU in emee_backend.cc and for CUDA in emee_backend.cu.
#pragma once

#include <cstdint>

#include "kernels/backend.h"
#include "kernels/dim_dispatch.h"
#include "kernels/emee_simulation.h"
#include "kernels/replicate_launch.h"
#include "kernels/wcls_backend.h"  // place_output

namespace mrtsim {

// Runs replicates first .. first + count - 1 of `task` (its arrays in `arena`) with `dim` = q + p
// coefficients, writing slot r - first of `out` (host arrays: `count` entries, `count * dim` for
// estimates and SEs; the unadjusted arrays may be null). `threads` <= 0 means all cores (CPU only).
void run_emee_replicates(Backend backend, int threads, int dim, const EmeeSimulationTask& task, const TaskArena& arena,
                         uint32_t first, uint32_t count, const ReplicateOutput& out);

template <class Launcher>
void run_emee_on(Launcher& launcher, int dim, const EmeeSimulationTask& task, const TaskArena& arena, uint32_t first,
                 uint32_t count, const ReplicateOutput& out) {
  const EmeeSimulationTask placed = launcher.task(task, arena);
  const ReplicateOutput placed_out = place_output(launcher, out, count, dim);
  dispatch_dim(dim, [&](auto dim_constant) {
    launcher.run(EmeeReplicateJob<decltype(dim_constant)::value>{placed, placed_out}, first, count);
  });
  launcher.finish();
}

namespace cuda_impl {
void run_emee_replicates(int dim, const EmeeSimulationTask& task, const TaskArena& arena, uint32_t first,
                         uint32_t count, const ReplicateOutput& out);
}  // namespace cuda_impl

}  // namespace mrtsim
