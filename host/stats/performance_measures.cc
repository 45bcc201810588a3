#include "host/stats/performance_measures.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <sstream>

#include "core/user_error.h"
#include "host/stats/distributions.h"

namespace mrtsim {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
const char* const kNoReplicates = "n_sim is 0: no replicate has a successful fit with a finite estimate and SE";
const char* const kOneReplicate = "n_sim is 1: needs at least 2 replicates";
const char* const kMcSeNeedsTwo = "no MC SE with n_sim = 1 (needs at least 2 replicates)";

std::string number(double x) {
  std::ostringstream out;
  out.precision(17);
  out << x;
  return out.str();
}

// The replicates that enter the measures, in replicate order, with each one's critical value.
struct ValidReplicates {
  std::vector<long long> replicate;
  std::vector<double> estimate, se, critical;
  std::vector<char> reject;
  std::size_t size() const { return replicate.size(); }
};

void check_settings(const MeasureSettings& settings) {
  if (!std::isfinite(settings.truth))
    throw UserError("performance measures: the truth must be a finite number, got " + number(settings.truth));
  if (!(settings.level > 0.0 && settings.level < 1.0))
    throw UserError("performance measures: the confidence level must lie in (0, 1), got " + number(settings.level));
  if (!(settings.nominal_rejection >= 0.0 && settings.nominal_rejection <= 1.0))
    throw UserError("performance measures: the nominal rejection rate must lie in [0, 1], got " +
                    number(settings.nominal_rejection));
}

// Critical values c with P(|T| <= c) = level, cached by df (a study has few distinct df).
class CriticalValues {
 public:
  explicit CriticalValues(double level) : probability_(0.5 + 0.5 * level), normal_(normal_quantile(probability_)) {}
  double operator()(long long replicate, double df) {
    if (df == kNormalDf) return normal_;
    if (!(df > 0.0))
      throw UserError("performance measures: replicate " + std::to_string(replicate) +
                      " has degrees of freedom " + number(df) + " (must be positive, or infinite for normal)");
    auto found = cache_.find(df);
    if (found == cache_.end()) found = cache_.emplace(df, student_t_quantile(df, probability_)).first;
    return found->second;
  }

 private:
  double probability_;
  double normal_;
  std::map<double, double> cache_;
};

// Sorts the records by replicate, counts the failures into `counts` and returns the replicates that
// count (module comment in the header).
ValidReplicates select_valid(std::vector<ReplicateRecord> records, const MeasureSettings& settings,
                             PerformanceMeasures& counts) {
  std::sort(records.begin(), records.end(),
            [](const ReplicateRecord& a, const ReplicateRecord& b) { return a.replicate < b.replicate; });
  CriticalValues critical_value(settings.level);
  ValidReplicates valid;
  counts.replicates = static_cast<long long>(records.size());
  for (std::size_t i = 0; i < records.size(); ++i) {
    const ReplicateRecord& r = records[i];
    if (i > 0 && records[i - 1].replicate == r.replicate)
      throw UserError("performance measures: replicate " + std::to_string(r.replicate) + " appears twice");
    if (r.status != 0) {
      ++counts.failures_by_status[r.status];
      continue;
    }
    if (!std::isfinite(r.estimate) || !std::isfinite(r.se)) {
      ++counts.non_finite;
      continue;
    }
    if (r.se < 0.0)
      throw UserError("performance measures: replicate " + std::to_string(r.replicate) +
                      " has a negative standard error " + number(r.se));
    valid.replicate.push_back(r.replicate);
    valid.estimate.push_back(r.estimate);
    valid.se.push_back(r.se);
    valid.critical.push_back(critical_value(r.replicate, r.df));
    valid.reject.push_back(r.reject);
  }
  counts.n_sim = static_cast<long long>(valid.size());
  counts.failures = counts.replicates - counts.n_sim;
  return valid;
}

double sum(const std::vector<double>& x) { return std::accumulate(x.begin(), x.end(), 0.0); }

template <typename F>
std::vector<double> transformed(const std::vector<double>& x, F f) {
  std::vector<double> y(x.size());
  std::transform(x.begin(), x.end(), y.begin(), f);
  return y;
}

// sum (x_i - mean)^2, two passes in replicate order.
double sum_of_squared_deviations(const std::vector<double>& x, double mean) {
  double total = 0.0;
  for (double v : x) total += (v - mean) * (v - mean);
  return total;
}

double median(std::vector<double> x) {
  std::sort(x.begin(), x.end());
  const std::size_t n = x.size();
  return n % 2 == 1 ? x[n / 2] : 0.5 * (x[n / 2 - 1] + x[n / 2]);
}

Measure measure(double value, double mc_se, std::string note = "") { return Measure{value, mc_se, std::move(note)}; }

// A share of n replicates, MC SE sqrt(p (1 - p) / n).
Measure proportion(long long count, long long n) {
  const double p = static_cast<double>(count) / static_cast<double>(n);
  if (n < 2) return measure(p, kNaN, kMcSeNeedsTwo);
  return measure(p, std::sqrt(p * (1.0 - p) / static_cast<double>(n)));
}

// A mean of n values with MC SE sd / sqrt(n).
Measure mean_measure(const std::vector<double>& x) {
  const double n = static_cast<double>(x.size());
  const double mean = sum(x) / n;
  if (x.size() < 2) return measure(mean, kNaN, kMcSeNeedsTwo);
  return measure(mean, std::sqrt(sum_of_squared_deviations(x, mean) / (n * (n - 1.0))));
}

// Whether replicate i's interval th_i +- c_i s_i (closed, as rsimsum) contains `target`.
bool interval_contains(const ValidReplicates& v, std::size_t i, double target) {
  const double half_width = v.critical[i] * v.se[i];
  return target >= v.estimate[i] - half_width && target <= v.estimate[i] + half_width;
}

long long intervals_containing(const ValidReplicates& v, double target) {
  long long count = 0;
  for (std::size_t i = 0; i < v.size(); ++i) count += interval_contains(v, i, target);
  return count;
}

long long rejections(const ValidReplicates& v, RejectionRule rule) {
  long long count = 0;
  for (std::size_t i = 0; i < v.size(); ++i)
    count += rule == RejectionRule::kStudyDecision ? v.reject[i] != 0
                                                   : std::fabs(v.estimate[i]) >= v.critical[i] * v.se[i];
  return count;
}

void set_all_missing(PerformanceMeasures& m, const std::string& note) {
  for (Measure* x : {&m.mean_estimate, &m.median_estimate, &m.median_se, &m.bias, &m.relative_bias, &m.empirical_se,
                     &m.mse, &m.rmse, &m.model_se, &m.relative_error_model_se, &m.coverage,
                     &m.bias_eliminated_coverage, &m.relative_precision})
    *x = measure(kNaN, kNaN, note);
}

void set_location_measures(const ValidReplicates& v, const MeasureSettings& settings, PerformanceMeasures& m) {
  m.mean_estimate = mean_measure(v.estimate);
  m.median_estimate = measure(median(v.estimate), kNaN, "a median has no MC SE");
  m.median_se = measure(median(v.se), kNaN, "a median has no MC SE");
  const double truth = settings.truth;
  m.bias = mean_measure(transformed(v.estimate, [truth](double th) { return th - truth; }));
  if (truth == 0.0) m.relative_bias = measure(kNaN, kNaN, "the truth is 0: no relative bias");
  else m.relative_bias = mean_measure(transformed(v.estimate, [truth](double th) { return (th - truth) / truth; }));
}

void set_error_measures(const ValidReplicates& v, const MeasureSettings& settings, PerformanceMeasures& m) {
  const double n = static_cast<double>(v.size());
  const double truth = settings.truth;
  const std::vector<double> squared_error = transformed(v.estimate, [truth](double th) { return (th - truth) * (th - truth); });
  const double mse = sum(squared_error) / n;
  const double rmse = std::sqrt(mse);
  if (v.size() < 2) {
    m.mse = measure(mse, kNaN, kMcSeNeedsTwo);
    m.rmse = measure(rmse, kNaN, kMcSeNeedsTwo);
    return;
  }
  const double mse_mc_se = std::sqrt(sum_of_squared_deviations(squared_error, mse) / (n * (n - 1.0)));
  m.mse = measure(mse, mse_mc_se);
  if (rmse == 0.0) m.rmse = measure(rmse, kNaN, "the RMSE is 0: its delta-method MC SE is undefined");
  else m.rmse = measure(rmse, mse_mc_se / (2.0 * rmse));  // delta method
}

void set_spread_measures(const ValidReplicates& v, PerformanceMeasures& m) {
  const double n = static_cast<double>(v.size());
  const std::vector<double> variance = transformed(v.se, [](double s) { return s * s; });
  const double mean_variance = sum(variance) / n;
  const double model_se = std::sqrt(mean_variance);
  if (v.size() < 2) {
    m.empirical_se = measure(kNaN, kNaN, kOneReplicate);
    m.model_se = measure(model_se, kNaN, kMcSeNeedsTwo);
    m.relative_error_model_se = measure(kNaN, kNaN, kOneReplicate + std::string(" (for the empirical SE)"));
    return;
  }
  const double empirical_se = std::sqrt(sum_of_squared_deviations(v.estimate, m.mean_estimate.value) / (n - 1.0));
  m.empirical_se = measure(empirical_se, empirical_se / std::sqrt(2.0 * (n - 1.0)));
  const double variance_of_variance = sum_of_squared_deviations(variance, mean_variance) / (n - 1.0);
  if (model_se == 0.0) {
    m.model_se = measure(model_se, kNaN, "the model SE is 0: no MC SE");
  } else {
    m.model_se = measure(model_se, std::sqrt(variance_of_variance / (4.0 * n * mean_variance)));
  }
  if (empirical_se == 0.0) {
    m.relative_error_model_se = measure(kNaN, kNaN, "the empirical SE is 0");
  } else if (model_se == 0.0) {
    m.relative_error_model_se = measure(-100.0, kNaN, "the model SE is 0: no MC SE");
  } else {
    const double ratio = model_se / empirical_se;
    m.relative_error_model_se =
        measure(100.0 * (ratio - 1.0),
                100.0 * ratio * std::sqrt(variance_of_variance / (4.0 * n * mean_variance * mean_variance) + 1.0 / (2.0 * (n - 1.0))));
  }
}

PerformanceMeasures measures_of(const ValidReplicates& v, const MeasureSettings& settings, PerformanceMeasures m) {
  m.truth = settings.truth;
  m.rejection = summarize_rejections(rejections(v, settings.rejection), m.n_sim, settings.nominal_rejection,
                                     settings.under_null);
  if (v.size() == 0) {
    set_all_missing(m, kNoReplicates);
    return m;
  }
  set_location_measures(v, settings, m);
  set_error_measures(v, settings, m);
  set_spread_measures(v, m);
  m.coverage = proportion(intervals_containing(v, settings.truth), m.n_sim);
  m.bias_eliminated_coverage = proportion(intervals_containing(v, m.mean_estimate.value), m.n_sim);
  m.relative_precision = measure(kNaN, kNaN, "no reference method (summarize_paired_methods gives it)");
  return m;
}

// Pearson's correlation of two methods' estimates over the replicates both count; NaN when fewer
// than 2 pairs or either side does not vary.
double paired_correlation(const ValidReplicates& a, const ValidReplicates& b) {
  std::vector<double> x, y;
  for (std::size_t i = 0, j = 0; i < a.size() && j < b.size();) {
    if (a.replicate[i] < b.replicate[j]) ++i;
    else if (b.replicate[j] < a.replicate[i]) ++j;
    else {
      x.push_back(a.estimate[i++]);
      y.push_back(b.estimate[j++]);
    }
  }
  if (x.size() < 2) return kNaN;
  const double n = static_cast<double>(x.size());
  const double mean_x = sum(x) / n, mean_y = sum(y) / n;
  double sxy = 0.0;
  for (std::size_t k = 0; k < x.size(); ++k) sxy += (x[k] - mean_x) * (y[k] - mean_y);
  const double sxx = sum_of_squared_deviations(x, mean_x), syy = sum_of_squared_deviations(y, mean_y);
  if (sxx == 0.0 || syy == 0.0) return kNaN;
  return sxy / std::sqrt(sxx * syy);
}

Measure relative_precision(const PerformanceMeasures& method, const PerformanceMeasures& reference, double rho) {
  const double empse = method.empirical_se.value, empse_ref = reference.empirical_se.value;
  if (std::isnan(empse_ref)) return measure(kNaN, kNaN, "the reference method's empirical SE is NA: " + reference.empirical_se.note);
  if (std::isnan(empse)) return measure(kNaN, kNaN, "the empirical SE is NA: " + method.empirical_se.note);
  if (empse == 0.0) return measure(kNaN, kNaN, "the empirical SE is 0");
  const double ratio_squared = (empse_ref / empse) * (empse_ref / empse);
  const double value = 100.0 * (ratio_squared - 1.0);
  if (std::isnan(rho))
    return measure(value, kNaN, "no correlation with the reference: fewer than 2 paired replicates, or no variation");
  const double n = static_cast<double>(method.n_sim);
  return measure(value, 200.0 * ratio_squared * std::sqrt(std::max(0.0, 1.0 - rho * rho) / (n - 1.0)));
}

// ceil(x), ignoring rounding error of relative size 1e-12 (0.8 * 0.2 / 0.005^2 is 6400.000000000001
// in doubles), and at least 1.
long long round_up_replicates(double x, const std::string& what) {
  const double rounded = std::ceil(x * (1.0 - 1e-12));
  if (!(rounded < 9e18)) throw UserError(what + ": needs more than 9e18 replicates");
  return std::max(1LL, static_cast<long long>(rounded));
}

void check_target(double target_mcse) {
  if (!(target_mcse > 0.0) || !std::isfinite(target_mcse))
    throw UserError("study.target_mcse must be a positive number, got " + number(target_mcse));
}

}  // namespace

RobustnessBand bradley_liberal_band(double alpha) { return {0.5 * alpha, 1.5 * alpha}; }
RobustnessBand bradley_stringent_band(double alpha) { return {0.9 * alpha, 1.1 * alpha}; }

RejectionSummary summarize_rejections(long long rejections, long long tested, double nominal, bool under_null) {
  RejectionSummary s;
  s.tested = tested;
  s.rejections = rejections;
  s.nominal = nominal;
  if (tested == 0) {
    s.rate = measure(kNaN, kNaN, "no replicate was tested");
    return s;
  }
  s.rate = proportion(rejections, tested);
  s.binomial_p_value = binomial_two_sided_p(rejections, tested, nominal);
  if (under_null) {
    BradleyCheck check{bradley_liberal_band(nominal), bradley_stringent_band(nominal)};
    check.within_liberal = check.liberal.contains(s.rate.value);
    check.within_stringent = check.stringent.contains(s.rate.value);
    s.bradley = check;
  }
  return s;
}

PerformanceMeasures summarize_performance(std::vector<ReplicateRecord> records, const MeasureSettings& settings) {
  check_settings(settings);
  PerformanceMeasures counts;
  const ValidReplicates valid = select_valid(std::move(records), settings, counts);
  return measures_of(valid, settings, std::move(counts));
}

std::vector<PerformanceMeasures> summarize_paired_methods(const std::vector<std::vector<ReplicateRecord>>& methods,
                                                          std::size_t reference, const MeasureSettings& settings) {
  if (reference >= methods.size())
    throw UserError("performance measures: reference method " + std::to_string(reference) + " of " +
                    std::to_string(methods.size()) + " methods");
  check_settings(settings);
  std::vector<ValidReplicates> valid;
  std::vector<PerformanceMeasures> out;
  for (const std::vector<ReplicateRecord>& records : methods) {
    PerformanceMeasures counts;
    valid.push_back(select_valid(records, settings, counts));
    out.push_back(measures_of(valid.back(), settings, std::move(counts)));
  }
  for (std::size_t k = 0; k < methods.size(); ++k) {
    if (out[k].n_sim == 0) continue;  // already NA, with the reason
    // The reference against itself: rho is 1 by definition, not by rounding.
    const double rho = k == reference ? 1.0 : paired_correlation(valid[reference], valid[k]);
    out[k].relative_precision = relative_precision(out[k], out[reference], rho);
  }
  return out;
}

long long replicates_for_proportion_mcse(double proportion, double target_mcse) {
  check_target(target_mcse);
  if (!(proportion >= 0.0 && proportion <= 1.0))
    throw UserError("replicates for a target MC SE: the proportion must lie in [0, 1], got " + number(proportion));
  return round_up_replicates(proportion * (1.0 - proportion) / (target_mcse * target_mcse),
                             "replicates for a target MC SE");
}

long long replicates_for_mcse(double mc_se, long long n_sim, double target_mcse) {
  check_target(target_mcse);
  if (!(mc_se >= 0.0) || !std::isfinite(mc_se) || n_sim < 1)
    throw UserError("replicates for a target MC SE: needs a finite MC SE (got " + number(mc_se) +
                    ") from at least 1 replicate (got " + std::to_string(n_sim) + ")");
  const double ratio = mc_se / target_mcse;
  return round_up_replicates(static_cast<double>(n_sim) * ratio * ratio, "replicates for a target MC SE");
}

std::vector<ZipInterval> zip_intervals(std::vector<ReplicateRecord> records, const MeasureSettings& settings) {
  check_settings(settings);
  PerformanceMeasures counts;
  const ValidReplicates v = select_valid(std::move(records), settings, counts);
  std::vector<std::size_t> order(v.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  const auto abs_z = [&](std::size_t i) { return std::fabs(v.estimate[i] - settings.truth) / v.se[i]; };
  // Ranked by |z|, ties (and a zero SE's infinite or undefined |z|, last) in replicate order.
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const double za = abs_z(a), zb = abs_z(b);
    return std::isnan(zb) ? !std::isnan(za) : za < zb;
  });
  std::vector<ZipInterval> intervals;
  intervals.reserve(v.size());
  for (std::size_t rank = 0; rank < order.size(); ++rank) {
    const std::size_t i = order[rank];
    const double half_width = v.critical[i] * v.se[i];
    intervals.push_back(ZipInterval{v.replicate[i], 100.0 * double(rank + 1) / double(v.size()),
                                    v.estimate[i] - half_width, v.estimate[i] + half_width,
                                    interval_contains(v, i, settings.truth)});
  }
  return intervals;
}

}  // namespace mrtsim
