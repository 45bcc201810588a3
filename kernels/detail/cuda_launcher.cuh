// The CUDA twin of CpuLauncher (kernels/replicate_launch.h): device memory for tasks and their
// outputs, and a launch of one thread per item (the WCLS kernels launch one warp per item themselves,
// kernels/wcls_backend.cu). CUDA translation units only.
#pragma once

#include <cuda_runtime.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/device_macros.h"
#include "kernels/replicate_launch.h"
#include "kernels/task_arena.h"

namespace mrtsim::cuda_impl {

inline void check(cudaError_t status, const char* what) {
  if (status != cudaSuccess) throw std::runtime_error(std::string("CUDA ") + what + ": " + cudaGetErrorString(status));
}

// Device memory of `bytes` bytes, freed with the object.
class DeviceBytes {
 public:
  explicit DeviceBytes(size_t bytes) { check(cudaMalloc(&data_, bytes ? bytes : 1), "cudaMalloc"); }
  ~DeviceBytes() { cudaFree(data_); }
  DeviceBytes(const DeviceBytes&) = delete;
  DeviceBytes& operator=(const DeviceBytes&) = delete;
  std::byte* get() const { return static_cast<std::byte*>(data_); }

 private:
  void* data_ = nullptr;
};

// A device array of `count` elements of T.
template <class T>
class DeviceArray {
 public:
  explicit DeviceArray(size_t count) : bytes_(sizeof(T) * count) {}
  T* get() const { return reinterpret_cast<T*>(bytes_.get()); }

 private:
  DeviceBytes bytes_;
};

// Per-thread device scratch of a job: none unless the job's backend file specializes this (see
// kernels/emee_backend.cu). `threads` bounds the threads of a launch (a grid-stride loop covers the
// replicates), so scratch memory stays bounded whatever the batch size.
template <class Job>
struct DeviceScratch {
  DeviceScratch(const Job&, size_t /*threads*/) {}
  static size_t threads(const Job&, uint32_t count) { return count; }
  struct View {
    MRTSIM_HD typename Job::Scratch for_thread(long long /*thread*/, long long /*threads*/) const { return {}; }
  };
  View view() const { return {}; }
};

constexpr int kThreadsPerBlock = 128;

// One thread per item, a grid-stride loop over the items, each thread with its scratch.
template <class Job, class ScratchView>
__global__ void replicate_kernel(Job job, uint32_t first, uint32_t count, ScratchView scratch) {
  const long long thread = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x;
  const long long threads = static_cast<long long>(gridDim.x) * blockDim.x;
  const typename Job::Scratch mine = scratch.for_thread(thread, threads);
  for (long long s = thread; s < count; s += threads) job(first + static_cast<uint32_t>(s), s, mine);
}

class CudaLauncher {
 public:
  // Copies the task's arena to the device in one transfer and returns the task pointing there.
  template <class Task>
  Task task(const Task& task, const TaskArena& arena) {
    std::vector<std::byte> packed(arena.packed_bytes());
    arena.pack(packed.data());
    buffers_.push_back(std::make_unique<DeviceBytes>(packed.size()));
    const std::byte* device = buffers_.back()->get();
    check(cudaMemcpy(buffers_.back()->get(), packed.data(), packed.size(), cudaMemcpyHostToDevice), "copy to device");
    return relocate_task(task, arena, device);
  }

  // A device array of `count` elements whose contents finish() copies to `host`.
  template <class T>
  T* output(T* host, size_t count) {
    if (!host) return nullptr;
    buffers_.push_back(std::make_unique<DeviceBytes>(sizeof(T) * count));
    outputs_.push_back(Output{buffers_.back()->get(), host, sizeof(T) * count});
    return reinterpret_cast<T*>(buffers_.back()->get());
  }

  template <class Job>
  void run(const Job& job, uint32_t first, uint32_t count) {
    if (count == 0) return;
    const size_t threads = DeviceScratch<Job>::threads(job, count);
    const DeviceScratch<Job> scratch(job, threads);
    const unsigned blocks = static_cast<unsigned>((threads + kThreadsPerBlock - 1) / kThreadsPerBlock);
    replicate_kernel<<<blocks, kThreadsPerBlock>>>(job, first, count, scratch.view());
    check(cudaGetLastError(), "kernel launch");
    check(cudaDeviceSynchronize(), "kernel");
  }

  // A device copy of `values` (freed with the launcher).
  template <class T>
  const T* array(const std::vector<T>& values) {
    buffers_.push_back(std::make_unique<DeviceBytes>(sizeof(T) * values.size()));
    check(cudaMemcpy(buffers_.back()->get(), values.data(), sizeof(T) * values.size(), cudaMemcpyHostToDevice),
          "copy to device");
    return reinterpret_cast<const T*>(buffers_.back()->get());
  }

  void finish() {
    for (const Output& o : outputs_)
      check(cudaMemcpy(o.host, o.device, o.bytes, cudaMemcpyDeviceToHost), "copy to host");
  }

 private:
  struct Output {
    const std::byte* device;
    void* host;
    size_t bytes;
  };
  std::vector<std::unique_ptr<DeviceBytes>> buffers_;
  std::vector<Output> outputs_;
};

}  // namespace mrtsim::cuda_impl
