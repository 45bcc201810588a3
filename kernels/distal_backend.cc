#include "kernels/distal_backend.h"

namespace mrtsim {

void run_distal_replicates(Backend backend, int threads, const DistalSimulationTask& task, uint32_t first,
                           uint32_t count, const WclsReplicateOutput& out) {
#if defined(MRTSIM_HAVE_CUDA)
  if (backend == Backend::kCuda) return cuda_impl::run_distal_replicates(task, first, count, out);
#endif
  (void)backend;
  cpu_impl::run_distal_replicates(threads, task, first, count, out);
}

}  // namespace mrtsim
