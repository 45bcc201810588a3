// CPU backend: OpenMP threads over replicates. Each replicate is computed by one thread in a fixed
// order, so its result does not depend on the thread count or schedule. Every thread keeps the
// statistics of its replicate's subjects between fit_wcls's two passes (and, for permutation tests,
// one subject's rows).
#include <omp.h>

#include <cstdint>
#include <vector>

#include "kernels/dim_dispatch.h"
#include "kernels/wcls_backend.h"

namespace mrtsim::cpu_impl {

void run_wcls_replicates(int threads, int dim, const WclsSimulationTask& task, uint32_t first, uint32_t count,
                         const WclsReplicateOutput& out) {
  const int thread_count = threads > 0 ? threads : omp_get_max_threads();
  dispatch_dim(dim, [&](auto dim_constant) {
    constexpr int D = decltype(dim_constant)::value;
#pragma omp parallel num_threads(thread_count)
    {
      // Per-thread cache of the subjects' statistics between the two passes of fit_wcls.
      std::vector<WclsSubjectStats<D>> scratch(task.n_subjects);
#pragma omp for schedule(dynamic, 4)
      for (long long r = 0; r < static_cast<long long>(count); ++r)
        run_wcls_replicate<D>(task, first + static_cast<uint32_t>(r), out, r, scratch.data());
    }
  });
}

namespace {

// One thread's room for one subject's rows (SubjectRows with stride 1).
struct SubjectRowsBuffer {
  explicit SubjectRowsBuffer(int decisions) : decision(decisions), treated(decisions), outcome(decisions) {}
  SubjectRows view() { return SubjectRows{decision.data(), treated.data(), outcome.data(), 1, 0}; }

  std::vector<uint16_t> decision;
  std::vector<uint8_t> treated;
  std::vector<double> outcome;
};

}  // namespace

void run_wcls_permutation_replicates(int threads, int dim, const WclsSimulationTask& task,
                                     const WclsPermutationSettings& permutation, uint32_t first, uint32_t count,
                                     const WclsPermutationOutput& out) {
  const int thread_count = threads > 0 ? threads : omp_get_max_threads();
  dispatch_dim(dim, [&](auto dim_constant) {
    constexpr int D = decltype(dim_constant)::value;
#pragma omp parallel num_threads(thread_count)
    {
      std::vector<WclsSubjectStats<D>> stats_scratch(task.n_subjects);
      SubjectRowsBuffer rows(task.model.num_decisions);
      // A replicate is (B + 1) cohort fits: hand them out one at a time.
#pragma omp for schedule(dynamic, 1)
      for (long long r = 0; r < static_cast<long long>(count); ++r)
        run_wcls_permutation_replicate<D>(task, permutation, first + static_cast<uint32_t>(r), out, r, rows.view(),
                                          stats_scratch.data());
    }
  });
}

}  // namespace mrtsim::cpu_impl
