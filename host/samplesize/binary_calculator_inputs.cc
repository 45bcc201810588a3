#include "host/samplesize/binary_calculator_inputs.h"

#include <cmath>

#include "core/user_error.h"
#include "sims/binary_shapes.h"

namespace mrtsim {
namespace {

// A value the curve passes through: a probability in (0, 1) for the SPNC, a positive relative risk.
double log_of_value(const LogCurveSpec& spec, const std::string& suffix, double value) {
  const std::string option = spec.option + suffix;
  if (spec.probability)
    require_input(value > 0.0 && value < 1.0,
                  option + " must be a success probability in (0, 1) (got " + input_value_text(value) + ")");
  else
    require_input(value > 0.0 && std::isfinite(value),
                  option + " must be a positive relative risk (got " + input_value_text(value) + ")");
  return std::log(value);
}

void require_decision_points(const LogCurveSpec& spec, int m, int needed) {
  require_input(m >= needed, spec.option + " " + log_curve_shape_name(spec.shape) + " has " + std::to_string(needed) +
                                 " coefficients and needs at least " + std::to_string(needed) +
                                 " decision points (m = " + std::to_string(m) + ")");
}

}  // namespace

LogCurveShape parse_log_curve_shape(const std::string& name, const std::string& option) {
  if (name == "constant") return LogCurveShape::kConstant;
  if (name == "log-linear") return LogCurveShape::kLogLinear;
  if (name == "log-quadratic") return LogCurveShape::kLogQuadratic;
  throw UserError(option + ": unknown shape '" + name + "' (expected constant, log-linear or log-quadratic)");
}

std::string log_curve_shape_name(LogCurveShape shape) {
  switch (shape) {
    case LogCurveShape::kConstant: return "constant";
    case LogCurveShape::kLogLinear: return "log-linear";
    case LogCurveShape::kLogQuadratic: return "log-quadratic";
  }
  return "?";
}

LogLinearEnd parse_log_linear_end(const std::string& name, const std::string& option) {
  if (name == "m+1") return LogLinearEnd::kAfterLast;
  if (name == "m") return LogLinearEnd::kLast;
  throw UserError(option + ": expected m+1 (the Shiny calculator's convention) or m (got '" + name + "')");
}

LogCurve log_curve(const LogCurveSpec& spec, int m, LogLinearEnd end) {
  require_input(m >= 1, spec.option + ": m = " + std::to_string(m) + " decision points; at least 1 is needed");
  LogCurve curve;
  switch (spec.shape) {
    case LogCurveShape::kConstant: {
      curve.columns = decision_point_powers(m, 1);
      curve.coefficients = Eigen::VectorXd::Constant(1, log_of_value(spec, "-value", spec.value));
      break;
    }
    case LogCurveShape::kLogLinear: {
      require_decision_points(spec, m, 2);
      const double first = log_of_value(spec, "-initial", spec.initial);
      const double last = log_of_value(spec, "-final", spec.final);
      const double slope = (last - first) / (end == LogLinearEnd::kAfterLast ? m : m - 1.0);
      curve.columns = decision_point_powers(m, 2);
      curve.coefficients = (Eigen::VectorXd(2) << first - slope, slope).finished();
      break;
    }
    case LogCurveShape::kLogQuadratic: {
      require_decision_points(spec, m, 3);
      const double first = log_of_value(spec, "-initial", spec.initial);
      const double vertex_value = log_of_value(spec, "-change-value", spec.change_value);
      const double k2 = spec.change_point;
      require_input(std::isfinite(k2) && k2 > 1.0, spec.option +
                                                       "-change-point must be a decision point after the first, "
                                                       "> 1 (got " +
                                                       input_value_text(k2) + ")");
      // log V(t) = c0 + c1 t + c2 t^2 with its vertex at k2 (c1 = -2 k2 c2) through (1, first).
      const double c2 = (first - vertex_value) / ((k2 - 1.0) * (k2 - 1.0));
      curve.columns = decision_point_powers(m, 3);
      curve.coefficients = (Eigen::VectorXd(3) << vertex_value + k2 * k2 * c2, -2.0 * k2 * c2, c2).finished();
      break;
    }
  }
  return curve;
}

}  // namespace mrtsim
