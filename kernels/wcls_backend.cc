// WCLS replicates on the chosen backend; the CPU runs the runners of wcls_backend.h on OpenMP
// threads, CUDA in wcls_backend.cu.
#include "kernels/wcls_backend.h"

#include <stdexcept>
#include <string>

namespace mrtsim {

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

void run_wcls_replicates(Backend backend, int threads, int dim, const WclsSimulationTask& task, const TaskArena& arena,
                         uint32_t first, uint32_t count, const ReplicateOutput& out) {
#if defined(MRTSIM_HAVE_CUDA)
  if (backend == Backend::kCuda) return cuda_impl::run_wcls_replicates(dim, task, arena, first, count, out);
#endif
  (void)backend;
  CpuLauncher launcher(threads);
  run_wcls_on(launcher, dim, task, arena, first, count, out);
}

void run_wcls_permutation_replicates(Backend backend, int threads, int dim, const WclsSimulationTask& task,
                                     const TaskArena& arena, const WclsPermutationSettings& permutation, uint32_t first,
                                     uint32_t count, const ReplicateBatchOutput& out) {
  check_permutation_limits(task, permutation);
#if defined(MRTSIM_HAVE_CUDA)
  if (backend == Backend::kCuda)
    return cuda_impl::run_wcls_permutation_replicates(dim, task, arena, permutation, first, count, out);
#endif
  (void)backend;
  // A replicate is (B + 1) cohort fits: hand them out one at a time.
  CpuLauncher launcher(threads, /*chunk=*/1);
  run_wcls_permutation_on(launcher, dim, task, arena, permutation, first, count, out);
}

}  // namespace mrtsim
