// Google Benchmark of what a study costs before any replicate runs (issue 16 section 3): expanding a
// grid of N scenarios from YAML (parse_study) and planning its cells and work units (StudyPlan), for
// N = 10^3, 10^4 and 10^5 scenarios of a small liao2016 model, and planning one cell of 2^31
// replicates in units of one replicate (the unit list is never materialized). Counters: scenarios/s.
#include <benchmark/benchmark.h>

#include <string>

#include "host/config/study_config.h"
#include "host/engine/study_runner.h"

namespace mrtsim {
namespace {

// A study whose grid varies the effect size over `scenarios` values.
std::string grid_study(long long scenarios, long long replicates, long long replicates_per_unit) {
  std::string text = "study: {name: planning, seed: 1, replicates: " + std::to_string(replicates) +
                     ", replicates_per_unit: " + std::to_string(replicates_per_unit) + "}\n" +
                     "model:\n  type: liao2016\n  days: 2\n  decisions_per_day: 5\n  rand_prob: 0.4\n"
                     "  availability: {shape: constant, mean: 0.8}\n  effect: {shape: constant, mean: 0.1}\n"
                     "  error: {type: normal}\n"
                     "sample_size: 20\nhypotheses: [null, alternative]\n"
                     "analysis: {controls: [], moderators: []}\n"
                     "grid:\n  - key: model.effect.mean\n    values:\n";
  for (long long i = 0; i < scenarios; ++i) text += "      - " + std::to_string(0.1 + 1e-6 * i) + "\n";
  return text;
}

void BM_ParseStudy(benchmark::State& state) {
  const std::string text = grid_study(state.range(0), 1000, 1000);
  for (auto _ : state) benchmark::DoNotOptimize(parse_study(text, "grid.yaml"));
  state.counters["scenarios/s"] = benchmark::Counter(static_cast<double>(state.range(0)) * state.iterations(),
                                                     benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ParseStudy)->Arg(1000)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_PlanStudy(benchmark::State& state) {
  const std::string text = grid_study(state.range(0), 1000, 1000);
  for (auto _ : state) {
    const StudyPlan plan(parse_study(text, "grid.yaml"));
    benchmark::DoNotOptimize(plan.units().size());
  }
  state.counters["scenarios/s"] = benchmark::Counter(static_cast<double>(state.range(0)) * state.iterations(),
                                                     benchmark::Counter::kIsRate);
}
BENCHMARK(BM_PlanStudy)->Arg(1000)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond)->UseRealTime();

// The largest replicate count in units of one replicate: 2^32 units over the two cells.
void BM_PlanHugeReplicateCount(benchmark::State& state) {
  const std::string text = grid_study(1, kMaxReplicates, 1);
  for (auto _ : state) {
    const StudyPlan plan(parse_study(text, "grid.yaml"));
    benchmark::DoNotOptimize(plan.units().size());
  }
}
BENCHMARK(BM_PlanHugeReplicateCount)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace mrtsim

BENCHMARK_MAIN();
