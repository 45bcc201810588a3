// Sample size and power of a micro-randomized trial by the formula of Liao, Klasnja, Tewari & Murphy
// (2016), with the conventions of the CRAN package MRTSampleSize that reproduce the paper's Table I
// (docs/samplesize.md): Z_t is indexed by day, p = 1/2/3 for a constant/linear/quadratic
// effect, power = 1 - F_{p, N-p-q; ncp}(F^-1_{p, N-p-q}(1 - alpha)) with ncp = N d'Md, and the
// sample size is the first N >= max(10, p+q+1) whose power reaches the target.
//
// Every input is validated; a bad one throws UserError whose message names it by its command-line
// option (--rand-prob, --avail-mean, --effect-max-day, ...), the spelling users see in the docs.
#pragma once

#include <string>
#include <vector>

#include <Eigen/Dense>

#include "sims/shapes.h"

namespace mrtsim {

struct LiaoInputs {
  int days = 0;
  int decisions_per_day = 0;
  // Randomization probability at each decision point t = 1..days*decisions_per_day (build it with
  // rand_prob_per_decision).
  std::vector<double> rand_prob;
  // Standardized proximal effect per day; a quadratic's day_max must lie in 1..days. Its kind is also
  // the effect model Z_t (p = 1, 2, 3 for constant, linear, quadratic).
  ShapeSpec effect;
  // The effect d(t) at each decision point t = 1..days*decisions_per_day (e.g. a designer's own curve,
  // within +-100 SDs); when given it replaces the shape's values, and the formula tests its projection
  // onto the effect model `effect.kind`.
  std::vector<double> effect_values;
  // Expected availability per day, within [0, 1] on every day; a quadratic's day_max (its changing
  // point) may lie after the last day, as in MRTSampleSize's own examples.
  ShapeSpec availability;
  // Expected availability at each decision point t = 1..days*decisions_per_day, within [0, 1] (e.g. an
  // uploaded column, as MRTSampleSize's calculator accepts); when given it replaces `availability`.
  std::vector<double> availability_values;
  // Dropout: the probability S_t that a participant still takes part at decision point t (one per
  // decision point, in [0, 1]); the formula's availability is then tau_t S_t, exact when dropout is
  // independent of everything else. Empty: nobody leaves.
  std::vector<double> survival;
  int q = 3;               // number of parameters in the control part B_t; enters only through df2
  double alpha = 0.05;
};

// S_t at each decision point for a constant daily dropout rate r in [0, 1): (1 - r)^k on day k (0-based).
std::vector<double> survival_per_decision(double rate_per_day, int days, int decisions_per_day);

// Randomization probabilities per decision point, from one probability for all of them, or from a
// vector with one value per day (repeated for each decision point of the day) or per decision point.
std::vector<double> rand_prob_per_decision(double prob, int days, int decisions_per_day);
std::vector<double> rand_prob_per_decision(const std::vector<double>& values, int days,
                                           int decisions_per_day);

// Reads one probability per line (blank lines are skipped); a line that is not a number in (0, 1)
// throws UserError naming the file and the line.
std::vector<double> read_rand_prob_file(const std::string& path);

// Expected availability tau_t at each decision point: `availability_values` (checked: one per decision
// point, each in [0, 1]) or the per-day pattern, times the survival S_t where given; UserError otherwise.
Eigen::VectorXd availability_per_decision(const LiaoInputs& inputs);

// Number of effect coefficients: 1, 2 or 3 for a constant, linear or quadratic effect.
int effect_dimension(ShapeKind effect_kind);

// The parts of the formula that do not depend on N.
struct LiaoTerms {
  int p = 0;
  Eigen::VectorXd d;                 // availability-weighted projection of the effect onto span(Z)
  Eigen::MatrixXd m;                 // M = Z' diag(tau rho (1 - rho)) Z, p x p
  double ncp_per_participant = 0.0;  // d'Md: the noncentrality parameter is N times this
};

// Validates the inputs and computes d, M and d'Md.
LiaoTerms liao_terms(const LiaoInputs& inputs);

struct PowerAtN {
  int n = 0;
  int df1 = 0;
  int df2 = 0;
  double ncp = 0.0;
  double critical_value = 0.0;  // F^-1_{df1, df2}(1 - alpha)
  double power = 0.0;
};

// Power with N participants; N - p - q <= 0 leaves the test undefined and throws UserError (--n).
PowerAtN liao_power(const LiaoInputs& inputs, int n);

struct SampleSizeResult {
  int scan_start = 0;  // max(10, p + q + 1): the reported N is never below it
  PowerAtN at_n;       // the smallest N in scan_start..max_n whose power reaches the target
};

// Throws UserError when no N up to max_n reaches target_power, giving the power at max_n.
SampleSizeResult liao_sample_size(const LiaoInputs& inputs, double target_power, int max_n = 1000);

// Power at every N in n_first..n_last (n_first must leave N - p - q > 0).
std::vector<PowerAtN> liao_power_curve(const LiaoInputs& inputs, int n_first, int n_last);

}  // namespace mrtsim
