// What a finished study reports: per table cell (scenario x hypothesis) its settings, summary and
// true coefficient values. Plain data, written by the engine (host/engine/study_runner.h) and read by
// the table writers (host/io/study_tables.h).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "host/config/study_config.h"
#include "host/results/sample_size_search.h"
#include "host/stats/cell_summary.h"

namespace mrtsim {

struct TruthValues {
  std::vector<double> value;        // what coverage and bias are measured against
  std::vector<double> mc_se;        // Monte Carlo SE of `value`; empty when exact
  std::vector<double> simple_mean;  // the alternative definition (qian2025: mean over t), if any
  long long mc_subjects = 0;
};

struct CellResult {
  int scenario = 0;
  Hypothesis hypothesis = Hypothesis::kNull;
  std::vector<GridValue> labels;
  int sample_size = 0;
  std::optional<double> formula_power;  // the sample-size formula's power at sample_size, if it chose it
  int decisions = 0;
  CellSummary summary;
  TruthValues truth;  // with Monte Carlo SEs where the truth is simulated
  // With output.replicates: each coefficient's per-replicate records (host/stats/cell_summary.h,
  // coefficient_records; `reject` is the cell's joint test), and where the estimator reports an
  // unadjusted variance the same with its SEs and joint test.
  std::vector<std::vector<ReplicateRecord>> replicates, replicates_unadjusted;
  std::string estimator;  // the estimator's name, for the per-replicate table
};

struct StudyResult {
  StudyConfig study;
  std::string backend;  // backend(s) that computed the units, e.g. "cpu" or "cpu+cuda"
  std::vector<CellResult> cells;
  std::vector<SampleSizeSearch> sample_size_searches;  // scenarios with sample_size: {method: simulation}
  double seconds = 0.0;            // of this run
  double subject_decisions = 0.0;  // simulated by this run (throughput numerator)
};

}  // namespace mrtsim
