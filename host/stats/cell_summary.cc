#include "host/stats/cell_summary.h"

#include <cmath>

namespace mrtsim {

namespace {

constexpr double kFlagLevel = 0.05;

void append(std::vector<double>& into, const std::vector<double>& values) {
  into.insert(into.end(), values.begin(), values.end());
}

}  // namespace

void merge_partial(CellPartial& into, const CellPartial& other) {
  if (into.dim != other.dim) throw std::logic_error("merge_partial: cells with different coefficients");
  into.fits.insert(into.fits.end(), other.fits.begin(), other.fits.end());
  append(into.estimates, other.estimates);
  append(into.std_errors, other.std_errors);
  append(into.std_errors_unadjusted, other.std_errors_unadjusted);
}

CellAccumulator::CellAccumulator(CellDecisions decisions, std::size_t num_coefficients)
    : decisions_(std::move(decisions)), partial_(num_coefficients) {}

void CellAccumulator::add(long long replicate, int status, int n_eff, double joint_statistic, const double* estimates,
                          const double* std_errors, double joint_statistic_unadjusted,
                          const double* std_errors_unadjusted) {
  ReplicateFit fit{replicate, status, n_eff};
  if (status == static_cast<int>(FitStatus::kOk)) {
    const double critical = decisions_.joint_critical_value(n_eff);
    if (std::isinf(critical)) {  // the test is undefined for this n_eff: a failed fit
      fit.status = static_cast<int>(FitStatus::kNoData);
    } else {
      fit.reject = joint_statistic > critical;
      fit.reject_unadjusted = std_errors_unadjusted && joint_statistic_unadjusted > critical;
    }
  }
  const bool fitted = fit.status == static_cast<int>(FitStatus::kOk);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (std::size_t j = 0; j < partial_.dim; ++j) {
    partial_.estimates.push_back(fitted ? estimates[j] : nan);
    partial_.std_errors.push_back(fitted ? std_errors[j] : nan);
    if (std_errors_unadjusted) partial_.std_errors_unadjusted.push_back(fitted ? std_errors_unadjusted[j] : nan);
  }
  partial_.fits.push_back(fit);
}

void CellAccumulator::add_permutation(double joint_p_value, int failed_reshuffles) {
  ReplicateFit& fit = partial_.fits.back();
  fit.permutation_p = joint_p_value;
  fit.failed_reshuffles = failed_reshuffles;
}

std::vector<ReplicateRecord> coefficient_records(const CellPartial& partial, std::size_t coefficient,
                                                 const CellDecisions& decisions, bool unadjusted) {
  const std::vector<double>& se = unadjusted ? partial.std_errors_unadjusted : partial.std_errors;
  std::vector<ReplicateRecord> records;
  records.reserve(partial.fits.size());
  for (std::size_t r = 0; r < partial.fits.size(); ++r) {
    const ReplicateFit& fit = partial.fits[r];
    ReplicateRecord record;
    record.replicate = fit.replicate;
    record.status = fit.status;
    record.estimate = partial.estimates[r * partial.dim + coefficient];
    record.se = se[r * partial.dim + coefficient];
    record.df = decisions.interval_df(fit.n_eff, coefficient);
    record.reject = unadjusted ? fit.reject_unadjusted : fit.reject;
    // No interval without residual degrees of freedom: the coefficient has no fit to measure.
    if (record.status == static_cast<int>(FitStatus::kOk) && !(record.df > 0.0))
      record.status = static_cast<int>(FitStatus::kNoData);
    records.push_back(record);
  }
  return records;
}

namespace {

// The joint test's rejections (with the adjusted or the unadjusted variance) among the successful fits.
RejectionSummary joint_rejections(const CellPartial& partial, const CellTargets& targets, bool unadjusted,
                                  long long fitted) {
  long long rejections = 0;
  for (const ReplicateFit& fit : partial.fits) rejections += unadjusted ? fit.reject_unadjusted : fit.reject;
  return summarize_rejections(rejections, fitted, targets.nominal, targets.under_null);
}

RejectionSummary permutation_rejections(const CellPartial& partial, const CellTargets& targets, double alpha) {
  long long tested = 0, rejections = 0;
  for (const ReplicateFit& fit : partial.fits) {
    if (std::isnan(fit.permutation_p)) continue;
    ++tested;
    rejections += fit.permutation_p <= alpha;
  }
  return summarize_rejections(rejections, tested, targets.nominal, targets.under_null);
}

CoefficientSummary coefficient_summary(const CellPartial& partial, std::size_t j, const CellTargets& targets,
                                       const CellDecisions& decisions) {
  MeasureSettings settings;
  settings.truth = targets.truth[j];
  settings.level = decisions.ci_level();
  settings.rejection = RejectionRule::kWaldTest;
  settings.nominal_rejection = decisions.alpha();  // the Wald test of coefficient = 0 at the study's alpha
  settings.under_null = settings.truth == 0.0;
  CoefficientSummary c{targets.names[j], targets.truth[j],
                       summarize_performance(coefficient_records(partial, j, decisions), settings), std::nullopt};
  if (targets.has_unadjusted)
    c.unadjusted = summarize_performance(coefficient_records(partial, j, decisions, /*unadjusted=*/true), settings);
  return c;
}

}  // namespace

CellSummary summarize_cell(const CellPartial& partial, const CellTargets& targets, const CellDecisions& decisions) {
  CellSummary s;
  s.replicates = partial.replicates();
  s.failures_by_status.assign(kFitStatusCount, 0);
  for (const ReplicateFit& fit : partial.fits)
    if (fit.status != static_cast<int>(FitStatus::kOk)) {
      ++s.failures_by_status[fit.status];
      ++s.failed;
    }
  s.rejection = joint_rejections(partial, targets, /*unadjusted=*/false, s.fitted());
  if (s.fitted() == 0) s.flag = "no_fits";
  else if (s.rejection.binomial_p_value < kFlagLevel) s.flag = s.rejection.rate.value > targets.nominal ? "high" : "low";
  for (std::size_t j = 0; j < partial.dim; ++j) s.coefficients.push_back(coefficient_summary(partial, j, targets, decisions));
  s.has_permutation = targets.has_permutation;
  if (s.has_permutation) {
    s.permutation = permutation_rejections(partial, targets, decisions.alpha());
    for (const ReplicateFit& fit : partial.fits) s.failed_reshuffles += fit.failed_reshuffles;
  }
  s.has_unadjusted = targets.has_unadjusted;
  if (s.has_unadjusted) s.rejection_unadjusted = joint_rejections(partial, targets, /*unadjusted=*/true, s.fitted());
  return s;
}

}  // namespace mrtsim
