// CUDA twin of emee_backend.cc: one thread per replicate (EmeeReplicateJob with ThreadEmeeCohort,
// kernels/emee_simulation.h), keeping only its cohort's table of available-row counts (interleaved
// across threads, so that neighbouring threads touch neighbouring words); the sandwich pass draws
// the subjects again from their keyed Philox streams.
#include "kernels/detail/cuda_launcher.cuh"
#include "kernels/dim_dispatch.h"
#include "kernels/emee_backend.h"
#include "kernels/wcls_backend.h"  // place_output

namespace mrtsim::cuda_impl {

// Count k of thread t lives at index k * threads + t. Threads: enough for every replicate, but at
// most 2^16 and at most what 256 MiB of counts allow.
template <int D>
struct DeviceScratch<EmeeReplicateJob<D>> {
  static constexpr size_t kCountBufferBytes = size_t(1) << 28;
  static constexpr size_t kMaxThreads = size_t(1) << 16;

  static size_t counts_per_thread(const EmeeReplicateJob<D>& job) {
    return job.task.model.num_decisions > 0 ? 4 * size_t(job.task.model.num_decisions) : 1;
  }
  static size_t threads(const EmeeReplicateJob<D>& job, uint32_t count) {
    size_t threads = count;
    if (threads > kMaxThreads) threads = kMaxThreads;
    const size_t fit = kCountBufferBytes / (sizeof(int) * counts_per_thread(job));
    if (threads > fit) threads = fit;
    return threads > 0 ? threads : 1;
  }

  DeviceScratch(const EmeeReplicateJob<D>& job, size_t threads)
      : threads_(threads_rounded(threads)), counts_(threads_ * counts_per_thread(job)) {}

  struct View {
    int* counts;
    MRTSIM_HD typename EmeeReplicateJob<D>::Scratch for_thread(long long thread, long long threads) const {
      return {counts + thread, threads};
    }
  };
  View view() const { return View{counts_.get()}; }

 private:
  // The launch rounds threads up to whole blocks; each of them gets its counts.
  static size_t threads_rounded(size_t threads) {
    return (threads + kThreadsPerBlock - 1) / kThreadsPerBlock * kThreadsPerBlock;
  }
  size_t threads_;
  DeviceArray<int> counts_;
};

void run_emee_replicates(int dim, const EmeeSimulationTask& task, const TaskArena& arena, uint32_t first,
                         uint32_t count, const ReplicateOutput& out) {
  CudaLauncher launcher;
  const EmeeSimulationTask placed = launcher.task(task, arena);
  const ReplicateOutput placed_out = place_output(launcher, out, count, dim);
  dispatch_dim(dim, [&](auto dim_constant) {
    launcher.run(EmeeReplicateJob<decltype(dim_constant)::value>{placed, placed_out}, first, count);
  });
  launcher.finish();
}

}  // namespace mrtsim::cuda_impl
