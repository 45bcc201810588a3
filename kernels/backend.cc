#include "kernels/backend.h"

#include "core/user_error.h"

namespace mrtsim {

namespace {
CudaLaunchShape& launch_shape_setting() {
  static CudaLaunchShape shape;
  return shape;
}
}  // namespace

void set_cuda_launch_shape(const CudaLaunchShape& shape) { launch_shape_setting() = shape; }
CudaLaunchShape cuda_launch_shape() { return launch_shape_setting(); }

bool cuda_backend_available() {
#if defined(MRTSIM_HAVE_CUDA)
  return cuda_impl::device_present();
#else
  return false;
#endif
}

Backend resolve_backend(const std::string& requested) {
  if (requested == "auto") return cuda_backend_available() ? Backend::kCuda : Backend::kCpu;
  Backend backend{};
  if (!kBackendNames.find(requested, backend))
    throw UserError("--backend: unknown backend '" + requested + "' (expected auto, " + kBackendNames.expected() + ")");
  if (backend == Backend::kCuda) {
#if defined(MRTSIM_HAVE_CUDA)
    if (!cuda_impl::device_present()) throw UserError("--backend cuda: no CUDA device is present");
#else
    throw UserError("--backend cuda: this mrtsim was built without CUDA (no nvcc at build time)");
#endif
  }
  return backend;
}

void use_cuda_device_of_local_rank(int local_rank) {
#if defined(MRTSIM_HAVE_CUDA)
  if (cuda_impl::device_present()) cuda_impl::select_device(local_rank);
#else
  (void)local_rank;
#endif
}

}  // namespace mrtsim
