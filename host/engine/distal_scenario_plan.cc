#include "host/engine/distal_scenario_plan.h"

#include <sstream>

#include "kernels/distal_backend.h"

namespace mrtsim {

namespace {

int num_effects_of(const AnalysisConfig& analysis) { return static_cast<int>(analysis.moderators.size()); }

DistalEstimator distal_estimator(Estimator e) {
  switch (e) {
    case Estimator::kDcee: return DistalEstimator::kDcee;
    case Estimator::kGee: return DistalEstimator::kGee;
    case Estimator::kWcls:
    case Estimator::kEmee:  // refused for the qian2025 model by the config (check_distal_analysis)
    case Estimator::kEmee2: break;
  }
  return DistalEstimator::kWcls;
}

}  // namespace

QianModelView make_qian_model_view(const QianModelConfig& c, Hypothesis hypothesis) {
  const bool effect = hypothesis == Hypothesis::kAlternative;
  QianModelView m{};
  m.num_decisions = c.decisions;
  m.availability = c.availability;
  m.time_varying_prob = c.time_varying_prob;
  m.constant_prob = c.constant_prob;
  for (int j = 0; j < 3; ++j) {
    m.theta[j] = c.theta[j];
    m.zeta[j] = c.zeta[j];
  }
  if (!effect) m.theta[1] = m.zeta[1] = 0.0;  // A_{t-1} moves neither X_t nor Z_t
  m.alpha = c.alpha;
  m.beta = c.beta;
  m.gamma = c.gamma;
  m.lambda = c.lambda;
  m.xi = c.xi;
  m.treatment_effect = effect;
  return m;
}

DistalScenarioPlan::DistalScenarioPlan(const StudyConfig& study, const ScenarioConfig& scenario,
                                       Hypothesis hypothesis, TruthValues truth)
    : analysis_(scenario.analysis), truth_(std::move(truth)) {
  const AnalysisConfig& a = scenario.analysis;
  task_.model = make_qian_model_view(scenario.distal_model, hypothesis);
  task_.analysis.estimator = distal_estimator(a.estimator);
  task_.analysis.num_effects = num_effects_of(a);
  task_.analysis.folds = a.cross_fit_folds > 1 ? a.cross_fit_folds : 1;
  task_.analysis.zero_nuisance = a.zero_nuisance;
  task_.analysis.numerator_prob = a.numerator_prob;
  task_.analysis.correction = a.correction;
  task_.seed = study.seed;
  task_.scenario = cell_stream(scenario.index, hypothesis == Hypothesis::kAlternative);
  task_.n_subjects = scenario.sample_size;
  for (const Term& m : a.moderators) names_.push_back("effect:" + m.name);
  if (a.estimator == Estimator::kGee) {  // geeglm's robust Wald inference: normal quantiles
    analysis_.rules.intervals = IntervalKind::kNormal;
    analysis_.rules.test = JointTestKind::kChiSquare;
  }
}

CellDecisions DistalScenarioPlan::decisions() const {
  const int p = task_.analysis.num_effects;
  // DCEE: df = n - p (no controls in stage 2); WCLS and GEE: the controls (1, X, Z) count too.
  const int dim = task_.analysis.estimator == DistalEstimator::kDcee ? p : kDistalControls + p;
  return CellDecisions(analysis_.rules, dim, p);
}

void DistalScenarioPlan::run_replicates(Backend backend, int threads, uint32_t first, uint32_t count,
                                        const ReplicateBatchOutput& out) const {
  run_distal_replicates(backend, threads, task_, first, count, out.fits);
}

TruthValues distal_truth_values(const StudyConfig& study, const ScenarioConfig& scenario, Hypothesis hypothesis) {
  const int p = num_effects_of(scenario.analysis);
  const uint32_t stream = hypothesis == Hypothesis::kAlternative ? 1u : 0u;
  const DistalTruth mc = monte_carlo_distal_truth(make_qian_model_view(scenario.distal_model, hypothesis), p,
                                                  study.truth_subjects, study.seed, stream);
  TruthValues truth;
  truth.value = mc.projection;
  truth.mc_se = mc.projection_se;
  truth.simple_mean = mc.simple_mean;
  truth.mc_subjects = mc.subjects;
  return truth;
}

std::string distal_truth_key(const ScenarioConfig& scenario, Hypothesis hypothesis) {
  const QianModelConfig& c = scenario.distal_model;
  std::ostringstream key;
  key.precision(17);
  key << kHypothesisNames.name(hypothesis) << ' ' << num_effects_of(scenario.analysis) << ' ' << c.decisions << ' '
      << c.availability << ' ' << c.time_varying_prob << ' ' << c.constant_prob;
  for (int j = 0; j < 3; ++j) key << ' ' << c.theta[j] << ' ' << c.zeta[j];
  for (const LinearSequence& s : {c.alpha, c.beta, c.gamma, c.lambda, c.xi}) key << ' ' << s.first << ' ' << s.last;
  return key.str();
}

}  // namespace mrtsim
