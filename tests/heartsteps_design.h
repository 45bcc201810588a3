// The HeartSteps data of tests/data (MRTAnalysis's data_mimicHeartSteps: 37 subjects x 210 decision
// points, 7,770 rows) with the WCLS model of the permutation tests and benchmarks: controls
// (1, logstep_pre30min, logstep_30min_lag1) and moderators (1, logstep_pre30min), 5 coefficients.
// Tests and benchmarks only (MRTSIM_SOURCE_DIR: the repository).
#pragma once

#include <cstdint>
#include <string>

#include "host/analysis/permutation_test.h"
#include "host/analysis/wcls_analysis.h"
#include "host/io/mrt_csv.h"

namespace mrtsim::testing_support {

inline const std::string& heartsteps_csv() {
  static const std::string path = std::string(MRTSIM_SOURCE_DIR) + "/tests/data/data_mimicHeartSteps.csv";
  return path;
}

inline WclsDesign heartsteps_wcls_design() {
  WclsModelSpec model;
  model.moderators = {"logstep_pre30min"};
  model.controls = {"logstep_pre30min", "logstep_30min_lag1"};
  const MrtColumnSpec columns{"userid", "logstep_30min", "intervention", "rand_prob", "avail", "",
                              wcls_control_columns(model)};
  return make_wcls_design(read_mrt_csv(heartsteps_csv(), columns), model);
}

// `mrtsim permute`'s reshuffle task of `design` for `seed` and `scheme`, its arrays in `arena`.
inline WclsDataTask reshuffle_task(const WclsDesign& design, uint64_t seed, ReshuffleScheme scheme, TaskArena& arena) {
  PermutationSettings settings;
  settings.seed = seed;
  settings.scheme = scheme;
  return wcls_data_task(design, settings, arena);
}

}  // namespace mrtsim::testing_support
