// CUDA twin of distal_backend.cc: one thread per replicate, regenerating each subject in the fit's
// second pass (no per-subject memory).
#include "kernels/detail/cuda_launcher.cuh"
#include "kernels/distal_backend.h"

namespace mrtsim::cuda_impl {

void run_distal_replicates(const DistalSimulationTask& task, uint32_t first, uint32_t count,
                           const ReplicateOutput& out) {
  CudaLauncher launcher;
  run_distal_on(launcher, task, first, count, out);
}

}  // namespace mrtsim::cuda_impl
