// A qian2025 cell whose estimator fits learners on the replicate's cohort, on CPU threads: DCEE with
// gam or random-forest nuisance models (host/analysis/dcee_analysis.h, the code of `mrtsim dcee`)
// and the SNMM comparator (host/analysis/snmm.h). Each replicate materializes its cohort's rows (the
// same cohort the kernels of DistalScenarioPlan draw for this cell's stream) in its thread and fits
// every moderator set on it; the nuisance models are fitted once and shared by the sets.
//
// Reproducibility: the cohort is keyed as in the kernels (seed, cell stream, replicate, subject,
// kCohort), cross-fitting folds are subject i mod K, and each forest's seed is keyed by (seed, cell
// stream, replicate, arm, fold) (nuisance_learner_seed, purpose kLearner); a replicate runs on one
// thread, single-threaded learners inside. Results therefore do not depend on the thread count, the
// replicate range or the requested backend (with --backend cuda these cells still run on the CPU).
// A learner failure is the replicate's FitStatus (host/stats/fit_failure.h), counted per reason.
#pragma once

#include <cstdint>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "host/analysis/dcee_analysis.h"
#include "host/config/study_config.h"
#include "host/engine/cell_plan.h"
#include "sims/qian_model.h"

namespace mrtsim {

// Whether a qian2025 analysis runs on DistalLearnerPlan (DCEE with gam or rf, SNMM).
bool runs_with_learners(const AnalysisConfig& analysis);

// What a replicate of a learner cell needs.
struct DistalLearnerTask {
  QianModelView model;
  uint64_t seed = 0;
  uint32_t scenario = 0;  // the cell's stream (core/philox.h)
  int n_subjects = 0;
  Estimator estimator = Estimator::kDcee;  // kDcee or kSnmm
  DceeModelSpec dcee;                      // controls, learner and forest; moderators unused
  int folds = 1;                           // cross-fitting folds; 1: none
  std::vector<std::vector<std::string>> moderator_sets;  // moderator columns per set ({} = marginal)
};

// One replicate's result: the status and, when it is kOk, every set's estimates and SEs side by side
// and the first set's beta' V^-1 beta.
struct LearnerReplicateFit {
  FitStatus status = FitStatus::kOk;
  int n_eff = 0;
  double joint_statistic = 0.0;
  std::vector<double> estimates, std_errors;
};

// The cohort of `replicate` as a long data set: columns X and Z, outcome Y repeated on every row,
// subjects "1".."n" (exactly the cohort the kernels simulate for this stream).
MrtData simulate_qian_cohort(const DistalLearnerTask& task, uint32_t replicate);

LearnerReplicateFit fit_learner_replicate(const DistalLearnerTask& task, uint32_t replicate);

// `mrtsim replicate` for a qian2025 cell: writes the cohort of `replicate` (seed, stream and size from
// `task`) as a long CSV data set: id, decision, X, Z, rand_prob, availability, treatment, outcome (the
// distal Y on every row) and, with cross-fitting, fold (subject i, 0-based, in fold i mod K, as the
// study). Returns the mrtsim command that analyses it as the study does: `dcee` with the learner and
// --fold-column fold, or `wcls` on the distal outcome; the first moderator set; "" for gee and snmm,
// which no mrtsim command runs.
std::string write_distal_cohort(const DistalLearnerTask& task, const AnalysisConfig& analysis, uint32_t replicate,
                                std::ostream& csv, const std::string& csv_path);

class DistalLearnerPlan : public CellPlan {
 public:
  // `truth` comes from distal_cell_truth. Throws UserError, prefixed with the analysis' controls key,
  // for control terms the learner refuses (an s() option it does not know, ...) or an rf learner in
  // a build without XGBoost.
  DistalLearnerPlan(const StudyConfig& study, const ScenarioConfig& scenario, Hypothesis hypothesis,
                    TruthValues truth);

  const std::vector<std::string>& coefficient_names() const override { return names_; }
  const TruthValues& truth_values() const override { return truth_; }
  CellDecisions decisions() const override;
  void run_replicates(Backend backend, int threads, uint32_t first, uint32_t count,
                      const ReplicateBatchOutput& out) const override;
  double replicate_cost() const override { return double(task_.n_subjects) * task_.model.num_decisions; }
  bool runs_on_cpu_only() const override { return true; }
  const DistalLearnerTask& task() const { return task_; }
  std::string write_cohort(uint32_t replicate, std::ostream& csv, const std::string& csv_path) const override;

 private:
  DistalLearnerTask task_;
  AnalysisConfig analysis_;
  std::vector<std::string> names_;
  TruthValues truth_;
};

// Checks a learner cell's settings before any work: the same checks as the plan's constructor.
void validate_learner_analysis(const AnalysisConfig& analysis);

}  // namespace mrtsim
