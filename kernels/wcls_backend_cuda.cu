// CUDA backend: one thread per replicate runs the same run_wcls_replicate as the CPU backend. The
// thread keeps no per-subject memory: fit_wcls regenerates each subject's statistics from the keyed
// Philox stream in its second pass, so device memory is O(replicates x D) for the outputs plus the
// per decision point inputs.
#include <cuda_runtime.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "kernels/detail/cuda_memory.cuh"
#include "kernels/dim_dispatch.h"
#include "kernels/wcls_backend.h"

namespace mrtsim::cuda_impl {

namespace {

using detail::check;
using detail::DeviceArray;

template <int D>
__global__ void wcls_replicates_kernel(WclsSimulationTask task, uint32_t first, uint32_t count,
                                       WclsReplicateOutput out) {
  const long long r = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (r >= count) return;
  run_wcls_replicate<D>(task, first + static_cast<uint32_t>(r), out, r, nullptr);
}

}  // namespace

bool device_present() {
  int devices = 0;
  return cudaGetDeviceCount(&devices) == cudaSuccess && devices > 0;
}

void select_device(int local_rank) {
  int devices = 0;
  check(cudaGetDeviceCount(&devices), "cudaGetDeviceCount");
  check(cudaSetDevice(local_rank % devices), "cudaSetDevice");
}

void run_wcls_replicates(int dim, const WclsSimulationTask& task, uint32_t first, uint32_t count,
                         const WclsReplicateOutput& out) {
  if (count == 0) return;
  const size_t T = task.model.num_decisions;
  const DeviceArray<double> availability(task.model.availability, T), rand_prob(task.model.rand_prob, T),
      baseline(task.model.baseline, T), effect(task.model.effect, T);
  const DeviceArray<double> controls(task.design.controls, T * task.design.q),
      moderators(task.design.moderators, T * task.design.p), numerator(task.design.numerator_prob, T);
  const DeviceArray<WclsWeights> weights(task.design.weights, T);
  WclsSimulationTask device_task = task;
  device_task.model.availability = availability.get();
  device_task.model.rand_prob = rand_prob.get();
  device_task.model.baseline = baseline.get();
  device_task.model.effect = effect.get();
  device_task.design.controls = controls.get();
  device_task.design.moderators = moderators.get();
  device_task.design.numerator_prob = numerator.get();
  device_task.design.weights = weights.get();

  const detail::DeviceReplicateOutput device_out(count, dim);
  dispatch_dim(dim, [&](auto dim_constant) {
    constexpr int D = decltype(dim_constant)::value;
    wcls_replicates_kernel<D><<<detail::blocks_for(count), detail::kThreadsPerBlock>>>(device_task, first, count,
                                                                                        device_out.view());
  });
  detail::finish_kernel();
  device_out.copy_to_host(out);
}

}  // namespace mrtsim::cuda_impl
