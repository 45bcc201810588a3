#include "host/stats/cell_summary.h"

#include <cmath>

#include "host/stats/distributions.h"

namespace mrtsim {

namespace {
constexpr int kStatusCount = 5;
constexpr double kFlagLevel = 0.05;
}  // namespace

CellAccumulator::CellAccumulator(std::vector<std::string> names, std::vector<double> truth, WclsDecisions decisions)
    : names_(std::move(names)),
      truth_(std::move(truth)),
      decisions_(std::move(decisions)),
      running_(names_.size()),
      failures_(kStatusCount, 0) {}

void CellAccumulator::add(int status, int n_eff, double joint_statistic, const double* estimates,
                          const double* std_errors) {
  ++replicates_;
  if (status != static_cast<int>(FitStatus::kOk)) {
    ++failures_[status];
    return;
  }
  const double critical = decisions_.joint_critical_value(n_eff);
  if (std::isinf(critical)) {  // the test is undefined for this n_eff: count as a failed fit
    ++failures_[static_cast<int>(FitStatus::kNoData)];
    return;
  }
  rejections_ += joint_statistic > critical;
  const double multiplier = decisions_.interval_multiplier(n_eff);
  for (size_t j = 0; j < running_.size(); ++j) {
    Running& r = running_[j];
    ++r.n;
    const double delta = estimates[j] - r.mean;
    r.mean += delta / r.n;
    r.m2 += delta * (estimates[j] - r.mean);
    r.se_sum += std_errors[j];
    const double error = estimates[j] - truth_[j];
    r.squared_error_sum += error * error;
    r.covered += std::fabs(error) <= multiplier * std_errors[j];
  }
}

CellSummary CellAccumulator::finish(double nominal) const {
  CellSummary s;
  s.replicates = replicates_;
  s.failures_by_status = failures_;
  for (long long f : failures_) s.failed += f;
  const long long fitted = replicates_ - s.failed;
  s.rejections = rejections_;
  s.nominal = nominal;
  if (fitted > 0) {
    s.rejection_rate = static_cast<double>(rejections_) / fitted;
    s.rejection_mc_se = std::sqrt(s.rejection_rate * (1.0 - s.rejection_rate) / fitted);
    s.nominal_p_value = binomial_two_sided_p(rejections_, fitted, nominal);
    if (s.nominal_p_value < kFlagLevel) s.flag = s.rejection_rate > nominal ? "high" : "low";
  }
  for (size_t j = 0; j < running_.size(); ++j) {
    const Running& r = running_[j];
    CoefficientSummary c;
    c.name = names_[j];
    c.truth = truth_[j];
    if (r.n > 0) {
      c.mean_estimate = r.mean;
      c.bias = r.mean - truth_[j];
      c.empirical_sd = r.n > 1 ? std::sqrt(r.m2 / (r.n - 1)) : 0.0;
      c.mean_se = r.se_sum / r.n;
      c.rmse = std::sqrt(r.squared_error_sum / r.n);
      c.covered = r.covered;
      c.coverage = static_cast<double>(r.covered) / r.n;
    }
    s.coefficients.push_back(c);
  }
  return s;
}

}  // namespace mrtsim
