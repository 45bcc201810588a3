// The backends that run simulated replicates: the CPU (OpenMP threads) and, when mrtsim was built
// with CUDA and a device is present, a CUDA GPU. Every estimator family runs on both from one
// source (kernels/replicate_launch.h).
#pragma once

#include <string>

#include "core/enum_table.h"

namespace mrtsim {

enum class Backend { kCpu, kCuda };

inline constexpr auto kBackendNames = make_enum_table<Backend>({{Backend::kCpu, "cpu"}, {Backend::kCuda, "cuda"}});

// True when the CUDA backend was compiled in and a CUDA device is present.
bool cuda_backend_available();
// "auto" (CUDA when available, else CPU), "cpu" or "cuda" (a UserError if unavailable).
Backend resolve_backend(const std::string& requested);

// How the CUDA backend shapes its warp-per-replicate launches (WCLS): warps per block, and blocks
// (0: enough to fill the device at the kernel's occupancy). Results never depend on it
// (kernels/lane_reduction.h); benchmarks and the GPU session compare shapes.
struct CudaLaunchShape {
  int warps_per_block = 4;
  int blocks = 0;
};
void set_cuda_launch_shape(const CudaLaunchShape& shape);
CudaLaunchShape cuda_launch_shape();

// With several processes per node (MPI ranks), gives each its own GPU: device local_rank modulo
// the number of devices. Does nothing without CUDA.
void use_cuda_device_of_local_rank(int local_rank);

namespace cuda_impl {
bool device_present();
void select_device(int local_rank);
}  // namespace cuda_impl

}  // namespace mrtsim
