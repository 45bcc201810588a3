#include "host/analysis/emee_analysis.h"

#include <cmath>
#include <sstream>
#include <stdexcept>
#include <utility>

#include "core/user_error.h"
#include "kernels/dim_dispatch.h"

namespace mrtsim {
namespace {

// Not inlined, as in wcls_analysis.cc: one function per dimension keeps the optimizer's work small.
template <int D>
[[gnu::noinline]] EmeeEstimate fit_fixed_dim(const EmeeDesign& design, const std::vector<int>& treatment) {
  const MrtData& data = design.data;
  auto subject_rows = [&](int subject, auto&& visit) {
    for (std::size_t row = data.subject_begin[subject]; row < data.subject_begin[subject + 1]; ++row)
      visit(design.row(row, treatment[row]));
  };
  const EmeeFit<D> fit = fit_emee<D>(subject_rows, static_cast<int>(data.num_subjects()), design.num_effects(),
                                     design.variant, Vec<D>::Zero());
  EmeeEstimate estimate;
  estimate.status = fit.status;
  estimate.iterations = fit.iterations;
  estimate.theta = fit.theta;
  estimate.variance = fit.variance;
  estimate.variance_unadjusted = fit.variance_unadjusted;
  estimate.joint_statistic = fit.joint_statistic;
  estimate.max_fitted_prob = fit.max_fitted_prob;
  return estimate;
}

std::string format_number(double value) {
  std::ostringstream out;
  out.precision(10);
  out << value;
  return out.str();
}

// Turns a failed fit into a message a user can act on.
void require_fit(const EmeeDesign& design, const EmeeEstimate& estimate) {
  const std::string name = emee_variant_name(design.variant);
  switch (estimate.status) {
    case FitStatus::kOk:
    case FitStatus::kSingularVariance:  // coefficients and SEs are fine; only the joint test is undefined
      return;
    case FitStatus::kNoData:
      throw UserError(name + " needs more subjects than coefficients (df = n - p - q >= 1), but the data have " +
                      std::to_string(design.data.num_subjects()) + " subjects for " + std::to_string(design.dim()) +
                      " coefficients");
    case FitStatus::kSingularBread:
      throw UserError(name + ": the Jacobian of the estimating equations is singular (at Newton iteration " +
                      std::to_string(estimate.iterations) +
                      "): some control or moderator columns are collinear or constant on the available rows, "
                      "or one treatment arm has no outcome 1");
    case FitStatus::kNotConverged:
      throw UserError(name + ": Newton's method found no root of the estimating equations from theta = 0 within " +
                      std::to_string(kEmeeMaxIterations) +
                      " iterations (the iterates diverge or cycle); the log-linear model may not fit these data");
    case FitStatus::kSingularLeaveOut:
      throw UserError(name + ": the small-sample correction is undefined: I - H_ii is singular for some subject "
                             "(a coefficient is determined by a single subject)");
    case FitStatus::kFittedProbabilityAtLeastOne:
      throw UserError(name + ": at the root, a fitted success probability exp(...) on an available row is " +
                      format_number(estimate.max_fitted_prob) +
                      " >= 1; the log relative-risk model does not fit these data (rescale or drop covariates)");
    case FitStatus::kNonFiniteEstimate:
      throw non_finite_fit_error(name, design.data);
    case FitStatus::kSingularNuisance:  // DCEE and learner statuses: an EMEE fit never returns them
    case FitStatus::kTooFewUniqueValues:
    case FitStatus::kConstantTreatment:
    case FitStatus::kLearnerError:
      break;
  }
  throw std::logic_error("unexpected EMEE fit status");
}

std::vector<double> standard_errors(const Eigen::MatrixXd& variance, int first, int count) {
  std::vector<double> se;
  for (int j = first; j < first + count; ++j) se.push_back(std::sqrt(variance(j, j)));
  return se;
}

}  // namespace

const char* emee_variant_name(EmeeVariant variant) { return variant == EmeeVariant::kEmee ? "emee" : "emee2"; }

MrtColumnSpec emee_column_spec(MrtColumnSpec columns, const EmeeModelSpec& model) {
  columns.covariates = model.controls;
  for (const std::string& moderator : model.moderators)
    if (!contains(columns.covariates, moderator)) columns.covariates.push_back(moderator);
  columns.binary_outcome = true;
  if (model.variant == EmeeVariant::kEmee2) {
    columns.every_row_complete = true;
    columns.rand_prob_on_every_row = true;
    columns.every_row_reason = "emee2's small-sample correction uses unavailable rows too, as MRTAnalysis::emee2";
  }
  return columns;
}

EmeeRow EmeeDesign::row(std::size_t r, int treated) const {
  return EmeeRow{controls.row(r).data(), moderators.row(r).data(), treated, data.outcome[r], data.rand_prob[r],
                 data.numerator_prob[r], data.available[r] != 0};
}

EmeeDesign make_emee_design(MrtData data, const EmeeModelSpec& model) {
  require_distinct(model.moderators, "moderators");
  require_distinct(model.controls, "controls");
  const int dim = static_cast<int>(model.controls.size() + model.moderators.size()) + 2;
  if (dim > kMaxWclsDim)
    throw UserError("the " + std::string(emee_variant_name(model.variant)) + " model has " + std::to_string(dim) +
                    " coefficients; mrtsim supports at most " + std::to_string(kMaxWclsDim));
  EmeeDesign design;
  design.variant = model.variant;
  design.controls = term_matrix(data, model.controls);
  design.moderators = term_matrix(data, model.moderators);
  design.control_terms = with_intercept(model.controls);
  design.effect_terms = with_intercept(model.moderators);
  if (data.numerator_prob.empty()) data.numerator_prob.assign(data.num_rows(), kDefaultNumeratorProb);
  design.data = std::move(data);
  return design;
}

EmeeEstimate fit_emee_design(const EmeeDesign& design, const std::vector<int>& treatment) {
  if (treatment.size() != design.data.num_rows())
    throw std::invalid_argument("fit_emee_design: the treatment vector has " + std::to_string(treatment.size()) +
                                " entries for " + std::to_string(design.data.num_rows()) + " rows");
  return dispatch_dim(design.dim(), [&](auto dim) { return fit_fixed_dim<decltype(dim)::value>(design, treatment); });
}

EmeeAnalysis emee_inference(const EmeeDesign& design, const EmeeEstimate& estimate, double confidence_level) {
  if (!(confidence_level > 0.0 && confidence_level < 1.0))
    throw UserError("the confidence level must lie strictly between 0 and 1, got " + format_number(confidence_level));
  require_fit(design, estimate);
  EmeeAnalysis analysis;
  analysis.variant = design.variant;
  analysis.n_subjects = design.data.num_subjects();
  analysis.df = static_cast<int>(analysis.n_subjects) - design.dim();
  analysis.confidence_level = confidence_level;
  analysis.iterations = estimate.iterations;
  const int q = design.num_controls(), p = design.num_effects();
  analysis.control = t_coefficient_block(design.control_terms, estimate.theta, estimate.variance, 0, analysis.df,
                                         confidence_level);
  analysis.effect =
      t_coefficient_block(design.effect_terms, estimate.theta, estimate.variance, q, analysis.df, confidence_level);
  analysis.control_se_unadjusted = standard_errors(estimate.variance_unadjusted, 0, q);
  analysis.effect_se_unadjusted = standard_errors(estimate.variance_unadjusted, q, p);
  if (estimate.status == FitStatus::kOk)
    analysis.joint = joint_test(JointTestForm::kHotellingT2, estimate.joint_statistic, p, design.dim(),
                                static_cast<int>(analysis.n_subjects), confidence_level);
  return analysis;
}

EmeeAnalysis analyze_emee(const EmeeDesign& design, double confidence_level) {
  return emee_inference(design, fit_emee_design(design, design.data.treatment), confidence_level);
}

}  // namespace mrtsim
