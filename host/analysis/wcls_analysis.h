// WCLS analysis of one MRT data set with the numbers MRTAnalysis::wcls() + summary() report
// (docs/estimators.md §1): data -> design -> fit (kernels/wcls.h) -> inference table.
//
// The design (data plus the per-row control and moderator vectors) is kept apart from the fit, so a
// permutation test can refit the same design many times with re-shuffled treatments.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "host/analysis/design_terms.h"
#include "host/io/mrt_csv.h"
#include "host/stats/joint_test.h"
#include "kernels/wcls.h"

namespace mrtsim {

// MRTAnalysis's numerator probability when none is given.
constexpr double kDefaultNumeratorProb = 0.5;
// MRTAnalysis hard-codes the confidence level (its conf_level argument is ignored).
constexpr double kWclsConfidenceLevel = 0.95;

// The two formulas of MRTAnalysis::wcls(), `~ moderators` and `~ controls`, as column names; both
// always include an intercept.
struct WclsModelSpec {
  std::vector<std::string> moderators;
  std::vector<std::string> controls;
};

// Columns of the alpha block after its intercept: the controls, then the moderators that are not
// among them (MRTAnalysis's model.matrix adds every moderator main effect as a control).
std::vector<std::string> wcls_control_columns(const WclsModelSpec& model);

// Data plus design spec. Row r has the control vector g = controls.row(r) and the moderator vector
// f = moderators.row(r); with p, p~, A and I they give the design row x = (g, (A - p~) f) and the
// weight through wcls_design_row. Coefficients are ordered (alpha, beta) = (control_terms, effect_terms).
struct WclsDesign {
  MrtData data;                            // numerator_prob always filled
  std::vector<std::string> control_terms;  // "(Intercept)", then wcls_control_columns()
  std::vector<std::string> effect_terms;   // "(Intercept)", then the moderators as given
  RowMajorMatrix controls;                 // num_rows x num_controls()
  RowMajorMatrix moderators;               // num_rows x num_effects()

  int num_controls() const { return static_cast<int>(control_terms.size()); }
  int num_effects() const { return static_cast<int>(effect_terms.size()); }
  int dim() const { return num_controls() + num_effects(); }

  // Writes the design row of `row` with treatment `treated` into x (dim() entries) and returns its weight.
  double design_row(std::size_t row, int treated, double* x) const;
};

// Builds the design. `data` must hold the columns of wcls_control_columns(model) as covariates; a
// missing numerator probability becomes kDefaultNumeratorProb. Throws UserError for a model that
// names a column twice or has more coefficients than kMaxWclsDim.
WclsDesign make_wcls_design(MrtData data, const WclsModelSpec& model);

// fit_wcls's result with run-time sizes; theta and variance in the design's coefficient order.
struct WclsEstimate {
  FitStatus status = FitStatus::kNoData;
  int n_eff = 0;
  bool corrected = false;
  Eigen::VectorXd theta;
  Eigen::MatrixXd variance;
  double joint_statistic = 0.0;  // beta' V_beta^-1 beta
};

// Fits WCLS on `design` with the given treatment vector (one entry per row; design.data.treatment
// for the observed data).
WclsEstimate fit_wcls_design(const WclsDesign& design, const std::vector<int>& treatment,
                             SmallSampleCorrection correction);

struct CoefficientInference {
  std::string term;
  double estimate;
  double se;
  double lcl;
  double ucl;
  double p_value;
};

// How the joint test of all effect coefficients (H0: beta = 0) turns the statistic into a p-value.
enum class JointTestForm {
  // Hotelling's T^2: T^2 (N-q-p) / (p (N-q-1)) ~ F(p, N-q-p), N = n_eff, p = #beta, q = #alpha.
  kHotellingT2,
  // MRTAnalysis summary's rule for a contrast with d1 = p nonzero entries (docs/estimators.md §1.4
  // quirk 3): with the correction ("Hotelling") the T^2 multiple is applied inverted; without it
  // ("Wald") the statistic is compared with F(d1, d2) as it is.
  kMrtAnalysis,
};

struct JointTest {
  JointTestForm form;
  std::string reference;  // "Hotelling" or "Wald": the label MRTAnalysis would print
  double statistic;       // beta' V_beta^-1 beta
  double f_statistic;     // statistic on the scale of F(df1, df2)
  int df1;
  int df2;
  double critical_value;  // of `statistic` at level 1 - kWclsConfidenceLevel
  double p_value;
};

// Per-coefficient t-intervals at `confidence_level` and two-sided t p-values with `df` degrees of
// freedom, for the coefficients first, first + 1, ... of theta, named by `terms`.
std::vector<CoefficientInference> t_coefficient_block(const std::vector<std::string>& terms,
                                                      const Eigen::VectorXd& theta, const Eigen::MatrixXd& variance,
                                                      int first, double df, double confidence_level);

// The scale that refers the statistic beta' V_beta^-1 beta to F under `form` (host/stats/joint_test.h).
JointTestScale joint_test_scale(JointTestForm form, int num_effects, int dim, int n_eff);

// The joint test of beta = 0 from statistic = beta' V_beta^-1 beta by the rule of
// host/stats/joint_test.h; its critical value is that of a test at level 1 - `level`.
JointTest joint_test(JointTestForm form, double statistic, int num_effects, int dim, int n_eff, double level);

struct WclsAnalysis {
  std::size_t n_subjects;  // subjects in the data
  int n_eff;               // subjects with at least one available row
  int df;                  // n_eff - dim
  bool small_sample_correction;
  std::vector<CoefficientInference> effect;   // beta block
  std::vector<CoefficientInference> control;  // alpha block
  Eigen::MatrixXd effect_variance;            // V_beta, for contrasts of the effect coefficients
  std::optional<JointTest> joint;             // absent when V_beta is singular
};

// Per-coefficient t-intervals and p-values with df = n_eff - dim (MRTAnalysis's rule for a single
// coefficient in both of its branches) and the joint test. Throws UserError when the fit failed.
WclsAnalysis wcls_inference(const WclsDesign& design, const WclsEstimate& estimate, JointTestForm form);

// Fits the observed data with MRTAnalysis's correction rule (only when n_eff <= 50) and infers.
WclsAnalysis analyze_wcls(const WclsDesign& design, JointTestForm form);

}  // namespace mrtsim
