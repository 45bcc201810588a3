// EMEE / EMEE2 replicates on the chosen backend; the CPU runs emee_backend.h's runner on OpenMP
// threads, CUDA in emee_backend.cu.
#include "kernels/emee_backend.h"

namespace mrtsim {

void run_emee_replicates(Backend backend, int threads, int dim, const EmeeSimulationTask& task, const TaskArena& arena,
                         uint32_t first, uint32_t count, const ReplicateOutput& out) {
#if defined(MRTSIM_HAVE_CUDA)
  if (backend == Backend::kCuda) return cuda_impl::run_emee_replicates(dim, task, arena, first, count, out);
#endif
  (void)backend;
  CpuLauncher launcher(threads);
  run_emee_on(launcher, dim, task, arena, first, count, out);
}

}  // namespace mrtsim
