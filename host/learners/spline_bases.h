// The two penalized regression spline bases of one numeric covariate that the gam learner offers,
// each exactly as mgcv 1.8-41 constructs it before identifiability constraints (docs/gam.md):
//  - ThinPlateSpline: bs = "tp", mgcv's thin plate regression spline (smooth.construct.tp.smooth.spec,
//    C tprs_setup), m = 2: the k leading eigenvectors of the thin plate matrix E, null space {1, x};
//  - CubicRegressionSpline: bs = "cr" (smooth.construct.cr.smooth.spec, C crspl): values at k knots
//    placed at quantiles of the unique covariate values, natural cubic spline interpolation.
// Each gives the model matrix at any covariate values (fitting data or new data) and the penalty S with
// beta' S beta = integral of f''(x)^2 (up to mgcv's column scaling of the tp basis).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <Eigen/Dense>

namespace mrtsim {

// A basis set up on the fitting rows, with its model matrix on those rows (n x dimension).
template <class Basis>
struct BuiltBasis {
  Basis basis;
  Eigen::MatrixXd model_matrix;
};

class CubicRegressionSpline {
 public:
  // Knots at quantile(unique(x), seq(0, 1, length = k)) (R's type 7), as mgcv places them. Throws
  // UserError naming `column` when x has fewer than k unique values.
  static BuiltBasis<CubicRegressionSpline> build(const std::string& column, int k, const std::vector<double>& x);

  explicit CubicRegressionSpline(std::vector<double> knots);  // increasing, at least 3

  int dimension() const { return static_cast<int>(knots_.size()); }
  const std::vector<double>& knots() const { return knots_; }
  const Eigen::MatrixXd& penalty() const { return penalty_; }
  // Rows: the spline's values at x as a linear function of its values at the knots; linear beyond
  // the outer knots, as mgcv extrapolates.
  Eigen::MatrixXd model_matrix(const std::vector<double>& x) const;

 private:
  std::vector<double> knots_;
  Eigen::MatrixXd second_derivatives_;  // k x k: f'' at the knots from f at the knots
  Eigen::MatrixXd penalty_;
};

class ThinPlateSpline {
 public:
  // mgcv's largest number of knots before it subsamples the unique covariate values.
  static constexpr int kMaxKnots = 2000;
  // The seed mgcv sets for that subsample (xt$seed default).
  static constexpr unsigned kKnotSeed = 1;

  // Throws UserError naming `column` when x has fewer than k unique values.
  static BuiltBasis<ThinPlateSpline> build(const std::string& column, int k, const std::vector<double>& x);

  int dimension() const { return static_cast<int>(radial_map_.cols()) + 2; }
  const Eigen::MatrixXd& penalty() const { return penalty_; }
  const Eigen::VectorXd& knots() const { return knots_; }  // centred (x - shift), increasing
  double shift() const { return shift_; }
  int lanczos_iterations() const { return lanczos_iterations_; }  // 0 when no eigen step was needed
  // Columns: k - 2 radial functions, then the constant and the linear function, each scaled by mgcv's
  // column scaling of the fitting model matrix.
  Eigen::MatrixXd model_matrix(const std::vector<double>& x) const;

 private:
  double shift_ = 0.0;                // mean of the fitting x, subtracted before anything else
  Eigen::VectorXd knots_;             // centred knots
  Eigen::MatrixXd radial_map_;        // knots x (k - 2): eta(x - knots)' radial_map_ = radial columns
  double constant_scale_ = 1.0;       // divisors of the constant and linear columns
  double linear_scale_ = 1.0;
  Eigen::MatrixXd penalty_;
  int lanczos_iterations_ = 0;
};

}  // namespace mrtsim
