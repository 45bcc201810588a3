// The CUDA twin of kernels/backend.cc: device discovery and selection.
#include "kernels/backend.h"
#include "kernels/detail/cuda_launcher.cuh"

namespace mrtsim::cuda_impl {

bool device_present() {
  int devices = 0;
  return cudaGetDeviceCount(&devices) == cudaSuccess && devices > 0;
}

void select_device(int local_rank) {
  int devices = 0;
  check(cudaGetDeviceCount(&devices), "cudaGetDeviceCount");
  check(cudaSetDevice(local_rank % devices), "cudaSetDevice");
}

}  // namespace mrtsim::cuda_impl
