// The binary-outcome calculator of `mrtsim serve`: the Cohn, Qian & Murphy (2023) formula
// (host/samplesize/cohn_formula.h) with the inputs of MRTSampleSizeBinary's Shiny calculator: the
// success-probability null curve (SPNC) and the relative risk, each constant, log-linear or
// log-quadratic over the decision points (host/samplesize/binary_calculator_inputs.h); availability
// as a per-day pattern or an uploaded column; randomization probability constant or uploaded.
// Numbers as `mrtsim samplesize|power --outcome binary`.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "host/samplesize/binary_calculator_inputs.h"
#include "host/samplesize/cohn_formula.h"
#include "host/serve/field_errors.h"
#include "host/serve/request_fields.h"
#include "host/serve/sizing_common.h"
#include "sims/shapes.h"

namespace mrtsim::serve {

struct BinaryDesign {
  int days = 0, decisions_per_day = 0;
  CohnInputs inputs;  // per decision point t = 1..m, m = days x decisions per day
  LogCurveSpec spnc, rr;
  LogLinearEnd loglinear_end = LogLinearEnd::kAfterLast;
  bool allow_small_n = true;       // as the Shiny calculator (less_than_10_possible = TRUE), with warnings
  std::optional<ShapeSpec> availability_pattern;  // the per-day pattern, unless uploaded
  std::string availability_file;                  // the uploaded file's name, if any
  std::string rand_prob_file;      // uploaded file's name, if any
  std::vector<double> rand_prob;   // as given: one value or the uploaded column
};

// Every field of the binary calculator, with labels and the engine's options.
std::vector<FieldSpec> binary_fields();

// Reads the design fields (problems collected in `fields`); the formula inputs are built only where
// the fields they need are valid.
BinaryDesign read_binary_design(RequestFields& fields);

// "10 days x 3 decisions; rand. prob. 0.4; availability ...; SPNC ...; RR ...; type I error 0.05".
std::string binary_design_summary(const BinaryDesign& design);

struct BinaryAnswer {
  double n = 0.0;
  double n_exact = 0.0;  // sample-size mode: the root of power(n) = target
  CohnPowerAtN at_n;
  std::vector<std::string> warnings;
  int first_valid_n = 0;
};
BinaryAnswer binary_answer(const BinaryDesign& design, const SizingGoal& goal);

// POST /api/binary/preview: plots of the SPNC (with and without treatment), the relative risk, the
// availability and the randomization probability per decision point, and every problem.
nlohmann::ordered_json binary_preview(const nlohmann::json& request);

// POST /api/binary/calculate: N (with n_exact) or power, the F test, the power curve, the
// power_summary table, warnings, the equivalent command and a summary.
nlohmann::ordered_json binary_calculate(const nlohmann::json& request);

}  // namespace mrtsim::serve
