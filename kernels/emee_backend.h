// Simulated EMEE / EMEE2 replicates (kernels/emee_simulation.h) on a backend: the CPU hands each
// replicate to the kernels of its instruction set (kernels/cpu_kernels.h) in emee_backend.cc, CUDA runs
// emee_backend.cu.
#pragma once

#include <cstdint>

#include "kernels/backend.h"
#include "kernels/emee_simulation.h"
#include "kernels/replicate_output.h"
#include "kernels/task_arena.h"

namespace mrtsim {

// Runs replicates first .. first + count - 1 of `task` (its arrays in `arena`) with `dim` = q + p
// coefficients, writing slot r - first of `out` (host arrays: `count` entries, `count * dim` for
// estimates and SEs; the unadjusted arrays may be null). `threads` <= 0 means all cores (CPU only).
void run_emee_replicates(Backend backend, int threads, int dim, const EmeeSimulationTask& task, const TaskArena& arena,
                         uint32_t first, uint32_t count, const ReplicateOutput& out);

namespace cuda_impl {
void run_emee_replicates(int dim, const EmeeSimulationTask& task, const TaskArena& arena, uint32_t first,
                         uint32_t count, const ReplicateOutput& out);
}  // namespace cuda_impl

}  // namespace mrtsim
