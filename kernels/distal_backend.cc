// Distal-outcome replicates on the chosen backend; the CPU runs distal_backend.h's runner on OpenMP
// threads, CUDA in distal_backend.cu.
#include "kernels/distal_backend.h"

namespace mrtsim {

void run_distal_replicates(Backend backend, int threads, const DistalSimulationTask& task, uint32_t first,
                           uint32_t count, const ReplicateOutput& out) {
#if defined(MRTSIM_HAVE_CUDA)
  if (backend == Backend::kCuda) return cuda_impl::run_distal_replicates(task, first, count, out);
#endif
  (void)backend;
  CpuLauncher launcher(threads);
  run_distal_on(launcher, task, first, count, out);
}

}  // namespace mrtsim
