// CUDA backend for distal-outcome replicates: one thread per replicate runs the same
// run_distal_replicate as the CPU backend, regenerating each subject in the fit's second pass (no
// per-subject memory). The model and analysis are plain values passed with the kernel.
#include "kernels/detail/cuda_memory.cuh"
#include "kernels/distal_backend.h"

namespace mrtsim::cuda_impl {

namespace {

template <int P>
__global__ void distal_replicates_kernel(DistalSimulationTask task, uint32_t first, uint32_t count,
                                         WclsReplicateOutput out) {
  const long long r = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (r >= count) return;
  run_distal_replicate<P>(task, first + static_cast<uint32_t>(r), out, r, DistalScratch<P>{nullptr, nullptr});
}

}  // namespace

void run_distal_replicates(const DistalSimulationTask& task, uint32_t first, uint32_t count,
                           const WclsReplicateOutput& out) {
  if (count == 0) return;
  const detail::DeviceReplicateOutput device_out(count, task.analysis.num_effects);
  dispatch_num_effects(task.analysis.num_effects, [&](auto effects_constant) {
    constexpr int P = decltype(effects_constant)::value;
    distal_replicates_kernel<P><<<detail::blocks_for(count), detail::kThreadsPerBlock>>>(task, first, count,
                                                                                          device_out.view());
  });
  detail::finish_kernel();
  device_out.copy_to_host(out);
}

}  // namespace mrtsim::cuda_impl
