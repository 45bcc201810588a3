// Sample size and power of a micro-randomized trial with a binary proximal outcome by the formula of
// Cohn, Qian & Murphy (2023), with the conventions of the CRAN package MRTSampleSizeBinary 0.1.2
// (docs/binary.md section 2): decision points t = 1..m, log SPNC(t) = g_t' alpha, log RR(t) =
// f_t' beta, power(n) = 1 - F_{p, n-q-p; n beta'M Sigma^-1 M beta}(F^-1_{p, n-q-p}(1 - gamma)), and the
// sample size is the root of power(n) = target on the continuous n in [p + q + 1, 1e6], ceiled.
//
// Every input the package checks is checked here too and throws UserError naming the input by
// CohnInputNames (command-line options for `mrtsim samplesize --outcome binary`); the package's
// warnings (span condition, more effect than control columns, small or non-integer n) are returned as
// text for the caller to show.
#pragma once

#include <string>
#include <vector>

#include <Eigen/Dense>

namespace mrtsim {

// How errors and warnings name each input; the defaults are the package's argument names.
struct CohnInputNames {
  std::string availability = "avail_pattern";
  std::string rand_prob = "p_t";
  std::string f = "f_t";
  std::string beta = "beta";
  std::string g = "g_t";
  std::string alpha = "alpha";
  std::string type1 = "gamma";
};

struct CohnInputs {
  Eigen::VectorXd availability;  // tau_t = E[I_t], in (0, 1], one per decision point t = 1..m
  Eigen::VectorXd rand_prob;     // p_t = P(A_t = 1 | I_t = 1), in (0, 1)
  Eigen::MatrixXd f;             // m x p: log relative risk (marginal excursion effect) f_t' beta
  Eigen::VectorXd beta;          // p
  Eigen::MatrixXd g;             // m x q: log success-probability null curve g_t' alpha
  Eigen::VectorXd alpha;         // q
  double type1 = 0.05;           // gamma, in (0, 1)
  CohnInputNames names;
};

// The parts of the formula that do not depend on n.
struct CohnTerms {
  int m = 0, p = 0, q = 0;
  double type1 = 0.05;
  Eigen::MatrixXd m_matrix;           // M, p x p
  Eigen::MatrixXd sigma;              // Sigma, p x p
  double ncp_per_participant = 0.0;   // beta' M Sigma^-1 M beta: the noncentrality is n times this
  std::vector<std::string> warnings;  // span condition, ncol(f) > ncol(g)
};

// Validates the inputs (dimensions, ranges, full column rank of f and g, success probabilities in
// (0, 1) under both arms at every t) and computes M, Sigma and the noncentrality per participant.
CohnTerms cohn_terms(const CohnInputs& inputs);

struct CohnPowerAtN {
  double n = 0.0;
  int df1 = 0;
  double df2 = 0.0;  // n - q - p, fractional for a fractional n
  double ncp = 0.0;
  double critical_value = 0.0;  // F^-1_{df1, df2}(1 - gamma)
  double power = 0.0;
};

// The formula's power at n > p + q, with no checks of n beyond that (the root finder's function).
CohnPowerAtN cohn_power_from_terms(const CohnTerms& terms, double n);

struct CohnPower {
  CohnPowerAtN at_n;
  std::vector<std::string> warnings;  // the terms' warnings, then those about n
};

// mrt_binary_power: n <= p + q throws (the package stops below p + q and returns NaN at p + q);
// a non-integer n warns; n <= 10 throws unless allow_n_at_most_10, and then warns as the package does.
CohnPower cohn_power(const CohnInputs& inputs, double n, bool allow_n_at_most_10 = false);

struct CohnSampleSizeOptions {
  double power = 0.8;               // 1 - b, in (0, 1)
  bool exact = false;               // report n_exact instead of its ceiling
  bool allow_n_at_most_10 = false;  // the package's less_than_10_possible
};

struct CohnSampleSize {
  double n_exact = 0.0;  // root of power(n) = target
  double n = 0.0;        // ceiling(n_exact), or n_exact when exact
  CohnPowerAtN at_n;     // power at n
  std::vector<std::string> warnings;
};

// mrt_binary_ss. Throws when the required sample size is <= 10 unless allow_n_at_most_10 (the
// package's guard; for p + q >= 10 every admissible n exceeds 10 and the guard does not apply, where
// the package itself fails), when the target is reached already at n = p + q + 1 (below the search
// interval), or when it is not reached by n = 1e6.
CohnSampleSize cohn_sample_size(const CohnInputs& inputs, const CohnSampleSizeOptions& options);

struct CohnPowerLevel {
  double power = 0.0;
  int n = 0;
};

// power_summary: the ceiled sample size for each target power.
std::vector<CohnPowerLevel> cohn_power_summary(const CohnInputs& inputs, const std::vector<double>& power_levels,
                                               bool allow_n_at_most_10 = false);

// Power at every integer n in n_first..n_last (n_first > p + q; n_first <= 10 only with
// allow_n_at_most_10).
std::vector<CohnPowerAtN> cohn_power_curve(const CohnInputs& inputs, int n_first, int n_last,
                                           bool allow_n_at_most_10 = false);

}  // namespace mrtsim
