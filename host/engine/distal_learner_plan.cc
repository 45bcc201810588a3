#include "host/engine/distal_learner_plan.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "core/philox.h"
#include "core/user_error.h"
#include "host/analysis/snmm.h"
#include "host/engine/cohort_csv.h"
#include "host/engine/distal_scenario_plan.h"
#include "host/io/csv_text.h"
#include "host/stats/fit_failure.h"
#include "kernels/replicate_launch.h"

namespace mrtsim {
namespace {

DceeLearner dcee_learner(NuisanceModel nuisance) {
  switch (nuisance) {
    case NuisanceModel::kGam: return DceeLearner::kGam;
    case NuisanceModel::kRandomForest: return DceeLearner::kRandomForest;
    case NuisanceModel::kZero: return DceeLearner::kSetToZero;
    case NuisanceModel::kLm: break;
  }
  return DceeLearner::kLm;
}

RandomForestParams forest_params(const ForestConfig& config) {
  RandomForestParams params;  // ranger's defaults, then the study's settings
  if (config.num_trees) params.num_trees = *config.num_trees;
  if (config.mtry) params.mtry = *config.mtry;
  if (config.min_node_size) params.min_node_size = *config.min_node_size;
  if (config.sample_fraction) params.sample_fraction = *config.sample_fraction;
  params.threads = 1;  // one replicate per thread
  return params;
}

std::vector<std::string> term_names(const std::vector<Term>& terms) {
  std::vector<std::string> names;
  for (const Term& t : terms)
    if (t.variable != Term::Variable::kOne) names.push_back(t.name);
  return names;
}

DceeModelSpec dcee_spec(const AnalysisConfig& a) {
  DceeModelSpec spec;
  spec.controls = term_names(a.controls);
  spec.learner = dcee_learner(a.nuisance);
  spec.forest = forest_params(a.forest);
  return spec;
}

// The first set's beta' V^-1 beta, or false when V is not positive definite.
bool joint_statistic(const Eigen::VectorXd& beta, const Eigen::MatrixXd& variance, double* statistic) {
  const Eigen::LLT<Eigen::MatrixXd> llt(variance);
  if (llt.info() != Eigen::Success) return false;
  *statistic = beta.dot(llt.solve(beta));
  return true;
}

struct SetEstimate {
  Eigen::VectorXd beta;
  Eigen::MatrixXd variance;
};

std::vector<SetEstimate> dcee_estimates(const DistalLearnerTask& task, uint32_t replicate, MrtData cohort) {
  DceeModelSpec spec = task.dcee;
  spec.moderators = task.moderator_sets.front();
  const DceeDesign design = make_dcee_design(std::move(cohort), spec);
  std::vector<int> subject_fold;  // subject i in fold i mod K: the subjects of a cohort are exchangeable
  for (int i = 0; task.folds > 1 && i < task.n_subjects; ++i) subject_fold.push_back(i % task.folds);
  const std::vector<double> psi =
      dcee_pseudo_outcomes(design, subject_fold, task.folds, LearnerStream{task.seed, task.scenario, replicate});
  std::vector<SetEstimate> estimates;
  for (const std::vector<std::string>& set : task.moderator_sets) {
    const DceeEstimate e = dcee_stage2(design, term_matrix(design.data, set), psi);
    estimates.push_back({e.beta, e.variance});
  }
  return estimates;
}

std::vector<SetEstimate> snmm_estimates(const DistalLearnerTask& task, const MrtData& cohort) {
  const int n = task.n_subjects, T = task.model.num_decisions;
  Eigen::MatrixXd x(n, T), z(n, T);
  Eigen::MatrixXi a(n, T);
  std::vector<double> outcome(n);
  const std::vector<double>& xs = cohort.covariate("X");
  const std::vector<double>& zs = cohort.covariate("Z");
  for (int i = 0; i < n; ++i) {
    outcome[i] = cohort.outcome[cohort.subject_begin[i]];
    for (int t = 0; t < T; ++t) {
      const std::size_t row = cohort.subject_begin[i] + t;
      x(i, t) = xs[row];
      z(i, t) = zs[row];
      a(i, t) = cohort.treatment[row];
    }
  }
  std::vector<SetEstimate> estimates;
  for (const std::vector<std::string>& set : task.moderator_sets) {
    const SnmmFit fit = fit_snmm(qian2025_snmm_stages(x, z, a, !set.empty()), outcome, SnmmLaterTreatment::kOptimal);
    estimates.push_back({fit.average, fit.average_variance});
  }
  return estimates;
}

// Runs replicates of a learner cell, one per thread (kernels/replicate_launch.h's job; host only).
struct DistalLearnerJob {
  const DistalLearnerTask* task;
  ReplicateOutput out;
  int dim;

  using Scratch = NoScratch;
  using CpuScratch = NoScratch;
  void operator()(uint32_t replicate, long long slot, NoScratch) const {
    const LearnerReplicateFit fit = fit_learner_replicate(*task, replicate);
    out.status[slot] = static_cast<int>(fit.status);
    out.n_eff[slot] = fit.n_eff;
    out.joint_statistic[slot] = fit.joint_statistic;
    for (int j = 0; j < dim; ++j) {
      const bool ok = fit.status == FitStatus::kOk;
      out.estimates[slot * dim + j] = ok ? fit.estimates[j] : 0.0;
      out.std_errors[slot * dim + j] = ok ? fit.std_errors[j] : 0.0;
    }
  }
};

}  // namespace

bool runs_with_learners(const AnalysisConfig& analysis) {
  return analysis.estimator == Estimator::kSnmm ||
         (analysis.estimator == Estimator::kDcee &&
          (analysis.nuisance == NuisanceModel::kGam || analysis.nuisance == NuisanceModel::kRandomForest));
}

void validate_learner_analysis(const AnalysisConfig& analysis) {
  if (analysis.estimator != Estimator::kDcee) return;
  const DceeModelSpec spec = dcee_spec(analysis);
  try {
    make_nuisance_spec(spec.learner, spec.controls, spec.forest);
  } catch (const UserError& e) {
    throw UserError(analysis.controls_where + ": " + e.what());
  }
}

MrtData simulate_qian_cohort(const DistalLearnerTask& task, uint32_t replicate) {
  MrtData data;
  data.path = "simulated cohort";
  data.covariate_names = {"X", "Z"};
  data.covariates.resize(2);
  const std::size_t rows = static_cast<std::size_t>(task.n_subjects) * task.model.num_decisions;
  for (auto* column : {&data.outcome, &data.rand_prob, &data.covariates[0], &data.covariates[1]}) column->reserve(rows);
  for (int i = 0; i < task.n_subjects; ++i) {
    data.subject_ids.push_back(std::to_string(i + 1));
    data.subject_begin.push_back(data.treatment.size());
    const StreamKey key{task.seed, task.scenario, replicate, static_cast<uint32_t>(i), StreamPurpose::kCohort};
    const double y = simulate_qian_subject(task.model, key, [&](const DistalRow& row) {
      data.treatment.push_back(row.treated);
      data.rand_prob.push_back(row.prob);
      data.available.push_back(row.available ? 1 : 0);
      data.covariates[0].push_back(row.x);
      data.covariates[1].push_back(row.z);
    });
    data.outcome.resize(data.treatment.size(), y);
  }
  data.subject_begin.push_back(data.treatment.size());
  return data;
}

LearnerReplicateFit fit_learner_replicate(const DistalLearnerTask& task, uint32_t replicate) {
  LearnerReplicateFit fit;
  fit.n_eff = task.n_subjects;
  std::size_t max_effects = 0;
  for (const auto& set : task.moderator_sets) max_effects = std::max(max_effects, set.size() + 1);
  if (static_cast<std::size_t>(task.n_subjects) <= max_effects) {
    fit.status = FitStatus::kNoData;
    return fit;
  }
  std::vector<SetEstimate> estimates;
  try {
    MrtData cohort = simulate_qian_cohort(task, replicate);
    estimates = task.estimator == Estimator::kSnmm ? snmm_estimates(task, cohort)
                                                   : dcee_estimates(task, replicate, std::move(cohort));
  } catch (const FitFailure& e) {
    fit.status = e.status();
    return fit;
  } catch (const UserError&) {
    fit.status = FitStatus::kLearnerError;
    return fit;
  }
  if (!joint_statistic(estimates.front().beta, estimates.front().variance, &fit.joint_statistic)) {
    fit.status = FitStatus::kSingularVariance;
    return fit;
  }
  for (const SetEstimate& e : estimates)
    for (Eigen::Index j = 0; j < e.beta.size(); ++j) {
      fit.estimates.push_back(e.beta(j));
      fit.std_errors.push_back(std::sqrt(e.variance(j, j)));
    }
  return fit;
}

DistalLearnerPlan::DistalLearnerPlan(const StudyConfig& study, const ScenarioConfig& scenario, Hypothesis hypothesis,
                                     TruthValues truth)
    : analysis_(scenario.analysis), names_(distal_coefficient_names(scenario.analysis)), truth_(std::move(truth)) {
  const AnalysisConfig& a = scenario.analysis;
  validate_learner_analysis(a);
  task_.model = make_qian_model_view(scenario.distal_model, hypothesis);
  task_.seed = study.seed;
  task_.scenario = cell_stream(scenario.stream_index, hypothesis == Hypothesis::kAlternative);
  task_.n_subjects = scenario.sample_size;
  task_.estimator = a.estimator;
  task_.dcee = dcee_spec(a);
  task_.folds = a.cross_fit_folds > 1 ? a.cross_fit_folds : 1;
  for (const std::vector<Term>& set : a.moderator_sets) task_.moderator_sets.push_back(term_names(set));
}

CellDecisions DistalLearnerPlan::decisions() const { return distal_cell_decisions(analysis_); }

void DistalLearnerPlan::run_replicates(Backend, int threads, uint32_t first, uint32_t count,
                                       const ReplicateBatchOutput& out) const {
  // Replicates cost tenths of a second to seconds each: hand them to threads one at a time.
  const CpuLauncher launcher(threads, /*chunk=*/1);
  launcher.run(DistalLearnerJob{&task_, out.fits, static_cast<int>(names_.size())}, first, count);
}

std::string DistalLearnerPlan::write_cohort(uint32_t replicate, std::ostream& csv, const std::string& csv_path) const {
  return write_distal_cohort(task_, analysis_, replicate, csv, csv_path);
}

namespace {

// The analysis command of a qian2025 cohort (write_distal_cohort).
std::string distal_analysis_command(const AnalysisConfig& a, const std::string& csv_path) {
  if (a.estimator == Estimator::kWcls) return cohort_analysis_command("wcls", a, csv_path, exact_number(a.numerator_prob));
  if (a.estimator != Estimator::kDcee) return "";
  std::string command = cohort_analysis_command("dcee", a, csv_path, "");
  const NuisanceModel learner = a.nuisance;
  command += std::string(" --learner ") +
             (learner == NuisanceModel::kZero ? "set_to_zero" : std::string(kNuisanceModelNames.name(learner)));
  if (a.cross_fit_folds > 1 && learner != NuisanceModel::kZero) command += " --fold-column fold";
  const ForestConfig& f = a.forest;
  if (learner == NuisanceModel::kRandomForest) {
    if (f.num_trees) command += " --num-trees " + std::to_string(*f.num_trees);
    if (f.mtry) command += " --mtry " + std::to_string(*f.mtry);
    if (f.min_node_size) command += " --min-node-size " + std::to_string(*f.min_node_size);
    if (f.sample_fraction) command += " --sample-fraction " + exact_number(*f.sample_fraction);
  }
  return command;
}

}  // namespace

std::string write_distal_cohort(const DistalLearnerTask& task, const AnalysisConfig& analysis, uint32_t replicate,
                                std::ostream& csv, const std::string& csv_path) {
  const MrtData cohort = simulate_qian_cohort(task, replicate);
  const int folds = analysis.cross_fit_folds > 1 ? analysis.cross_fit_folds : 0;
  csv << "id,decision,X,Z,rand_prob,availability,treatment,outcome" << (folds ? ",fold" : "") << "\n";
  for (std::size_t i = 0; i < cohort.num_subjects(); ++i)
    for (std::size_t r = cohort.subject_begin[i]; r < cohort.subject_begin[i + 1]; ++r) {
      csv << cohort.subject_ids[i] << ',' << r - cohort.subject_begin[i] + 1 << ',' << exact_number(cohort.covariates[0][r])
          << ',' << exact_number(cohort.covariates[1][r]) << ',' << exact_number(cohort.rand_prob[r]) << ','
          << int(cohort.available[r]) << ',' << cohort.treatment[r] << ',' << exact_number(cohort.outcome[r]);
      if (folds) csv << ',' << i % static_cast<std::size_t>(folds);
      csv << '\n';
    }
  return distal_analysis_command(analysis, csv_path);
}

}  // namespace mrtsim
