// CUDA twin of distal_backend.cc: one thread per replicate, simulating each subject again in the
// fit's second pass (no per-subject memory); the WCLS and GEE comparators sum in the canonical lane
// order on the thread (EmulatedWarp), so the results are the CPU's bits.
#include "kernels/detail/cuda_launcher.cuh"
#include "kernels/distal_backend.h"

namespace mrtsim::cuda_impl {

namespace {

template <int P>
struct DistalThreadJob {
  DistalSimulationTask task;
  ReplicateOutput out;

  struct Scratch {};
  __device__ void operator()(uint32_t replicate, long long slot, Scratch) const {
    run_distal_replicate<P, ScalarLanes>(EmulatedWarp<>{}, task, replicate, slot, out, DistalScratch<P>{nullptr, nullptr});
  }
};

}  // namespace

void run_distal_replicates(const DistalSimulationTask& task, uint32_t first, uint32_t count,
                           const ReplicateOutput& out) {
  static const TaskArena kNoArrays;
  CudaLauncher launcher;
  const DistalSimulationTask placed = launcher.task(task, kNoArrays);
  const ReplicateOutput placed_out = place_output(launcher, out, count, task.analysis.columns());
  if (task.analysis.max_effects() == 1) launcher.run(DistalThreadJob<1>{placed, placed_out}, first, count);
  else launcher.run(DistalThreadJob<2>{placed, placed_out}, first, count);
  launcher.finish();
}

}  // namespace mrtsim::cuda_impl
