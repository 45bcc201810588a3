// Distal-outcome replicates on the chosen backend: on the CPU, OpenMP threads over the kernels of the
// CPU's instruction set (kernels/cpu_kernels.h); CUDA in distal_backend.cu.
#include "kernels/distal_backend.h"

#include "kernels/cpu_kernels.h"

namespace mrtsim {

void run_distal_replicates(Backend backend, int threads, const DistalSimulationTask& task, uint32_t first,
                           uint32_t count, const ReplicateOutput& out) {
#if defined(MRTSIM_HAVE_CUDA)
  if (backend == Backend::kCuda) return cuda_impl::run_distal_replicates(task, first, count, out);
#endif
  (void)backend;
  const CpuKernels& kernels = active_cpu_kernels();
  const auto kernel = [&](uint32_t replicate, long long slot, void* scratch) {
    kernels.distal_replicate(task, replicate, slot, out, scratch);
  };
  CpuLauncher(threads).run(cpu_kernel_job(kernel, distal_scratch_bytes(task)), first, count);
}

}  // namespace mrtsim
