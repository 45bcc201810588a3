#include "host/config/cohn_model_config.h"

#include "core/user_error.h"

namespace mrtsim {
namespace {

constexpr int kMaxDecisions = 100000;

CohnAvailabilityInput parse_availability(const YamlMap& parent, const std::string& key) {
  CohnAvailabilityInput input;
  if (read_decision_values(parent, key, 0.0, 1.0, false, input.values)) return input;
  const YAML::Node node = parent.child(key);
  if (node.IsScalar()) {
    input.shape.mean = yaml_to_double(node, parent.where(key), 0.0, 1.0);
    return input;
  }
  const YamlMap m = parent.map(key);
  input.shape.shape = parse_binary_availability_shape(m.get_string("shape"), m.where("shape"));
  input.shape.mean = m.get_double("mean", 0.0, 1.0);
  if (input.shape.shape == BinaryAvailabilityShape::kConstant) {
    m.reject_unknown_keys({"shape", "mean"});
  } else {
    input.shape.amplitude = m.get_double("amplitude", 0.0, 1.0, input.shape.amplitude);
    m.reject_unknown_keys({"shape", "mean", "amplitude"});
  }
  return input;
}

CohnRandProbInput parse_rand_prob(const YamlMap& parent, const std::string& key) {
  constexpr double kLow = 1e-9, kHigh = 1.0 - 1e-9;
  CohnRandProbInput input;
  if (read_decision_values(parent, key, kLow, kHigh, false, input.values)) return input;
  const YAML::Node node = parent.child(key);
  if (node.IsScalar()) {
    input.shape.first = input.shape.last = yaml_to_double(node, parent.where(key), kLow, kHigh);
    return input;
  }
  const YamlMap m = parent.map(key);
  input.shape.first = m.get_double("first", kLow, kHigh);
  input.shape.last = m.get_double("last", kLow, kHigh);
  m.reject_unknown_keys({"first", "last"});
  return input;
}

// `spnc` (average: ASPN in (0, 1), values SPNC(t) in (0, 1)) or `effect` (average: ATE, values RR(t), > 0).
CohnCurveInput parse_curve(const YamlMap& parent, const std::string& key, double max_value) {
  constexpr double kLow = 1e-12;
  CohnCurveInput input;
  if (read_decision_values(parent, key, kLow, max_value, false, input.values)) return input;
  const YAML::Node node = parent.child(key);
  if (node.IsScalar()) {
    input.average = yaml_to_double(node, parent.where(key), kLow, max_value);
    return input;
  }
  const YamlMap m = parent.map(key);
  input.shape.shape = parse_binary_curve_shape(m.get_string("shape"), m.where("shape"));
  input.average = m.get_double("average", kLow, max_value);
  if (input.shape.shape == BinaryCurveShape::kConstant) {
    m.reject_unknown_keys({"shape", "average"});
  } else {
    input.shape.theta = m.get_double("theta", -1.0, 1.0, 0.0);
    m.reject_unknown_keys({"shape", "theta", "average"});
  }
  return input;
}

constexpr double kMaxSpnc = 1.0 - 1e-12;
constexpr double kMaxRelativeRisk = 1e6;

}  // namespace

CohnModelConfig parse_cohn_model(const YamlMap& m) {
  CohnModelConfig c;
  c.where = m.where();
  c.decisions = static_cast<int>(m.get_int("decisions", 1, kMaxDecisions, c.decisions));
  c.design.availability = parse_availability(m, "availability");
  c.design.rand_prob = parse_rand_prob(m, "rand_prob");
  c.design.spnc = parse_curve(m, "spnc", kMaxSpnc);
  c.design.effect = parse_curve(m, "effect", kMaxRelativeRisk);
  c.delayed_effect = m.get_double("delayed_effect", -10.0, 10.0, 0.0);
  c.serial_correlation = m.get_double("serial_correlation", -10.0, 10.0, 0.0);
  if (m.has("endogenous_availability")) {
    const YamlMap e = m.map("endogenous_availability");
    EndogenousAvailability endogenous;
    endogenous.base = e.get_double("base", 0.0, 1.0, 0.5);
    endogenous.treatment = e.get_double("treatment", -1.0, 1.0);
    endogenous.outcome = e.get_double("outcome", -1.0, 1.0);
    e.reject_unknown_keys({"base", "treatment", "outcome"});
    for (int a = 0; a <= 1; ++a)
      for (int y = 0; y <= 1; ++y) {
        const double p = endogenous.base + a * endogenous.treatment + y * endogenous.outcome;
        if (p < 0.0 || p > 1.0)
          throw UserError(e.where() + ": availability base + treatment A + outcome Y is " + input_value_text(p) +
                          " for A = " + std::to_string(a) + ", Y = " + std::to_string(y) + ", outside [0, 1]");
      }
    c.endogenous_availability = endogenous;
  }
  if (m.has("dropout")) c.dropout = parse_dropout(m.map("dropout"), "rate_per_decision", "decision point");
  m.reject_unknown_keys({"type", "decisions", "availability", "rand_prob", "spnc", "effect", "delayed_effect",
                         "serial_correlation", "endogenous_availability", "dropout"});
  return c;
}

CohnDesignConfig parse_cohn_formula_design(const YamlMap& section, const CohnDesignConfig& model_design) {
  CohnDesignConfig design = model_design;
  if (section.has("availability")) design.availability = parse_availability(section, "availability");
  if (section.has("spnc")) design.spnc = parse_curve(section, "spnc", kMaxSpnc);
  if (section.has("effect")) design.effect = parse_curve(section, "effect", kMaxRelativeRisk);
  return design;
}

}  // namespace mrtsim
