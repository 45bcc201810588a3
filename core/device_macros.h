// Portability macros for code compiled both by nvcc (CUDA backend) and by the host compiler
// (CPU backend). Everything under kernels/ and sims/ that runs per replicate is written once
// with MRTSIM_HD, like XGBOOST_DEVICE or EIGEN_DEVICE_FUNC.
#pragma once

#if defined(__CUDACC__)
#define MRTSIM_HD __host__ __device__
#define MRTSIM_INLINE __forceinline__
#define MRTSIM_UNROLL _Pragma("unroll")
#else
#define MRTSIM_HD
#define MRTSIM_INLINE inline __attribute__((always_inline))
#define MRTSIM_UNROLL _Pragma("GCC unroll 16")
#endif
