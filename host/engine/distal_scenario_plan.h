// A qian2025 cell: the Qian et al. (2025) model with one distal-outcome estimator, its effect
// coefficients and their Monte Carlo truth (host/engine/distal_truth.h). DistalScenarioPlan runs the
// estimators written once for both backends (kernels/distal_simulation.h: DCEE with lm or no
// nuisance models, with or without cross-fitting, and the WCLS / GEE comparators); the estimators
// that fit learners on the replicate's cohort (DCEE with gam or rf nuisances, SNMM) are
// DistalLearnerPlan's (host/engine/distal_learner_plan.h). What the two share is here.
//
// A cell reports one or several effect models (`moderator_sets`): each replicate's estimator is
// fitted once per set on the same cohort (on the CPU, simulated once), and the coefficients of all
// sets are reported side by side (named effect(~1):(Intercept), effect(~Z):(Intercept), effect(~Z):Z
// when there are several). The cell's joint test is that of the first set.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "host/config/study_config.h"
#include "host/engine/cell_plan.h"
#include "host/engine/distal_truth.h"
#include "kernels/distal_simulation.h"

namespace mrtsim {

// The model as the kernels see it; under the null hypothesis treatment affects nothing (the
// treatment terms of Y and the effects of A_{t-1} on X_t and Z_t are 0), so every effect is 0.
QianModelView make_qian_model_view(const QianModelConfig& config, Hypothesis hypothesis);

class DistalScenarioPlan : public CellPlan {
 public:
  // `truth` comes from distal_cell_truth for this scenario and hypothesis.
  DistalScenarioPlan(const StudyConfig& study, const ScenarioConfig& scenario, Hypothesis hypothesis,
                     TruthValues truth);

  const std::vector<std::string>& coefficient_names() const override { return names_; }
  const TruthValues& truth_values() const override { return truth_; }
  CellDecisions decisions() const override;
  void run_replicates(Backend backend, int threads, uint32_t first, uint32_t count,
                      const ReplicateBatchOutput& out) const override;
  double replicate_cost() const override { return double(task_.n_subjects) * task_.model.num_decisions; }
  const DistalSimulationTask& task() const { return task_; }
  // The cohort as host/engine/distal_learner_plan.h's write_distal_cohort writes it.
  std::string write_cohort(uint32_t replicate, std::ostream& csv, const std::string& csv_path) const override;

 private:
  DistalSimulationTask task_;
  AnalysisConfig analysis_;
  std::vector<std::string> names_;
  TruthValues truth_;
};

// The coefficients a qian2025 cell reports, over its moderator sets.
std::vector<std::string> distal_coefficient_names(const AnalysisConfig& analysis);

// The interval and test rules of a qian2025 cell: t intervals with n - dim degrees of freedom (DCEE:
// dim = p; WCLS: the controls (1, X, Z) count too), normal intervals and a chi-square test for GEE
// (geeglm's robust Wald inference) and SNMM (see docs/snmm.md), the joint test of the first set.
CellDecisions distal_cell_decisions(const AnalysisConfig& analysis);

// The Monte Carlo truth of a qian2025 cell (coverage is measured against the projection), the sets'
// truths side by side. A set's truth depends only on the model, the hypothesis and its number of
// effects (its draws are keyed by the seed and the hypothesis, not the scenario), so `cache` shares
// it between cells.
TruthValues distal_cell_truth(const StudyConfig& study, const ScenarioConfig& scenario, Hypothesis hypothesis,
                              std::map<std::string, TruthValues>& cache);

}  // namespace mrtsim
