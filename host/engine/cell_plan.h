// What the study runner needs of one table cell (scenario x hypothesis), whatever the model and
// estimator: the coefficients it reports, their true values, the test and interval rule, and the
// per-replicate work on a backend. Implemented by ScenarioPlan (liao2016 model, WCLS on the
// proximal outcome), DistalScenarioPlan (qian2025 model, distal-outcome estimators) and
// CohnScenarioPlan (cohn2023 model, EMEE on the binary proximal outcome).
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "host/results/study_result.h"
#include "host/stats/cell_decisions.h"
#include "kernels/wcls_backend.h"

namespace mrtsim {

class CellPlan;

// Replicates first .. first + count - 1 of `cell` in a batched backend call; a call's segments fill
// consecutive output slots in their order.
struct CellSegment {
  const CellPlan* cell;
  uint32_t first;
  uint32_t count;
};

class CellPlan {
 public:
  virtual ~CellPlan() = default;

  // Names of the reported coefficients, in output order.
  virtual const std::vector<std::string>& coefficient_names() const = 0;
  virtual const TruthValues& truth_values() const = 0;
  // The joint test of beta = 0 and the interval multiplier per n_eff.
  virtual CellDecisions decisions() const = 0;
  // True when every replicate also runs a permutation test (analysis.permutation).
  virtual bool has_permutation_test() const { return false; }
  // True when the estimator also reports the unadjusted sandwich next to its small-sample adjusted
  // variance (EMEE), so that run_replicates fills the unadjusted arrays of `out.fits`.
  virtual bool has_unadjusted_variance() const { return false; }
  // Replicates first .. first + count - 1 into `out.fits` (coefficient_names().size() per
  // replicate) and, with a permutation test, its p-value arrays.
  virtual void run_replicates(Backend backend, int threads, uint32_t first, uint32_t count,
                              const ReplicateBatchOutput& out) const = 0;
  // Subject-decision cells per replicate (throughput and load balance).
  virtual double replicate_cost() const = 0;

  // Cells with the same non-empty batch key can share one backend call (one CUDA launch): the study
  // runner hands their pending replicates to run_segments of any of them. Empty: never batched.
  virtual std::string batch_key() const { return {}; }
  // The replicates of `segments` (cells of this cell's batch key) into consecutive slots of `out`.
  virtual void run_segments(Backend backend, int threads, const std::vector<CellSegment>& segments,
                            const ReplicateBatchOutput& out) const;
  // True when the cell's replicates run on CPU threads whatever the backend (estimators that fit
  // learners on the host: host/engine/distal_learner_plan.h).
  virtual bool runs_on_cpu_only() const { return false; }
  // Writes replicate `replicate`'s simulated cohort to `csv` as an MRT data set in long format (one
  // row per subject and decision point, the cohort the study's fit of that replicate saw) and returns
  // the arguments of the mrtsim command that analyses it as the study does, for data at `csv_path`
  // (`mrtsim replicate`), or "" where no mrtsim command runs the cell's estimator.
  virtual std::string write_cohort(uint32_t replicate, std::ostream& csv, const std::string& csv_path) const = 0;
};

// Stream index of a cell in the Philox key layout: 2 * scenario + hypothesis (core/philox.h).
inline uint32_t cell_stream(int scenario_index, bool alternative) {
  return static_cast<uint32_t>(scenario_index) * 2u + (alternative ? 1u : 0u);
}

}  // namespace mrtsim
