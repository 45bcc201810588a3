// What a sample-size search by simulation found (host/engine/simulated_sample_size.h): plain data for
// the tables (host/io/study_tables.h).
#pragma once

#include <optional>
#include <vector>

#include "host/config/study_config.h"

namespace mrtsim {

// The simulated power at one N, and the formula's power there (where the model has one).
struct PowerEstimate {
  int n = 0;
  long long replicates = 0;
  long long fitted = 0;
  long long rejections = 0;
  double power = 0.0;  // rejections / fitted
  double mc_se = 0.0;
  std::optional<double> formula_power;
};

struct SampleSizeSearch {
  int scenario = 0;
  std::vector<GridValue> labels;
  double target_power = 0.8;
  int n = 0;                      // the smallest N found to reach the target
  std::optional<int> formula_n;   // the formula's N with the model's own inputs
  std::vector<PowerEstimate> curve;  // every N evaluated, by N
};

}  // namespace mrtsim
