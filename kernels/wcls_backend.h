// Backend dispatch for simulated WCLS replicates (XGBoost-style twins: wcls_backend_cpu.cc and
// wcls_backend_cuda.cu behind this one interface). Both run kernels/wcls_simulation.h and
// kernels/wcls_permutation.h.
#pragma once

#include <cstdint>
#include <string>

#include "kernels/wcls_permutation.h"
#include "kernels/wcls_simulation.h"

namespace mrtsim {

enum class Backend { kCpu, kCuda };

std::string backend_name(Backend backend);
// True when the CUDA backend was compiled in and a CUDA device is present.
bool cuda_backend_available();
// "auto" (CUDA when available, else CPU), "cpu" or "cuda" (an error if unavailable).
Backend resolve_backend(const std::string& requested);

// With several processes per node (MPI ranks), gives each its own GPU: device local_rank modulo
// the number of devices. Does nothing without CUDA.
void use_cuda_device_of_local_rank(int local_rank);

// Runs replicates first .. first + count - 1 of `task` with `dim` = q + p coefficients, writing slot
// r - first of `out` (host arrays of `count` entries, `count * dim` for estimates and SEs).
// `threads` <= 0 means all cores (CPU backend only).
void run_wcls_replicates(Backend backend, int threads, int dim, const WclsSimulationTask& task, uint32_t first,
                         uint32_t count, const WclsReplicateOutput& out);

// As run_wcls_replicates, with a permutation test of `permutation.reshuffles` reshuffles in every
// replicate: out.observed is what run_wcls_replicates writes, out.p_values has `count * p` entries
// (p = task.design.p effect coefficients), joint_p_value and failed_reshuffles `count`. Throws
// std::invalid_argument for more than kMaxPermutationDecisions decision points or a number of
// reshuffles outside 1 .. kMaxSimulatedReshuffles.
void run_wcls_permutation_replicates(Backend backend, int threads, int dim, const WclsSimulationTask& task,
                                     const WclsPermutationSettings& permutation, uint32_t first, uint32_t count,
                                     const WclsPermutationOutput& out);

namespace cpu_impl {
void run_wcls_replicates(int threads, int dim, const WclsSimulationTask& task, uint32_t first, uint32_t count,
                         const WclsReplicateOutput& out);
void run_wcls_permutation_replicates(int threads, int dim, const WclsSimulationTask& task,
                                     const WclsPermutationSettings& permutation, uint32_t first, uint32_t count,
                                     const WclsPermutationOutput& out);
}  // namespace cpu_impl

namespace cuda_impl {
bool device_present();
void select_device(int local_rank);
void run_wcls_replicates(int dim, const WclsSimulationTask& task, uint32_t first, uint32_t count,
                         const WclsReplicateOutput& out);
void run_wcls_permutation_replicates(int dim, const WclsSimulationTask& task,
                                     const WclsPermutationSettings& permutation, uint32_t first, uint32_t count,
                                     const WclsPermutationOutput& out);
}  // namespace cuda_impl

}  // namespace mrtsim
