#include "host/engine/liao_design.h"

#include <cmath>
#include <string>

#include "core/user_error.h"
#include "sims/shapes.h"

namespace mrtsim {
namespace {

DecisionLayout layout_of(const LiaoModelConfig& model) { return {model.days, model.decisions_per_day}; }

std::vector<double> rand_prob_values(const LiaoModelConfig& model) {
  if (!model.rand_prob_values.given()) return std::vector<double>(model.num_decisions(), model.rand_prob);
  return resolve_decision_values(model.rand_prob_values, layout_of(model), {0.0, 1.0, false, false},
                                 "randomization probability");
}

// alpha(t) = sum_j baseline[j] day^j (or the values given) + theta W_t (W_t = 1 on weekend days,
// Section 6.2.1).
std::vector<double> baseline_values(const LiaoModelConfig& model) {
  std::vector<double> baseline =
      model.baseline_values.given()
          ? resolve_decision_values(model.baseline_values, layout_of(model),
                                    {-kMaxModelMagnitude, kMaxModelMagnitude, true}, "baseline")
          : expand_per_decision(baseline_per_day(model.baseline, model.days), model.decisions_per_day);
  if (model.weekend_effect != 0.0)
    for (int t = 0; t < model.num_decisions(); ++t)
      if (is_weekend_day(t / model.decisions_per_day)) baseline[t] += model.weekend_effect;
  return baseline;
}

// S per decision point: per day (1 on day 1, never rising), the same for the day's decision points.
std::vector<double> survival_values(const LiaoModelConfig& model) {
  if (!model.dropout) return {};
  return expand_per_decision(resolve_survival(*model.dropout, model.days, "day"), model.decisions_per_day);
}

// The Liao formula's effect model when the effect is given as values: the analysis' moderators, a
// polynomial in the day of degree 0, 1 or 2 (the formula's Z_t).
ShapeKind formula_effect_model(const AnalysisConfig& analysis, const std::string& where) {
  const std::vector<Term>& moderators = analysis.moderators;
  bool day_polynomial = moderators.size() <= 3;
  for (std::size_t j = 1; j < moderators.size() && day_polynomial; ++j)
    day_polynomial = moderators[j].variable == Term::Variable::kDay && moderators[j].power == static_cast<int>(j);
  require_input(day_polynomial, where +
                                    ": with the effect given as values the formula takes the analysis' "
                                    "moderators as its effect model; they must be [], [day] or [day, day^2]");
  return moderators.size() == 1   ? ShapeKind::kConstant
         : moderators.size() == 2 ? ShapeKind::kLinear
                                  : ShapeKind::kQuadratic;
}

}  // namespace

std::vector<double> liao_curve_values(const LiaoCurveInput& curve, const LiaoModelConfig& model, ValueRange range,
                                      const std::string& what) {
  if (curve.values.given()) return resolve_decision_values(curve.values, layout_of(model), range, what);
  return expand_per_decision(shape_per_day(curve.shape, model.days), model.decisions_per_day);
}

namespace {

// d(t) at every decision point, within the models' bound.
std::vector<double> effect_per_decision(const LiaoCurveInput& effect, const LiaoModelConfig& model) {
  return liao_curve_values(effect, model, {-kMaxModelMagnitude, kMaxModelMagnitude, true}, "effect");
}

}  // namespace

LiaoDesign resolve_liao_design(const LiaoModelConfig& model) {
  LiaoDesign design;
  design.availability = liao_curve_values(model.availability, model, {0.0, 1.0, true}, "availability");
  design.rand_prob = rand_prob_values(model);
  design.baseline = baseline_values(model);
  design.effect = effect_per_decision(model.effect, model);
  design.survival = survival_values(model);
  return design;
}

LiaoInputs liao_formula_inputs(const ScenarioConfig& s, const LiaoCurveInput& effect,
                               const LiaoCurveInput& availability) {
  const LiaoModelConfig& model = s.model;
  LiaoInputs inputs;
  inputs.days = model.days;
  inputs.decisions_per_day = model.decisions_per_day;
  inputs.rand_prob = rand_prob_values(model);
  inputs.q = static_cast<int>(s.analysis.control_terms().size());
  inputs.alpha = s.analysis.rules.alpha;
  inputs.effect = effect.shape;
  if (effect.values.given()) {
    inputs.effect.kind = formula_effect_model(s.analysis, effect.values.where);
    inputs.effect_values = effect_per_decision(effect, model);
  }
  inputs.availability = availability.shape;
  if (availability.values.given())
    inputs.availability_values = liao_curve_values(availability, model, {0.0, 1.0, true}, "availability");
  inputs.survival = survival_values(model);
  return inputs;
}

}  // namespace mrtsim
