#include "host/samplesize/liao_formula.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <sstream>

#include "core/text_file.h"
#include "core/user_error.h"
#include "host/stats/distributions.h"

namespace mrtsim {
namespace {

// MRTSampleSize scans N = 10, 11, ...; a smaller true minimum is reported as 10.
constexpr int kCranFirstN = 10;
// Closed-form shapes that touch 0 or 1 exactly (a linear availability from 1 down to 0) land a
// rounding error outside [0, 1]; that much is accepted and clamped.
constexpr double kAvailabilityTolerance = 1e-12;
// The formula holds T x p matrices; a design beyond this many decision points is a typo, and the
// bound keeps days * decisions_per_day far from int overflow.
constexpr long long kMaxDecisionPoints = 10'000'000;
// Standardized effects (in SDs of the outcome) beyond this are typos: the power is 1 to machine
// precision long before, and effects near 1e154 overflow the non-centrality parameter.
constexpr double kMaxStandardizedEffect = 100.0;

std::string format_value(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

void require(bool condition, const std::string& message) {
  if (!condition) throw UserError(message);
}

void require_finite(double value, const std::string& option) {
  require(std::isfinite(value), option + " must be a finite number (got " + format_value(value) + ")");
}

// False for NaN too, so range checks built on it also reject non-numbers.
bool is_open_probability(double value) { return value > 0.0 && value < 1.0; }

// Validates the study layout and returns the number of decision points T = days * decisions_per_day.
int total_decisions(int days, int decisions_per_day) {
  require(days >= 1, "--days must be a positive integer (got " + std::to_string(days) + ")");
  require(decisions_per_day >= 1,
          "--decisions-per-day must be a positive integer (got " + std::to_string(decisions_per_day) + ")");
  const long long total = static_cast<long long>(days) * decisions_per_day;
  require(total <= kMaxDecisionPoints, "--days x --decisions-per-day = " + std::to_string(total) +
                                           " decision points; at most " + std::to_string(kMaxDecisionPoints));
  return static_cast<int>(total);
}

std::string trim(const std::string& text) {
  const char* blanks = " \t\r\n";
  const auto first = text.find_first_not_of(blanks);
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(blanks) - first + 1);
}

void validate_settings(const LiaoInputs& inputs) {
  const int total = total_decisions(inputs.days, inputs.decisions_per_day);
  require(inputs.q >= 1, "--q must be a positive integer (got " + std::to_string(inputs.q) + ")");
  require(is_open_probability(inputs.alpha), "--alpha must be in (0, 1) (got " + format_value(inputs.alpha) + ")");
  require(static_cast<int>(inputs.rand_prob.size()) == total,
          "--rand-prob: " + std::to_string(inputs.rand_prob.size()) + " probabilities given for " +
              std::to_string(total) + " decision points");
  for (int t = 0; t < total; ++t) {
    const double prob = inputs.rand_prob[t];
    require(is_open_probability(prob), "--rand-prob: probability " + format_value(prob) + " at decision point " +
                                           std::to_string(t + 1) + " (day " +
                                           std::to_string(t / inputs.decisions_per_day + 1) + ") is outside (0, 1)");
  }
}

// The day of maximal effect must lie in the study.
void validate_effect_max_day(const ShapeSpec& effect, int days) {
  if (effect.kind != ShapeKind::kQuadratic) return;
  require(effect.day_max >= 1 && effect.day_max <= days, "--effect-max-day " + std::to_string(effect.day_max) +
                                                             " is outside 1.." + std::to_string(days) + " (--days " +
                                                             std::to_string(days) + ")");
}

// The availability's changing point may lie after the last day (MRTSampleSize's own example puts it
// at day 42 of a 28-day study): the curve is then monotone over the study, and the [0, 1] check on
// every day still applies.
void validate_avail_change_day(const ShapeSpec& availability) {
  if (availability.kind != ShapeKind::kQuadratic) return;
  require(availability.day_max >= 1,
          "--avail-change-day must be a day number >= 1 (got " + std::to_string(availability.day_max) + ")");
}

// shape_per_day with its errors (a degenerate quadratic) attributed to the option that chose the shape.
std::vector<double> shape_values(const ShapeSpec& spec, int days, const std::string& option) {
  try {
    return shape_per_day(spec, days);
  } catch (const UserError& error) {
    throw UserError(option + ": " + error.what());
  }
}

// The effect dimension p = 1, 2, 3 fits in the study's days.
void validate_effect_model(const LiaoInputs& inputs) {
  const int p = effect_dimension(inputs.effect.kind);
  require(p <= inputs.days, "--effect " + std::string(kShapeKindNames.name(inputs.effect.kind)) + " has " +
                                std::to_string(p) + " coefficients and needs at least " + std::to_string(p) +
                                " days (--days " + std::to_string(inputs.days) + ")");
}

std::vector<double> effect_per_day(const LiaoInputs& inputs) {
  const ShapeSpec& effect = inputs.effect;
  require_finite(effect.mean, "--effect-mean");
  require_finite(effect.initial, "--effect-initial");
  validate_effect_max_day(effect, inputs.days);
  const std::vector<double> values = shape_values(effect, inputs.days, "--effect");
  for (int k = 0; k < inputs.days; ++k)
    require(std::fabs(values[k]) <= kMaxStandardizedEffect,
            "--effect " + std::string(kShapeKindNames.name(effect.kind)) + " (--effect-mean " +
                format_value(effect.mean) + ") gives a standardized effect of " + format_value(values[k]) + " on day " +
                std::to_string(k + 1) + "; the formula takes effects within +-" + format_value(kMaxStandardizedEffect) +
                " SDs");
  return values;
}

std::string availability_description(const ShapeSpec& spec) {
  std::string text =
      "--availability " + std::string(kShapeKindNames.name(spec.kind)) + " (--avail-mean " + format_value(spec.mean);
  if (spec.kind != ShapeKind::kConstant) text += ", --avail-initial " + format_value(spec.initial);
  if (spec.kind == ShapeKind::kQuadratic) text += ", --avail-change-day " + std::to_string(spec.day_max);
  return text + ")";
}

std::vector<double> availability_per_day(const LiaoInputs& inputs) {
  const ShapeSpec& availability = inputs.availability;
  require(availability.mean > 0.0 && availability.mean <= 1.0,
          "--avail-mean must be in (0, 1] (got " + format_value(availability.mean) + ")");
  if (availability.kind != ShapeKind::kConstant)
    require(availability.initial >= 0.0 && availability.initial <= 1.0,
            "--avail-initial must be in [0, 1] (got " + format_value(availability.initial) + ")");
  validate_avail_change_day(availability);
  std::vector<double> values = shape_values(availability, inputs.days, "--availability");
  for (int k = 0; k < inputs.days; ++k) {
    require(values[k] >= -kAvailabilityTolerance && values[k] <= 1.0 + kAvailabilityTolerance,
            availability_description(availability) + " gives availability " + format_value(values[k]) + " on day " +
                std::to_string(k + 1) + "; it must stay within [0, 1] on every day");
    values[k] = std::clamp(values[k], 0.0, 1.0);
  }
  return values;
}

Eigen::VectorXd per_decision_vector(const std::vector<double>& per_day, int decisions_per_day) {
  const std::vector<double> values = expand_per_decision(per_day, decisions_per_day);
  return Eigen::Map<const Eigen::VectorXd>(values.data(), static_cast<Eigen::Index>(values.size()));
}

// The effect at each decision point: the values given (checked) or the shape's.
Eigen::VectorXd effect_per_decision(const LiaoInputs& inputs, int total) {
  validate_effect_model(inputs);
  const std::vector<double>& values = inputs.effect_values;
  if (values.empty()) return per_decision_vector(effect_per_day(inputs), inputs.decisions_per_day);
  require(static_cast<int>(values.size()) == total, "effect: " + std::to_string(values.size()) + " values given for " +
                                                        std::to_string(total) + " decision points");
  for (int t = 0; t < total; ++t)
    require(std::fabs(values[t]) <= kMaxStandardizedEffect,
            "effect: " + format_value(values[t]) + " at decision point " + std::to_string(t + 1) + " is outside +-" +
                format_value(kMaxStandardizedEffect) + " SDs");
  return Eigen::Map<const Eigen::VectorXd>(values.data(), total);
}
}  // namespace

namespace {

// tau_t before dropout.
Eigen::VectorXd availability_of_participants(const LiaoInputs& inputs) {
  const std::vector<double>& values = inputs.availability_values;
  if (values.empty()) return per_decision_vector(availability_per_day(inputs), inputs.decisions_per_day);
  const int total = total_decisions(inputs.days, inputs.decisions_per_day);
  require(static_cast<int>(values.size()) == total, "availability: " + std::to_string(values.size()) +
                                                        " values given for " + std::to_string(total) +
                                                        " decision points");
  for (int t = 0; t < total; ++t)
    require(values[t] >= 0.0 && values[t] <= 1.0, "availability: " + format_value(values[t]) + " at decision point " +
                                                      std::to_string(t + 1) + " is outside [0, 1]");
  return Eigen::Map<const Eigen::VectorXd>(values.data(), total);
}

}  // namespace

Eigen::VectorXd availability_per_decision(const LiaoInputs& inputs) {
  Eigen::VectorXd tau = availability_of_participants(inputs);
  const std::vector<double>& survival = inputs.survival;
  if (survival.empty()) return tau;
  require(survival.size() == static_cast<std::size_t>(tau.size()), "dropout: " + std::to_string(survival.size()) +
                                                                       " survival probabilities for " +
                                                                       std::to_string(tau.size()) + " decision points");
  for (Eigen::Index t = 0; t < tau.size(); ++t) {
    require(survival[t] >= 0.0 && survival[t] <= 1.0, "dropout: survival " + format_value(survival[t]) +
                                                          " at decision point " + std::to_string(t + 1) +
                                                          " is outside [0, 1]");
    tau[t] *= survival[t];
  }
  return tau;
}

std::vector<double> survival_per_decision(double rate_per_day, int days, int decisions_per_day) {
  require(rate_per_day >= 0.0 && rate_per_day < 1.0,
          "--dropout-per-day must be in [0, 1) (got " + format_value(rate_per_day) + ")");
  total_decisions(days, decisions_per_day);
  std::vector<double> per_day(days);
  for (int k = 0; k < days; ++k) per_day[k] = std::pow(1.0 - rate_per_day, k);
  return expand_per_decision(per_day, decisions_per_day);
}

namespace {

// Z_t = (1, k, k^2)[first p] with k = floor((t - 1) / decisions_per_day): the effect model is
// indexed by day, as in MRTSampleSize, not by decision point.
Eigen::MatrixXd day_polynomial_design(int days, int decisions_per_day, int p) {
  Eigen::MatrixXd z(static_cast<Eigen::Index>(days) * decisions_per_day, p);
  for (Eigen::Index t = 0; t < z.rows(); ++t) {
    const double k = static_cast<double>(t / decisions_per_day);
    double power = 1.0;
    for (int j = 0; j < p; ++j, power *= k) z(t, j) = power;
  }
  return z;
}

int first_valid_n(int p, int q) { return p + q + 1; }

int denominator_df(int n, const LiaoTerms& terms, int q, const std::string& option) {
  const int df2 = n - terms.p - q;
  require(df2 > 0, option + ": N = " + std::to_string(n) + " leaves N - p - q = " + std::to_string(df2) +
                       " denominator degrees of freedom (p = " + std::to_string(terms.p) + ", q = " +
                       std::to_string(q) + "); the test needs N >= " + std::to_string(first_valid_n(terms.p, q)));
  return df2;
}

PowerAtN power_from_terms(const LiaoTerms& terms, const LiaoInputs& inputs, int n, const std::string& option) {
  PowerAtN result;
  result.n = n;
  result.df1 = terms.p;
  result.df2 = denominator_df(n, terms, inputs.q, option);
  result.ncp = n * terms.ncp_per_participant;
  result.critical_value = f_quantile(result.df1, result.df2, 1.0 - inputs.alpha);
  result.power = noncentral_f_upper_tail(result.df1, result.df2, result.ncp, result.critical_value);
  return result;
}

}  // namespace

std::vector<double> rand_prob_per_decision(double prob, int days, int decisions_per_day) {
  return std::vector<double>(total_decisions(days, decisions_per_day), prob);
}

std::vector<double> rand_prob_per_decision(const std::vector<double>& values, int days, int decisions_per_day) {
  total_decisions(days, decisions_per_day);
  return per_decision_from_days_or_decisions(values, days, decisions_per_day, "--rand-prob-file");
}

std::vector<double> read_rand_prob_file(const std::string& path) {
  const std::string contents = read_text_file(path, "--rand-prob-file");
  std::vector<double> values;
  int line_number = 0;
  for (const std::string_view line : text_lines(contents)) {
    ++line_number;
    const std::string text = trim(std::string(line));
    if (text.empty()) continue;
    const std::string where = "--rand-prob-file " + path + " line " + std::to_string(line_number) + ": ";
    char* end = nullptr;
    const double value = std::strtod(text.c_str(), &end);
    require(end == text.c_str() + text.size(), where + "'" + text + "' is not a number");
    require(is_open_probability(value), where + "probability " + text + " is outside (0, 1)");
    values.push_back(value);
  }
  require(!values.empty(), "--rand-prob-file " + path + ": the file holds no probabilities");
  return values;
}

int effect_dimension(ShapeKind effect_kind) {
  switch (effect_kind) {
    case ShapeKind::kConstant:
      return 1;
    case ShapeKind::kLinear:
      return 2;
    case ShapeKind::kQuadratic:
      return 3;
  }
  throw UserError("--effect: unknown shape");
}

LiaoTerms liao_terms(const LiaoInputs& inputs) {
  validate_settings(inputs);
  LiaoTerms terms;
  terms.p = effect_dimension(inputs.effect.kind);
  const Eigen::VectorXd tau = availability_per_decision(inputs);
  const Eigen::VectorXd beta = effect_per_decision(inputs, static_cast<int>(tau.size()));
  const Eigen::VectorXd rho = Eigen::Map<const Eigen::VectorXd>(inputs.rand_prob.data(), tau.size());
  const Eigen::MatrixXd z = day_polynomial_design(inputs.days, inputs.decisions_per_day, terms.p);

  // d = (Z' diag(tau) Z)^-1 Z' diag(tau) beta, solved as the least-squares problem in sqrt(tau) Z:
  // the normal equations would square the condition number, which k^2 up to days^2 already makes large.
  const Eigen::VectorXd sqrt_tau = tau.cwiseSqrt();
  const Eigen::ColPivHouseholderQR<Eigen::MatrixXd> weighted_z((sqrt_tau.asDiagonal() * z).eval());
  require(weighted_z.rank() == terms.p,
          (inputs.availability_values.empty() ? availability_description(inputs.availability) : "the availability") +
              " is zero on too many days to estimate the " + std::to_string(terms.p) + " coefficients of --effect " +
              std::string(kShapeKindNames.name(inputs.effect.kind)));
  terms.d = weighted_z.solve(sqrt_tau.cwiseProduct(beta));

  const Eigen::VectorXd weight = tau.array() * rho.array() * (1.0 - rho.array());
  terms.m = z.transpose() * weight.asDiagonal() * z;
  terms.ncp_per_participant = terms.d.dot(terms.m * terms.d);
  return terms;
}

PowerAtN liao_power(const LiaoInputs& inputs, int n) { return power_from_terms(liao_terms(inputs), inputs, n, "--n"); }

SampleSizeResult liao_sample_size(const LiaoInputs& inputs, double target_power, int max_n) {
  const LiaoTerms terms = liao_terms(inputs);
  require(is_open_probability(target_power), "--power must be in (0, 1) (got " + format_value(target_power) + ")");
  SampleSizeResult result;
  result.scan_start = std::max(kCranFirstN, first_valid_n(terms.p, inputs.q));
  require(max_n >= result.scan_start, "--max-n " + std::to_string(max_n) + " is below the first N scanned, " +
                                          std::to_string(result.scan_start) + " = max(10, p + q + 1)");
  for (int n = result.scan_start; n <= max_n; ++n) {
    result.at_n = power_from_terms(terms, inputs, n, "--max-n");
    if (result.at_n.power >= target_power) return result;
  }
  throw UserError("--max-n: power " + format_value(target_power) + " is not reached with N <= " +
                  std::to_string(max_n) + " participants (power at N = " + std::to_string(max_n) + " is " +
                  format_value(result.at_n.power) + "); raise --max-n or revise the design");
}

std::vector<PowerAtN> liao_power_curve(const LiaoInputs& inputs, int n_first, int n_last) {
  const LiaoTerms terms = liao_terms(inputs);
  require(n_first <= n_last,
          "--n-range: the first N (" + std::to_string(n_first) + ") exceeds the last (" + std::to_string(n_last) + ")");
  std::vector<PowerAtN> curve;
  curve.reserve(n_last - n_first + 1);
  for (int n = n_first; n <= n_last; ++n) curve.push_back(power_from_terms(terms, inputs, n, "--n-range"));
  return curve;
}

}  // namespace mrtsim
