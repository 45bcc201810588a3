// A qian2025 cell: the Qian et al. (2025) model with one distal-outcome estimator (DCEE with or
// without cross-fitting, or the WCLS / GEE comparators), its effect coefficients and their Monte
// Carlo truth (host/engine/distal_truth.h).
#pragma once

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
  // `truth` comes from monte_carlo_distal_truth for this model, hypothesis and moderators
  // (shared by the cells that differ only in sample size or estimator).
  DistalScenarioPlan(const StudyConfig& study, const ScenarioConfig& scenario, Hypothesis hypothesis,
                     TruthValues truth);

  const std::vector<std::string>& coefficient_names() const override { return names_; }
  const TruthValues& truth_values() const override { return truth_; }
  CellDecisions decisions() const override;
  void run_replicates(Backend backend, int threads, uint32_t first, uint32_t count,
                      const ReplicateBatchOutput& out) const override;
  double replicate_cost() const override { return double(task_.n_subjects) * task_.model.num_decisions; }
  const DistalSimulationTask& task() const { return task_; }

 private:
  DistalSimulationTask task_;
  AnalysisConfig analysis_;
  std::vector<std::string> names_;
  TruthValues truth_;
};

// The Monte Carlo truth of a qian2025 scenario (coverage is measured against the projection). It
// depends only on the model, the hypothesis and the moderators (its draws are keyed by the seed and
// the hypothesis, not the scenario), so cells that share those share it: see distal_truth_key.
TruthValues distal_truth_values(const StudyConfig& study, const ScenarioConfig& scenario, Hypothesis hypothesis);
std::string distal_truth_key(const ScenarioConfig& scenario, Hypothesis hypothesis);

}  // namespace mrtsim
