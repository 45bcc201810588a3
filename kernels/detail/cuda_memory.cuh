// Device memory helpers shared by the CUDA backends (kernels/*_backend_cuda.cu); CUDA files only.
#pragma once

#include <cuda_runtime.h>

#include <stdexcept>
#include <string>

#include "kernels/wcls_simulation.h"

namespace mrtsim::cuda_impl::detail {

inline void check(cudaError_t status, const char* what) {
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

// Device arrays for `count` replicates' outputs with `dim` coefficients each.
class DeviceReplicateOutput {
 public:
  DeviceReplicateOutput(size_t count, int dim)
      : status_(count), n_eff_(count), joint_(count), estimates_(count * dim), std_errors_(count * dim) {}
  WclsReplicateOutput view() const {
    return WclsReplicateOutput{status_.get(), n_eff_.get(), joint_.get(), estimates_.get(), std_errors_.get()};
  }
  void copy_to_host(const WclsReplicateOutput& out) const {
    status_.copy_to_host(out.status);
    n_eff_.copy_to_host(out.n_eff);
    joint_.copy_to_host(out.joint_statistic);
    estimates_.copy_to_host(out.estimates);
    std_errors_.copy_to_host(out.std_errors);
  }

 private:
  DeviceArray<int> status_, n_eff_;
  DeviceArray<double> joint_, estimates_, std_errors_;
};

// Waits for a kernel and reports its launch or run-time error.
inline void finish_kernel() {
  check(cudaGetLastError(), "kernel launch");
  check(cudaDeviceSynchronize(), "kernel");
}

constexpr int kThreadsPerBlock = 128;

inline unsigned blocks_for(uint32_t count) { return (count + kThreadsPerBlock - 1) / kThreadsPerBlock; }

}  // namespace mrtsim::cuda_impl::detail
