#include "host/engine/study_runner.h"

#include <chrono>
#include <cstdio>

#include "host/engine/scenario_plan.h"

namespace mrtsim {

namespace {

struct ReplicateBuffers {
  std::vector<int> status, n_eff;
  std::vector<double> joint, estimates, std_errors;

  ReplicateBuffers(long long count, int dim)
      : status(count), n_eff(count), joint(count), estimates(count * dim), std_errors(count * dim) {}
  WclsReplicateOutput view() {
    return WclsReplicateOutput{status.data(), n_eff.data(), joint.data(), estimates.data(), std_errors.data()};
  }
};

void report_progress(const StudyConfig& study, size_t cell, size_t cells, long long done) {
  std::fprintf(stderr, "\rmrtsim: %s: cell %zu/%zu, %lld/%lld replicates   ", study.name.c_str(), cell + 1, cells,
               done, study.replicates);
  std::fflush(stderr);
}

CellSummary run_cell(const StudyConfig& study, const ScenarioPlan& plan, Backend backend, const RunOptions& options,
                     double nominal, size_t cell_index, size_t cell_count) {
  const int dim = plan.dim();
  CellAccumulator accumulator(plan.coefficient_names(), plan.truth(),
                              WclsDecisions(study.analysis, dim, plan.num_effects()));
  const WclsSimulationTask task = plan.task();
  const long long batch = std::min(options.batch_size, study.replicates);
  ReplicateBuffers buffers(batch, dim);
  for (long long first = 0; first < study.replicates; first += batch) {
    const long long count = std::min(batch, study.replicates - first);
    run_wcls_replicates(backend, options.threads, dim, task, static_cast<uint32_t>(first),
                        static_cast<uint32_t>(count), buffers.view());
    for (long long r = 0; r < count; ++r)
      accumulator.add(buffers.status[r], buffers.n_eff[r], buffers.joint[r], &buffers.estimates[r * dim],
                      &buffers.std_errors[r * dim]);
    if (options.progress) report_progress(study, cell_index, cell_count, first + count);
  }
  return accumulator.finish(nominal);
}

}  // namespace

StudyResult run_study(const StudyConfig& study, const RunOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  StudyResult result;
  result.study = study;
  const Backend backend = resolve_backend(options.backend);
  result.backend = backend_name(backend);
  const size_t cell_count = study.scenarios.size() * study.hypotheses.size();
  for (const ScenarioConfig& scenario : study.scenarios) {
    for (Hypothesis hypothesis : study.hypotheses) {
      const ScenarioPlan plan(study, scenario, hypothesis);
      const double nominal = hypothesis == Hypothesis::kNull ? study.analysis.alpha : study.target_power;
      CellResult cell;
      cell.scenario = scenario.index;
      cell.hypothesis = hypothesis;
      cell.labels = scenario.labels;
      cell.sample_size = scenario.sample_size;
      if (scenario.formula) cell.formula_power = scenario.formula->predicted_power;
      cell.decisions = scenario.model.num_decisions();
      cell.summary = run_cell(study, plan, backend, options, nominal, result.cells.size(), cell_count);
      result.subject_decisions += double(study.replicates) * scenario.sample_size * cell.decisions;
      result.cells.push_back(std::move(cell));
    }
  }
  if (options.progress) std::fprintf(stderr, "\n");
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace mrtsim
