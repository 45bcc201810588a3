#include "host/analysis/wcls_analysis.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <utility>

#include "host/stats/distributions.h"
#include "host/stats/joint_test.h"
#include "core/user_error.h"
#include "kernels/dim_dispatch.h"

namespace mrtsim {
namespace {

// Not inlined: inlining all kMaxWclsDim instances into the dispatcher makes one huge function
// that takes the compiler minutes and gigabytes to optimize.
template <int D>
[[gnu::noinline]] WclsEstimate fit_fixed_dim(const WclsDesign& design, const std::vector<int>& treatment,
                           SmallSampleCorrection correction) {
  const MrtData& data = design.data;
  auto subject_stats = [&](int subject, WclsSubjectStats<D>& stats) {
    stats.clear();
    double x[D];
    for (std::size_t row = data.subject_begin[subject]; row < data.subject_begin[subject + 1]; ++row) {
      const double weight = design.design_row(row, treatment[row], x);
      stats.add_row(x, weight, data.outcome[row]);
    }
  };
  const int n_subjects = static_cast<int>(data.num_subjects());
  std::vector<WclsSubjectStats<D>> scratch(n_subjects);
  const WclsFit<D> fit = fit_wcls<D>(subject_stats, n_subjects, design.num_effects(), correction, scratch.data());

  WclsEstimate estimate;
  estimate.status = fit.status;
  estimate.n_eff = fit.n_eff;
  estimate.corrected = fit.corrected;
  estimate.theta = fit.theta;
  estimate.variance = fit.variance;
  estimate.joint_statistic = fit.joint_statistic;
  return estimate;
}

// Turns a failed fit into a message a user can act on.
void require_fit(const WclsEstimate& estimate, int dim, const MrtData& data) {
  switch (estimate.status) {
    case FitStatus::kOk:
    case FitStatus::kSingularVariance:  // coefficients are fine; only the joint test is undefined
      return;
    case FitStatus::kNoData:
      throw UserError("only " + std::to_string(estimate.n_eff) + " subjects have an available row, but the model has " +
                      std::to_string(dim) + " coefficients: WCLS needs more subjects than coefficients");
    case FitStatus::kSingularBread:
      throw UserError("the WCLS design matrix is singular on the available rows: some control or moderator "
                      "columns are collinear or constant");
    case FitStatus::kSingularLeaveOut:
      throw UserError("the small-sample correction is undefined: leaving out one subject makes the design "
                      "singular (a coefficient is determined by a single subject)");
    case FitStatus::kNonFiniteEstimate:
      throw non_finite_fit_error("WCLS", data);
    case FitStatus::kSingularNuisance:  // DCEE, EMEE and learner statuses: a WCLS fit never returns them
    case FitStatus::kNotConverged:
    case FitStatus::kFittedProbabilityAtLeastOne:
    case FitStatus::kTooFewUniqueValues:
    case FitStatus::kConstantTreatment:
    case FitStatus::kLearnerError:
      break;
  }
  throw std::logic_error("unknown WCLS fit status");
}

}  // namespace

std::vector<CoefficientInference> t_coefficient_block(const std::vector<std::string>& terms,
                                                      const Eigen::VectorXd& theta, const Eigen::MatrixXd& variance,
                                                      int first, double df, double confidence_level) {
  const double critical = student_t_quantile(df, 0.5 + confidence_level / 2);
  std::vector<CoefficientInference> block;
  for (std::size_t k = 0; k < terms.size(); ++k) {
    const int j = first + static_cast<int>(k);
    const double estimate_j = theta(j);
    // A variance of 0 (or below, by rounding) leaves no t statistic: refuse rather than print NaN.
    if (!(variance(j, j) > 0.0))
      throw UserError("the sandwich variance of '" + terms[k] + "' is " + input_value_text(variance(j, j)) +
                      ": the data determine this coefficient exactly, so it has no standard error or test "
                      "(check that column for constant or degenerate values)");
    const double se = std::sqrt(variance(j, j));
    block.push_back({terms[k], estimate_j, se, estimate_j - critical * se, estimate_j + critical * se,
                     student_t_two_sided_p(df, estimate_j / se)});
  }
  return block;
}

JointTestScale joint_test_scale(JointTestForm form, int num_effects, int dim, int n_eff) {
  return form == JointTestForm::kHotellingT2 ? hotelling_t2_scale(num_effects, dim, n_eff)
                                             : mrtanalysis_scale(num_effects, dim, n_eff);
}

JointTest joint_test(JointTestForm form, double statistic, int num_effects, int dim, int n_eff, double level) {
  const JointTestScale scale = joint_test_scale(form, num_effects, dim, n_eff);
  JointTest test;
  test.form = form;
  test.reference = scale.reference;
  test.statistic = statistic;
  test.df1 = scale.df1;
  test.df2 = scale.df2;
  test.f_statistic = test.statistic * scale.t2_to_f;
  test.critical_value = f_quantile(scale.df1, scale.df2, level) / scale.t2_to_f;
  test.p_value = f_upper_tail(scale.df1, scale.df2, test.f_statistic);
  return test;
}

std::vector<std::string> wcls_control_columns(const WclsModelSpec& model) {
  std::vector<std::string> columns = model.controls;
  for (const std::string& moderator : model.moderators)
    if (!contains(columns, moderator)) columns.push_back(moderator);
  return columns;
}

double WclsDesign::design_row(std::size_t row, int treated, double* x) const {
  return wcls_design_row(controls.row(row).data(), num_controls(), moderators.row(row).data(), num_effects(),
                         data.numerator_prob[row], wcls_weights(data.numerator_prob[row], data.rand_prob[row]),
                         treated, data.available[row] != 0, x);
}

WclsDesign make_wcls_design(MrtData data, const WclsModelSpec& model) {
  require_distinct(model.moderators, "moderators");
  require_distinct(model.controls, "controls");
  const std::vector<std::string> control_columns = wcls_control_columns(model);
  const int dim = static_cast<int>(control_columns.size() + model.moderators.size()) + 2;
  if (dim > kMaxWclsDim)
    throw UserError("the WCLS model has " + std::to_string(dim) + " coefficients; mrtsim supports at most " +
                    std::to_string(kMaxWclsDim));

  WclsDesign design;
  design.controls = term_matrix(data, control_columns);
  design.moderators = term_matrix(data, model.moderators);
  design.control_terms = with_intercept(control_columns);
  design.effect_terms = with_intercept(model.moderators);
  if (data.numerator_prob.empty()) data.numerator_prob.assign(data.num_rows(), kDefaultNumeratorProb);
  design.data = std::move(data);
  return design;
}

WclsEstimate fit_wcls_design(const WclsDesign& design, const std::vector<int>& treatment,
                             SmallSampleCorrection correction) {
  if (treatment.size() != design.data.num_rows())
    throw std::invalid_argument("fit_wcls_design: the treatment vector has " + std::to_string(treatment.size()) +
                                " entries for " + std::to_string(design.data.num_rows()) + " rows");
  return dispatch_dim(design.dim(), [&](auto dim) {
    return fit_fixed_dim<decltype(dim)::value>(design, treatment, correction);
  });
}

WclsAnalysis wcls_inference(const WclsDesign& design, const WclsEstimate& estimate, JointTestForm form) {
  require_fit(estimate, design.dim(), design.data);
  WclsAnalysis analysis;
  analysis.n_subjects = design.data.num_subjects();
  analysis.n_eff = estimate.n_eff;
  analysis.df = estimate.n_eff - design.dim();
  analysis.small_sample_correction = estimate.corrected;
  analysis.control = t_coefficient_block(design.control_terms, estimate.theta, estimate.variance, 0, analysis.df,
                                         kWclsConfidenceLevel);
  analysis.effect = t_coefficient_block(design.effect_terms, estimate.theta, estimate.variance,
                                        design.num_controls(), analysis.df, kWclsConfidenceLevel);
  analysis.effect_variance = estimate.variance.bottomRightCorner(design.num_effects(), design.num_effects());
  if (estimate.status == FitStatus::kOk)
    analysis.joint = joint_test(form, estimate.joint_statistic, design.num_effects(), design.dim(), estimate.n_eff,
                                kWclsConfidenceLevel);
  return analysis;
}

WclsAnalysis analyze_wcls(const WclsDesign& design, JointTestForm form) {
  const WclsEstimate estimate =
      fit_wcls_design(design, design.data.treatment, SmallSampleCorrection::kMrtAnalysis);
  return wcls_inference(design, estimate, form);
}

}  // namespace mrtsim
