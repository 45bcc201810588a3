#include "host/engine/cohn_scenario_plan.h"

#include <stdexcept>

#include "core/portable_reductions.h"
#include "core/user_error.h"
#include "host/engine/cohn_truth.h"
#include "host/engine/cohort_csv.h"
#include "host/engine/resolved_decision_values.h"
#include "kernels/emee_backend.h"

namespace mrtsim {
namespace {

std::vector<double> to_vector(const Eigen::VectorXd& v) { return std::vector<double>(v.data(), v.data() + v.size()); }

// Row-major m x terms values of the terms at t = 1..m.
std::vector<double> row_major(const Eigen::MatrixXd& matrix) {
  std::vector<double> values(matrix.size());
  for (Eigen::Index t = 0; t < matrix.rows(); ++t)
    for (Eigen::Index j = 0; j < matrix.cols(); ++j) values[t * matrix.cols() + j] = matrix(t, j);
  return values;
}

}  // namespace

CohnScenarioPlan::CohnScenarioPlan(const StudyConfig& study, const ScenarioConfig& scenario, Hypothesis hypothesis)
    : sample_size_(scenario.sample_size),
      stream_(cell_stream(scenario.stream_index, hypothesis == Hypothesis::kAlternative)),
      seed_(study.seed),
      analysis_(scenario.analysis) {
  build_model(scenario.binary_model, hypothesis);
  build_design(scenario.analysis, scenario.binary_model.decisions);
  try {
    truth_.value = cohn_emee_truth(task());
  } catch (const std::runtime_error& e) {
    throw UserError(scenario.binary_model.where + ": " + e.what() + " (under the " +
                    kHypothesisNames.name(hypothesis) + " hypothesis, with this analysis' controls and moderators)");
  }
}

void CohnScenarioPlan::build_model(const CohnModelConfig& model, Hypothesis hypothesis) {
  const int m = model.decisions;
  curves_ = resolve_cohn_design(model.design, m);
  if (hypothesis == Hypothesis::kNull) curves_.log_rr.setZero();
  availability_ = to_vector(curves_.availability);
  rand_prob_ = to_vector(curves_.rand_prob);
  // The same bits on every CPU (core/portable_reductions.h): the kernels compare uniforms with these.
  success_control_ = to_vector(portable::exp(curves_.log_spnc));
  success_treated_ = to_vector(portable::exp(curves_.log_spnc + curves_.log_rr));
  model_view_ = CohnModelView{};
  model_view_.availability = arena_.add(availability_);
  model_view_.rand_prob = arena_.add(rand_prob_);
  model_view_.success_control = arena_.add(success_control_);
  model_view_.success_treated = arena_.add(success_treated_);
  if (model.dropout) survival_ = resolve_survival(*model.dropout, m, "decision point");
  model_view_.survival = arena_.add(survival_);
  model_view_.num_decisions = m;
  model_view_.delayed_effect_factor = fastmath::exp(model.delayed_effect);
  model_view_.serial_correlation_factor = fastmath::exp(model.serial_correlation);
  model_view_.endogenous_availability = model.endogenous_availability.has_value();
  if (model.endogenous_availability) model_view_.endogenous = *model.endogenous_availability;
  const double max_success = cohn_row_moments(model_view_).max_success;
  require_input(max_success <= 1.0, model.where + ": the success probability exp(g_t' alpha + A_t f_t' beta" +
                                        " + coef_DE A_{t-1} + coef_SC Y_t) reaches " + input_value_text(max_success) +
                                        " > 1 under the " + kHypothesisNames.name(hypothesis) + " hypothesis");
}

void CohnScenarioPlan::build_design(const AnalysisConfig& analysis, int m) {
  const std::vector<Term> controls = analysis.control_terms();
  q_ = static_cast<int>(controls.size());
  p_ = static_cast<int>(analysis.moderators.size());
  names_.clear();
  for (const Term& c : controls) names_.push_back(c.name);
  for (const Term& f : analysis.moderators)
    names_.push_back(f.variable == Term::Variable::kOne ? "effect:(Intercept)" : "effect:" + f.name);
  controls_ = row_major(decision_term_matrix(controls, m));
  moderators_ = row_major(decision_term_matrix(analysis.moderators, m));
  numerator_prob_ = analysis.numerator_is_rand_prob ? rand_prob_ : std::vector<double>(m, analysis.numerator_prob);
  design_view_.controls = arena_.add(controls_);
  design_view_.moderators = arena_.add(moderators_);
  design_view_.numerator_prob = arena_.add(numerator_prob_);
  design_view_.q = q_;
  design_view_.p = p_;
  design_view_.variant = analysis.estimator == Estimator::kEmee ? EmeeVariant::kEmee : EmeeVariant::kEmee2;
}

EmeeSimulationTask CohnScenarioPlan::task() const {
  EmeeSimulationTask task{};
  task.model = model_view_;
  task.design = design_view_;
  task.seed = seed_;
  task.scenario = stream_;
  task.n_subjects = sample_size_;
  return task;
}

void CohnScenarioPlan::run_replicates(Backend backend, int threads, uint32_t first, uint32_t count,
                                      const ReplicateBatchOutput& out) const {
  run_emee_replicates(backend, threads, dim(), task(), arena_, first, count, out.fits);
}

std::string CohnScenarioPlan::write_cohort(uint32_t replicate, std::ostream& csv, const std::string& csv_path) const {
  CohortCsv table(csv, CohortDesign{analysis_.control_terms(), &controls_, analysis_.moderators, &moderators_,
                                    &rand_prob_, &numerator_prob_});
  const EmeeSimulationTask simulation = task();
  for (int subject = 0; subject < sample_size_; ++subject) {
    auto write_row = [&](const CohnRow& row) { table.row(subject, row.t, row.available, row.treated, row.outcome); };
    simulate_cohn_subject(model_view_, emee_subject_key(simulation, replicate, subject), write_row);
  }
  return cohort_analysis_command(std::string("emee --variant ") + kEstimatorNames.name(analysis_.estimator), analysis_,
                                 csv_path);
}

}  // namespace mrtsim
