// The public C++ API (include/mrtsim/mrtsim.h) on top of the engine and the real-data analyses: it
// translates requests into the internal types, runs them, and translates results and input errors
// back, so that the public header exposes none of the internal ones.
#include "mrtsim/mrtsim.h"

#include "core/user_error.h"
#include "host/analysis/wcls_analysis.h"
#include "host/config/study_config.h"
#include "host/engine/process_group.h"
#include "host/engine/study_runner.h"
#include "host/io/mrt_csv.h"
#include "host/io/study_tables.h"
#include "mrtsim_fingerprint.h"
#include "mrtsim_version.h"

namespace mrtsim::api {

namespace {

// Runs `work`, turning the engine's input errors into the API's.
template <class Work>
auto translating_errors(Work&& work) {
  try {
    return work();
  } catch (const UserError& e) {
    throw Error(e.what());
  }
}

std::vector<Coefficient> public_block(const std::vector<CoefficientInference>& block) {
  std::vector<Coefficient> out;
  for (const CoefficientInference& c : block)
    out.push_back(Coefficient{c.term, c.estimate, c.se, c.lcl, c.ucl, c.p_value});
  return out;
}

api::CellSummary public_cell(const CellResult& cell) {
  api::CellSummary out;
  out.scenario = cell.scenario;
  out.hypothesis = kHypothesisNames.name(cell.hypothesis);
  for (const GridValue& g : cell.labels) out.labels.emplace_back(g.axis, g.label);
  out.sample_size = cell.sample_size;
  out.replicates = cell.summary.replicates;
  out.failed = cell.summary.failed;
  out.rejection_rate = cell.summary.rejection.rate.value;
  out.rejection_mc_se = cell.summary.rejection.rate.mc_se;
  out.formula_power = cell.formula_power;
  for (const mrtsim::CoefficientSummary& c : cell.summary.coefficients) {
    const PerformanceMeasures& m = c.measures;
    out.coefficients.push_back(api::CoefficientSummary{c.name, c.truth, m.n_sim, m.mean_estimate.value, m.bias.value,
                                                       m.bias.mc_se, m.empirical_se.value, m.model_se.value,
                                                       m.rmse.value, m.coverage.value, m.coverage.mc_se,
                                                       m.bias_eliminated_coverage.value});
  }
  return out;
}

}  // namespace

std::string version() { return MRTSIM_VERSION " (engine " MRTSIM_ENGINE_FINGERPRINT ")"; }

WclsResult fit_wcls(const WclsRequest& request) {
  return translating_errors([&] {
    const WclsModelSpec model{request.moderators, request.controls};
    MrtColumnSpec columns;
    columns.id = request.id;
    columns.outcome = request.outcome;
    columns.treatment = request.treatment;
    columns.rand_prob = request.rand_prob;
    columns.availability = request.availability;
    columns.numerator_prob = request.numerator_prob;
    columns.covariates = wcls_control_columns(model);
    const WclsDesign design = make_wcls_design(read_mrt_csv(request.data_file, columns), model);
    const WclsAnalysis analysis = analyze_wcls(design, JointTestForm::kHotellingT2);
    WclsResult result;
    result.n_subjects = static_cast<int>(analysis.n_subjects);
    result.df = analysis.df;
    result.small_sample_correction = analysis.small_sample_correction;
    result.effect = public_block(analysis.effect);
    result.control = public_block(analysis.control);
    if (analysis.joint) result.joint_p_value = analysis.joint->p_value;
    return result;
  });
}

StudySummary run_study(const StudyRequest& request) {
  return translating_errors([&] {
    StudyConfig study = load_study(request.study_file);
    if (request.replicates > 0) study.replicates = request.replicates;
    if (request.seed) study.seed = *request.seed;
    RunOptions options;
    options.backend = request.backend;
    options.threads = request.threads;
    options.checkpoint_dir = request.out_dir;
    const ProcessGroup alone(/*join_mpi_job=*/false);
    const RunReport report = mrtsim::run_study(study, options, alone);
    const StudyResult& result = *report.result;
    if (!request.out_dir.empty()) write_study_tables(result, request.out_dir);
    StudySummary summary;
    summary.name = result.study.name;
    summary.seed = result.study.seed;
    summary.backend = result.backend;
    for (const CellResult& cell : result.cells) summary.cells.push_back(public_cell(cell));
    return summary;
  });
}

}  // namespace mrtsim::api
