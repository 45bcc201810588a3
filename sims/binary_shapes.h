// Per-decision design of a binary-outcome MRT from the shapes of Cohn, Qian & Murphy (2023)
// Section 6.2 (docs/binary.md section 4): availability tau_t, randomization probability p_t, and the
// success-probability null curve (SPNC) exp(g_t' alpha) and relative risk exp(f_t' beta) from a shape
// (constant, linear_theta, quadratic_theta) whose free scale is solved so that the average SPNC (ASPN)
// and the average treatment effect (ATE) hit their targets. Decision points t = 1..m.
//
// Host code (Eigen, Boost root finding), shared by the sample-size formula's inputs and the binary
// generative model, so both always describe the same trial.
#pragma once

#include <string>

#include <Eigen/Dense>

namespace mrtsim {

// tau_t: constant `mean`; linear from mean + amplitude down to mean - amplitude (R's
// seq(mean + a, mean - a, length = m)); sine mean + amplitude sin(t).
enum class BinaryAvailabilityShape { kConstant, kLinear, kSine };

struct BinaryAvailabilitySpec {
  BinaryAvailabilityShape shape = BinaryAvailabilityShape::kConstant;
  double mean = 1.0;
  double amplitude = 0.2;  // linear and sine; the paper's Section 6.2 uses 0.2
};

// p_t: `first` at t = 1 to `last` at t = m in equal steps (constant when they are equal; the paper
// uses constant 0.5 and linear 0.6 -> 0.4).
struct BinaryRandProbSpec {
  double first = 0.5;
  double last = 0.5;
};

// A log-linear curve over t = 1..m: constant (basis 1), linear_theta (1, t) with curve(1)/curve(m) =
// r, quadratic_theta (1, t, t^2) with its vertex at (m + 1)/2 and curve(vertex)/curve(1) = r, where
// r = (1 + theta)/(1 - theta). theta in [-1, 1]; theta = 0 is a constant curve in the larger basis,
// theta = 1 (r infinite) puts the zero at t = m (linear) or t = 1 and m (quadratic), theta = -1 at
// t = 1 (linear) or the vertex (quadratic).
enum class BinaryCurveShape { kConstant, kLinearTheta, kQuadraticTheta };

struct BinaryCurveSpec {
  BinaryCurveShape shape = BinaryCurveShape::kConstant;
  double theta = 0.0;  // linear_theta and quadratic_theta
};

struct BinaryDesignSpec {
  int m = 30;
  BinaryAvailabilitySpec availability;
  BinaryRandProbSpec rand_prob;
  BinaryCurveSpec spnc;    // g_t and alpha
  double aspn = 0.2;       // sum tau exp(g'alpha) / sum tau, in (0, 1)
  BinaryCurveSpec effect;  // f_t and beta
  double ate = 1.2;        // sum tau exp(g'alpha + f'beta) / sum tau exp(g'alpha), > 0
};

// Everything the formula and the generative model need, per decision point t = 1..m (row t - 1).
struct BinaryDesign {
  Eigen::VectorXd availability;  // tau_t
  Eigen::VectorXd rand_prob;     // p_t
  Eigen::MatrixXd g;             // m x q
  Eigen::VectorXd alpha;
  Eigen::MatrixXd f;  // m x p
  Eigen::VectorXd beta;
};

// Parse the shape names used in configs and in the paper's tables ("constant", "linear", "sine";
// "constant", "linear_theta", "quadratic_theta"); UserError naming `where` otherwise.
BinaryAvailabilityShape parse_binary_availability_shape(const std::string& name, const std::string& where);
BinaryCurveShape parse_binary_curve_shape(const std::string& name, const std::string& where);

Eigen::VectorXd binary_availability(const BinaryAvailabilitySpec& spec, int m);
Eigen::VectorXd binary_rand_prob(const BinaryRandProbSpec& spec, int m);

// Columns 1, t, ..., t^(count - 1) at t = 1..m: the polynomial designs f_t and g_t of the paper and of
// the Shiny calculator.
Eigen::MatrixXd decision_point_powers(int m, int count);

// decision_point_powers with as many columns as the shape has coefficients (1, 2 or 3).
Eigen::MatrixXd binary_curve_basis(BinaryCurveShape shape, int m);

// Coefficients c * direction(shape, theta) of a curve in binary_curve_basis(shape, m), with the scale c
// solved so that sum_t w_t exp(basis_t' coef) / sum_t w_t = target.
Eigen::VectorXd solve_binary_curve(const BinaryCurveSpec& spec, int m, const Eigen::VectorXd& weights, double target,
                                   const std::string& where);

// The whole Section 6.2 design: tau_t and p_t from their shapes, alpha solved for the ASPN, then beta
// for the ATE. Throws UserError for out-of-range inputs (tau_t outside [0, 1], p_t outside (0, 1),
// theta outside [-1, 1], targets that no scale reaches).
BinaryDesign build_binary_design(const BinaryDesignSpec& spec);

// The two targets, recomputed from a design.
double average_spnc(const BinaryDesign& design);
double average_treatment_effect(const BinaryDesign& design);

}  // namespace mrtsim
