// The CPU kernels on avx2 lanes (kernels/cpu_kernels.h). This file alone is compiled with -mavx2 -mfma
// (CMakeLists.txt), and cpu_kernels() calls into it only on CPUs that have the instructions.
#include "kernels/cpu_kernels_impl.h"

namespace mrtsim::detail {

#if defined(MRTSIM_HAVE_AVX2_LANES)
const CpuKernels* cpu_kernels_avx2() { return cpu_impl::make_cpu_kernels<Avx2Lanes>(fastmath::SimdLevel::kAvx2); }
#else
const CpuKernels* cpu_kernels_avx2() { return nullptr; }
#endif

}  // namespace mrtsim::detail
