// One smooth term s(x) of the gam learner as mgcv's smoothCon(..., absorb.cons = TRUE,
// scale.penalty = TRUE) sets it up inside gam() (docs/gam.md): the spline basis of its type
// (spline_bases.h), the penalty divided by mgcv's S.scale, and the sum-to-zero identifiability
// constraint 1'X beta = 0 absorbed by mgcv's QR null space, leaving k - 1 coefficients.
#pragma once

#include <string>
#include <variant>
#include <vector>

#include <Eigen/Dense>

#include "host/learners/gam_terms.h"
#include "host/learners/spline_bases.h"

namespace mrtsim {

class SmoothBasis {
 public:
  // Sets the term up on the fitting rows' covariate values x; model_matrix is n x (k - 1).
  static BuiltBasis<SmoothBasis> build(const SmoothTerm& term, const std::vector<double>& x);

  const SmoothTerm& term() const { return term_; }
  int num_coefficients() const { return static_cast<int>(null_space_.cols()); }
  // Constrained model matrix at any covariate values.
  Eigen::MatrixXd model_matrix(const std::vector<double>& x) const;
  // Constrained penalty, (k - 1) x (k - 1), in mgcv's scale (the one its smoothing parameters refer to).
  const Eigen::MatrixXd& penalty() const { return penalty_; }
  int penalty_rank() const { return num_coefficients() - 1; }  // k - 2: constants and lines are free
  // mgcv's S.scale: the unconstrained penalty was divided by it (||S||_1 / ||X||_inf^2).
  double penalty_scale() const { return penalty_scale_; }
  // k x (k - 1): unconstrained coefficients = null_space() * constrained ones.
  const Eigen::MatrixXd& null_space() const { return null_space_; }
  // Before the constraint (smoothCon(..., absorb.cons = FALSE)): model matrix and scaled penalty.
  Eigen::MatrixXd unconstrained_model_matrix(const std::vector<double>& x) const;
  Eigen::MatrixXd unconstrained_penalty() const;

 private:
  SmoothTerm term_;
  std::variant<ThinPlateSpline, CubicRegressionSpline> spline_;
  Eigen::MatrixXd null_space_;
  Eigen::MatrixXd penalty_;
  double penalty_scale_ = 1.0;
};

}  // namespace mrtsim
