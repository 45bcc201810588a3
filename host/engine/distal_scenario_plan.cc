#include "host/engine/distal_scenario_plan.h"

#include <sstream>

#include "host/engine/distal_learner_plan.h"
#include "kernels/distal_backend.h"

namespace mrtsim {

namespace {

DistalEstimator distal_estimator(Estimator e) {
  switch (e) {
    case Estimator::kDcee: return DistalEstimator::kDcee;
    case Estimator::kGee: return DistalEstimator::kGee;
    case Estimator::kWcls:
    case Estimator::kSnmm:   // SNMM cells are DistalLearnerPlan's
    case Estimator::kEmee:   // refused for the qian2025 model by the config (check_distal_analysis)
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
    : analysis_(scenario.analysis), names_(distal_coefficient_names(scenario.analysis)), truth_(std::move(truth)) {
  const AnalysisConfig& a = scenario.analysis;
  task_.model = make_qian_model_view(scenario.distal_model, hypothesis);
  task_.analysis.estimator = distal_estimator(a.estimator);
  task_.analysis.num_sets = 0;
  for (const std::vector<Term>& set : a.moderator_sets)  // at most kMaxDistalSets (check_distal_analysis)
    task_.analysis.set_effects[task_.analysis.num_sets++] = static_cast<int>(set.size());
  task_.analysis.folds = a.cross_fit_folds > 1 ? a.cross_fit_folds : 1;
  task_.analysis.zero_nuisance = a.nuisance == NuisanceModel::kZero;
  task_.analysis.numerator_prob = a.numerator_prob;
  task_.analysis.correction = a.correction;
  task_.seed = study.seed;
  task_.scenario = cell_stream(scenario.stream_index, hypothesis == Hypothesis::kAlternative);
  task_.n_subjects = scenario.sample_size;
}

CellDecisions DistalScenarioPlan::decisions() const { return distal_cell_decisions(analysis_); }

std::string DistalScenarioPlan::write_cohort(uint32_t replicate, std::ostream& csv, const std::string& csv_path) const {
  DistalLearnerTask cohort;
  cohort.model = task_.model;
  cohort.seed = task_.seed;
  cohort.scenario = task_.scenario;
  cohort.n_subjects = task_.n_subjects;
  return write_distal_cohort(cohort, analysis_, replicate, csv, csv_path);
}

void DistalScenarioPlan::run_replicates(Backend backend, int threads, uint32_t first, uint32_t count,
                                        const ReplicateBatchOutput& out) const {
  run_distal_replicates(backend, threads, task_, first, count, out.fits);
}

std::vector<std::string> distal_coefficient_names(const AnalysisConfig& analysis) {
  std::vector<std::string> names;
  const bool several = analysis.moderator_sets.size() > 1;
  for (const std::vector<Term>& set : analysis.moderator_sets) {
    std::string model = "~1";
    if (set.size() > 1) {
      model = "~";
      for (std::size_t j = 1; j < set.size(); ++j) model += (j > 1 ? " + " : "") + set[j].name;
    }
    for (const Term& m : set) names.push_back((several ? "effect(" + model + "):" : "effect:") + m.name);
  }
  return names;
}

CellDecisions distal_cell_decisions(const AnalysisConfig& analysis) {
  TestRules rules = analysis.rules;
  const bool normal = analysis.estimator == Estimator::kGee || analysis.estimator == Estimator::kSnmm;
  if (normal) {  // large-sample Wald inference (GEE: geeglm's robust SE; SNMM: docs/snmm.md)
    rules.intervals = IntervalKind::kNormal;
    rules.test = JointTestKind::kChiSquare;
  }
  // DCEE: df = n - p (no controls in stage 2); WCLS and GEE: the controls (1, X, Z) count too.
  const bool controls_count = analysis.estimator == Estimator::kWcls || analysis.estimator == Estimator::kGee;
  std::vector<int> dims;
  for (const std::vector<Term>& set : analysis.moderator_sets)
    for (std::size_t j = 0; j < set.size(); ++j)
      dims.push_back(static_cast<int>(set.size()) + (controls_count ? kDistalControls : 0));
  const int first_set = static_cast<int>(analysis.moderator_sets.front().size());
  return CellDecisions(rules, dims.front(), first_set, dims);
}

namespace {

TruthValues set_truth(const StudyConfig& study, const ScenarioConfig& scenario, Hypothesis hypothesis,
                      int num_effects) {
  const uint32_t stream = hypothesis == Hypothesis::kAlternative ? 1u : 0u;
  const DistalTruth mc = monte_carlo_distal_truth(make_qian_model_view(scenario.distal_model, hypothesis), num_effects,
                                                  study.truth_subjects, study.seed, stream);
  TruthValues truth;
  truth.value = mc.projection;
  truth.mc_se = mc.projection_se;
  truth.simple_mean = mc.simple_mean;
  truth.mc_subjects = mc.subjects;
  return truth;
}

std::string set_truth_key(const ScenarioConfig& scenario, Hypothesis hypothesis, int num_effects) {
  const QianModelConfig& c = scenario.distal_model;
  std::ostringstream key;
  key.precision(17);
  key << kHypothesisNames.name(hypothesis) << ' ' << num_effects << ' ' << c.decisions << ' ' << c.availability << ' '
      << c.time_varying_prob << ' ' << c.constant_prob;
  for (int j = 0; j < 3; ++j) key << ' ' << c.theta[j] << ' ' << c.zeta[j];
  for (const LinearSequence& s : {c.alpha, c.beta, c.gamma, c.lambda, c.xi}) key << ' ' << s.first << ' ' << s.last;
  return key.str();
}

}  // namespace

TruthValues distal_cell_truth(const StudyConfig& study, const ScenarioConfig& scenario, Hypothesis hypothesis,
                              std::map<std::string, TruthValues>& cache) {
  TruthValues cell;
  for (const std::vector<Term>& set : scenario.analysis.moderator_sets) {
    const int p = static_cast<int>(set.size());
    const std::string key = set_truth_key(scenario, hypothesis, p);
    auto found = cache.find(key);
    if (found == cache.end()) found = cache.emplace(key, set_truth(study, scenario, hypothesis, p)).first;
    const TruthValues& truth = found->second;
    cell.value.insert(cell.value.end(), truth.value.begin(), truth.value.end());
    cell.mc_se.insert(cell.mc_se.end(), truth.mc_se.begin(), truth.mc_se.end());
    cell.simple_mean.insert(cell.simple_mean.end(), truth.simple_mean.begin(), truth.simple_mean.end());
    cell.mc_subjects = truth.mc_subjects;
  }
  return cell;
}

}  // namespace mrtsim
