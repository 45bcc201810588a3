// CPU backend: OpenMP threads over replicates. Each replicate is computed by one thread in a fixed
// order, so its result does not depend on the thread count or schedule.
#include <omp.h>

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

}  // namespace mrtsim::cpu_impl
