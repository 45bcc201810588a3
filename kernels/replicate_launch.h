// The backends' loop over replicates, written once for every estimator family: CpuLauncher here
// (OpenMP threads) and CudaLauncher in kernels/detail/cuda_launcher.cuh (one CUDA launch). A family
// writes its runner once as a template over the launcher (see kernels/wcls_backend.h):
//
//   launcher.task(task, arena)   the task in the backend's memory (kernels/task_arena.h)
//   launcher.output(host, n)     an array of n elements in the backend's memory that ends up in `host`
//   launcher.run(job, first, n)  job(first + s, s, scratch) for s = 0 .. n - 1
//   launcher.finish()            waits for the work and copies the outputs back
//
// A job is a trivially copyable functor with
//   using Scratch = ...;  MRTSIM_HD void operator()(uint32_t replicate, long long slot, Scratch scratch) const;
// Scratch is the per-thread memory a replicate may use. On the CPU each thread builds it once with
// Job::CpuScratch (constructed from the job, `.view()` gives the Scratch); on CUDA the job's
// DeviceScratch (detail/cuda_launcher.cuh) provides it, by default none (every pointer null), which
// is why the per-replicate code regenerates what a CPU thread caches. Host code only.
#pragma once

#include <omp.h>

#include <stdexcept>

#include <cstdint>

#include "kernels/task_arena.h"

namespace mrtsim {

// Scratch of a job that needs none.
struct NoScratch {
  NoScratch view() const { return {}; }
};

// The most CPU threads a run may ask for: far beyond any machine's cores, and safe for libgomp,
// whose team start puts per-thread records on the stack (10^5 threads overflow it). Callers check
// user input against it and report; the launcher refuses more as a programming error.
constexpr int kMaxCpuThreads = 1024;

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
