// CUDA twin of wcls_backend.cc: one warp per replicate (kernels/wcls_warp.h), its lanes over the
// subjects, the subjects' statistics kept in shared memory between the fit's two passes where it can
// hold them. One launch runs every segment of a batched call.
#include <algorithm>
#include <vector>

#include "kernels/detail/cuda_launcher.cuh"
#include "kernels/detail/cuda_warp.cuh"
#include "kernels/wcls_backend.h"
#include "kernels/wcls_warp.h"

namespace mrtsim::cuda_impl {

namespace {

constexpr int kWarpSize = kReductionLanes;

// The shape of a warp-per-item launch and the shared memory of each warp's subject cache.
struct WarpLaunch {
  int warps_per_block;
  unsigned blocks;
  int cache_subjects;  // 0: no cache (the second pass simulates again)
  size_t shared_bytes;
};

// Warps per block from the launch shape setting; the subjects' statistics in shared memory when
// warps_per_block * max_subjects of them fit into the device's shared memory per block; blocks
// enough to fill the device at the kernel's occupancy (or the setting), at most one warp per item.
template <class Kernel>
WarpLaunch plan_warp_launch(Kernel kernel, size_t stats_bytes, int max_subjects, long long items) {
  const CudaLaunchShape shape = cuda_launch_shape();
  WarpLaunch launch{shape.warps_per_block > 0 ? shape.warps_per_block : 4, 0, 0, 0};
  int device = 0, shared_limit = 0, processors = 0;
  check(cudaGetDevice(&device), "cudaGetDevice");
  check(cudaDeviceGetAttribute(&shared_limit, cudaDevAttrMaxSharedMemoryPerBlockOptin, device), "device attribute");
  check(cudaDeviceGetAttribute(&processors, cudaDevAttrMultiProcessorCount, device), "device attribute");
  const size_t cache_bytes = stats_bytes * max_subjects * launch.warps_per_block;
  if (cache_bytes <= static_cast<size_t>(shared_limit)) {
    launch.cache_subjects = max_subjects;
    launch.shared_bytes = cache_bytes;
    check(cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, static_cast<int>(cache_bytes)),
          "shared memory size");
  }
  int blocks_per_processor = 0;
  check(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&blocks_per_processor, kernel, launch.warps_per_block * kWarpSize,
                                                      launch.shared_bytes),
        "occupancy");
  long long blocks = shape.blocks > 0 ? shape.blocks : static_cast<long long>(std::max(1, blocks_per_processor)) * processors;
  blocks = std::min(blocks, (items + launch.warps_per_block - 1) / launch.warps_per_block);
  launch.blocks = static_cast<unsigned>(std::max(1LL, blocks));
  return launch;
}

template <int D>
__device__ WclsSubjectStats<D>* warp_cache(int cache_subjects) {
  extern __shared__ double shared_memory[];
  if (cache_subjects == 0) return nullptr;
  return reinterpret_cast<WclsSubjectStats<D>*>(shared_memory) + (threadIdx.x / kWarpSize) * cache_subjects;
}

// This warp's place in the grid, and body(warp, slot) for the slots 0 .. count - 1 it takes in
// grid-stride order.
struct GridWarp {
  int lane;
  long long warp;
  long long warps;

  __device__ GridWarp()
      : lane(threadIdx.x % kWarpSize),
        warp(static_cast<long long>(blockIdx.x) * (blockDim.x / kWarpSize) + threadIdx.x / kWarpSize),
        warps(static_cast<long long>(gridDim.x) * (blockDim.x / kWarpSize)) {}

  template <class Body>
  __device__ void for_each_slot(long long count, Body&& body) const {
    for (long long slot = warp; slot < count; slot += warps) body(slot);
  }
  // A lane buffer (LaneRows, LaneSlots) with this warp's 32 lanes.
  template <class LaneBuffer>
  __device__ LaneBuffer lanes_of(LaneBuffer buffer) const {
    buffer.first_lane = warp * kWarpSize;
    return buffer;
  }
};

template <int D>
__global__ void wcls_warp_kernel(const WclsSimulationTask* tasks, const ReplicateSegment* segments, int n_segments,
                                 long long items, ReplicateOutput out, int cache_subjects) {
  const GridWarp grid;
  WclsSubjectStats<D>* cache = warp_cache<D>(cache_subjects);
  grid.for_each_slot(items, [&](long long item) {
    run_wcls_warp_item<D>(CudaWarp{grid.lane}, grid.lane, tasks, segments, n_segments, item, out, cache);
  });
}

template <int D>
__global__ void wcls_permutation_warp_kernel(WclsSimulationTask task, WclsPermutationSettings permutation,
                                             uint32_t first, uint32_t count, ReplicateBatchOutput out, LaneRows rows,
                                             int cache_subjects) {
  const GridWarp grid;
  WclsSubjectStats<D>* cache = warp_cache<D>(cache_subjects);
  const LaneRows mine = grid.lanes_of(rows);
  grid.for_each_slot(count, [&](long long slot) {
    run_wcls_permutation_warp_item<D>(CudaWarp{grid.lane}, grid.lane, task, permutation,
                                      first + static_cast<uint32_t>(slot), slot, out, mine, cache);
  });
}

template <int D>
__global__ void wcls_data_reshuffle_warp_kernel(WclsDataTask task, uint32_t first, uint32_t count, ReplicateOutput out,
                                                LaneSlots slots, int cache_subjects) {
  const GridWarp grid;
  WclsSubjectStats<D>* cache = warp_cache<D>(cache_subjects);
  const LaneSlots mine = grid.lanes_of(slots);
  grid.for_each_slot(count, [&](long long slot) {
    run_wcls_data_reshuffle<D>(CudaWarp{grid.lane}, grid.lane, task, first + static_cast<uint32_t>(slot), slot, out,
                               mine, cache);
  });
}

void check_launch() {
  check(cudaGetLastError(), "kernel launch");
  check(cudaDeviceSynchronize(), "kernel");
}

}  // namespace

void run_wcls_segments(int dim, const std::vector<WclsTaskRef>& tasks, const std::vector<ReplicateSegment>& segments,
                       const ReplicateOutput& out) {
  const long long items = segment_items(segments);
  CudaLauncher launcher;
  std::vector<WclsSimulationTask> placed;
  int max_subjects = 1;
  for (const WclsTaskRef& t : tasks) {
    placed.push_back(launcher.task(*t.task, *t.arena));
    max_subjects = std::max(max_subjects, t.task->n_subjects);
  }
  const WclsSimulationTask* device_tasks = launcher.array(placed);
  const ReplicateSegment* device_segments = launcher.array(segments);
  const ReplicateOutput device_out = place_output(launcher, out, static_cast<uint32_t>(items), dim);
  dispatch_dim(dim, [&](auto dim_constant) {
    constexpr int D = decltype(dim_constant)::value;
    const WarpLaunch launch =
        plan_warp_launch(wcls_warp_kernel<D>, sizeof(WclsSubjectStats<D>), max_subjects, items);
    wcls_warp_kernel<D><<<launch.blocks, launch.warps_per_block * kWarpSize, launch.shared_bytes>>>(
        device_tasks, device_segments, static_cast<int>(segments.size()), items, device_out, launch.cache_subjects);
    check_launch();
  });
  launcher.finish();
}

void run_wcls_permutation_replicates(int dim, const WclsSimulationTask& task, const TaskArena& arena,
                                     const WclsPermutationSettings& permutation, uint32_t first, uint32_t count,
                                     const ReplicateBatchOutput& out) {
  if (count == 0) return;
  CudaLauncher launcher;
  const WclsSimulationTask placed = launcher.task(task, arena);
  const size_t p_values = size_t(count) * task.design.p;
  const ReplicateBatchOutput device_out{
      place_output(launcher, out.fits, count, dim), launcher.output(out.permutation_p, p_values),
      launcher.output(out.joint_permutation_p, count), launcher.output(out.failed_reshuffles, count)};
  dispatch_dim(dim, [&](auto dim_constant) {
    constexpr int D = decltype(dim_constant)::value;
    const WarpLaunch launch = plan_warp_launch(wcls_permutation_warp_kernel<D>, sizeof(WclsSubjectStats<D>),
                                               std::max(1, task.n_subjects), count);
    // Every lane of the grid gets room for one subject's rows.
    const long long lanes = static_cast<long long>(launch.blocks) * launch.warps_per_block * kWarpSize;
    const size_t cells = static_cast<size_t>(lanes) * std::max(1, task.model.num_decisions);
    DeviceArray<uint16_t> decision(cells);
    DeviceArray<uint8_t> treated(cells);
    DeviceArray<double> outcome(cells);
    const LaneRows rows{decision.get(), treated.get(), outcome.get(), 0, static_cast<int>(lanes)};
    wcls_permutation_warp_kernel<D><<<launch.blocks, launch.warps_per_block * kWarpSize, launch.shared_bytes>>>(
        placed, permutation, first, count, device_out, rows, launch.cache_subjects);
    check_launch();
  });
  launcher.finish();
}

// Device memory for the lanes' treatment slots: fewer blocks where subjects with many rows need more.
constexpr long long kMaxSlotBytes = 1LL << 30;

void run_wcls_data_reshuffles(int dim, const WclsDataTask& task, const TaskArena& arena, uint32_t first,
                              uint32_t count, const ReplicateOutput& out) {
  CudaLauncher launcher;
  const WclsDataTask placed = launcher.task(task, arena);
  const ReplicateOutput device_out = place_output(launcher, out, count, dim);
  dispatch_dim(dim, [&](auto dim_constant) {
    constexpr int D = decltype(dim_constant)::value;
    WarpLaunch launch = plan_warp_launch(wcls_data_reshuffle_warp_kernel<D>, sizeof(WclsSubjectStats<D>),
                                         std::max(1, task.n_subjects), count);
    // Every lane of the grid gets room for one subject's treatment slots.
    const long long rows = std::max(1, task.max_subject_rows);
    launch.blocks = static_cast<unsigned>(
        std::max(1LL, std::min<long long>(launch.blocks, kMaxSlotBytes / (rows * launch.warps_per_block * kWarpSize))));
    const long long lanes = static_cast<long long>(launch.blocks) * launch.warps_per_block * kWarpSize;
    DeviceArray<uint8_t> slots(static_cast<size_t>(lanes * rows));
    wcls_data_reshuffle_warp_kernel<D><<<launch.blocks, launch.warps_per_block * kWarpSize, launch.shared_bytes>>>(
        placed, first, count, device_out, LaneSlots{slots.get(), 0, lanes}, launch.cache_subjects);
    check_launch();
  });
  launcher.finish();
}

}  // namespace mrtsim::cuda_impl
