// "Check by simulation" of the web calculator: the design on the page, its N from the formula (or the
// N asked for in power mode), and the chosen violations of the formula's working assumptions, written
// as a study file (YAML) that `mrtsim run` reproduces exactly, and validated by the engine's own
// study reader before anything runs.
//
// The continuous outcome only: the liao2016 model (configs/README.md) with WCLS and the Hotelling
// test. (A binary outcome's check waits for the engine's binary simulation model.)
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "host/config/study_config.h"
#include "host/serve/field_errors.h"

namespace mrtsim::serve {

// The work a check may ask for.
struct CheckLimits {
  long long max_replicates = 20000;          // per hypothesis
  double max_subject_decisions = 2e10;       // replicates x hypotheses x N x decision points
};

// A check ready to run: the study file, the study as the engine read it, and the formula's answer.
struct CheckStudy {
  std::string outcome;  // "continuous"
  std::string yaml;
  StudyConfig study;
  int n = 0;
  double formula_power = 0.0;
  double target_power = 0.0;  // sample-size mode; 0 in power mode
  std::string design_summary;
  std::string violations;  // "working assumptions" or the chosen violations, in words
};

// The check's own fields (replicates, seed and the violations of the working assumptions).
std::vector<FieldSpec> check_fields();

// Reads the design, goal and check fields of a request; InvalidFields on any problem, including
// those the engine's study reader finds (mapped to the field of the key it names).
CheckStudy continuous_check_study(const nlohmann::json& request, const CheckLimits& limits);

}  // namespace mrtsim::serve
