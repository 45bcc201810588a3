// CUDA backend: one thread per replicate runs the same run_wcls_replicate as the CPU backend. The
// thread keeps no per-subject memory: fit_wcls regenerates each subject's statistics from the keyed
// Philox stream in its second pass, so device memory is O(replicates x D) for the outputs plus the
// per decision point inputs.
#include <cuda_runtime.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "kernels/dim_dispatch.h"
#include "kernels/wcls_backend.h"

namespace mrtsim::cuda_impl {

namespace {

void check(cudaError_t status, const char* what) {
  if (status != cudaSuccess) throw std::runtime_error(std::string("CUDA ") + what + ": " + cudaGetErrorString(status));
}

// A device copy of a host array, freed with the object.
template <class T>
class DeviceArray {
 public:
  DeviceArray(const T* host, size_t count) : count_(count) {
    check(cudaMalloc(&data_, sizeof(T) * (count ? count : 1)), "cudaMalloc");
    if (host && count) check(cudaMemcpy(data_, host, sizeof(T) * count, cudaMemcpyHostToDevice), "copy to device");
  }
  explicit DeviceArray(size_t count) : DeviceArray(nullptr, count) {}
  ~DeviceArray() { cudaFree(data_); }
  DeviceArray(const DeviceArray&) = delete;
  DeviceArray& operator=(const DeviceArray&) = delete;
  T* get() const { return data_; }
  void copy_to_host(T* host) const {
    check(cudaMemcpy(host, data_, sizeof(T) * count_, cudaMemcpyDeviceToHost), "copy to host");
  }

 private:
  T* data_ = nullptr;
  size_t count_;
};

template <int D>
__global__ void wcls_replicates_kernel(WclsSimulationTask task, uint32_t first, uint32_t count,
                                       WclsReplicateOutput out) {
  const long long r = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (r >= count) return;
  run_wcls_replicate<D>(task, first + static_cast<uint32_t>(r), out, r, nullptr);
}

constexpr int kThreadsPerBlock = 128;

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
  // Optional inputs of model extensions: null (extension off) stays null on the device.
  const auto optional_count = [T](const double* host) { return host ? T : size_t(0); };
  const DeviceArray<double> exposure_shift(task.model.exposure_shift, optional_count(task.model.exposure_shift)),
      sd_control(task.model.error_sd_control, optional_count(task.model.error_sd_control)),
      sd_treated(task.model.error_sd_treated, optional_count(task.model.error_sd_treated));
  if (task.model.exposure_shift) device_task.model.exposure_shift = exposure_shift.get();
  if (task.model.error_sd_control) device_task.model.error_sd_control = sd_control.get();
  if (task.model.error_sd_treated) device_task.model.error_sd_treated = sd_treated.get();
  device_task.design.controls = controls.get();
  device_task.design.moderators = moderators.get();
  device_task.design.numerator_prob = numerator.get();
  device_task.design.weights = weights.get();

  const DeviceArray<int> status(count), n_eff(count);
  const DeviceArray<double> joint(count), estimates(size_t(count) * dim), std_errors(size_t(count) * dim);
  const WclsReplicateOutput device_out{status.get(), n_eff.get(), joint.get(), estimates.get(), std_errors.get()};
  const unsigned blocks = (count + kThreadsPerBlock - 1) / kThreadsPerBlock;
  dispatch_dim(dim, [&](auto dim_constant) {
    constexpr int D = decltype(dim_constant)::value;
    wcls_replicates_kernel<D><<<blocks, kThreadsPerBlock>>>(device_task, first, count, device_out);
  });
  check(cudaGetLastError(), "kernel launch");
  check(cudaDeviceSynchronize(), "kernel");
  status.copy_to_host(out.status);
  n_eff.copy_to_host(out.n_eff);
  joint.copy_to_host(out.joint_statistic);
  estimates.copy_to_host(out.estimates);
  std_errors.copy_to_host(out.std_errors);
}

}  // namespace mrtsim::cuda_impl
