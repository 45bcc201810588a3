// Turns one (scenario, hypothesis) of a study into the plain arrays the backends read: the
// generative model's per decision point inputs, the analysis design, and the true coefficients.
#pragma once

#include <string>
#include <vector>

#include "host/config/study_config.h"
#include "host/engine/cell_plan.h"
#include "host/engine/exposure_moments.h"
#include "kernels/task_arena.h"
#include "kernels/wcls_simulation.h"

namespace mrtsim {

// Stationary AR(order) errors with variance 1: coefficients, innovation SD and the Cholesky factor
// of the covariance of `order` consecutive errors (Yule-Walker).
ErrorSpecView make_error_spec(const ErrorConfig& config);

// A liao2016 cell: WCLS on the proximal outcome.
class ScenarioPlan : public CellPlan {
 public:
  ScenarioPlan(const StudyConfig& study, const ScenarioConfig& scenario, Hypothesis hypothesis);
  ScenarioPlan(const ScenarioPlan&) = delete;
  ScenarioPlan& operator=(const ScenarioPlan&) = delete;

  // Points into arena(): valid while the plan lives.
  WclsSimulationTask task() const;
  const TaskArena& arena() const { return arena_; }
  int dim() const { return q_ + p_; }
  int num_effects() const { return p_; }
  int sample_size() const { return sample_size_; }
  // Names of the coefficients in fit order: controls (with moderator main effects), then effects.
  const std::vector<std::string>& coefficient_names() const override { return names_; }
  // Probability limits of the WCLS coefficients under the generative model (exact).
  const std::vector<double>& truth() const { return truth_.value; }
  const TruthValues& truth_values() const override { return truth_; }
  uint32_t stream() const { return stream_; }
  // Per decision point inputs of the generative model, for inspection and tests.
  const std::vector<double>& baseline() const { return baseline_; }
  const std::vector<double>& error_sd_control() const { return error_sd_control_; }  // empty: all 1
  const std::vector<double>& error_sd_treated() const { return error_sd_treated_; }
  // The C_t model's Monte Carlo pre-pass (empty subjects when the model has no carryover).
  const ExposureMoments& exposure_moments() const { return exposure_moments_; }

  CellDecisions decisions() const override { return CellDecisions(analysis_.rules, dim(), num_effects()); }
  bool has_permutation_test() const override { return analysis_.permutation.has_value(); }
  void run_replicates(Backend backend, int threads, uint32_t first, uint32_t count,
                      const ReplicateBatchOutput& out) const override;
  double replicate_cost() const override { return double(sample_size_) * availability_.size(); }
  // Cells without a permutation test batch by dimension (kernels/wcls_backend.h's run_wcls_segments).
  std::string batch_key() const override;
  void run_segments(Backend backend, int threads, const std::vector<CellSegment>& segments,
                    const ReplicateBatchOutput& out) const override;
  // The cohort (host/engine/cohort_csv.h) with no outcome where unavailable (never observed),
  // analysed by mrtsim wcls.
  std::string write_cohort(uint32_t replicate, std::ostream& csv, const std::string& csv_path) const override;

 private:
  void build_model(const LiaoModelConfig& model, Hypothesis hypothesis);
  void build_error_scale(const LiaoModelConfig& model);
  void build_carryover(const LiaoModelConfig& model);
  void build_design(const AnalysisConfig& analysis, const LiaoModelConfig& model);
  void compute_truth();

  int sample_size_;
  uint32_t stream_;
  uint64_t seed_;
  SmallSampleCorrection correction_;
  int q_ = 0, p_ = 0;
  std::vector<std::string> names_;
  std::vector<double> availability_, rand_prob_, baseline_, effect_, survival_;
  std::vector<double> error_sd_control_, error_sd_treated_, exposure_shift_;
  ExposureMoments exposure_moments_;
  std::vector<double> controls_, moderators_, numerator_prob_;
  std::vector<WclsWeights> weights_;
  TruthValues truth_;
  AnalysisConfig analysis_;
  TaskArena arena_;
  LiaoModelView model_view_{};
  WclsDesignView design_view_{};
};

}  // namespace mrtsim
