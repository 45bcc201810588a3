// Summary of one table cell (scenario x hypothesis) from its replicates.
//
// Replicates are accumulated per work unit (a fixed range of replicates, see
// host/engine/work_plan.h) into a CellPartial, and the partials of a cell are merged in unit order.
// Both steps are fixed by the study, never by the batch size, thread count, backend, shard or MPI
// rank that computed a unit, so every way of running a study gives bit-identical summaries.
//
// A measure that needs successful fits is undefined (NaN, written as an empty CSV field, NA in
// Markdown, null in JSON by host/io/study_tables.h) where there are none: every measure of a cell
// whose every fit failed (flag "no_fits"), the empirical SD of a coefficient with one fit, the
// permutation rate of a cell where no observed fit succeeded. Counts are always counts.
#pragma once

#include <string>
#include <vector>

#include "host/stats/cell_decisions.h"
#include "kernels/fit_status.h"

namespace mrtsim {

struct CoefficientSummary {
  std::string name;
  double truth = 0.0;
  double mean_estimate = 0.0;
  double bias = 0.0;
  double empirical_sd = 0.0;
  double mean_se = 0.0;
  double rmse = 0.0;
  long long covered = 0;
  double coverage = 0.0;
  // With the estimator's unadjusted variance too (CellSummary::has_unadjusted): the same two with it.
  double mean_se_unadjusted = 0.0;
  double coverage_unadjusted = 0.0;
};

struct CellSummary {
  long long replicates = 0;
  long long failed = 0;             // fits that did not produce a test (see failures_by_status)
  std::vector<long long> failures_by_status;  // indexed by FitStatus
  long long rejections = 0;
  double rejection_rate = 0.0;      // rejections / successful fits (NaN without any)
  double rejection_mc_se = 0.0;
  double nominal = 0.0;             // alpha under H0, target power under H1
  double nominal_p_value = 1.0;     // exact two-sided binomial test of rejection_rate = nominal
  std::string flag;                 // "" or "high"/"low" where nominal_p_value < 0.05; "no_fits" without any
  std::vector<CoefficientSummary> coefficients;
  long long fitted() const { return replicates - failed; }
  // With a permutation test in every replicate: its rejections (joint permutation p <= alpha)
  // among the replicates whose observed fit succeeded, and the reshuffles whose fit failed.
  bool has_permutation = false;
  long long permutation_tested = 0;
  long long permutation_rejections = 0;
  double permutation_rejection_rate = 0.0;
  double permutation_mc_se = 0.0;
  long long failed_reshuffles = 0;
  // Where the estimator also reports the unadjusted sandwich (EMEE), the joint test's rejections
  // with it among the same successful fits (its mean SE and coverage are in `coefficients`).
  bool has_unadjusted = false;
  long long rejections_unadjusted = 0;
  double rejection_rate_unadjusted = 0.0;
  double rejection_mc_se_unadjusted = 0.0;
};

// Running moments of one coefficient's estimates over successful fits: Welford mean / M2 of the
// estimate, plus sums for the mean SE, the RMSE and the coverage.
struct CoefficientMoments {
  long long n = 0;
  double mean = 0.0;
  double m2 = 0.0;
  double se_sum = 0.0;
  double squared_error_sum = 0.0;
  long long covered = 0;
  double se_sum_unadjusted = 0.0;  // zero unless the estimator reports an unadjusted variance
  long long covered_unadjusted = 0;
};

// Everything a cell's summary needs from a set of replicates: plain data, mergeable, serialized
// bit-exactly into checkpoints (host/io/checkpoint_store.h).
struct CellPartial {
  long long replicates = 0;
  long long rejections = 0;
  std::vector<long long> failures = std::vector<long long>(kFitStatusCount, 0);  // indexed by FitStatus
  std::vector<CoefficientMoments> coefficients;
  long long permutation_tested = 0;  // replicates with a permutation p-value
  long long permutation_rejections = 0;
  long long failed_reshuffles = 0;
  long long rejections_unadjusted = 0;  // the joint test with the unadjusted variance, if reported

  explicit CellPartial(size_t num_coefficients = 0) : coefficients(num_coefficients) {}
};

// Appends `other` (the replicates that follow `into`'s) to `into` (Chan et al.'s pairwise update).
void merge_partial(CellPartial& into, const CellPartial& other);

// Adds replicates one at a time, in replicate order, to a CellPartial.
class CellAccumulator {
 public:
  CellAccumulator(std::vector<double> truth, CellDecisions decisions);

  void reset() { partial_ = CellPartial(truth_.size()); }
  // Adds one replicate's fit (estimates and SEs have truth.size() entries) and, where the estimator
  // reports one (std_errors_unadjusted not null), its unadjusted variance's statistic and SEs.
  void add(int status, int n_eff, double joint_statistic, const double* estimates, const double* std_errors,
           double joint_statistic_unadjusted = 0.0, const double* std_errors_unadjusted = nullptr);
  // Adds the same replicate's permutation test: its joint p-value (NaN when the observed fit failed)
  // and failed reshuffles.
  void add_permutation(double joint_p_value, int failed_reshuffles);
  const CellPartial& partial() const { return partial_; }

 private:
  std::vector<double> truth_;
  CellDecisions decisions_;
  CellPartial partial_;
};

// The cell's table entries from all of its replicates.
CellSummary summarize_cell(const CellPartial& partial, const std::vector<std::string>& names,
                           const std::vector<double>& truth, double nominal, bool has_permutation = false,
                           bool has_unadjusted = false);

}  // namespace mrtsim
