// The per-decision inputs of a liao2016 model (host/config/study_config.h) resolved when the study is
// planned: shapes evaluated, values given as lists or CSV columns read and checked, the baseline
// alpha(t) and the dropout survival computed. Also the Liao formula's inputs for such a model, so
// that `sample_size: formula` describes the same trial the simulation runs.
#pragma once

#include <vector>

#include "host/config/study_config.h"
#include "host/engine/resolved_decision_values.h"
#include "host/samplesize/liao_formula.h"

namespace mrtsim {

// Decision points t = 1..days x decisions_per_day (index t - 1).
struct LiaoDesign {
  std::vector<double> availability;  // tau_t = P(I_t = 1) of a participant still in the study
  std::vector<double> rand_prob;     // rho_t
  std::vector<double> baseline;      // alpha(t), the weekend effect included
  std::vector<double> effect;        // d(t) under the alternative
  std::vector<double> survival;      // S_t, the probability of still taking part; empty without dropout
};

// UserError naming the key at fault (a file of the wrong length, a value out of range, a survival
// curve that rises or does not start at 1).
LiaoDesign resolve_liao_design(const LiaoModelConfig& model);

// The per-decision values of a curve (its shape over days, or the values given).
std::vector<double> liao_curve_values(const LiaoCurveInput& curve, const LiaoModelConfig& model, ValueRange range,
                                      const std::string& what);

// The Liao (2016) formula's inputs for `scenario`'s model with the formula's own effect and
// availability: q = the analysis' control terms and its alpha. The formula's availability is
// tau_t S_t when the model has dropout (the rows a participant still in the study contributes: the
// formula is exact for dropout independent of everything else). An effect given as values is
// projected onto the analysis' effect model, whose moderators must then be [], [day] or [day, day^2].
LiaoInputs liao_formula_inputs(const ScenarioConfig& scenario, const LiaoCurveInput& effect,
                               const LiaoCurveInput& availability);

}  // namespace mrtsim
