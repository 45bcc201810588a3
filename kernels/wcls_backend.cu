// CUDA twin of wcls_backend.cc: one thread per replicate runs the same job as a CPU thread. Threads
// keep no per-subject memory (fit_wcls regenerates each subject from the keyed Philox stream in its
// second pass), except that a permutation test needs one subject's rows per thread: those live in
// buffers interleaved across threads, bounded in size by a grid-stride loop.
#include "kernels/detail/cuda_launcher.cuh"
#include "kernels/wcls_backend.h"

namespace mrtsim::cuda_impl {

// Row k of thread t lives at index k * threads + t, so that neighbouring threads touch neighbouring
// words. Threads: enough for every replicate, but at most 2^16 and at most what 1 GiB of rows allows.
template <int D>
struct DeviceScratch<WclsPermutationJob<D>> {
  static constexpr size_t kRowBufferBytes = size_t(1) << 30;
  static constexpr size_t kMaxThreads = size_t(1) << 16;
  static constexpr size_t kBytesPerRow = sizeof(uint16_t) + sizeof(uint8_t) + sizeof(double);

  static size_t threads(const WclsPermutationJob<D>& job, uint32_t count) {
    const size_t rows = job.task.model.num_decisions > 0 ? job.task.model.num_decisions : 1;
    size_t threads = count;
    if (threads > kMaxThreads) threads = kMaxThreads;
    if (threads > kRowBufferBytes / (kBytesPerRow * rows)) threads = kRowBufferBytes / (kBytesPerRow * rows);
    return threads > 0 ? threads : 1;
  }

  DeviceScratch(const WclsPermutationJob<D>& job, size_t threads)
      : cells_(threads_rounded(threads) * (job.task.model.num_decisions > 0 ? job.task.model.num_decisions : 1)),
        decision_(cells_),
        treated_(cells_),
        outcome_(cells_) {}

  struct View {
    uint16_t* decision;
    uint8_t* treated;
    double* outcome;
    MRTSIM_HD typename WclsPermutationJob<D>::Scratch for_thread(long long thread, long long threads) const {
      return {SubjectRows{decision + thread, treated + thread, outcome + thread, static_cast<int>(threads), 0},
              nullptr};
    }
  };
  View view() const { return View{decision_.get(), treated_.get(), outcome_.get()}; }

 private:
  // The launch rounds threads up to whole blocks; each of them gets its rows.
  static size_t threads_rounded(size_t threads) {
    return (threads + kThreadsPerBlock - 1) / kThreadsPerBlock * kThreadsPerBlock;
  }
  size_t cells_;
  DeviceArray<uint16_t> decision_;
  DeviceArray<uint8_t> treated_;
  DeviceArray<double> outcome_;
};

void run_wcls_replicates(int dim, const WclsSimulationTask& task, const TaskArena& arena, uint32_t first,
                         uint32_t count, const ReplicateOutput& out) {
  CudaLauncher launcher;
  run_wcls_on(launcher, dim, task, arena, first, count, out);
}

void run_wcls_permutation_replicates(int dim, const WclsSimulationTask& task, const TaskArena& arena,
                                     const WclsPermutationSettings& permutation, uint32_t first, uint32_t count,
                                     const ReplicateBatchOutput& out) {
  CudaLauncher launcher;
  run_wcls_permutation_on(launcher, dim, task, arena, permutation, first, count, out);
}

}  // namespace mrtsim::cuda_impl
