// EMEE / EMEE2 replicates on the chosen backend; the CPU runs the kernels of its instruction set
// (kernels/cpu_kernels.h) on OpenMP threads, CUDA emee_backend.cu.
#include "kernels/emee_backend.h"

#include "kernels/cpu_kernels.h"
#include "kernels/dim_dispatch.h"
#include "kernels/replicate_launch.h"

namespace mrtsim {

void run_emee_replicates(Backend backend, int threads, int dim, const EmeeSimulationTask& task, const TaskArena& arena,
                         uint32_t first, uint32_t count, const ReplicateOutput& out) {
  dispatch_dim(dim, [](auto) {});  // throws std::invalid_argument outside 1 .. kMaxWclsDim
#if defined(MRTSIM_HAVE_CUDA)
  if (backend == Backend::kCuda) return cuda_impl::run_emee_replicates(dim, task, arena, first, count, out);
#endif
  (void)backend;
  (void)arena;  // the CPU reads the task's host arrays
  const CpuKernels& kernels = active_cpu_kernels();
  const auto kernel = [&](uint32_t replicate, long long slot, void* scratch) {
    kernels.emee_replicate(dim, task, replicate, slot, out, scratch);
  };
  CpuLauncher(threads).run(cpu_kernel_job(kernel, emee_scratch_bytes(dim, task)), first, count);
}

}  // namespace mrtsim
