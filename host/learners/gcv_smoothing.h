// Smoothing parameter selection by GCV for a Gaussian additive model, run on k-dimensional sufficient
// statistics: the multiple smoothing parameter Newton method of Wood (2004) as mgcv 1.8-41 runs it
// for gam(..., method = "GCV.Cp") with an identity link and unknown scale (mgcv's C routine magic,
// called once by gam.fit; docs/gam.md). Minimises
//   V(rho) = n ||y - A y||^2 / (n - gamma tr A)^2,   A = X (X'X + sum_j exp(rho_j) S_j)^-1 X',
// over the log smoothing parameters rho, from mgcv's starting values, with mgcv's steps and stopping
// rule, so that both stop at the same point (to rounding).
#pragma once

#include <cfloat>
#include <cmath>
#include <vector>

#include <Eigen/Dense>

namespace mrtsim {

// ||y - X b||^2 + sum_j lambda_j b' S_j b reduced to what GCV needs: X = Q R (thin), Q'y, the
// residual sum of squares of the unpenalised fit, and the penalties, each a block on the diagonal.
struct PenalizedLeastSquares {
  struct Penalty {
    Eigen::Index offset = 0;  // first coefficient it penalises
    Eigen::MatrixXd matrix;   // square, symmetric, positive semi-definite
    int rank = 0;
  };
  Eigen::MatrixXd r;              // q x q, upper triangular
  Eigen::VectorXd qty;            // q
  double residual_ss = 0.0;       // ||y - Q Q'y||^2
  double num_rows = 0.0;          // n, as it enters the GCV score
  std::vector<Penalty> penalties;

  int num_coefficients() const { return static_cast<int>(r.cols()); }
};

// mgcv's defaults: gam.control()$mgcv.tol, $mgcv.half, magic's rank tolerance; gamma = 1.
struct GcvControl {
  double tolerance = 1e-7;
  int max_step_halvings = 15;
  double rank_tolerance = std::sqrt(DBL_EPSILON);
  double gamma = 1.0;
  int max_iterations = 400;
};

// The fit at one set of log smoothing parameters, with the GCV score's gradient and Hessian with
// respect to them when asked for.
struct GcvEvaluation {
  Eigen::VectorXd coefficients;
  double rss = 0.0;           // ||y - A y||^2
  double trace = 0.0;         // tr A, the model's effective degrees of freedom
  double score = 0.0;         // n rss / (n - gamma tr A)^2
  int rank = 0;               // numerical rank of the penalised problem
  Eigen::VectorXd gradient;   // d score / d rho
  Eigen::MatrixXd hessian;
};

GcvEvaluation evaluate_gcv(const PenalizedLeastSquares& problem, const Eigen::VectorXd& log_sp, bool derivatives,
                           const GcvControl& control = {});

struct GcvFit {
  Eigen::VectorXd coefficients;
  Eigen::VectorXd smoothing_parameters;  // lambda_j = exp(rho_j)
  Eigen::VectorXd edf;                   // per coefficient: diag((X'X + S)^-1 X'X)
  double score = 0.0;
  double scale = 0.0;  // rss / (n - tr A)
  double rss = 0.0;
  int rank = 0;
  int iterations = 0;          // mgcv's gcv.info$iter
  int score_evaluations = 0;   // mgcv's gcv.info$score.calls
  bool converged = true;       // false when mgcv would report a step failure
  bool hessian_positive_definite = true;
  double rms_gradient = 0.0;
};

// Throws UserError when the iteration does not converge within control.max_iterations (as mgcv).
GcvFit minimize_gcv(const PenalizedLeastSquares& problem, const GcvControl& control = {});

// mgcv's initial.sp(): smoothing parameters that make penalty and data comparable on the diagonal.
Eigen::VectorXd initial_smoothing_parameters(const PenalizedLeastSquares& problem);

}  // namespace mrtsim
