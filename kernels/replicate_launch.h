// The backends' loop over replicates: CpuLauncher here (OpenMP threads) and CudaLauncher in
// kernels/detail/cuda_launcher.cuh (CUDA launches). A family's backend files use them as
//
//   launcher.task(task, arena)   the task in the backend's memory (kernels/task_arena.h)
//   launcher.output(host, n)     an array of n elements in the backend's memory that ends up in `host`
//   launcher.run(job, first, n)  job(first + s, s, scratch) for s = 0 .. n - 1
//   launcher.finish()            waits for the work and copies the outputs back
//
// A job is a functor with
//   using Scratch = ...;  void operator()(uint32_t item, long long slot, Scratch scratch) const;
// Scratch is the per-thread memory an item may use: on the CPU each thread builds it once with
// Job::CpuScratch (constructed from the job, `.view()` gives the Scratch). CPU jobs hand each item to
// a kernel of the CPU's instruction set (CpuKernelJob, kernels/cpu_kernels.h); CUDA jobs are
// MRTSIM_HD and trivially copyable, run one per thread (CudaLauncher::run) or one per warp (the WCLS
// kernel, kernels/wcls_backend.cu). Host code only.
#pragma once

#include <omp.h>

#include <cstddef>
#include <stdexcept>
#include <cstdint>
#include <vector>

#include "kernels/task_arena.h"

namespace mrtsim {

// Scratch of a job that needs none (also its CpuScratch, built from the job).
struct NoScratch {
  NoScratch() = default;
  template <class Job>
  explicit NoScratch(const Job&) {}
  NoScratch view() const { return {}; }
};

// The most CPU threads a run may ask for: far beyond any machine's cores, and safe for libgomp,
// whose team start puts per-thread records on the stack (10^5 threads overflow it). Callers check
// user input against it and report; the launcher refuses more as a programming error.
constexpr int kMaxCpuThreads = 1024;

// A CPU job whose items `kernel(item, slot, scratch)` runs with `scratch_bytes` bytes of per-thread
// memory (aligned for doubles).
template <class Kernel>
struct CpuKernelJob {
  Kernel kernel;
  size_t scratch_bytes;

  using Scratch = void*;
  void operator()(uint32_t item, long long slot, void* scratch) const { kernel(item, slot, scratch); }

  class CpuScratch {
   public:
    explicit CpuScratch(const CpuKernelJob& job) : doubles_((job.scratch_bytes + sizeof(double) - 1) / sizeof(double)) {}
    void* view() { return doubles_.data(); }

   private:
    std::vector<double> doubles_;
  };
};

template <class Kernel>
CpuKernelJob<Kernel> cpu_kernel_job(Kernel kernel, size_t scratch_bytes) {
  return CpuKernelJob<Kernel>{kernel, scratch_bytes};
}

class CpuLauncher {
 public:
  // `threads` <= 0: all cores. `chunk`: replicates handed to a thread at a time (large for cheap
  // replicates, 1 for the permutation test's (B + 1)-fit replicates).
  explicit CpuLauncher(int threads, int chunk = 4)
      : threads_(threads > 0 ? threads : omp_get_max_threads()), chunk_(chunk) {
    if (threads > kMaxCpuThreads) throw std::invalid_argument("CpuLauncher: more than kMaxCpuThreads threads");
  }

  template <class Task>
  const Task& task(const Task& task, const TaskArena&) const {
    return task;
  }
  template <class T>
  T* output(T* host, size_t) const {
    return host;
  }

  // Each replicate runs on one thread in a fixed order, so its result does not depend on the
  // thread count or the schedule.
  template <class Job>
  void run(const Job& job, uint32_t first, uint32_t count) const {
#pragma omp parallel num_threads(threads_)
    {
      typename Job::CpuScratch scratch(job);
#pragma omp for schedule(dynamic, chunk_)
      for (long long s = 0; s < static_cast<long long>(count); ++s)
        job(first + static_cast<uint32_t>(s), s, scratch.view());
    }
  }

  void finish() const {}

 private:
  int threads_;
  int chunk_;
};

}  // namespace mrtsim
