// A cohn2023 cell: the Cohn, Qian & Murphy (2023) binary-outcome model (sims/cohn_model.h) analysed
// by EMEE or EMEE2 on every replicate (kernels/emee_simulation.h), with the adjusted and the
// unadjusted sandwich, the paper's test, and the estimator's exact probability limit as the truth
// (host/engine/cohn_truth.h).
#pragma once

#include <string>
#include <vector>

#include "host/config/study_config.h"
#include "host/engine/cell_plan.h"
#include "host/engine/cohn_design.h"
#include "kernels/emee_simulation.h"
#include "kernels/task_arena.h"

namespace mrtsim {

class CohnScenarioPlan : public CellPlan {
 public:
  // Throws UserError naming the model's keys when the model cannot be simulated (a success
  // probability above 1 for some history, a design that does not resolve).
  CohnScenarioPlan(const StudyConfig& study, const ScenarioConfig& scenario, Hypothesis hypothesis);
  CohnScenarioPlan(const CohnScenarioPlan&) = delete;
  CohnScenarioPlan& operator=(const CohnScenarioPlan&) = delete;

  // Points into arena(): valid while the plan lives.
  EmeeSimulationTask task() const;
  const TaskArena& arena() const { return arena_; }
  int dim() const { return q_ + p_; }
  int num_effects() const { return p_; }
  // Names of the coefficients in fit order: the controls, then "effect:" and the moderators.
  const std::vector<std::string>& coefficient_names() const override { return names_; }
  const TruthValues& truth_values() const override { return truth_; }
  CellDecisions decisions() const override { return CellDecisions(analysis_.rules, dim(), num_effects()); }
  bool has_unadjusted_variance() const override { return true; }
  void run_replicates(Backend backend, int threads, uint32_t first, uint32_t count,
                      const ReplicateBatchOutput& out) const override;
  double replicate_cost() const override { return double(sample_size_) * model_view_.num_decisions; }
  // The cohort with the outcome on every row (EMEE2's small-sample correction uses the unavailable
  // rows too), analysed by mrtsim emee with the study's variant.
  std::string write_cohort(uint32_t replicate, std::ostream& csv, const std::string& csv_path) const override;

  // The model's per-decision curves (under this cell's hypothesis: log RR = 0 under the null).
  const CohnCurves& curves() const { return curves_; }

 private:
  void build_model(const CohnModelConfig& model, Hypothesis hypothesis);
  void build_design(const AnalysisConfig& analysis, int m);

  int sample_size_;
  uint32_t stream_;
  uint64_t seed_;
  int q_ = 0, p_ = 0;
  AnalysisConfig analysis_;
  std::vector<std::string> names_;
  CohnCurves curves_;
  std::vector<double> availability_, rand_prob_, success_control_, success_treated_, survival_;
  std::vector<double> controls_, moderators_, numerator_prob_;
  TruthValues truth_;
  TaskArena arena_;
  CohnModelView model_view_{};
  EmeeDesignView design_view_{};
};

}  // namespace mrtsim
