// Runs a whole study: every scenario x hypothesis cell, its replicates in batches on the chosen
// backend, and the per-cell summaries.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "host/config/study_config.h"
#include "host/stats/cell_summary.h"
#include "kernels/wcls_backend.h"

namespace mrtsim {

struct RunOptions {
  std::string backend = "auto";
  int threads = 0;            // 0: all cores
  long long batch_size = 8192;  // replicates per backend call (memory bound; results do not depend on it)
  bool progress = false;      // progress lines on stderr
};

struct CellResult {
  int scenario = 0;
  Hypothesis hypothesis = Hypothesis::kNull;
  std::vector<GridValue> labels;
  int sample_size = 0;
  std::optional<double> formula_power;  // the Liao formula's power at sample_size, if it chose it
  int decisions = 0;
  CellSummary summary;
};

struct StudyResult {
  StudyConfig study;
  std::string backend;
  std::vector<CellResult> cells;
  double seconds = 0.0;
  double subject_decisions = 0.0;  // simulated subject-decision cells (throughput denominator)
};

StudyResult run_study(const StudyConfig& study, const RunOptions& options);

}  // namespace mrtsim
