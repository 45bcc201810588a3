// The inputs of the binary-outcome Shiny calculator of MRTSampleSizeBinary (docs/binary.md section 3):
// the success-probability null curve (SPNC) and the relative risk, each constant, log-linear or
// log-quadratic in the decision point t = 1..m, turned into the formula's design columns and
// coefficients (g_t, alpha or f_t, beta).
//
// - constant V: one column 1, coefficient log V.
// - log-linear from "initial" (t = 1) to "final": columns (1, t). The calculator uses the slope
//   (log final - log initial) / m, so the curve reaches "final" only at t = m + 1
//   (LogLinearEnd::kAfterLast, the default, which reproduces its numbers); kLast reaches it at t = m.
// - log-quadratic: columns (1, t, t^2), "initial" at t = 1 and "change value" at the vertex t =
//   "change point" (> 1, may lie after the study): log V(t) = log k3 + (log k1 - log k3)(t - k2)^2/(k2 - 1)^2.
//
// Errors name the command-line options (`option` + "-initial" etc.), as the formula's do.
#pragma once

#include <string>

#include <Eigen/Dense>

namespace mrtsim {

enum class LogCurveShape { kConstant, kLogLinear, kLogQuadratic };

enum class LogLinearEnd {
  kAfterLast,  // the Shiny calculator: "final" is the value at t = m + 1
  kLast,       // "final" is the value at t = m
};

struct LogCurveSpec {
  std::string option;        // "--spnc" or "--rr": errors name option + "-initial" etc.
  bool probability = false;  // SPNC values must lie in (0, 1); relative risks only be positive
  LogCurveShape shape = LogCurveShape::kConstant;
  double value = 0.0;         // constant
  double initial = 0.0;       // log-linear and log-quadratic: the value at t = 1
  double final = 0.0;         // log-linear
  double change_point = 0.0;  // log-quadratic: t of the vertex, > 1
  double change_value = 0.0;  // log-quadratic: the value at the vertex
};

struct LogCurve {
  Eigen::MatrixXd columns;       // m x (1, 2 or 3): 1, t, t^2 at t = 1..m
  Eigen::VectorXd coefficients;  // log curve(t) = columns.row(t - 1) . coefficients
};

// Parses "constant" | "log-linear" | "log-quadratic"; UserError naming `option` otherwise.
LogCurveShape parse_log_curve_shape(const std::string& name, const std::string& option);
std::string log_curve_shape_name(LogCurveShape shape);

// Parses "m+1" (kAfterLast) | "m" (kLast) for the option `option`.
LogLinearEnd parse_log_linear_end(const std::string& name, const std::string& option);

LogCurve log_curve(const LogCurveSpec& spec, int m, LogLinearEnd end = LogLinearEnd::kAfterLast);

}  // namespace mrtsim
