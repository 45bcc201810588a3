// The continuous-outcome calculator of `mrtsim serve`: the Liao et al. (2016) formula
// (host/samplesize/liao_formula.h) on the fields of the page, with the conventions and numbers of
// `mrtsim samplesize` / `mrtsim power`. Handlers take the request's JSON and return the reply's JSON;
// bad inputs throw InvalidFields with each message tied to its field.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "host/samplesize/liao_formula.h"
#include "host/serve/field_errors.h"
#include "host/serve/request_fields.h"
#include "host/serve/sizing_common.h"

namespace mrtsim::serve {

// The design of the page, as the formula and a study file need it.
struct ContinuousDesign {
  LiaoInputs inputs;
  std::vector<double> rand_prob;  // as given: one value, or one per day or per decision point (uploaded)
  std::string rand_prob_file;     // the uploaded file's name; "" for one constant probability
  std::string availability_file;  // the uploaded availability file's name; "" for a pattern
};

// Every field of the continuous calculator (design and goal), with labels and the options by which
// the engine's messages name them; `rand_prob_from_file` sends the engine's "--rand-prob" to the
// upload field.
std::vector<FieldSpec> continuous_fields(bool rand_prob_from_file);
// The upload choice of a request (field rand_prob_source), for picking the field table.
bool continuous_rand_prob_from_file(const nlohmann::json& request);

// Reads the design fields (problems collected in `fields`).
ContinuousDesign read_continuous_design(RequestFields& fields);

// "42 days x 5 decisions; rand. prob. 0.4; availability ...; effect ...; alpha 0.05".
std::string continuous_design_summary(const ContinuousDesign& design);

// The formula's answer for the design and goal: N (or the power at N) and its F test.
struct ContinuousAnswer {
  PowerAtN at_n;
  int first_valid_n = 0;  // max(10, p + q + 1): the first N the scan looks at
};
ContinuousAnswer continuous_answer(const ContinuousDesign& design, const SizingGoal& goal);

// POST /api/continuous/preview: plots of the availability, the effect and the randomization
// probability, with every problem of the design ({"plots": {...}, "errors": [...]}); never throws
// InvalidFields, so plots show while the form is still incomplete.
nlohmann::ordered_json continuous_preview(const nlohmann::json& request);

// POST /api/continuous/calculate: N or power, the F test, the power curve (points and SVG), the table
// of N per power level, the equivalent command line and a one-line summary of the design.
nlohmann::ordered_json continuous_calculate(const nlohmann::json& request);

}  // namespace mrtsim::serve
