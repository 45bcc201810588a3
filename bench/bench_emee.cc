// Google Benchmark for simulated EMEE / EMEE2 replicates (kernels/emee_simulation.h) on the CPU
// backend on 1..N threads, and on CUDA when present. Workload: a typical setting of Cohn et al.
// (2023) Section 6.2 (m = 30 decision points, n = 100 subjects, the paper's mean N; availability 0.8
// with a sine shape, p_t from 0.6 to 0.4, quadratic SPNC with ASPN 0.2, linear relative risk with ATE
// 1.2; controls 1, t, t^2 and moderators 1, t: 5 coefficients). Counters report replicates/s and
// subject-decision cells/s; compare cells/s with BM_WclsReplicatesCpu of bench_kernels.
#include <benchmark/benchmark.h>

#include <omp.h>

#include <string>

#include "host/config/study_config.h"
#include "host/engine/cohn_scenario_plan.h"
#include "kernels/emee_backend.h"
#include "kernels/replicate_buffers.h"

namespace mrtsim {
namespace {

std::string workload_text(const std::string& estimator) {
  return R"(study: {name: bench_emee, seed: 1, replicates: 1}
model:
  type: cohn2023
  decisions: 30
  availability: {shape: sine, mean: 0.8, amplitude: 0.2}
  rand_prob: {first: 0.6, last: 0.4}
  spnc: {shape: quadratic_theta, theta: 0.3, average: 0.2}
  effect: {shape: linear_theta, theta: 0.5, average: 1.2}
sample_size: 100
hypotheses: [alternative]
analysis: {estimator: )" +
         estimator + ", controls: [t, t^2], moderators: [t]}\n";
}

// range(1) = 0: EMEE2 (the paper's estimator), 1: EMEE.
const CohnScenarioPlan& plan(int variant) {
  static const StudyConfig emee2 = parse_study(workload_text("emee2"), "bench_emee");
  static const StudyConfig emee = parse_study(workload_text("emee"), "bench_emee");
  static const CohnScenarioPlan plans[2] = {{emee2, emee2.scenarios[0], Hypothesis::kAlternative},
                                            {emee, emee.scenarios[0], Hypothesis::kAlternative}};
  return plans[variant];
}

void run_emee_batches(benchmark::State& state, Backend backend, int threads, uint32_t batch) {
  const CohnScenarioPlan& p = plan(static_cast<int>(state.range(1)));
  ReplicateBuffers buffers(batch, p.dim(), false, true);
  uint32_t first = 0;
  for (auto _ : state) {
    run_emee_replicates(backend, threads, p.dim(), p.task(), p.arena(), first, batch, buffers.fits());
    first += batch;
  }
  const double replicates = double(batch) * state.iterations();
  state.counters["replicates/s"] = benchmark::Counter(replicates, benchmark::Counter::kIsRate);
  state.counters["cells/s"] = benchmark::Counter(replicates * p.replicate_cost(), benchmark::Counter::kIsRate);
}

// The CPU backend with range(0) threads (64 replicates per thread per batch).
void BM_EmeeReplicatesCpu(benchmark::State& state) {
  const int threads = static_cast<int>(state.range(0));
  run_emee_batches(state, Backend::kCpu, threads, 64 * threads);
  state.counters["cells/s/thread"] = state.counters["cells/s"];
  state.counters["cells/s/thread"].value /= threads;
}
BENCHMARK(BM_EmeeReplicatesCpu)
    ->ArgsProduct({benchmark::CreateDenseRange(1, omp_get_num_procs(), 1), {0, 1}})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// The CUDA backend with batches of range(0) replicates.
void BM_EmeeReplicatesCuda(benchmark::State& state) {
  if (!cuda_backend_available()) {
    state.SkipWithError("no CUDA device present");
    return;
  }
  run_emee_batches(state, Backend::kCuda, 0, static_cast<uint32_t>(state.range(0)));
}
BENCHMARK(BM_EmeeReplicatesCuda)->ArgsProduct({{1 << 14, 1 << 17}, {0, 1}})->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace mrtsim

BENCHMARK_MAIN();
