// Simulated distal-outcome replicates (kernels/distal_simulation.h) on a backend: the public entry
// point, run on the CPU in distal_backend.cc (the kernels of the CPU's instruction set) and on CUDA
// in distal_backend.cu (one thread per replicate).
#pragma once

#include <cstdint>
#include <type_traits>

#include "kernels/distal_simulation.h"
#include "kernels/wcls_backend.h"

namespace mrtsim {

// Runs replicates first .. first + count - 1 of `task`, writing slot r - first of `out` (host
// arrays: `count` entries, `count * task.analysis.columns()` for estimates and SEs).
void run_distal_replicates(Backend backend, int threads, const DistalSimulationTask& task, uint32_t first,
                           uint32_t count, const ReplicateOutput& out);

namespace cuda_impl {
void run_distal_replicates(const DistalSimulationTask& task, uint32_t first, uint32_t count,
                           const ReplicateOutput& out);
}  // namespace cuda_impl

}  // namespace mrtsim
