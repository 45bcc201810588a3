#include "sims/binary_shapes.h"

#include <cmath>
#include <cstdint>
#include <exception>
#include <limits>

#include <boost/math/tools/roots.hpp>

#include "core/portable_reductions.h"
#include "core/user_error.h"

namespace mrtsim {
namespace {

constexpr int kScaleBits = 50;
constexpr std::uintmax_t kScaleIterations = 200;
// A solved scale must reproduce its target to this much on the log scale.
constexpr double kScaleResidual = 1e-9;
// Curve values this small relative to the largest are zeros of the shape (theta = +-1) up to rounding.
constexpr double kZeroCurve = 1e-12;

int coefficient_count(BinaryCurveShape shape) {
  switch (shape) {
    case BinaryCurveShape::kConstant: return 1;
    case BinaryCurveShape::kLinearTheta: return 2;
    case BinaryCurveShape::kQuadraticTheta: return 3;
  }
  return 1;
}

// The coefficients of the curve up to its free scale, written so that every theta in [-1, 1] is
// finite. With r = (1 + theta)/(1 - theta) the paper's linear_theta has beta0 = (r m - 1)/(1 - r) beta1
// and its quadratic_theta beta1 = -(m + 1) beta2, beta0 = ((m + 1)^2/4 - r (m + 1) + r)/(1 - r) beta2
// (docs/binary.md section 4); multiplying through by -2 theta = (1 - r)(1 - theta) removes the pole at
// theta = 0, where the curve becomes the constant (1, 0[, 0]).
Eigen::VectorXd curve_direction(const BinaryCurveSpec& spec, int m) {
  const double theta = spec.theta, n = m;
  switch (spec.shape) {
    case BinaryCurveShape::kConstant: return Eigen::VectorXd::Ones(1);
    case BinaryCurveShape::kLinearTheta:
      return (Eigen::VectorXd(2) << (1.0 + theta) * n - (1.0 - theta), -2.0 * theta).finished();
    case BinaryCurveShape::kQuadraticTheta:
      return (Eigen::VectorXd(3) << (1.0 - theta) * (n + 1.0) * (n + 1.0) / 4.0 - (1.0 + theta) * n,
              2.0 * theta * (n + 1.0), -2.0 * theta)
          .finished();
  }
  return Eigen::VectorXd::Ones(1);
}

// log(sum w exp(s c) / sum w), without overflow for large |s c|, with the same bits on every CPU
// (core/portable_reductions.h): the solved curves become the simulated success probabilities.
double log_weighted_mean_exp(const Eigen::VectorXd& weights, const Eigen::VectorXd& c, double s) {
  const Eigen::VectorXd exponent = s * c;
  const double largest = exponent.maxCoeff();
  const Eigen::VectorXd shifted = exponent.array() - largest;
  return largest + fastmath::log(portable::dot(weights, portable::exp(shifted)) / portable::sum(weights));
}

// The scale s with sum w exp(s c) / sum w = target, for a curve c of one sign (zeros allowed): the
// mean rises with s, so Boost brackets the root from log(target) / mean(c) outward and solves it.
double solve_scale(const Eigen::VectorXd& weights, const Eigen::VectorXd& c, double target, const std::string& where) {
  const double log_target = fastmath::log(target);
  if (log_target == 0.0) return 0.0;
  auto excess = [&](double s) { return log_weighted_mean_exp(weights, c, s) - log_target; };
  const double guess = log_target / (portable::dot(weights, c) / portable::sum(weights));
  std::uintmax_t iterations = kScaleIterations;
  double s = std::numeric_limits<double>::quiet_NaN();
  try {
    const auto bracket = boost::math::tools::bracket_and_solve_root(
        excess, guess, 2.0, true, boost::math::tools::eps_tolerance<double>(kScaleBits), iterations);
    s = 0.5 * (bracket.first + bracket.second);
  } catch (const std::exception&) {  // Boost found no bracket: the mean never reaches the target
  }
  require_input(std::isfinite(s) && std::fabs(excess(s)) < kScaleResidual,
                where + ": no scale of this shape reaches the target " + input_value_text(target) +
                    " (the shape is zero where most of the weight lies)");
  return s;
}

// R's seq(from, to, length.out = m): equal steps, both ends exact.
Eigen::VectorXd evenly_spaced(double from, double to, int m) {
  Eigen::VectorXd values(m);
  const double step = m > 1 ? (to - from) / (m - 1.0) : 0.0;
  for (int i = 0; i < m; ++i) values[i] = from + i * step;
  values[m - 1] = m > 1 ? to : from;
  return values;
}

// tau_t exp(g_t' alpha): the availability-weighted success probabilities without treatment, the
// weights of the effect's average.
Eigen::VectorXd control_weights(const BinaryDesign& design) {
  return design.availability.cwiseProduct(portable::exp(portable::product(design.g, design.alpha)));
}

}  // namespace

BinaryAvailabilityShape parse_binary_availability_shape(const std::string& name, const std::string& where) {
  if (name == "constant") return BinaryAvailabilityShape::kConstant;
  if (name == "linear") return BinaryAvailabilityShape::kLinear;
  if (name == "sine") return BinaryAvailabilityShape::kSine;
  throw UserError(where + ": unknown availability shape '" + name + "' (expected constant, linear or sine)");
}

BinaryCurveShape parse_binary_curve_shape(const std::string& name, const std::string& where) {
  if (name == "constant") return BinaryCurveShape::kConstant;
  if (name == "linear_theta") return BinaryCurveShape::kLinearTheta;
  if (name == "quadratic_theta") return BinaryCurveShape::kQuadraticTheta;
  throw UserError(where + ": unknown shape '" + name + "' (expected constant, linear_theta or quadratic_theta)");
}

Eigen::VectorXd binary_availability(const BinaryAvailabilitySpec& spec, int m) {
  require_input(m >= 1, "availability: m = " + std::to_string(m) + " decision points; at least 1 is needed");
  require_input(std::isfinite(spec.mean) && std::isfinite(spec.amplitude),
                "availability: mean and amplitude must be finite");
  Eigen::VectorXd tau = Eigen::VectorXd::Constant(m, spec.mean);
  if (spec.shape == BinaryAvailabilityShape::kLinear)
    tau = evenly_spaced(spec.mean + spec.amplitude, spec.mean - spec.amplitude, m);
  for (int t = 1; t <= m; ++t) {
    if (spec.shape == BinaryAvailabilityShape::kSine) tau[t - 1] += spec.amplitude * std::sin(static_cast<double>(t));
    const double value = tau[t - 1];
    require_input(value >= 0.0 && value <= 1.0, "availability: mean " + input_value_text(spec.mean) +
                                                    " and amplitude " + input_value_text(spec.amplitude) +
                                                    " give tau = " + input_value_text(value) + " at decision point " +
                                                    std::to_string(t) + ", outside [0, 1]");
  }
  require_input(tau.sum() > 0.0, "availability: tau is 0 at every decision point");
  return tau;
}

Eigen::VectorXd binary_rand_prob(const BinaryRandProbSpec& spec, int m) {
  require_input(m >= 1,
                "randomization probability: m = " + std::to_string(m) + " decision points; at least 1 is needed");
  for (double value : {spec.first, spec.last})
    require_input(value > 0.0 && value < 1.0,
                  "randomization probability " + input_value_text(value) + " is outside (0, 1)");
  return evenly_spaced(spec.first, spec.last, m);
}

Eigen::MatrixXd decision_point_powers(int m, int count) {
  Eigen::MatrixXd columns(m, count);
  for (int t = 1; t <= m; ++t)
    for (int j = 0; j < count; ++j) columns(t - 1, j) = std::pow(static_cast<double>(t), j);
  return columns;
}

Eigen::MatrixXd binary_curve_basis(BinaryCurveShape shape, int m) {
  return decision_point_powers(m, coefficient_count(shape));
}

Eigen::VectorXd solve_binary_curve(const BinaryCurveSpec& spec, int m, const Eigen::VectorXd& weights, double target,
                                   const std::string& where) {
  require_input(m >= coefficient_count(spec.shape),
                where + ": the shape has " + std::to_string(coefficient_count(spec.shape)) +
                    " coefficients and needs at least as many decision points (m = " + std::to_string(m) + ")");
  require_input(spec.theta >= -1.0 && spec.theta <= 1.0,
                where + ": theta " + input_value_text(spec.theta) + " is outside [-1, 1]");
  require_input(std::isfinite(target) && target > 0.0,
                where + ": target " + input_value_text(target) + " must be positive");
  Eigen::VectorXd direction = curve_direction(spec, m);
  Eigen::VectorXd c = portable::product(binary_curve_basis(spec.shape, m), direction);
  // The paper's shapes keep one sign over t = 1..m (r > 0); make it positive so the mean rises with the scale.
  if (portable::sum(c) < 0.0) {
    direction = -direction;
    c = -c;
  }
  const double largest = c.cwiseAbs().maxCoeff();
  for (Eigen::Index t = 0; t < c.size(); ++t) {
    if (std::fabs(c[t]) <= kZeroCurve * largest) c[t] = 0.0;
    require_input(c[t] >= 0.0, where + ": the shape changes sign over the study");
  }
  return solve_scale(weights, c, target, where) * direction;
}

BinaryDesign build_binary_design(const BinaryDesignSpec& spec) {
  require_input(spec.aspn > 0.0 && spec.aspn < 1.0, "aspn " + input_value_text(spec.aspn) + " must be in (0, 1)");
  require_input(spec.ate > 0.0 && std::isfinite(spec.ate), "ate " + input_value_text(spec.ate) + " must be positive");
  BinaryDesign design;
  design.availability = binary_availability(spec.availability, spec.m);
  design.rand_prob = binary_rand_prob(spec.rand_prob, spec.m);
  design.g = binary_curve_basis(spec.spnc.shape, spec.m);
  design.alpha = solve_binary_curve(spec.spnc, spec.m, design.availability, spec.aspn, "spnc");
  design.f = binary_curve_basis(spec.effect.shape, spec.m);
  const Eigen::VectorXd control_weight = control_weights(design);
  design.beta = solve_binary_curve(spec.effect, spec.m, control_weight, spec.ate, "effect");
  return design;
}

double average_spnc(const BinaryDesign& design) {
  return portable::sum(control_weights(design)) / portable::sum(design.availability);
}

double average_treatment_effect(const BinaryDesign& design) {
  const Eigen::VectorXd control = control_weights(design);
  return portable::dot(control, portable::exp(portable::product(design.f, design.beta))) / portable::sum(control);
}

}  // namespace mrtsim
