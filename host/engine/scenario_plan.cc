#include "host/engine/scenario_plan.h"

#include <algorithm>
#include <cmath>
#include <string>

#include <Eigen/Dense>

#include "core/user_error.h"
#include "host/engine/cohort_csv.h"
#include "host/engine/liao_design.h"

namespace mrtsim {

ErrorSpecView make_error_spec(const ErrorConfig& config) {
  ErrorSpecView spec{};
  spec.kind = config.kind;
  spec.student_df = config.student_df;
  spec.student_scale = std::sqrt((config.student_df - 2.0) / config.student_df);
  spec.innovation_sd = 1.0;
  if (config.kind != ErrorKind::kAutoregressive) return spec;

  const int order = config.ar_order;
  spec.ar_order = order;
  for (int j = 0; j < order; ++j) spec.ar_coef[j] = config.phi / order;
  // Autocorrelations rho_1..rho_order from the Yule-Walker equations rho_k = sum_j a_j rho_|k-j|
  // (rho_0 = 1); then Var(eps) = 1 needs innovation variance 1 - sum_j a_j rho_j.
  Eigen::MatrixXd system = Eigen::MatrixXd::Identity(order, order);
  Eigen::VectorXd rhs = Eigen::VectorXd::Zero(order);
  for (int k = 1; k <= order; ++k) {
    for (int j = 1; j <= order; ++j) {
      const int lag = std::abs(k - j);
      if (lag == 0) rhs(k - 1) += spec.ar_coef[j - 1];
      else system(k - 1, lag - 1) -= spec.ar_coef[j - 1];
    }
  }
  const Eigen::VectorXd rho = system.fullPivLu().solve(rhs);
  double explained = 0.0;
  for (int j = 0; j < order; ++j) explained += spec.ar_coef[j] * rho(j);
  if (!(explained < 1.0)) throw UserError("AR error process with phi = " + std::to_string(config.phi) + " is not stationary");
  spec.innovation_sd = std::sqrt(1.0 - explained);
  Eigen::MatrixXd covariance(order, order);
  for (int i = 0; i < order; ++i)
    for (int j = 0; j < order; ++j) covariance(i, j) = i == j ? 1.0 : rho(std::abs(i - j) - 1);
  const Eigen::MatrixXd chol = covariance.llt().matrixL();
  for (int i = 0; i < order; ++i)
    for (int j = 0; j <= i; ++j) spec.stationary_chol[i * kMaxArOrder + j] = chol(i, j);
  return spec;
}

ScenarioPlan::ScenarioPlan(const StudyConfig& study, const ScenarioConfig& scenario, Hypothesis hypothesis)
    : sample_size_(scenario.sample_size),
      stream_(cell_stream(scenario.stream_index, hypothesis == Hypothesis::kAlternative)),
      seed_(study.seed),
      correction_(scenario.analysis.correction),
      analysis_(scenario.analysis) {
  build_model(scenario.model, hypothesis);
  build_design(scenario.analysis, scenario.model);
  compute_truth();
}

void ScenarioPlan::build_model(const LiaoModelConfig& model, Hypothesis hypothesis) {
  const int T = model.num_decisions();
  LiaoDesign design = resolve_liao_design(model);
  availability_ = std::move(design.availability);
  rand_prob_ = std::move(design.rand_prob);
  baseline_ = std::move(design.baseline);
  effect_ = std::move(design.effect);
  survival_ = std::move(design.survival);
  if (hypothesis == Hypothesis::kNull) effect_.assign(T, 0.0);
  model_view_ = LiaoModelView{};
  model_view_.availability = arena_.add(availability_);
  model_view_.rand_prob = arena_.add(rand_prob_);
  model_view_.baseline = arena_.add(baseline_);
  model_view_.effect = arena_.add(effect_);
  model_view_.survival = arena_.add(survival_);
  model_view_.num_decisions = T;
  model_view_.feedback_eta = model.feedback_eta;
  model_view_.feedback_lags = model.feedback_lags;
  model_view_.error = make_error_spec(model.error);
  build_error_scale(model);
  build_carryover(model);
}

// Section 6.2.3: sigma-bar_t from the trend, rescaled to (1/T) sum sigma-bar_t^2 = 1; then
// sigma_0t = sigma-bar_t / sqrt(rho r^2 + 1 - rho) and sigma_1t = r sigma_0t, so that
// rho sigma_1t^2 + (1 - rho) sigma_0t^2 = sigma-bar_t^2.
void ScenarioPlan::build_error_scale(const LiaoModelConfig& model) {
  if (!model.error_scale) return;
  const ErrorScaleConfig& scale = *model.error_scale;
  const int T = model.num_decisions();
  std::vector<double> sd_bar(T, 1.0);
  if (scale.weekly)
    for (int t = 0; t < T; ++t)
      sd_bar[t] = is_weekend_day(t / model.decisions_per_day) ? scale.weekend_sd : scale.weekday_sd;
  double mean_square = 0.0;
  for (double v : sd_bar) mean_square += v * v;
  mean_square /= T;
  const double r = scale.sd_ratio;
  error_sd_control_.resize(T);
  error_sd_treated_.resize(T);
  for (int t = 0; t < T; ++t) {
    const double rho = rand_prob_[t];
    error_sd_control_[t] = sd_bar[t] / std::sqrt(mean_square) / std::sqrt(rho * r * r + (1 - rho));
    error_sd_treated_[t] = r * error_sd_control_[t];
  }
  model_view_.error_sd_control = arena_.add(error_sd_control_);
  model_view_.error_sd_treated = arena_.add(error_sd_treated_);
}

// Section 6.2.4: the C_t model. The Monte Carlo pre-pass runs the model before the outcome is
// centred (the availability process does not depend on the outcome's parameters), then
// shift_t = E[C_t | I_t = 1] - E[C_t] and sigma* (the error SD at every t) complete the model.
void ScenarioPlan::build_carryover(const LiaoModelConfig& model) {
  if (!model.carryover) return;
  const CarryoverConfig& c = *model.carryover;
  model_view_.feedback_eta = 0.0;
  model_view_.feedback_lags = c.lags;
  model_view_.feedback_eta_relative = c.eta_exposure;
  model_view_.feedback_eta_noise = c.eta_noise;
  exposure_moments_ = estimate_exposure_moments(model_view_, seed_, stream_ & ~1u, c.monte_carlo_subjects);
  const int T = model.num_decisions();
  exposure_shift_.resize(T);
  for (int t = 0; t < T; ++t) exposure_shift_[t] = exposure_moments_.mean_available[t] - exposure_moments_.expected[t];
  const double sigma_star = carryover_error_sd(exposure_moments_, c.gamma_level, c.gamma_effect, rand_prob_, effect_);
  error_sd_control_.assign(T, sigma_star);
  error_sd_treated_.assign(T, sigma_star);
  model_view_.carryover_level = c.gamma_level;
  model_view_.carryover_effect = c.gamma_effect;
  model_view_.exposure_shift = arena_.add(exposure_shift_);
  model_view_.error_sd_control = arena_.add(error_sd_control_);
  model_view_.error_sd_treated = arena_.add(error_sd_treated_);
}

void ScenarioPlan::build_design(const AnalysisConfig& analysis, const LiaoModelConfig& model) {
  const std::vector<Term> controls = analysis.control_terms();
  q_ = static_cast<int>(controls.size());
  p_ = static_cast<int>(analysis.moderators.size());
  if (q_ + p_ > kMaxWclsDim)
    throw UserError("analysis has " + std::to_string(q_ + p_) + " coefficients; at most " + std::to_string(kMaxWclsDim));
  names_.clear();
  for (const Term& c : controls) names_.push_back(c.name);
  for (const Term& m : analysis.moderators)
    names_.push_back(m.variable == Term::Variable::kOne ? "effect:(Intercept)" : "effect:" + m.name);

  const int T = model.num_decisions();
  controls_.resize(size_t(T) * q_);
  moderators_.resize(size_t(T) * p_);
  for (int t = 0; t < T; ++t) {
    for (int j = 0; j < q_; ++j) controls_[size_t(t) * q_ + j] = controls[j].value(t, model.decisions_per_day);
    for (int j = 0; j < p_; ++j)
      moderators_[size_t(t) * p_ + j] = analysis.moderators[j].value(t, model.decisions_per_day);
  }
  numerator_prob_ = analysis.numerator_is_rand_prob ? rand_prob_ : std::vector<double>(T, analysis.numerator_prob);
  weights_.resize(T);
  for (int t = 0; t < T; ++t) weights_[t] = wcls_weights(numerator_prob_[t], rand_prob_[t]);
  design_view_.controls = arena_.add(controls_);
  design_view_.moderators = arena_.add(moderators_);
  design_view_.numerator_prob = arena_.add(numerator_prob_);
  design_view_.weights = arena_.add(weights_);
  design_view_.q = q_;
  design_view_.p = p_;
}

// With availability tau_t, rand prob rho_t and numerator ptilde_t, the WCLS estimating equation has
// expectation zero at the tau-weighted least-squares projections
//   alpha* = argmin sum_t tau_t (alpha(t) + (ptilde_t - rho_t) beta(t) - g_t'a)^2,
//   beta*  = argmin sum_t tau_t ptilde_t (1 - ptilde_t) (beta(t) - f_t'b)^2,
// because E[W (A - ptilde)] = 0, E[W (A - ptilde)^2] = ptilde(1-ptilde) and
// E[W (A - ptilde)(A - rho)] = ptilde(1-ptilde), E[W (A - rho)] = ptilde - rho. Past treatments
// may shift availability (feedback model) without changing these, since E[I_t] stays tau_t; the C_t
// model's carryover terms have mean zero given I_t = 1 and A_t, and error SDs do not enter. With
// dropout, a participant's rows at t exist with probability S_t, independently of everything else:
// tau_t becomes tau_t S_t.
void ScenarioPlan::compute_truth() {
  const int T = model_view_.num_decisions;
  Eigen::MatrixXd g_gram = Eigen::MatrixXd::Zero(q_, q_), f_gram = Eigen::MatrixXd::Zero(p_, p_);
  Eigen::VectorXd g_rhs = Eigen::VectorXd::Zero(q_), f_rhs = Eigen::VectorXd::Zero(p_);
  for (int t = 0; t < T; ++t) {
    const Eigen::Map<const Eigen::VectorXd> g(controls_.data() + size_t(t) * q_, q_);
    const Eigen::Map<const Eigen::VectorXd> f(moderators_.data() + size_t(t) * p_, p_);
    const double tau = availability_[t] * (survival_.empty() ? 1.0 : survival_[t]), pt = numerator_prob_[t];
    const double mean_outcome = baseline_[t] + (pt - rand_prob_[t]) * effect_[t];
    g_gram += tau * g * g.transpose();
    g_rhs += tau * mean_outcome * g;
    f_gram += tau * pt * (1 - pt) * f * f.transpose();
    f_rhs += tau * pt * (1 - pt) * effect_[t] * f;
  }
  const Eigen::VectorXd alpha = g_gram.ldlt().solve(g_rhs), beta = f_gram.ldlt().solve(f_rhs);
  truth_.value.assign(alpha.data(), alpha.data() + q_);
  truth_.value.insert(truth_.value.end(), beta.data(), beta.data() + p_);
}

WclsSimulationTask ScenarioPlan::task() const {
  WclsSimulationTask task{};
  task.model = model_view_;
  task.design = design_view_;
  task.seed = seed_;
  task.scenario = stream_;
  task.n_subjects = sample_size_;
  task.correction = correction_;
  return task;
}

void ScenarioPlan::run_replicates(Backend backend, int threads, uint32_t first, uint32_t count,
                                  const ReplicateBatchOutput& out) const {
  if (!analysis_.permutation)
    return run_wcls_replicates(backend, threads, dim(), task(), arena_, first, count, out.fits);
  const WclsPermutationSettings settings{analysis_.permutation->reshuffles, analysis_.permutation->scheme};
  run_wcls_permutation_replicates(backend, threads, dim(), task(), arena_, settings, first, count, out);
}

std::string ScenarioPlan::batch_key() const {
  return analysis_.permutation ? std::string() : "wcls/" + std::to_string(dim());
}

void ScenarioPlan::run_segments(Backend backend, int threads, const std::vector<CellSegment>& segments,
                                const ReplicateBatchOutput& out) const {
  std::vector<WclsSimulationTask> tasks;
  std::vector<WclsTaskRef> refs;
  std::vector<const ScenarioPlan*> cells;
  std::vector<ReplicateSegment> replicate_segments;
  tasks.reserve(segments.size());
  long long slot = 0;
  for (const CellSegment& s : segments) {
    const auto* cell = static_cast<const ScenarioPlan*>(s.cell);  // the batch key names the type
    auto known = std::find(cells.begin(), cells.end(), cell);
    if (known == cells.end()) {
      cells.push_back(cell);
      tasks.push_back(cell->task());
      known = cells.end() - 1;
    }
    replicate_segments.push_back(ReplicateSegment{static_cast<int>(known - cells.begin()), s.first, s.count, slot});
    slot += s.count;
  }
  for (size_t t = 0; t < cells.size(); ++t) refs.push_back(WclsTaskRef{&tasks[t], &cells[t]->arena()});
  run_wcls_segments(backend, threads, dim(), refs, replicate_segments, out.fits);
}

std::string ScenarioPlan::write_cohort(uint32_t replicate, std::ostream& csv, const std::string& csv_path) const {
  CohortCsv table(csv, CohortDesign{analysis_.control_terms(), &controls_, analysis_.moderators, &moderators_,
                                    &rand_prob_, &numerator_prob_});
  for (int subject = 0; subject < sample_size_; ++subject) {
    const StreamKey key{seed_, stream_, replicate, static_cast<uint32_t>(subject), StreamPurpose::kCohort};
    const int rows = liao_decisions_taken_part(model_view_, key);  // none after dropout
    auto write_row = [&](const DecisionRow& row) {  // Y_{t+1} is observed only where available
      if (row.t >= rows) return;
      table.row(subject, row.t, row.available, row.treated,
                row.available ? std::optional<double>(row.outcome) : std::nullopt);
    };
    simulate_liao_subject(model_view_, key, write_row);
  }
  return cohort_analysis_command("wcls", analysis_, csv_path);
}

}  // namespace mrtsim
