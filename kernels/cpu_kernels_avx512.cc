// The CPU kernels on avx512 lanes (kernels/cpu_kernels.h). This file alone is compiled with -mavx512f
// (CMakeLists.txt), and cpu_kernels() calls into it only on CPUs that have the instructions.
#include "kernels/cpu_kernels_impl.h"

namespace mrtsim::detail {

#if defined(MRTSIM_HAVE_AVX512_LANES)
const CpuKernels* cpu_kernels_avx512() { return cpu_impl::make_cpu_kernels<Avx512Lanes>(fastmath::SimdLevel::kAvx512); }
#else
const CpuKernels* cpu_kernels_avx512() { return nullptr; }
#endif

}  // namespace mrtsim::detail
