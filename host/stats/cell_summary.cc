#include "host/stats/cell_summary.h"

#include <cmath>
#include <limits>

#include "host/stats/distributions.h"

namespace mrtsim {

namespace {
constexpr double kFlagLevel = 0.05;
constexpr double kUndefined = std::numeric_limits<double>::quiet_NaN();  // no successful fit to measure

void merge_moments(CoefficientMoments& a, const CoefficientMoments& b) {
  if (b.n == 0) return;
  if (a.n == 0) {
    a = b;
    return;
  }
  const double n = static_cast<double>(a.n + b.n);
  const double delta = b.mean - a.mean;
  a.mean += delta * (static_cast<double>(b.n) / n);
  a.m2 += b.m2 + delta * delta * (static_cast<double>(a.n) * static_cast<double>(b.n) / n);
  a.n += b.n;
  a.se_sum += b.se_sum;
  a.squared_error_sum += b.squared_error_sum;
  a.covered += b.covered;
  a.se_sum_unadjusted += b.se_sum_unadjusted;
  a.covered_unadjusted += b.covered_unadjusted;
}
}  // namespace

void merge_partial(CellPartial& into, const CellPartial& other) {
  into.replicates += other.replicates;
  into.rejections += other.rejections;
  for (size_t s = 0; s < into.failures.size(); ++s) into.failures[s] += other.failures[s];
  for (size_t j = 0; j < into.coefficients.size(); ++j) merge_moments(into.coefficients[j], other.coefficients[j]);
  into.permutation_tested += other.permutation_tested;
  into.permutation_rejections += other.permutation_rejections;
  into.failed_reshuffles += other.failed_reshuffles;
  into.rejections_unadjusted += other.rejections_unadjusted;
}

CellAccumulator::CellAccumulator(std::vector<double> truth, CellDecisions decisions)
    : truth_(std::move(truth)), decisions_(std::move(decisions)), partial_(truth_.size()) {}

void CellAccumulator::add(int status, int n_eff, double joint_statistic, const double* estimates,
                          const double* std_errors, double joint_statistic_unadjusted,
                          const double* std_errors_unadjusted) {
  ++partial_.replicates;
  if (status != static_cast<int>(FitStatus::kOk)) {
    ++partial_.failures[status];
    return;
  }
  const double critical = decisions_.joint_critical_value(n_eff);
  if (std::isinf(critical)) {  // the test is undefined for this n_eff: count as a failed fit
    ++partial_.failures[static_cast<int>(FitStatus::kNoData)];
    return;
  }
  partial_.rejections += joint_statistic > critical;
  if (std_errors_unadjusted) partial_.rejections_unadjusted += joint_statistic_unadjusted > critical;
  for (size_t j = 0; j < truth_.size(); ++j) {
    const double multiplier = decisions_.interval_multiplier(n_eff, j);
    CoefficientMoments& m = partial_.coefficients[j];
    ++m.n;
    const double delta = estimates[j] - m.mean;
    m.mean += delta / m.n;
    m.m2 += delta * (estimates[j] - m.mean);
    m.se_sum += std_errors[j];
    const double error = estimates[j] - truth_[j];
    m.squared_error_sum += error * error;
    m.covered += std::fabs(error) <= multiplier * std_errors[j];
    if (std_errors_unadjusted) {
      m.se_sum_unadjusted += std_errors_unadjusted[j];
      m.covered_unadjusted += std::fabs(error) <= multiplier * std_errors_unadjusted[j];
    }
  }
}

void CellAccumulator::add_permutation(double joint_p_value, int failed_reshuffles) {
  partial_.failed_reshuffles += failed_reshuffles;
  if (std::isnan(joint_p_value)) return;
  ++partial_.permutation_tested;
  partial_.permutation_rejections += joint_p_value <= decisions_.alpha();
}

CellSummary summarize_cell(const CellPartial& partial, const std::vector<std::string>& names,
                           const std::vector<double>& truth, double nominal, bool has_permutation,
                           bool has_unadjusted) {
  CellSummary s;
  s.replicates = partial.replicates;
  s.failures_by_status = partial.failures;
  for (long long f : partial.failures) s.failed += f;
  const long long fitted = s.fitted();
  s.rejections = partial.rejections;
  s.nominal = nominal;
  if (fitted > 0) {
    s.rejection_rate = static_cast<double>(partial.rejections) / fitted;
    s.rejection_mc_se = std::sqrt(s.rejection_rate * (1.0 - s.rejection_rate) / fitted);
    s.rejection_rate_unadjusted = static_cast<double>(partial.rejections_unadjusted) / fitted;
    s.rejection_mc_se_unadjusted =
        std::sqrt(s.rejection_rate_unadjusted * (1.0 - s.rejection_rate_unadjusted) / fitted);
    s.nominal_p_value = binomial_two_sided_p(partial.rejections, fitted, nominal);
    if (s.nominal_p_value < kFlagLevel) s.flag = s.rejection_rate > nominal ? "high" : "low";
  } else {
    s.rejection_rate = s.rejection_mc_se = s.nominal_p_value = kUndefined;
    s.rejection_rate_unadjusted = s.rejection_mc_se_unadjusted = kUndefined;
    s.flag = "no_fits";
  }
  for (size_t j = 0; j < partial.coefficients.size(); ++j) {
    const CoefficientMoments& m = partial.coefficients[j];
    CoefficientSummary c;
    c.name = names[j];
    c.truth = truth[j];
    c.covered = m.covered;
    if (m.n > 0) {
      c.mean_estimate = m.mean;
      c.bias = m.mean - truth[j];
      c.empirical_sd = m.n > 1 ? std::sqrt(m.m2 / (m.n - 1)) : kUndefined;
      c.mean_se = m.se_sum / m.n;
      c.rmse = std::sqrt(m.squared_error_sum / m.n);
      c.coverage = static_cast<double>(m.covered) / m.n;
      c.mean_se_unadjusted = m.se_sum_unadjusted / m.n;
      c.coverage_unadjusted = static_cast<double>(m.covered_unadjusted) / m.n;
    } else {
      c.mean_estimate = c.bias = c.empirical_sd = c.mean_se = c.rmse = c.coverage = kUndefined;
      c.mean_se_unadjusted = c.coverage_unadjusted = kUndefined;
    }
    s.coefficients.push_back(c);
  }
  s.has_permutation = has_permutation;
  s.has_unadjusted = has_unadjusted;
  s.rejections_unadjusted = partial.rejections_unadjusted;
  s.permutation_tested = partial.permutation_tested;
  s.permutation_rejections = partial.permutation_rejections;
  s.failed_reshuffles = partial.failed_reshuffles;
  if (partial.permutation_tested > 0) {
    const double n = static_cast<double>(partial.permutation_tested);
    s.permutation_rejection_rate = partial.permutation_rejections / n;
    s.permutation_mc_se = std::sqrt(s.permutation_rejection_rate * (1.0 - s.permutation_rejection_rate) / n);
  } else if (has_permutation) {
    s.permutation_rejection_rate = s.permutation_mc_se = kUndefined;
  }
  return s;
}

}  // namespace mrtsim
