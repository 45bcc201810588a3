// The CPU kernels on one subject per lane (kernels/cpu_kernels.h), compiled with the build's own flags: the
// portable path, for CPUs without AVX2 + FMA and builds for other architectures.
#include "kernels/cpu_kernels_impl.h"

namespace mrtsim::detail {

const CpuKernels* cpu_kernels_scalar() { return cpu_impl::make_cpu_kernels<ScalarLanes>(fastmath::SimdLevel::kScalar); }

}  // namespace mrtsim::detail
