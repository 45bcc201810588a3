// The CPU kernels on NEON lanes (kernels/cpu_kernels.h), two subjects at once: ARM64 builds only
// (NEON is part of every ARMv8-A CPU, so this file needs no flags of its own); elsewhere an empty table.
#include "kernels/cpu_kernels_impl.h"

namespace mrtsim::detail {

#if defined(MRTSIM_HAVE_NEON_LANES)
const CpuKernels* cpu_kernels_neon() { return cpu_impl::make_cpu_kernels<NeonLanes>(fastmath::SimdLevel::kNeon); }
#else
const CpuKernels* cpu_kernels_neon() { return nullptr; }
#endif

}  // namespace mrtsim::detail
