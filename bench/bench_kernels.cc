// Google Benchmark for the per-replicate kernels on the CPU backend (and CUDA when present):
// Philox throughput, one simulated subject, one HeartSteps-sized WCLS replicate, and batches of
// replicates on 1..N threads, without and with a permutation test in each, and the Qian et al.
// (2025) DCEE replicate. Counters report
// subject-decision cells/s and replicates/s (and reshuffled fits/s for permutation tests).
#include <benchmark/benchmark.h>

#include <omp.h>

#include <vector>

#include "host/config/study_config.h"
#include "host/engine/distal_scenario_plan.h"
#include "host/engine/scenario_plan.h"
#include "kernels/distal_backend.h"
#include "kernels/wcls_backend.h"

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
    benchmark::DoNotOptimize(stats.score(0));
  }
  state.counters["cells/s"] =
      benchmark::Counter(double(task.model.num_decisions) * state.iterations(), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_SimulatedSubject);

// Runs batches of `batch` replicates on `backend` until the benchmark stops, reporting throughput.
void run_batches(benchmark::State& state, Backend backend, int threads, uint32_t batch) {
  const int d = plan().dim();
  std::vector<int> status(batch), n_eff(batch);
  std::vector<double> joint(batch), estimates(size_t(batch) * d), std_errors(size_t(batch) * d);
  const WclsReplicateOutput out{status.data(), n_eff.data(), joint.data(), estimates.data(), std_errors.data()};
  uint32_t first = 0;
  for (auto _ : state) {
    run_wcls_replicates(backend, threads, d, plan().task(), first, batch, out);
    first += batch;
  }
  const double replicates = double(batch) * state.iterations();
  state.counters["replicates/s"] = benchmark::Counter(replicates, benchmark::Counter::kIsRate);
  state.counters["cells/s"] = benchmark::Counter(replicates * cells_per_replicate(), benchmark::Counter::kIsRate);
}

// The CPU backend with state.range(0) threads (64 replicates per thread per batch).
void BM_WclsReplicatesCpu(benchmark::State& state) {
  const int threads = static_cast<int>(state.range(0));
  run_batches(state, Backend::kCpu, threads, 64 * threads);
  state.counters["cells/s/thread"] = state.counters["cells/s"];
  state.counters["cells/s/thread"].value /= threads;
}
BENCHMARK(BM_WclsReplicatesCpu)->DenseRange(1, omp_get_num_procs())->UseRealTime()->Unit(benchmark::kMillisecond);

// Permutation tests inside replicates (B = 99 reshuffles each, within-subject permutations) on
// state.range(0) CPU threads: reshuffled fits/s is the figure that sets the cost of a study.
void BM_WclsPermutationReplicatesCpu(benchmark::State& state) {
  const int threads = static_cast<int>(state.range(0));
  const WclsPermutationSettings permutation{99, ReshuffleScheme::kPermute};
  const uint32_t batch = 2 * threads;
  const int d = plan().dim(), p = plan().num_effects();
  std::vector<int> status(batch), n_eff(batch), failed(batch);
  std::vector<double> joint(batch), estimates(size_t(batch) * d), std_errors(size_t(batch) * d);
  std::vector<double> p_values(size_t(batch) * p), joint_p_value(batch);
  const WclsPermutationOutput out{{status.data(), n_eff.data(), joint.data(), estimates.data(), std_errors.data()},
                                  p_values.data(),
                                  joint_p_value.data(),
                                  failed.data()};
  uint32_t first = 0;
  for (auto _ : state) {
    run_wcls_permutation_replicates(Backend::kCpu, threads, d, plan().task(), permutation, first, batch, out);
    first += batch;
  }
  const double replicates = double(batch) * state.iterations();
  const double fits = replicates * (permutation.reshuffles + 1);
  state.counters["replicates/s"] = benchmark::Counter(replicates, benchmark::Counter::kIsRate);
  state.counters["reshuffled_fits/s"] =
      benchmark::Counter(replicates * permutation.reshuffles, benchmark::Counter::kIsRate);
  state.counters["cells/s"] = benchmark::Counter(fits * cells_per_replicate(), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_WclsPermutationReplicatesCpu)
    ->DenseRange(1, omp_get_num_procs())
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// The CUDA backend with batches of state.range(0) replicates.
void BM_WclsReplicatesCuda(benchmark::State& state) {
  if (!cuda_backend_available()) {
    state.SkipWithError("no CUDA device present");
    return;
  }
  run_batches(state, Backend::kCuda, 0, static_cast<uint32_t>(state.range(0)));
}
BENCHMARK(BM_WclsReplicatesCuda)->Arg(1 << 14)->Arg(1 << 17)->UseRealTime()->Unit(benchmark::kMillisecond);

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
  const int p = task.analysis.num_effects;
  std::vector<int> status(batch), n_eff(batch);
  std::vector<double> joint(batch), estimates(size_t(batch) * p), std_errors(size_t(batch) * p);
  const WclsReplicateOutput out{status.data(), n_eff.data(), joint.data(), estimates.data(), std_errors.data()};
  uint32_t first = 0;
  for (auto _ : state) {
    run_distal_replicates(backend, threads, task, first, batch, out);
    first += batch;
  }
  const double replicates = double(batch) * state.iterations();
  state.counters["replicates/s"] = benchmark::Counter(replicates, benchmark::Counter::kIsRate);
  state.counters["cells/s"] =
      benchmark::Counter(replicates * task.n_subjects * task.model.num_decisions, benchmark::Counter::kIsRate);
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
