// The `model: {type: cohn2023}` section of a study (sims/cohn_model.h, docs/binary.md section 4) and
// the binary formula's inputs of `sample_size: {method: formula}`, as read from YAML. Every
// per-decision quantity (availability tau_t, randomization probability p_t, the success-probability
// null curve SPNC(t) = exp(g_t' alpha) and the relative risk RR(t) = exp(f_t' beta)) is a number
// (constant), a shape of the paper's Section 6.2 (sims/binary_shapes.h), a YAML list of m values or a
// CSV file. Syntax and ranges are checked here; the values are resolved (shapes solved, files read)
// when the study is planned (host/engine/cohn_design.h), with errors naming the key.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "host/config/decision_values.h"
#include "host/config/yaml_reader.h"
#include "sims/binary_shapes.h"
#include "sims/cohn_model.h"

namespace mrtsim {

// A per-decision quantity: its shape unless `values` are given.
struct CohnAvailabilityInput {
  BinaryAvailabilitySpec shape;
  DecisionValues values;
};
struct CohnRandProbInput {
  BinaryRandProbSpec shape;
  DecisionValues values;
};
// The SPNC (average: the ASPN, in (0, 1)) or the relative risk (average: the ATE, > 0); the shape's
// free scale is solved for the average as in the paper (sims/binary_shapes.h).
struct CohnCurveInput {
  BinaryCurveSpec shape;
  double average = 0.0;
  DecisionValues values;  // SPNC(t) or RR(t) themselves
};

// What describes the trial's design: the true model's, or the formula's working inputs.
struct CohnDesignConfig {
  CohnAvailabilityInput availability;
  CohnRandProbInput rand_prob;
  CohnCurveInput spnc;
  CohnCurveInput effect;
};

struct CohnModelConfig {
  int decisions = 30;  // m
  CohnDesignConfig design;
  double delayed_effect = 0.0;      // coef_DE: A_{t-1} in the log success probability
  double serial_correlation = 0.0;  // coef_SC: Y_t in the log success probability
  std::optional<EndogenousAvailability> endogenous_availability;  // replaces tau_t
  std::optional<DropoutConfig> dropout;  // participants leave: no rows after (rate per decision point)
  std::string where;  // the model section, for errors found when the study is planned
};

// `model:` with type cohn2023 (the type key is read by the caller).
CohnModelConfig parse_cohn_model(const YamlMap& model);

// The formula's inputs in `sample_size: {method: formula, ...}`: the model's design with the keys
// availability, spnc and effect of `section` replacing the model's (same syntax as in the model).
CohnDesignConfig parse_cohn_formula_design(const YamlMap& section, const CohnDesignConfig& model_design);

}  // namespace mrtsim
