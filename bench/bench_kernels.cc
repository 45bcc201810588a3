// Google Benchmark for the per-replicate kernels on the CPU backend (and CUDA when present):
// Philox throughput, one simulated subject, one HeartSteps-sized WCLS replicate, and batches of
// replicates on 1..N threads, without and with a permutation test in each, the reshuffled fits of
// `mrtsim permute` on the HeartSteps data, and the Qian et al. (2025) DCEE replicate. Counters report
// subject-decision cells/s and replicates/s (and reshuffled fits/s for permutation tests).
#include <benchmark/benchmark.h>

#include <omp.h>

#include <vector>

#include "host/analysis/permutation_test.h"
#include "host/config/study_config.h"
#include "host/engine/distal_scenario_plan.h"
#include "host/engine/scenario_plan.h"
#include "kernels/distal_backend.h"
#include "kernels/replicate_buffers.h"
#include "kernels/wcls_backend.h"
#include "tests/heartsteps_design.h"

#ifndef MRTSIM_SOURCE_DIR
#define MRTSIM_SOURCE_DIR "."
#endif

namespace mrtsim {
namespace {

// bench/heartsteps_workload.yaml: 42 subjects x 210 decision points, 6 WCLS coefficients.
const StudyConfig& workload() {
  static const StudyConfig study = load_study(MRTSIM_SOURCE_DIR "/bench/heartsteps_workload.yaml");
  return study;
}

const ScenarioPlan& plan() {
  static const ScenarioPlan p(workload(), workload().scenarios[0], Hypothesis::kAlternative);
  return p;
}

double cells_per_replicate() { return double(plan().sample_size()) * plan().task().model.num_decisions; }

void BM_Philox4x32(benchmark::State& state) {
  const StreamKey key{1, 2, 3, 4, StreamPurpose::kCohort};
  uint32_t draw = 0, sink = 0;
  for (auto _ : state) sink ^= key.words(draw++).v[0];
  benchmark::DoNotOptimize(sink);
  state.counters["words/s"] = benchmark::Counter(4.0 * state.iterations(), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Philox4x32);

void BM_SimulatedSubject(benchmark::State& state) {
  const WclsSimulationTask task = plan().task();
  WclsSubjectStats<6> stats;
  uint32_t replicate = 0;
  for (auto _ : state) {
    simulated_subject_stats<6>(task, replicate++, 0, stats);
    benchmark::DoNotOptimize(stats.score[0]);
  }
  state.counters["cells/s"] =
      benchmark::Counter(double(task.model.num_decisions) * state.iterations(), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_SimulatedSubject);

// Runs run_batch(first, count, buffers) on consecutive batches of `batch` replicates until the
// benchmark stops, reporting replicates/s and cells/s (`cells` subject-decision cells per replicate).
template <class RunBatch>
void run_batches(benchmark::State& state, uint32_t batch, int dim, bool permutation, double cells,
                 RunBatch&& run_batch) {
  ReplicateBuffers buffers(batch, dim, permutation);
  uint32_t first = 0;
  for (auto _ : state) {
    run_batch(first, batch, buffers);
    first += batch;
  }
  const double replicates = double(batch) * state.iterations();
  state.counters["replicates/s"] = benchmark::Counter(replicates, benchmark::Counter::kIsRate);
  state.counters["cells/s"] = benchmark::Counter(replicates * cells, benchmark::Counter::kIsRate);
}

// WCLS replicates of the workload on `backend`.
void run_wcls_batches(benchmark::State& state, Backend backend, int threads, uint32_t batch) {
  run_batches(state, batch, plan().dim(), false, cells_per_replicate(),
              [&](uint32_t first, uint32_t count, ReplicateBuffers& buffers) {
                run_wcls_replicates(backend, threads, plan().dim(), plan().task(), plan().arena(), first, count, buffers.fits());
              });
}

// The CPU backend with state.range(0) threads (64 replicates per thread per batch).
void BM_WclsReplicatesCpu(benchmark::State& state) {
  const int threads = static_cast<int>(state.range(0));
  run_wcls_batches(state, Backend::kCpu, threads, 64 * threads);
  state.counters["cells/s/thread"] = state.counters["cells/s"];
  state.counters["cells/s/thread"].value /= threads;
}
BENCHMARK(BM_WclsReplicatesCpu)->DenseRange(1, omp_get_num_procs())->UseRealTime()->Unit(benchmark::kMillisecond);

// Permutation tests inside replicates (B = 99 reshuffles each, within-subject permutations) on
// `backend` in batches of `batch` replicates: reshuffled fits/s is the figure that sets the cost of
// a study.
void run_permutation_batches(benchmark::State& state, Backend backend, int threads, uint32_t batch) {
  const WclsPermutationSettings permutation{99, ReshuffleScheme::kPermute};
  // Every replicate fits B + 1 cohorts.
  run_batches(state, batch, plan().dim(), true, cells_per_replicate() * (permutation.reshuffles + 1),
              [&](uint32_t first, uint32_t count, ReplicateBuffers& buffers) {
                run_wcls_permutation_replicates(backend, threads, plan().dim(), plan().task(), plan().arena(),
                                                permutation, first, count, buffers.view());
              });
  state.counters["reshuffled_fits/s"] = state.counters["replicates/s"];
  state.counters["reshuffled_fits/s"].value *= permutation.reshuffles;
}

// ... on state.range(0) CPU threads.
void BM_WclsPermutationReplicatesCpu(benchmark::State& state) {
  const int threads = static_cast<int>(state.range(0));
  run_permutation_batches(state, Backend::kCpu, threads, 2 * threads);
}
BENCHMARK(BM_WclsPermutationReplicatesCpu)
    ->DenseRange(1, omp_get_num_procs())
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// The CUDA backend with batches of state.range(0) replicates, warp-per-replicate launches of
// state.range(1) warps per block (blocks: enough to fill the device).
void BM_WclsReplicatesCuda(benchmark::State& state) {
  if (!cuda_backend_available()) {
    state.SkipWithError("no CUDA device present");
    return;
  }
  set_cuda_launch_shape(CudaLaunchShape{static_cast<int>(state.range(1)), 0});
  run_wcls_batches(state, Backend::kCuda, 0, static_cast<uint32_t>(state.range(0)));
  set_cuda_launch_shape(CudaLaunchShape{});
}
BENCHMARK(BM_WclsReplicatesCuda)
    ->ArgsProduct({{1 << 14, 1 << 17}, {1, 2, 4, 8, 16}})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// ... on the GPU, batches of state.range(0) replicates.
void BM_WclsPermutationReplicatesCuda(benchmark::State& state) {
  if (!cuda_backend_available()) {
    state.SkipWithError("no CUDA device present");
    return;
  }
  run_permutation_batches(state, Backend::kCuda, 0, static_cast<uint32_t>(state.range(0)));
}
BENCHMARK(BM_WclsPermutationReplicatesCuda)->Arg(1 << 10)->Arg(1 << 13)->UseRealTime()->Unit(benchmark::kMillisecond);

// `mrtsim permute` on the HeartSteps data (tests/data/data_mimicHeartSteps.csv, 37 subjects x 210
// decision points = 7,770 rows): WCLS with controls (1, logstep_pre30min, logstep_30min_lag1) and
// moderators (1, logstep_pre30min), 5 coefficients, within-subject permutations. replicates/s is
// reshuffles/s here, cells/s rows/s.
struct HeartStepsReshuffles {
  WclsDesign design;
  TaskArena arena;
  WclsDataTask task;

  HeartStepsReshuffles()
      : design(testing_support::heartsteps_wcls_design()),
        task(testing_support::reshuffle_task(design, 1, ReshuffleScheme::kPermute, arena)) {}
};

void run_reshuffle_batches(benchmark::State& state, Backend backend, int threads, uint32_t batch) {
  static const HeartStepsReshuffles data;
  run_batches(state, batch, data.design.dim(), false, double(data.design.data.num_rows()),
              [&](uint32_t first, uint32_t count, ReplicateBuffers& buffers) {
                run_wcls_data_reshuffles(backend, threads, data.design.dim(), data.task, data.arena, first, count,
                                         buffers.fits());
              });
}

// ... on state.range(0) CPU threads.
void BM_HeartStepsReshufflesCpu(benchmark::State& state) {
  const int threads = static_cast<int>(state.range(0));
  run_reshuffle_batches(state, Backend::kCpu, threads, 64 * threads);
}
BENCHMARK(BM_HeartStepsReshufflesCpu)->DenseRange(1, omp_get_num_procs())->UseRealTime()->Unit(benchmark::kMillisecond);

// ... on the GPU, batches of state.range(0) reshuffles, state.range(1) warps per block.
void BM_HeartStepsReshufflesCuda(benchmark::State& state) {
  if (!cuda_backend_available()) {
    state.SkipWithError("no CUDA device present");
    return;
  }
  set_cuda_launch_shape(CudaLaunchShape{static_cast<int>(state.range(1)), 0});
  run_reshuffle_batches(state, Backend::kCuda, 0, static_cast<uint32_t>(state.range(0)));
  set_cuda_launch_shape(CudaLaunchShape{});
}
BENCHMARK(BM_HeartStepsReshufflesCuda)
    ->ArgsProduct({{1 << 16, 1 << 20}, {2, 4, 8}})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// The Qian et al. (2025) study's replicate (n = 100, T = 30): DCEE with linear nuisances, moderated
// by Z, without (range(1) = 0) and with 5-fold cross-fitting, on range(0) CPU threads.
DistalSimulationTask distal_task(int folds) {
  const StudyConfig study = parse_study(
      "study: {name: bench, seed: 1, replicates: 1}\nmodel: {type: qian2025}\nsample_size: 100\n"
      "hypotheses: [alternative]\nanalysis: {estimator: dcee, cross_fit: " + std::to_string(folds) +
          ", controls: [X, Z], moderators: [Z]}\n",
      "bench");
  return DistalScenarioPlan(study, study.scenarios[0], Hypothesis::kAlternative, TruthValues{}).task();
}

void run_distal_batches(benchmark::State& state, Backend backend, int threads, uint32_t batch) {
  const DistalSimulationTask task = distal_task(static_cast<int>(state.range(1)));
  run_batches(state, batch, task.analysis.columns(), false, double(task.n_subjects) * task.model.num_decisions,
              [&](uint32_t first, uint32_t count, ReplicateBuffers& buffers) {
                run_distal_replicates(backend, threads, task, first, count, buffers.fits());
              });
}

void BM_DceeReplicatesCpu(benchmark::State& state) {
  const int threads = static_cast<int>(state.range(0));
  run_distal_batches(state, Backend::kCpu, threads, 256 * threads);
}
BENCHMARK(BM_DceeReplicatesCpu)
    ->ArgsProduct({benchmark::CreateDenseRange(1, omp_get_num_procs(), 1), {0, 5}})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

void BM_DceeReplicatesCuda(benchmark::State& state) {
  if (!cuda_backend_available()) {
    state.SkipWithError("no CUDA device present");
    return;
  }
  run_distal_batches(state, Backend::kCuda, 0, static_cast<uint32_t>(state.range(0)));
}
BENCHMARK(BM_DceeReplicatesCuda)->ArgsProduct({{1 << 14, 1 << 17}, {0, 5}})->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace mrtsim

BENCHMARK_MAIN();
