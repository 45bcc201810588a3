// DCEE analysis of one MRT data set with the numbers MRTAnalysis::dcee() + summary() report
// (docs/estimators.md §2): data -> design -> stage 1 (nuisance models mu_a per arm, by lm, gam or a
// random forest, optionally cross-fitted) -> pseudo-outcomes -> stage 2 (kernels/dcee.h sums) ->
// inference table. The simulation engine runs the same stages on simulated cohorts
// (host/engine/distal_learner_plan.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "core/enum_table.h"
#include "host/analysis/wcls_analysis.h"  // CoefficientInference, RowMajorMatrix
#include "host/io/mrt_csv.h"
#include "host/learners/gam_terms.h"
#include "host/learners/random_forest.h"

namespace mrtsim {

// The nuisance learner of stage 1 (MRTAnalysis's control_reg_method).
enum class DceeLearner {
  kLm,            // OLS with intercept on the controls, one fit per arm
  kGam,           // mgcv::gam with its defaults; controls may hold smooth terms s(col, ...) (docs/gam.md)
  kRandomForest,  // a regression forest with ranger's defaults (docs/random_forest.md)
  kSetToZero,     // mu0 = mu1 = 0: the pure IPW estimator
};
inline constexpr auto kDceeLearnerNames = make_enum_table<DceeLearner>({{DceeLearner::kLm, "lm"},
                                                                        {DceeLearner::kGam, "gam"},
                                                                        {DceeLearner::kRandomForest, "rf"},
                                                                        {DceeLearner::kSetToZero, "set_to_zero"}});

struct DceeModelSpec {
  std::vector<std::string> moderators;  // ~ moderators: intercept plus the raw columns
  // The terms of the nuisance models (intercept always): column names and, with the gam learner only,
  // smooth terms s(col), s(col, bs = "cr"), s(col, k = 5) as mgcv writes them.
  std::vector<std::string> controls;
  DceeLearner learner = DceeLearner::kLm;
  // rf hyper-parameters; each forest's seed is derived from `seed` (nuisance_learner_seed), so
  // `forest.seed` is not used.
  RandomForestParams forest;
  // Empty: 1/Tbar with Tbar = rows / subjects (MRTAnalysis's default); a number: that constant;
  // anything else: the name of a per-row weight column.
  std::string weight;
  int cross_fit_folds = 0;  // 0: no cross-fitting; else K (capped at the number of subjects)
  // Cross-fitting folds given per subject instead (a column of integers 0..K-1, the same on all of a
  // subject's rows, every fold used): e.g. the folds of a simulation study's replicate.
  std::string fold_column;
  uint64_t seed = 0;        // keys the fold assignment and the random forests
  double confidence_level = 0.95;
};

// The covariate columns the data must hold for `model`: controls (the columns of smooth terms),
// moderators, weight column.
std::vector<std::string> dcee_covariate_columns(const DceeModelSpec& model);

// The column spec's checks as MRTAnalysis::dcee makes them: every row complete (see
// MrtColumnSpec::every_row_complete) and the covariates of `model`.
MrtColumnSpec dcee_column_spec(MrtColumnSpec columns, const DceeModelSpec& model);

// Stage 1's learner and its model: the control terms parsed (linear columns, and smooths for gam)
// and the forest's hyper-parameters.
struct DceeNuisanceSpec {
  DceeLearner learner = DceeLearner::kLm;
  GamFormula formula;
  RandomForestParams forest;
};

// Checks the learner against its terms as MRTAnalysis does (smooth terms only with gam; rf needs at
// least one control column) and parses them. Throws UserError naming the term.
DceeNuisanceSpec make_nuisance_spec(DceeLearner learner, const std::vector<std::string>& controls,
                                    const RandomForestParams& forest = {});

struct DceeDesign {
  MrtData data;
  std::vector<std::string> effect_terms;  // "(Intercept)", then the moderators as given
  RowMajorMatrix moderators;              // num_rows x num_effects(): S_it
  // lm: num_rows x (1 + linear columns), the intercept first; rf: the columns alone; gam reads the
  // columns from `data`.
  RowMajorMatrix controls;
  std::vector<double> weight;  // omega_it
  DceeNuisanceSpec nuisance;

  int num_effects() const { return static_cast<int>(effect_terms.size()); }
};

// `data` must come from read_mrt_csv(path, dcee_column_spec(...)), or be a simulated cohort with
// the covariate columns dcee_covariate_columns(model) names.
DceeDesign make_dcee_design(MrtData data, const DceeModelSpec& model);

// Fold (0..folds-1) of each subject: subjects ordered by a Philox draw keyed by
// StreamKey{seed, scenario 0, replicate 0, subject index, StreamPurpose::kFold} (draw 0, ties by
// index), and the j-th subject of that order in fold j mod folds. Fold sizes differ by at most 1.
std::vector<int> cross_fit_folds(std::size_t num_subjects, int folds, uint64_t seed);

// Where the random numbers of a data set's learners come from: the study seed and the data set's
// (scenario stream, replicate) in a simulation, (seed, 0, 0) for `mrtsim dcee`.
struct LearnerStream {
  uint64_t seed = 0;
  uint32_t scenario = 0;
  uint32_t replicate = 0;
};

// The seed of the random forest of arm `arm` fitted for cross-fitting fold `fold` (0 without
// cross-fitting): Philox words 0-1 of StreamKey{seed, scenario, replicate, 2 * fold + arm, kLearner}.
uint64_t nuisance_learner_seed(const LearnerStream& stream, int arm, int fold);

struct DceeEstimate {
  Eigen::VectorXd beta;
  Eigen::MatrixXd variance;  // B^-1 M B^-1 / n
};

// Stage 1 and the pseudo-outcomes psi_it of every row (docs/estimators.md §2.5; 0 on unavailable
// rows). `subject_fold` empty: nuisances fitted once per arm on all of the arm's rows; otherwise the
// fold of every subject (0..num_folds-1), and fold k's rows get nuisances fitted on the other folds'
// rows. Throws FitFailure (host/stats/fit_failure.h) when a nuisance fit fails on these data (a
// singular lm, an arm without rows, a gam that cannot be fitted), naming the arm and fold.
std::vector<double> dcee_pseudo_outcomes(const DceeDesign& design, const std::vector<int>& subject_fold = {},
                                         int num_folds = 0, const LearnerStream& stream = {});

// Stage 2 with moderator rows S (num_rows x p): beta and its sandwich variance. Throws FitFailure
// (kSingularBread) for a singular bread.
DceeEstimate dcee_stage2(const DceeDesign& design, const RowMajorMatrix& moderators, const std::vector<double>& psi);

// Both stages with the design's moderators.
DceeEstimate fit_dcee(const DceeDesign& design, const std::vector<int>& subject_fold = {}, int num_folds = 0,
                      const LearnerStream& stream = {});

struct DceeAnalysis {
  std::size_t n_subjects;
  int df;  // n_subjects - num_effects
  double confidence_level;
  DceeLearner learner;
  std::optional<int> cross_fit_folds;  // K actually used
  std::optional<uint64_t> seed;        // with cross-fitting or random forests
  std::vector<CoefficientInference> effect;
  Eigen::MatrixXd variance;
};

// Fits as `model` says and adds summary.dcee_fit's t-intervals and p-values (normal quantiles
// when df <= 0, as MRTAnalysis).
DceeAnalysis analyze_dcee(const DceeDesign& design, const DceeModelSpec& model);

}  // namespace mrtsim
