// DCEE analysis of one MRT data set with the numbers MRTAnalysis::dcee() + summary() report
// (docs/estimators.md §2): data -> design -> fit (kernels/dcee.h sums) -> inference table.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "host/analysis/wcls_analysis.h"  // CoefficientInference, RowMajorMatrix
#include "host/io/mrt_csv.h"

namespace mrtsim {

enum class DceeLearner {
  kLm,         // OLS with intercept on the controls, one fit per arm
  kSetToZero,  // mu0 = mu1 = 0: the pure IPW estimator
};

const char* learner_name(DceeLearner learner);

struct DceeModelSpec {
  std::vector<std::string> moderators;  // ~ moderators: intercept plus the raw columns
  std::vector<std::string> controls;    // ~ controls of the nuisance models: intercept plus the columns
  DceeLearner learner = DceeLearner::kLm;
  // Empty: 1/Tbar with Tbar = rows / subjects (MRTAnalysis's default); a number: that constant;
  // anything else: the name of a per-row weight column.
  std::string weight;
  int cross_fit_folds = 0;  // 0: no cross-fitting; else K (capped at the number of subjects)
  uint64_t seed = 0;        // keys the fold assignment
  double confidence_level = 0.95;
};

// The covariate columns the data must hold for `model`: controls, moderators, weight column.
std::vector<std::string> dcee_covariate_columns(const DceeModelSpec& model);

// The column spec's checks as MRTAnalysis::dcee makes them: every row complete (see
// MrtColumnSpec::every_row_complete) and the covariates of `model`.
MrtColumnSpec dcee_column_spec(MrtColumnSpec columns, const DceeModelSpec& model);

struct DceeDesign {
  MrtData data;
  std::vector<std::string> effect_terms;    // "(Intercept)", then the moderators as given
  std::vector<std::string> nuisance_terms;  // "(Intercept)", then the controls
  RowMajorMatrix moderators;                // num_rows x num_effects(): S_it
  RowMajorMatrix controls;                  // num_rows x num_nuisance(): x_it
  std::vector<double> weight;               // omega_it

  int num_effects() const { return static_cast<int>(effect_terms.size()); }
  int num_nuisance() const { return static_cast<int>(nuisance_terms.size()); }
};

// `data` must come from read_mrt_csv(path, dcee_column_spec(...)).
DceeDesign make_dcee_design(MrtData data, const DceeModelSpec& model);

// Fold (0..folds-1) of each subject: subjects ordered by a Philox draw keyed by
// StreamKey{seed, scenario 0, replicate 0, subject index, StreamPurpose::kFold} (draw 0, ties by
// index), and the j-th subject of that order in fold j mod folds. Fold sizes differ by at most 1.
std::vector<int> cross_fit_folds(std::size_t num_subjects, int folds, uint64_t seed);

struct DceeEstimate {
  Eigen::VectorXd beta;
  Eigen::MatrixXd variance;  // B^-1 M B^-1 / n
};

// Fits DCEE. `subject_fold` empty: nuisances fitted once on all rows; otherwise the fold of every
// subject (0..num_folds-1) and fold k's rows get nuisances fitted on the other folds' rows.
// Throws UserError for a singular nuisance fit or bread.
DceeEstimate fit_dcee(const DceeDesign& design, DceeLearner learner, const std::vector<int>& subject_fold = {},
                      int num_folds = 0);

struct DceeAnalysis {
  std::size_t n_subjects;
  int df;  // n_subjects - num_effects
  double confidence_level;
  DceeLearner learner;
  std::optional<int> cross_fit_folds;  // K actually used
  std::optional<uint64_t> seed;        // with cross-fitting
  std::vector<CoefficientInference> effect;
  Eigen::MatrixXd variance;
};

// Fits as `model` says and adds summary.dcee_fit's t-intervals and p-values (normal quantiles
// when df <= 0, as MRTAnalysis).
DceeAnalysis analyze_dcee(const DceeDesign& design, const DceeModelSpec& model);

}  // namespace mrtsim
