// Google Benchmark for the Qian et al. (2025) study's CPU-side estimators at the paper's sizes
// (30 decision points; n = 100 and 500 subjects): the random-forest DCEE nuisance fits (both arms,
// predicted on every row; host/learners/random_forest.h) on 1..N threads, the SNMM comparator
// (host/analysis/snmm.h, moderated blip), and whole DCEE-gam / DCEE-rf replicates as a study runs
// them (host/engine/distal_learner_plan.h: cohort, nuisance fits with or without 5-fold
// cross-fitting, marginal and moderated estimates), one replicate per thread on 1 and 2 threads.
// Counters report fits/s.
#include <benchmark/benchmark.h>

#include <omp.h>

#include <vector>

#include "host/analysis/snmm.h"
#include "host/config/study_config.h"
#include "host/engine/distal_learner_plan.h"
#include "host/engine/distal_scenario_plan.h"
#include "host/learners/random_forest.h"
#include "kernels/replicate_buffers.h"

namespace mrtsim {
namespace {

struct Cohort {
  RowMajorMatrix covariates;  // X, Z per row
  std::vector<double> outcome;
  std::vector<int> treatment;
  Eigen::MatrixXd x, z;       // subjects x decision points
  Eigen::MatrixXi a;
  std::vector<double> subject_outcome;
};

Cohort cohort(int subjects) {
  const QianModelView m = make_qian_model_view(QianModelConfig{}, Hypothesis::kAlternative);
  const int T = m.num_decisions;
  Cohort c{RowMajorMatrix(subjects * T, 2), {}, {}, Eigen::MatrixXd(subjects, T), Eigen::MatrixXd(subjects, T),
           Eigen::MatrixXi(subjects, T), {}};
  for (int i = 0; i < subjects; ++i) {
    const StreamKey key{7, 0, 0, static_cast<uint32_t>(i), StreamPurpose::kCohort};
    const double y = simulate_qian_subject(m, key, [&](const DistalRow& r) {
      const int row = i * T + r.t - 1;
      c.covariates(row, 0) = c.x(i, r.t - 1) = r.x;
      c.covariates(row, 1) = c.z(i, r.t - 1) = r.z;
      c.a(i, r.t - 1) = r.treated;
      c.treatment.push_back(r.treated);
    });
    c.outcome.insert(c.outcome.end(), T, y);
    c.subject_outcome.push_back(y);
  }
  return c;
}

void BM_RandomForestNuisance(benchmark::State& state) {
  const Cohort c = cohort(static_cast<int>(state.range(0)));
  std::vector<std::size_t> arm[2], every(c.outcome.size());
  for (std::size_t row = 0; row < every.size(); ++row) {
    every[row] = row;
    arm[c.treatment[row]].push_back(row);
  }
  RandomForestParams params;
  params.threads = static_cast<int>(state.range(1));
  for (auto _ : state)
    for (int a = 0; a < 2; ++a) benchmark::DoNotOptimize(random_forest_predict(c.covariates, c.outcome, arm[a], every, params));
  state.counters["fits/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_RandomForestNuisance)
    ->ArgsProduct({{100, 500}, benchmark::CreateDenseRange(1, omp_get_num_procs(), 1)})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

void BM_Snmm(benchmark::State& state) {
  const Cohort c = cohort(static_cast<int>(state.range(0)));
  const std::vector<SnmmStage> stages = qian2025_snmm_stages(c.x, c.z, c.a, true);
  for (auto _ : state) benchmark::DoNotOptimize(fit_snmm(stages, c.subject_outcome, SnmmLaterTreatment::kOptimal));
  state.counters["fits/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Snmm)->Arg(100)->Arg(500)->Unit(benchmark::kMillisecond);

// A DCEE replicate of the paper's study: arguments n, learner (0 gam: s(X, bs = "cr") + Z, 1 rf:
// X + Z with ranger's defaults), cross-fitting folds (0 or 5), threads. Each iteration fits
// `threads` replicates, one per thread.
void BM_DceeLearnerReplicate(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0)), threads = static_cast<int>(state.range(3));
  const bool forest = state.range(1) == 1;
  const std::string analysis =
      std::string("{estimator: dcee, nuisance: ") + (forest ? "rf, controls: [X, Z]" : "gam, controls: ['s(X, bs = cr)', Z]") +
      ", cross_fit: " + std::to_string(state.range(2)) + ", moderator_sets: [[], [Z]]}";
  const StudyConfig study = parse_study("study: {name: bench, seed: 1, replicates: 1}\nmodel: {type: qian2025}\n"
                                        "sample_size: " + std::to_string(n) + "\nanalysis: " + analysis + "\n",
                                        "bench.yaml");
  const DistalLearnerPlan plan(study, study.scenarios.front(), Hypothesis::kAlternative, TruthValues{});
  ReplicateBuffers out(threads, static_cast<int>(plan.coefficient_names().size()));
  uint32_t first = 0;
  for (auto _ : state) {
    plan.run_replicates(Backend::kCpu, threads, first, static_cast<uint32_t>(threads), out.view());
    first += static_cast<uint32_t>(threads);
  }
  state.counters["fits/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * threads, benchmark::Counter::kIsRate);
  state.SetLabel(std::string(forest ? "rf" : "gam") + (state.range(2) > 0 ? ", 5-fold cross-fit" : ""));
}
BENCHMARK(BM_DceeLearnerReplicate)
    ->ArgsProduct({{100, 500}, {0, 1}, {0, 5}, {1, 2}})
    ->UseRealTime()
    ->MeasureProcessCPUTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace mrtsim

BENCHMARK_MAIN();
