// EMEE / EMEE2 analysis of one MRT data set with a binary proximal outcome, with the numbers
// MRTAnalysis::emee() / emee2() + summary() report (docs/estimators.md §4): data -> design -> fit
// (kernels/emee.h) -> inference table on the log relative-risk scale.
//
// As for WCLS, the design is kept apart from the fit so that a permutation test can refit it with
// reshuffled treatments.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "host/analysis/design_terms.h"
#include "host/analysis/wcls_analysis.h"  // CoefficientInference, JointTest, kDefaultNumeratorProb
#include "host/io/mrt_csv.h"
#include "kernels/emee.h"

namespace mrtsim {

// "emee" / "emee2".
const char* emee_variant_name(EmeeVariant variant);

// The formulas `~ moderators` and `~ controls` of MRTAnalysis::emee(), as column names; both always
// include an intercept. Unlike wcls(), emee() does not add the moderators to the controls.
struct EmeeModelSpec {
  std::vector<std::string> moderators;
  std::vector<std::string> controls;
  EmeeVariant variant = EmeeVariant::kEmee;
};

// summary.emee_fit's default conf_level.
constexpr double kDefaultEmeeConfidenceLevel = 0.95;

// The column spec's checks for `model`: the controls and moderators as covariates, a 0/1 outcome on
// available rows, and for EMEE2 complete rows everywhere (its small-sample correction uses the
// unavailable rows, see kernels/emee.h).
MrtColumnSpec emee_column_spec(MrtColumnSpec columns, const EmeeModelSpec& model);

// Data plus design: row r has the control terms controls.row(r) (g) and the moderator terms
// moderators.row(r) (f). Coefficients are ordered (alpha, beta) = (control_terms, effect_terms).
struct EmeeDesign {
  MrtData data;                            // numerator_prob always filled
  EmeeVariant variant = EmeeVariant::kEmee;
  std::vector<std::string> control_terms;  // "(Intercept)", then the controls as given
  std::vector<std::string> effect_terms;   // "(Intercept)", then the moderators as given
  RowMajorMatrix controls;                 // num_rows x num_controls()
  RowMajorMatrix moderators;               // num_rows x num_effects()

  int num_controls() const { return static_cast<int>(control_terms.size()); }
  int num_effects() const { return static_cast<int>(effect_terms.size()); }
  int dim() const { return num_controls() + num_effects(); }

  // Row `row` as the kernel sees it, with treatment `treated`.
  EmeeRow row(std::size_t row, int treated) const;
};

// `data` must come from read_mrt_csv(path, emee_column_spec(...)). A missing numerator probability
// becomes kDefaultNumeratorProb. Throws UserError for a column listed twice or more than kMaxWclsDim
// coefficients.
EmeeDesign make_emee_design(MrtData data, const EmeeModelSpec& model);

// fit_emee's result with run-time sizes, coefficients in the design's order.
struct EmeeEstimate {
  FitStatus status = FitStatus::kNoData;
  int iterations = 0;
  Eigen::VectorXd theta;
  Eigen::MatrixXd variance;             // small-sample adjusted
  Eigen::MatrixXd variance_unadjusted;
  double joint_statistic = 0.0;         // beta' V_beta^-1 beta, adjusted V
  double max_fitted_prob = 0.0;
};

// Fits the design with the given treatment vector (one entry per row; design.data.treatment for the
// observed data) from theta = 0, MRTAnalysis's default start.
EmeeEstimate fit_emee_design(const EmeeDesign& design, const std::vector<int>& treatment);

struct EmeeAnalysis {
  EmeeVariant variant;
  std::size_t n_subjects;
  int df;  // n_subjects - p - q
  double confidence_level;
  int iterations;
  std::vector<CoefficientInference> effect;   // beta block, adjusted SEs
  std::vector<CoefficientInference> control;  // alpha block, adjusted SEs
  std::vector<double> effect_se_unadjusted;
  std::vector<double> control_se_unadjusted;
  // Hotelling's T^2 test of beta = 0 with the adjusted variance: T^2 (n-q-p) / (p (n-q-1)) ~ F(p, n-q-p)
  // (the test of Cohn et al. 2023); absent when V_beta is singular.
  std::optional<JointTest> joint;
};

// summary()'s table: t-intervals at `confidence_level` and t p-values with df = n - p - q. Throws
// UserError naming the cause when the fit failed (no root, a fitted probability >= 1, singular
// matrices, too few subjects).
EmeeAnalysis emee_inference(const EmeeDesign& design, const EmeeEstimate& estimate, double confidence_level);

// Fits the observed data and infers.
EmeeAnalysis analyze_emee(const EmeeDesign& design, double confidence_level);

}  // namespace mrtsim
