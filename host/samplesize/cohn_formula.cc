#include "host/samplesize/cohn_formula.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include <boost/math/tools/roots.hpp>

#include "core/user_error.h"
#include "host/stats/distributions.h"

namespace mrtsim {
namespace {

// The package searches n in [p + q + 1, 1e6] (uniroot's interval in mrt_binary_ss).
constexpr double kLargestN = 1e6;
// The package treats n <= 10 as too small for its asymptotic result.
constexpr double kSmallN = 10.0;
// The root is found to about 12 significant digits: R's uniroot stops within its tolerance
// (.Machine$double.eps^0.25 ~ 1.2e-4) of it, in practice within 1e-4 (docs/binary.md section 2).
constexpr int kRootBits = 40;
constexpr std::uintmax_t kRootIterations = 200;

bool is_open_probability(double value) { return value > 0.0 && value < 1.0; }

// Rank as Matrix::rankMatrix counts it (the package's is_full_column_rank): singular values above
// max(rows, columns) * machine epsilon times the largest one.
bool has_full_column_rank(const Eigen::MatrixXd& matrix) {
  if (matrix.cols() > matrix.rows()) return false;
  Eigen::JacobiSVD<Eigen::MatrixXd> svd(matrix);
  svd.setThreshold(static_cast<double>(std::max(matrix.rows(), matrix.cols())) *
                   std::numeric_limits<double>::epsilon());
  return svd.rank() == matrix.cols();
}

void require_finite(const Eigen::MatrixXd& values, const std::string& name) {
  for (Eigen::Index i = 0; i < values.rows(); ++i)
    for (Eigen::Index j = 0; j < values.cols(); ++j)
      require_input(std::isfinite(values(i, j)), name + ": entry " + std::to_string(i + 1) +
                                                     (values.cols() > 1 ? ", column " + std::to_string(j + 1) : "") +
                                                     " is not a finite number");
}

void validate_dimensions(const CohnInputs& in) {
  const CohnInputNames& name = in.names;
  const Eigen::Index m = in.availability.size();
  require_input(m >= 1, name.availability + ": no decision points");
  auto require_rows = [&](Eigen::Index rows, const std::string& what) {
    require_input(rows == m, what + " has " + std::to_string(rows) + " decision points, " + name.availability +
                                 " has " + std::to_string(m) + "; all must agree on the number of decision points");
  };
  require_rows(in.rand_prob.size(), name.rand_prob);
  require_rows(in.f.rows(), name.f);
  require_rows(in.g.rows(), name.g);
  require_input(in.f.cols() >= 1 && in.g.cols() >= 1, name.f + " and " + name.g + " need at least one column each");
  require_input(in.f.cols() == in.beta.size(), name.f + " has " + std::to_string(in.f.cols()) + " columns but " +
                                                   name.beta + " has " + std::to_string(in.beta.size()) +
                                                   " coefficients");
  require_input(in.g.cols() == in.alpha.size(), name.g + " has " + std::to_string(in.g.cols()) + " columns but " +
                                                    name.alpha + " has " + std::to_string(in.alpha.size()) +
                                                    " coefficients");
}

void validate_values(const CohnInputs& in) {
  const CohnInputNames& name = in.names;
  require_input(is_open_probability(in.type1),
                name.type1 + " (type I error) must be in (0, 1) (got " + input_value_text(in.type1) + ")");
  for (Eigen::Index t = 0; t < in.availability.size(); ++t) {
    const double tau = in.availability[t], prob = in.rand_prob[t];
    const std::string at = " at decision point " + std::to_string(t + 1);
    require_input(tau > 0.0 && tau <= 1.0,
                  name.availability + ": availability " + input_value_text(tau) + at + " is outside (0, 1]");
    require_input(is_open_probability(prob),
                  name.rand_prob + ": randomization probability " + input_value_text(prob) + at + " is outside (0, 1)");
  }
  require_finite(in.f, name.f);
  require_finite(in.g, name.g);
  require_finite(in.beta, name.beta);
  require_finite(in.alpha, name.alpha);
  require_input(has_full_column_rank(in.f), name.f + " has linearly dependent columns (it needs full column rank)");
  require_input(has_full_column_rank(in.g), name.g + " has linearly dependent columns (it needs full column rank)");
}

// The span condition of docs/binary.md section 1: each column of p_t f_t should lie in the span of
// the columns of g_t, otherwise the formula can be inaccurate. The package warns, and so do we.
std::vector<std::string> span_warnings(const CohnInputs& in) {
  const CohnInputNames& name = in.names;
  std::vector<std::string> warnings;
  if (in.f.cols() > in.g.cols())
    warnings.push_back(name.f + " has more columns (" + std::to_string(in.f.cols()) + ") than " + name.g + " (" +
                       std::to_string(in.g.cols()) + "): p_t * f_t should lie in the span of g_t");
  Eigen::MatrixXd augmented(in.g.rows(), in.g.cols() + 1);
  augmented.rightCols(in.g.cols()) = in.g;
  for (Eigen::Index j = 0; j < in.f.cols(); ++j) {
    augmented.col(0) = in.rand_prob.cwiseProduct(in.f.col(j));
    if (has_full_column_rank(augmented))
      warnings.push_back("p_t * column " + std::to_string(j + 1) + " of " + name.f + " is not in the linear span of " +
                         name.g + ", so the sample size can be inaccurate; consider revising " + name.g);
  }
  return warnings;
}

// mu0_t = exp(g_t' alpha) and mu1_t = mu0_t exp(f_t' beta) must be probabilities at every t.
void validate_success_probabilities(const CohnInputs& in, const Eigen::VectorXd& log_mu0,
                                    const Eigen::VectorXd& log_rr) {
  const CohnInputNames& name = in.names;
  for (Eigen::Index t = 0; t < log_mu0.size(); ++t) {
    const double mu0 = std::exp(log_mu0[t]), mu1 = std::exp(log_mu0[t] + log_rr[t]);
    const std::string at = " at decision point " + std::to_string(t + 1);
    require_input(is_open_probability(mu0), name.g + " and " + name.alpha +
                                                " give the success probability without "
                                                "treatment exp(g_t' alpha) = " +
                                                input_value_text(mu0) + at + "; it must be in (0, 1)");
    require_input(is_open_probability(mu1), name.f + " and " + name.beta +
                                                " give the success probability under treatment "
                                                "exp(g_t' alpha + f_t' beta) = " +
                                                input_value_text(mu1) + at + "; it must be in (0, 1)");
  }
}

std::string n_text(double n) { return input_value_text(n); }

void require_positive_df(const CohnTerms& terms, double n, const std::string& option) {
  require_input(n > terms.p + terms.q,
                option + ": n = " + n_text(n) + " leaves n - p - q = " + n_text(n - terms.p - terms.q) +
                    " denominator degrees of freedom (p = " + std::to_string(terms.p) +
                    ", q = " + std::to_string(terms.q) + "); the test needs n > " + std::to_string(terms.p + terms.q));
}

std::string small_n_warning(double n) {
  return "n = " + n_text(n) +
         " <= 10 may give an inaccurate power, because the formula is based on an asymptotic result";
}

void require_small_n_allowed(double n, bool allowed, const std::string& option) {
  require_input(allowed || n > kSmallN, option + ": n = " + n_text(n) +
                                            " <= 10 participants; the formula is asymptotic and "
                                            "may be inaccurate there (--allow-n-below-10 to compute it anyway)");
}

void validate_target_power(double power, const std::string& option) {
  require_input(is_open_probability(power), option + " must be in (0, 1) (got " + input_value_text(power) + ")");
}

// The root of power(n) = target on [p + q + 1, 1e6] (TOMS 748), after the package's guard at n = 10.
double root_of_power(const CohnTerms& terms, double target, bool allow_n_at_most_10, const std::string& option) {
  const double lower = terms.p + terms.q + 1.0;
  // The package's guard evaluates power(10). With p + q >= 10 that power is undefined (no
  // denominator df) and the package stops; every n in the search interval then exceeds 10.
  if (!allow_n_at_most_10 && lower <= kSmallN && cohn_power_from_terms(terms, kSmallN).power >= target)
    throw UserError(option + ": the required sample size is <= 10 to attain power " + input_value_text(target) +
                    "; the formula is asymptotic and may be inaccurate there (--allow-n-below-10 to compute it "
                    "anyway). Check the expected availability, the study length, the effect and the target power.");
  auto excess_power = [&](double n) { return cohn_power_from_terms(terms, n).power - target; };
  double below = lower, at_below = excess_power(lower);
  require_input(at_below < 0.0, option + ": power " + input_value_text(at_below + target) +
                                    " at n = p + q + 1 = " + n_text(lower) + " already reaches " +
                                    input_value_text(target) + "; the formula cannot size a study below that");
  // Power rises with n, so the root is unique in the interval: doubling n brackets it in a few
  // evaluations instead of the many TOMS 748 spends shrinking [p + q + 1, 1e6] from its far end.
  double above = below, at_above = at_below;
  while (at_above < 0.0 && above < kLargestN) {
    below = above;
    at_below = at_above;
    above = std::min(2.0 * above, kLargestN);
    at_above = excess_power(above);
  }
  require_input(at_above > 0.0 || (at_above == 0.0 && above < kLargestN),
                option + ": power " + input_value_text(target) + " is not reached with n <= 1e6 (power " +
                    input_value_text(at_above + target) + " there); the effect is too small for this design");
  if (at_above == 0.0) return above;
  std::uintmax_t iterations = kRootIterations;
  const auto bracket = boost::math::tools::toms748_solve(
      excess_power, below, above, at_below, at_above, boost::math::tools::eps_tolerance<double>(kRootBits), iterations);
  return 0.5 * (bracket.first + bracket.second);
}

CohnSampleSize sample_size_from_terms(const CohnTerms& terms, const CohnSampleSizeOptions& options,
                                      const std::string& option) {
  validate_target_power(options.power, option);
  CohnSampleSize result;
  result.n_exact = root_of_power(terms, options.power, options.allow_n_at_most_10, option);
  result.n = options.exact ? result.n_exact : std::ceil(result.n_exact);
  result.at_n = cohn_power_from_terms(terms, result.n);
  result.warnings = terms.warnings;
  if (result.n <= kSmallN) result.warnings.push_back(small_n_warning(result.n));
  return result;
}

}  // namespace

CohnTerms cohn_terms(const CohnInputs& inputs) {
  validate_dimensions(inputs);
  validate_values(inputs);
  const Eigen::VectorXd log_mu0 = inputs.g * inputs.alpha;
  const Eigen::VectorXd log_rr = inputs.f * inputs.beta;
  validate_success_probabilities(inputs, log_mu0, log_rr);

  CohnTerms terms;
  terms.m = static_cast<int>(inputs.availability.size());
  terms.p = static_cast<int>(inputs.f.cols());
  terms.q = static_cast<int>(inputs.g.cols());
  terms.type1 = inputs.type1;
  terms.warnings = span_warnings(inputs);

  // Per decision point: M_t = tau p (1 - p) mu0 e^{p f'beta} f f' and
  // Sigma_t = tau p (1 - p) mu0 e^{2 p f'beta} [(1 - p) e^{-f'beta} + p - mu0] f f' (docs/binary.md section 2).
  Eigen::VectorXd m_weight(terms.m), sigma_weight(terms.m);
  for (int t = 0; t < terms.m; ++t) {
    const double tau = inputs.availability[t], prob = inputs.rand_prob[t];
    const double mu0 = std::exp(log_mu0[t]), effect = log_rr[t];
    const double common = tau * prob * (1.0 - prob) * mu0;
    m_weight[t] = common * std::exp(prob * effect);
    sigma_weight[t] = common * std::exp(2.0 * prob * effect) * ((1.0 - prob) * std::exp(-effect) + prob - mu0);
  }
  terms.m_matrix = inputs.f.transpose() * m_weight.asDiagonal() * inputs.f;
  terms.sigma = inputs.f.transpose() * sigma_weight.asDiagonal() * inputs.f;

  // beta' M' Sigma^-1 M beta, the package's beta' (M^-1 Sigma M^-T)^-1 beta without inverting M.
  const Eigen::LLT<Eigen::MatrixXd> sigma_factor(terms.sigma);
  require_input(sigma_factor.info() == Eigen::Success,
                "Sigma is singular for these " + inputs.names.f + " and " + inputs.names.beta + "; revise the effect");
  const Eigen::VectorXd m_beta = terms.m_matrix * inputs.beta;
  terms.ncp_per_participant = m_beta.dot(sigma_factor.solve(m_beta));
  return terms;
}

CohnPowerAtN cohn_power_from_terms(const CohnTerms& terms, double n) {
  require_positive_df(terms, n, "n");
  CohnPowerAtN result;
  result.n = n;
  result.df1 = terms.p;
  result.df2 = n - terms.q - terms.p;
  result.ncp = n * terms.ncp_per_participant;
  result.critical_value = f_quantile(result.df1, result.df2, 1.0 - terms.type1);
  result.power = noncentral_f_upper_tail(result.df1, result.df2, result.ncp, result.critical_value);
  return result;
}

CohnPower cohn_power(const CohnInputs& inputs, double n, bool allow_n_at_most_10) {
  const CohnTerms terms = cohn_terms(inputs);
  require_input(std::isfinite(n), "--n must be a finite number (got " + n_text(n) + ")");
  require_positive_df(terms, n, "--n");
  require_small_n_allowed(n, allow_n_at_most_10, "--n");
  CohnPower result;
  result.at_n = cohn_power_from_terms(terms, n);
  result.warnings = terms.warnings;
  if (n != std::floor(n)) result.warnings.push_back("n = " + n_text(n) + " should be an integer");
  if (n <= kSmallN) result.warnings.push_back(small_n_warning(n));
  return result;
}

CohnSampleSize cohn_sample_size(const CohnInputs& inputs, const CohnSampleSizeOptions& options) {
  return sample_size_from_terms(cohn_terms(inputs), options, "--power");
}

std::vector<CohnPowerLevel> cohn_power_summary(const CohnInputs& inputs, const std::vector<double>& power_levels,
                                               bool allow_n_at_most_10) {
  require_input(!power_levels.empty(), "--power-levels: no power levels given");
  const CohnTerms terms = cohn_terms(inputs);
  std::vector<CohnPowerLevel> table;
  for (double level : power_levels) {
    const CohnSampleSizeOptions options{level, false, allow_n_at_most_10};
    table.push_back({level, static_cast<int>(sample_size_from_terms(terms, options, "--power-levels").n)});
  }
  return table;
}

std::vector<CohnPowerAtN> cohn_power_curve(const CohnInputs& inputs, int n_first, int n_last, bool allow_n_at_most_10) {
  const CohnTerms terms = cohn_terms(inputs);
  require_input(n_first <= n_last, "--n-range: the first n (" + std::to_string(n_first) + ") exceeds the last (" +
                                       std::to_string(n_last) + ")");
  require_positive_df(terms, n_first, "--n-range");
  require_small_n_allowed(n_first, allow_n_at_most_10, "--n-range");
  std::vector<CohnPowerAtN> curve;
  curve.reserve(static_cast<std::size_t>(n_last - n_first + 1));
  for (int n = n_first; n <= n_last; ++n) curve.push_back(cohn_power_from_terms(terms, n));
  return curve;
}

}  // namespace mrtsim
