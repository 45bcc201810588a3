// WCLS replicates on the chosen backend; the CPU hands each replicate to the kernels of its
// instruction set (kernels/cpu_kernels.h) on OpenMP threads, CUDA runs wcls_backend.cu.
#include "kernels/wcls_backend.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "kernels/cpu_kernels.h"

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

void check_dim(int dim) {
  dispatch_dim(dim, [](auto) {});  // throws std::invalid_argument outside 1 .. kMaxWclsDim
}

}  // namespace

void run_wcls_segments(Backend backend, int threads, int dim, const std::vector<WclsTaskRef>& tasks,
                       const std::vector<ReplicateSegment>& segments, const ReplicateOutput& out) {
  check_dim(dim);
  const long long items = segment_items(segments);
  if (items == 0) return;
#if defined(MRTSIM_HAVE_CUDA)
  if (backend == Backend::kCuda) return cuda_impl::run_wcls_segments(dim, tasks, segments, out);
#endif
  (void)backend;
  const CpuKernels& kernels = active_cpu_kernels();
  size_t scratch = 0;
  for (const WclsTaskRef& t : tasks) scratch = std::max(scratch, wcls_scratch_bytes(*t.task));
  const int n_segments = static_cast<int>(segments.size());
  const auto kernel = [&](uint32_t item, long long slot, void* cache) {
    const SegmentItem at = locate_item(segments.data(), n_segments, item);
    kernels.wcls_replicate(dim, *tasks[at.task].task, at.replicate, slot, out, cache);
  };
  CpuLauncher(threads).run(cpu_kernel_job(kernel, scratch), 0, static_cast<uint32_t>(items));
}

void run_wcls_replicates(Backend backend, int threads, int dim, const WclsSimulationTask& task, const TaskArena& arena,
                         uint32_t first, uint32_t count, const ReplicateOutput& out) {
  run_wcls_segments(backend, threads, dim, {WclsTaskRef{&task, &arena}}, {ReplicateSegment{0, first, count, 0}}, out);
}

void run_wcls_permutation_replicates(Backend backend, int threads, int dim, const WclsSimulationTask& task,
                                     const TaskArena& arena, const WclsPermutationSettings& permutation, uint32_t first,
                                     uint32_t count, const ReplicateBatchOutput& out) {
  check_permutation_limits(task, permutation);
  check_dim(dim);
#if defined(MRTSIM_HAVE_CUDA)
  if (backend == Backend::kCuda)
    return cuda_impl::run_wcls_permutation_replicates(dim, task, arena, permutation, first, count, out);
#endif
  (void)backend;
  (void)arena;
  const CpuKernels& kernels = active_cpu_kernels();
  const auto kernel = [&](uint32_t replicate, long long slot, void* scratch) {
    kernels.wcls_permutation_replicate(dim, task, permutation, replicate, slot, out, scratch);
  };
  // A replicate is (B + 1) cohort fits: hand them out one at a time.
  CpuLauncher(threads, /*chunk=*/1).run(cpu_kernel_job(kernel, wcls_permutation_scratch_bytes(task)), first, count);
}

void run_wcls_data_reshuffles(Backend backend, int threads, int dim, const WclsDataTask& task, const TaskArena& arena,
                              uint32_t first, uint32_t count, const ReplicateOutput& out) {
  check_dim(dim);
  if (count == 0) return;
#if defined(MRTSIM_HAVE_CUDA)
  if (backend == Backend::kCuda) return cuda_impl::run_wcls_data_reshuffles(dim, task, arena, first, count, out);
#endif
  (void)backend;
  (void)arena;
  const CpuKernels& kernels = active_cpu_kernels();
  const auto kernel = [&](uint32_t reshuffle, long long slot, void* scratch) {
    kernels.wcls_data_reshuffle(dim, task, reshuffle, slot, out, scratch);
  };
  CpuLauncher(threads).run(cpu_kernel_job(kernel, wcls_data_scratch_bytes(task)), first, count);
}

}  // namespace mrtsim
