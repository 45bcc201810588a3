#include "kernels/wcls_backend.h"

#include <stdexcept>
#include <string>

#include "core/user_error.h"

namespace mrtsim {

std::string backend_name(Backend backend) { return backend == Backend::kCuda ? "cuda" : "cpu"; }

bool cuda_backend_available() {
#if defined(MRTSIM_HAVE_CUDA)
  return cuda_impl::device_present();
#else
  return false;
#endif
}

Backend resolve_backend(const std::string& requested) {
  if (requested == "cpu") return Backend::kCpu;
  if (requested == "auto") return cuda_backend_available() ? Backend::kCuda : Backend::kCpu;
  if (requested == "cuda") {
#if defined(MRTSIM_HAVE_CUDA)
    if (!cuda_impl::device_present()) throw UserError("--backend cuda: no CUDA device is present");
    return Backend::kCuda;
#else
    throw UserError("--backend cuda: this mrtsim was built without CUDA (no nvcc at build time)");
#endif
  }
  throw UserError("--backend: unknown backend '" + requested + "' (expected auto, cpu or cuda)");
}

void use_cuda_device_of_local_rank(int local_rank) {
#if defined(MRTSIM_HAVE_CUDA)
  if (cuda_impl::device_present()) cuda_impl::select_device(local_rank);
#else
  (void)local_rank;
#endif
}

void run_wcls_replicates(Backend backend, int threads, int dim, const WclsSimulationTask& task, uint32_t first,
                         uint32_t count, const WclsReplicateOutput& out) {
#if defined(MRTSIM_HAVE_CUDA)
  if (backend == Backend::kCuda) return cuda_impl::run_wcls_replicates(dim, task, first, count, out);
#endif
  (void)backend;
  cpu_impl::run_wcls_replicates(threads, dim, task, first, count, out);
}

namespace {

void check_permutation_limits(const WclsSimulationTask& task, const WclsPermutationSettings& permutation) {
  if (task.model.num_decisions > kMaxPermutationDecisions)
    throw std::invalid_argument("permutation test: " + std::to_string(task.model.num_decisions) +
                                " decision points per subject; mrtsim supports at most " +
                                std::to_string(kMaxPermutationDecisions));
  if (permutation.reshuffles < 1 || permutation.reshuffles > kMaxSimulatedReshuffles)
    throw std::invalid_argument("permutation test: " + std::to_string(permutation.reshuffles) +
                                " reshuffles; mrtsim supports 1 to " + std::to_string(kMaxSimulatedReshuffles));
}

}  // namespace

void run_wcls_permutation_replicates(Backend backend, int threads, int dim, const WclsSimulationTask& task,
                                     const WclsPermutationSettings& permutation, uint32_t first, uint32_t count,
                                     const WclsPermutationOutput& out) {
  check_permutation_limits(task, permutation);
#if defined(MRTSIM_HAVE_CUDA)
  if (backend == Backend::kCuda)
    return cuda_impl::run_wcls_permutation_replicates(dim, task, permutation, first, count, out);
#endif
  (void)backend;
  cpu_impl::run_wcls_permutation_replicates(threads, dim, task, permutation, first, count, out);
}

}  // namespace mrtsim
