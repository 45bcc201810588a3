// The canonical order in which a replicate's per-subject statistics are summed, on every backend.
//
// A CUDA warp fits one replicate with its 32 lanes over the subjects (kernels/detail/cuda_warp.cuh):
// lane l handles subjects l, l + 32, l + 64, ... and sums their statistics in that order, starting
// from zero; the 32 lane sums are then combined by CUB's WarpReduce, whose shuffle-down steps with
// offsets 1, 2, 4, 8, 16 add lane l + offset into lane l: a balanced binary tree over the lanes in
// their natural order, ((s0 + s1) + (s2 + s3)) + ... . The CPU backend and every scalar path compute
// the same sums in the same order with EmulatedWarp below, so a replicate's fit does not depend on
// the backend, the instruction set, the launch shape or the thread count.
//
// A partial (what a lane contributes) is a plain struct with clear() (all zero), add(other)
// (member by member, one IEEE addition per double) and, for CUDA, for_each_value(f) calling f on
// every double and int member.
#pragma once

#include "core/device_macros.h"

namespace mrtsim {

constexpr int kReductionLanes = 32;

// The lanes of one warp run one after the other. The tree is built as the lanes finish, keeping one
// partial per level (a binary counter), so it needs log2(32) + 1 partials instead of 32. Isa names the
// instruction set of the translation unit that instantiates the fit (a lane policy of
// core/simd_lanes.h): every per-instruction-set copy of the fit is then its own function, never merged
// by the linker with a copy compiled for another instruction set (kernels/cpu_kernels.h).
template <class Isa = void>
struct EmulatedWarp {
  // Calls partial(lane, out) for every lane (out cleared first) and returns the tree sum of the
  // results: the value CudaWarp::reduce returns in every lane.
  template <class T, class Partial>
  MRTSIM_HD MRTSIM_INLINE T reduce(Partial&& partial) const {
    constexpr int kLevels = 6;  // log2(kReductionLanes) + 1
    T pending[kLevels];
    int pending_count = 0;
    for (int lane = 0; lane < kReductionLanes; ++lane) {
      T node;
      node.clear();
      partial(lane, node);
      // Lane `lane` completes one subtree per trailing one bit of its index: each is pending[top] +
      // node, the lower lanes on the left.
      for (int bits = lane; bits & 1; bits >>= 1) {
        T& left = pending[--pending_count];
        left.add(node);
        node = left;
      }
      pending[pending_count++] = node;
    }
    return pending[0];
  }
};

}  // namespace mrtsim
