// CPU backend for distal-outcome replicates: OpenMP threads over replicates, each replicate by one
// thread in a fixed order (results do not depend on the thread count), subjects kept in per-thread
// scratch between the two passes of the fit.
#include <omp.h>

#include <vector>

#include "kernels/distal_backend.h"

namespace mrtsim::cpu_impl {

void run_distal_replicates(int threads, const DistalSimulationTask& task, uint32_t first, uint32_t count,
                           const WclsReplicateOutput& out) {
  const int thread_count = threads > 0 ? threads : omp_get_max_threads();
  dispatch_num_effects(task.analysis.num_effects, [&](auto effects_constant) {
    constexpr int P = decltype(effects_constant)::value;
#pragma omp parallel num_threads(thread_count)
    {
      const bool dcee = task.analysis.estimator == DistalEstimator::kDcee;
      std::vector<DceeSubjectSums<P>> dcee_scratch(dcee ? task.n_subjects : 0);
      std::vector<WclsSubjectStats<kDistalControls + P>> regression_scratch(dcee ? 0 : task.n_subjects);
      const DistalScratch<P> scratch{dcee_scratch.data(), regression_scratch.data()};
#pragma omp for schedule(dynamic, 4)
      for (long long r = 0; r < static_cast<long long>(count); ++r)
        run_distal_replicate<P>(task, first + static_cast<uint32_t>(r), out, r, scratch);
    }
  });
}

}  // namespace mrtsim::cpu_impl
