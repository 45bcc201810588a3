// Performance measures of a simulation study with their Monte Carlo SEs (Morris, White & Crowther
// 2019, Table 6), as the R package rsimsum 0.13.0 computes them: docs/performance_measures.md has the
// formulas, the rules below and the reference values they are tested against.
//
// Input: one record per replicate for one coefficient of one method in one table cell (scenario x
// hypothesis). The engine keeps such records per work unit; a cell's records are the concatenation of
// its units' records, in any order.
//
// Rules:
// - Which replicates count. A replicate enters every measure if and only if its fit succeeded
//   (status 0) and its estimate and SE are both finite: n_sim counts these. The others are failures,
//   counted by status, and those with status 0 but a non-finite estimate or SE separately (rsimsum
//   drops a replicate whose estimate or SE is missing from every measure; here infinities are
//   dropped too). Every measure, the rejection rate included, is over the same n_sim replicates.
// - Exactness. Records are sorted by replicate index first and every sum runs in replicate order, so
//   the result does not depend on the order in which units or records arrive: equal inputs give
//   bit-identical measures. Replicate indices must be distinct.
// - NA, never an invented number. A measure that cannot be computed is NaN with a note saying why:
//   with n_sim = 0 every measure; with n_sim = 1 the empirical SE and what depends on it (relative
//   error in model SE, relative precision) and every MC SE (even sqrt(p (1 - p) / n), which would
//   read 0); relative bias when the truth is 0; ratios whose denominator is 0 (an empirical SE, model
//   SE or RMSE of exactly 0).
// - RMSE's MC SE by the delta method: MCSE(RMSE) = MCSE(MSE) / (2 RMSE).
// - Critical values: the normal quantile at (1 + level) / 2, or Student's t with the replicate's own
//   df. The Wald rejection rule uses the same per-replicate critical value (rsimsum's "power" uses one
//   df for all replicates, control$power_df; with normal critical values the two agree).
#pragma once

#include <cstddef>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mrtsim {

// Degrees of freedom meaning "use the normal critical value".
constexpr double kNormalDf = std::numeric_limits<double>::infinity();

// One replicate's result for one coefficient of one method. Plain data, so that the engine can store
// and checkpoint it per work unit.
struct ReplicateRecord {
  long long replicate = 0;  // the replicate's index in its cell: orders the sums, pairs methods
  double estimate = std::numeric_limits<double>::quiet_NaN();
  double se = std::numeric_limits<double>::quiet_NaN();
  double df = kNormalDf;  // of the t critical value for the interval (and the Wald test)
  int status = 0;         // 0: the fit succeeded; otherwise its failure reason (e.g. FitStatus)
  bool reject = false;    // the study's own test decision (RejectionRule::kStudyDecision)
};

// How a replicate's rejection is decided.
enum class RejectionRule {
  kStudyDecision,  // the record's `reject` (e.g. the engine's joint test of the cell's hypothesis)
  kWaldTest,       // |estimate| >= c se: a test of "coefficient = 0" (rsimsum's power)
};

struct MeasureSettings {
  double truth = 0.0;
  double level = 0.95;  // confidence level of the intervals; the Wald test is at 1 - level
  RejectionRule rejection = RejectionRule::kStudyDecision;
  double nominal_rejection = 0.05;  // the rate the exact binomial test compares with: alpha, or target power
  bool under_null = true;           // the rejection rate is a type I error rate: Bradley's bands apply
};

// One measure: its value and Monte Carlo SE, NaN where undefined, with `note` saying why.
struct Measure {
  double value = std::numeric_limits<double>::quiet_NaN();
  double mc_se = std::numeric_limits<double>::quiet_NaN();
  std::string note;  // empty when value and MC SE are both numbers
};

// Bradley's (1978) robustness criterion for a type I error rate: the rate lies in [low, high] alpha.
struct RobustnessBand {
  double lower = 0.0;
  double upper = 0.0;
  bool contains(double rate) const { return rate >= lower && rate <= upper; }
};
RobustnessBand bradley_liberal_band(double alpha);    // [0.5 alpha, 1.5 alpha]
RobustnessBand bradley_stringent_band(double alpha);  // [0.9 alpha, 1.1 alpha]

struct BradleyCheck {
  RobustnessBand liberal, stringent;
  bool within_liberal = false;
  bool within_stringent = false;
};

struct RejectionSummary {
  long long tested = 0;
  long long rejections = 0;
  Measure rate;  // rejections / tested, MC SE sqrt(rate (1 - rate) / tested)
  double nominal = 0.0;
  // Exact two-sided binomial test of rate = nominal (as R's binom.test); NaN when nothing was tested.
  double binomial_p_value = std::numeric_limits<double>::quiet_NaN();
  std::optional<BradleyCheck> bradley;  // under the null hypothesis only, and when something was tested
};

// The rejection rate of `tested` tests against `nominal`: shared by every rejection rate of a study
// (per coefficient here, and the joint test of a cell).
RejectionSummary summarize_rejections(long long rejections, long long tested, double nominal, bool under_null);

struct PerformanceMeasures {
  double truth = 0.0;
  long long replicates = 0;  // records given
  long long n_sim = 0;       // fit succeeded, estimate and SE finite: the replicates every measure uses
  long long failures = 0;    // replicates - n_sim
  std::map<int, long long> failures_by_status;  // failed fits (status != 0) by status
  long long non_finite = 0;  // fits that succeeded with a non-finite estimate or SE
  Measure mean_estimate;     // MC SE: the bias's
  Measure median_estimate;   // medians carry no MC SE
  Measure median_se;         // (rsimsum reports the median of SE^2 instead)
  Measure bias;
  Measure relative_bias;     // bias / truth
  Measure empirical_se;
  Measure mse;
  Measure rmse;
  Measure model_se;          // root mean square of the SEs
  Measure relative_error_model_se;  // %
  Measure coverage;
  Measure bias_eliminated_coverage;
  RejectionSummary rejection;
  Measure relative_precision;  // %, against the reference method (summarize_paired_methods only)
};

// The measures of one coefficient of one method in one cell.
PerformanceMeasures summarize_performance(std::vector<ReplicateRecord> records, const MeasureSettings& settings);

// The measures of several methods (estimators) run on the same replicates of one cell, with each
// method's relative precision against methods[reference]: 100 ((EmpSE_ref / EmpSE)^2 - 1), each
// EmpSE over its own method's n_sim replicates, rho over the replicates both count (paired by
// replicate index), n = the method's n_sim (as rsimsum). The reference's own is 0 (MC SE 0).
std::vector<PerformanceMeasures> summarize_paired_methods(const std::vector<std::vector<ReplicateRecord>>& methods,
                                                          std::size_t reference, const MeasureSettings& settings);

// One replicate's interval in a zip plot (Morris, White & Crowther 2019, Section 5.2 and Figure 5).
struct ZipInterval {
  long long replicate = 0;
  double centile = 0.0;  // fractional centile of |z| = |estimate - truth| / SE among the n_sim replicates, (0, 100]
  double lower = 0.0, upper = 0.0;  // estimate -+ c SE, as the coverage measures it
  bool covers = false;              // the truth lies in [lower, upper]
};

// The zip plot's intervals of one coefficient: the replicates that count (n_sim), in increasing |z|.
std::vector<ZipInterval> zip_intervals(std::vector<ReplicateRecord> records, const MeasureSettings& settings);

// Replicates needed for an MC SE of `target_mcse` on a proportion p: p (1 - p) / target^2, rounded
// up (0.8 at 0.005: 6,400; p = 0.5 is the worst case, 10,000).
long long replicates_for_proportion_mcse(double proportion, double target_mcse);
// Replicates needed to bring an MC SE of `mc_se` with `n_sim` replicates down to `target_mcse` (MC
// SEs shrink as 1 / sqrt(n)): n_sim (mc_se / target)^2, rounded up.
long long replicates_for_mcse(double mc_se, long long n_sim, double target_mcse);

}  // namespace mrtsim
