// CUDA backend: one thread per replicate runs the same run_wcls_replicate as the CPU backend. The
// thread keeps no per-subject memory: fit_wcls regenerates each subject's statistics from the keyed
// Philox stream in its second pass, so device memory is O(replicates x D) for the outputs plus the
// per decision point inputs. Permutation tests add one subject's rows per thread (a grid-stride loop
// over replicates bounds the threads, hence that memory).
#include <cuda_runtime.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "kernels/detail/cuda_memory.cuh"
#include "kernels/dim_dispatch.h"
#include "kernels/wcls_backend.h"

namespace mrtsim::cuda_impl {

namespace {

using detail::check;
using detail::DeviceArray;
using detail::DeviceReplicateOutput;
using detail::kThreadsPerBlock;

// Device copies of a task's per decision point inputs, and the task pointing at them.
class DeviceTask {
 public:
  explicit DeviceTask(const WclsSimulationTask& task)
      : availability_(task.model.availability, decisions(task)),
        rand_prob_(task.model.rand_prob, decisions(task)),
        baseline_(task.model.baseline, decisions(task)),
        effect_(task.model.effect, decisions(task)),
        controls_(task.design.controls, decisions(task) * task.design.q),
        moderators_(task.design.moderators, decisions(task) * task.design.p),
        numerator_(task.design.numerator_prob, decisions(task)),
        weights_(task.design.weights, decisions(task)),
        exposure_shift_(task.model.exposure_shift, optional_count(task, task.model.exposure_shift)),
        error_sd_control_(task.model.error_sd_control, optional_count(task, task.model.error_sd_control)),
        error_sd_treated_(task.model.error_sd_treated, optional_count(task, task.model.error_sd_treated)),
        task_(task) {
    task_.model.availability = availability_.get();
    task_.model.rand_prob = rand_prob_.get();
    task_.model.baseline = baseline_.get();
    task_.model.effect = effect_.get();
    task_.design.controls = controls_.get();
    task_.design.moderators = moderators_.get();
    task_.design.numerator_prob = numerator_.get();
    task_.design.weights = weights_.get();
    // Optional inputs of model extensions: null (extension off) stays null on the device.
    if (task.model.exposure_shift) task_.model.exposure_shift = exposure_shift_.get();
    if (task.model.error_sd_control) task_.model.error_sd_control = error_sd_control_.get();
    if (task.model.error_sd_treated) task_.model.error_sd_treated = error_sd_treated_.get();
  }
  const WclsSimulationTask& get() const { return task_; }

 private:
  static size_t decisions(const WclsSimulationTask& task) { return task.model.num_decisions; }
  static size_t optional_count(const WclsSimulationTask& task, const double* host) {
    return host ? decisions(task) : 0;
  }

  DeviceArray<double> availability_, rand_prob_, baseline_, effect_, controls_, moderators_, numerator_;
  DeviceArray<WclsWeights> weights_;
  DeviceArray<double> exposure_shift_, error_sd_control_, error_sd_treated_;
  WclsSimulationTask task_;
};

template <int D>
__global__ void wcls_replicates_kernel(WclsSimulationTask task, uint32_t first, uint32_t count,
                                       WclsReplicateOutput out) {
  const long long r = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (r >= count) return;
  run_wcls_replicate<D>(task, first + static_cast<uint32_t>(r), out, r, nullptr);
}

// Grid-stride loop over replicates: thread k owns column k of the interleaved row buffers.
template <int D>
__global__ void wcls_permutation_kernel(WclsSimulationTask task, WclsPermutationSettings permutation, uint32_t first,
                                        uint32_t count, WclsPermutationOutput out, SubjectRows rows) {
  const int thread = static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x);
  rows.decision += thread;
  rows.treated += thread;
  rows.outcome += thread;
  for (long long r = thread; r < count; r += rows.stride)
    run_wcls_permutation_replicate<D>(task, permutation, first + static_cast<uint32_t>(r), out, r, rows, nullptr);
}

// Threads of the permutation kernel: enough for every replicate, but at most 2^16 and at most what
// 1 GiB of per-thread row buffers allows (each thread needs one subject's rows).
constexpr size_t kRowBufferBytes = size_t(1) << 30;
constexpr size_t kMaxPermutationThreads = size_t(1) << 16;
constexpr size_t kBytesPerRow = sizeof(uint16_t) + sizeof(uint8_t) + sizeof(double);

unsigned permutation_blocks(uint32_t count, int decisions) {
  const size_t by_memory = kRowBufferBytes / (kBytesPerRow * (decisions > 0 ? decisions : 1));
  size_t threads = count;
  if (threads > kMaxPermutationThreads) threads = kMaxPermutationThreads;
  if (threads > by_memory) threads = by_memory;
  const size_t blocks = (threads + kThreadsPerBlock - 1) / kThreadsPerBlock;
  return static_cast<unsigned>(blocks > 0 ? blocks : 1);
}

}  // namespace

bool device_present() {
  int devices = 0;
  return cudaGetDeviceCount(&devices) == cudaSuccess && devices > 0;
}

void select_device(int local_rank) {
  int devices = 0;
  check(cudaGetDeviceCount(&devices), "cudaGetDeviceCount");
  check(cudaSetDevice(local_rank % devices), "cudaSetDevice");
}

void run_wcls_replicates(int dim, const WclsSimulationTask& task, uint32_t first, uint32_t count,
                         const WclsReplicateOutput& out) {
  if (count == 0) return;
  const DeviceTask device_task(task);
  const DeviceReplicateOutput device_out(count, dim);
  dispatch_dim(dim, [&](auto dim_constant) {
    constexpr int D = decltype(dim_constant)::value;
    wcls_replicates_kernel<D><<<detail::blocks_for(count), kThreadsPerBlock>>>(device_task.get(), first, count,
                                                                                device_out.view());
  });
  detail::finish_kernel();
  device_out.copy_to_host(out);
}

void run_wcls_permutation_replicates(int dim, const WclsSimulationTask& task,
                                     const WclsPermutationSettings& permutation, uint32_t first, uint32_t count,
                                     const WclsPermutationOutput& out) {
  if (count == 0) return;
  const DeviceTask device_task(task);
  const DeviceReplicateOutput observed(count, dim);
  const DeviceArray<double> p_values(size_t(count) * task.design.p), joint_p_value(count);
  const DeviceArray<int> failed(count);
  const WclsPermutationOutput device_out{observed.view(), p_values.get(), joint_p_value.get(), failed.get()};

  const unsigned blocks = permutation_blocks(count, task.model.num_decisions);
  const int threads = static_cast<int>(blocks) * kThreadsPerBlock;
  const size_t cells = size_t(threads) * (task.model.num_decisions > 0 ? task.model.num_decisions : 1);
  const DeviceArray<uint16_t> decision(cells);
  const DeviceArray<uint8_t> treated(cells);
  const DeviceArray<double> outcome(cells);
  const SubjectRows rows{decision.get(), treated.get(), outcome.get(), threads, 0};
  dispatch_dim(dim, [&](auto dim_constant) {
    constexpr int D = decltype(dim_constant)::value;
    wcls_permutation_kernel<D><<<blocks, kThreadsPerBlock>>>(device_task.get(), permutation, first, count, device_out,
                                                             rows);
  });
  detail::finish_kernel();
  observed.copy_to_host(out.observed);
  p_values.copy_to_host(out.p_values);
  joint_p_value.copy_to_host(out.joint_p_value);
  failed.copy_to_host(out.failed_reshuffles);
}

}  // namespace mrtsim::cuda_impl
