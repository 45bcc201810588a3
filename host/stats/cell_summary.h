// Summary of one table cell (scenario x hypothesis) from its replicates.
//
// Replicates are recorded per work unit (a fixed range of replicates, see host/engine/work_plan.h)
// into a CellPartial, one ReplicateFit each, and the partials of a cell are concatenated in unit
// order. The summary's performance measures (host/stats/performance_measures.h: bias, empirical and
// model SE, MSE, coverage and bias-eliminated coverage, each with its Monte Carlo SE; the joint
// test's rejection rate with the exact binomial test and Bradley's bands) are computed from every
// replicate's record, in replicate order, so every way of running a study (batch size, threads,
// backend, shard, MPI rank) gives bit-identical summaries.
//
// Which replicates count: a replicate enters the measures if its fit succeeded (status 0); a fit
// whose joint test is undefined for its number of subjects counts as failed (too_few_subjects).
// A measure that cannot be computed is NaN with a note saying why (written as an empty CSV field,
// NA in Markdown, null in JSON by host/io/study_tables.h): every measure of a cell whose every fit
// failed (flag "no_fits"), the empirical SE of a coefficient with one fit, relative bias where the
// truth is 0, the permutation rate of a cell where no observed fit succeeded. Counts are counts.
#pragma once

#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "host/stats/cell_decisions.h"
#include "host/stats/performance_measures.h"
#include "kernels/fit_status.h"

namespace mrtsim {

struct CoefficientSummary {
  std::string name;
  double truth = 0.0;
  PerformanceMeasures measures;  // rejection: the Wald test of this coefficient = 0 (rsimsum's power)
  // With the estimator's unadjusted variance too (CellSummary::has_unadjusted): the measures with
  // that SE (model SE, its error and the coverages differ; the estimates are the same).
  std::optional<PerformanceMeasures> unadjusted;
};

struct CellSummary {
  long long replicates = 0;
  long long failed = 0;                       // fits that did not produce a test (see failures_by_status)
  std::vector<long long> failures_by_status;  // indexed by FitStatus
  RejectionSummary rejection;  // the joint test of the cell's hypothesis among the successful fits
  std::string flag;  // "" or "high"/"low" where the binomial p-value < 0.05; "no_fits" without any fit
  std::vector<CoefficientSummary> coefficients;
  long long fitted() const { return replicates - failed; }
  // With a permutation test in every replicate: its rejections (joint permutation p <= alpha)
  // among the replicates whose observed fit succeeded, and the reshuffles whose fit failed.
  bool has_permutation = false;
  RejectionSummary permutation;
  long long failed_reshuffles = 0;
  // Where the estimator also reports the unadjusted sandwich (EMEE), the joint test with it among the
  // same successful fits.
  bool has_unadjusted = false;
  RejectionSummary rejection_unadjusted;
};

// One replicate of a cell as its summary and the per-replicate table need it.
struct ReplicateFit {
  long long replicate = 0;  // index in the cell
  int status = 0;           // FitStatus
  int n_eff = 0;            // subjects in the fit
  bool reject = false;      // the joint test at the cell's alpha
  bool reject_unadjusted = false;  // the same with the unadjusted variance (where reported)
  double permutation_p = std::numeric_limits<double>::quiet_NaN();  // with a permutation test
  int failed_reshuffles = 0;
};

// A cell's replicates: plain data, concatenated across units, serialized bit-exactly into checkpoints
// (host/io/checkpoint_store.h).
struct CellPartial {
  std::size_t dim = 0;  // coefficients per replicate
  std::vector<ReplicateFit> fits;
  // fits.size() x dim, row-major: estimates and SEs (NaN for a failed fit), and the unadjusted SEs
  // where the estimator reports them (empty otherwise).
  std::vector<double> estimates, std_errors, std_errors_unadjusted;

  explicit CellPartial(std::size_t num_coefficients = 0) : dim(num_coefficients) {}
  long long replicates() const { return static_cast<long long>(fits.size()); }
};

// Appends `other` (the replicates that follow `into`'s) to `into`.
void merge_partial(CellPartial& into, const CellPartial& other);

// Records one cell's replicates, in replicate order, into a CellPartial.
class CellAccumulator {
 public:
  explicit CellAccumulator(CellDecisions decisions, std::size_t num_coefficients);

  void reset() { partial_ = CellPartial(partial_.dim); }
  // Adds replicate `replicate`'s fit (estimates and SEs have num_coefficients entries) and, where the
  // estimator reports one (std_errors_unadjusted not null), its unadjusted variance's statistic and SEs.
  void add(long long replicate, int status, int n_eff, double joint_statistic, const double* estimates,
           const double* std_errors, double joint_statistic_unadjusted = 0.0,
           const double* std_errors_unadjusted = nullptr);
  // Adds the permutation test of the replicate added last: its joint p-value (NaN when the observed
  // fit failed) and failed reshuffles.
  void add_permutation(double joint_p_value, int failed_reshuffles);
  const CellPartial& partial() const { return partial_; }

 private:
  CellDecisions decisions_;
  CellPartial partial_;
};

// What a cell's summary is measured against.
struct CellTargets {
  std::vector<std::string> names;  // of the coefficients
  std::vector<double> truth;
  double nominal = 0.0;  // the joint test's expected rejection rate: alpha under H0, target power under H1
  bool under_null = true;
  bool has_permutation = false;
  bool has_unadjusted = false;
};

// The cell's table entries from all of its replicates.
CellSummary summarize_cell(const CellPartial& partial, const CellTargets& targets, const CellDecisions& decisions);

// The per-coefficient records of the performance measures (host/stats/performance_measures.h): one
// per replicate, with the interval's degrees of freedom; `reject` is the cell's joint test (with the
// unadjusted variance where `unadjusted`).
std::vector<ReplicateRecord> coefficient_records(const CellPartial& partial, std::size_t coefficient,
                                                 const CellDecisions& decisions, bool unadjusted = false);

}  // namespace mrtsim
