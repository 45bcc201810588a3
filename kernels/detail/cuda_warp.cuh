// The CUDA warp of kernels/lane_reduction.h: each lane adds up its own partial, and CUB's WarpReduce
// sums the 32 partials member by member (the shuffle-down tree EmulatedWarp reproduces on the CPU);
// lane 0's total is then broadcast, so every lane continues with the same values. CUDA translation
// units only.
#pragma once

#include <cub/warp/warp_reduce.cuh>

#include "core/device_macros.h"
#include "kernels/lane_reduction.h"

namespace mrtsim::cuda_impl {

struct CudaWarp {
  int lane;  // threadIdx.x % 32

  template <class T, class Partial>
  __device__ __forceinline__ T reduce(Partial&& partial) const {
    T mine;
    mine.clear();
    partial(lane, mine);
    mine.for_each_value([](auto& value) { value = sum(value); });
    return mine;
  }

  // The warp's sum of `value` in CUB's order, in every lane.
  template <class V>
  __device__ __forceinline__ static V sum(V value) {
    using Reduce = cub::WarpReduce<V, kReductionLanes>;
    typename Reduce::TempStorage unused_storage;  // empty for the shuffle implementation
    return __shfl_sync(0xffffffffu, Reduce(unused_storage).Sum(value), 0);
  }
};

}  // namespace mrtsim::cuda_impl
