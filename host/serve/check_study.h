// "Check by simulation" of the web calculator: the design on the page, its N from the formula (or the
// N asked for in power mode), and the chosen violations of the formula's working assumptions, written
// as a study file (YAML) that `mrtsim run` reproduces exactly, and validated by the engine's own
// study reader before anything runs.
//
// A continuous outcome is simulated by the liao2016 model (configs/README.md) and analysed by WCLS with
// the Hotelling test; a binary outcome by the cohn2023 model with the calculator's curves per decision
// point, analysed by EMEE2 (the formula's estimator) with the paper's Hotelling test.
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
  std::string outcome;  // "continuous" or "binary"
  std::string yaml;
  StudyConfig study;
  int n = 0;
  double formula_power = 0.0;
  double target_power = 0.0;  // sample-size mode; 0 in power mode
  std::string design_summary;
  std::string violations;  // "working assumptions" or the chosen violations, in words
};

// Reads the design, goal and check fields of a request; InvalidFields on any problem, including
// those the engine's study reader finds (mapped to the field of the key it names).
CheckStudy continuous_check_study(const nlohmann::json& request, const CheckLimits& limits);
// The binary outcome's check; its violations are those of Cohn et al. (2023) Section 6.3: a delayed
// effect, serial correlation of the outcome and availability that depends on the last treatment and
// outcome.
CheckStudy binary_check_study(const nlohmann::json& request, const CheckLimits& limits);

}  // namespace mrtsim::serve
