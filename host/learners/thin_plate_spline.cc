// bs = "tp": mgcv's thin plate regression spline of one covariate with m = 2 (Wood 2003; mgcv
// smooth.construct.tp.smooth.spec and C tprs_setup). With E_ij = eta(|x_i - x_j|) = |x_i - x_j|^3 / 12
// over the unique (centred) covariate values or knots and T = [1, x] there, the basis keeps the k
// eigenvectors U of E with largest |eigenvalue| D, absorbs the constraint T'U delta = 0 through the
// null space Z of T'U, and appends T: X = [U D Z, T], S = Z' D Z (zero on T). Every column of X is
// then divided by its root mean square over the fitting rows.
#include <algorithm>
#include <cfloat>
#include <cmath>

#include "core/user_error.h"
#include "host/stats/fit_failure.h"
#include "host/learners/lanczos_eigen.h"
#include "host/learners/r_numerics.h"
#include "host/learners/r_sample.h"
#include "host/learners/spline_bases.h"

// Products with a row per knot or datum use lazyProduct (coefficient-based, vectorised) rather than
// Eigen's GEMM, which would start OpenMP threads of its own when a fit runs outside the caller's
// parallel region; their other dimension is at most k.
namespace mrtsim {
namespace {

constexpr int kNullSpaceDimension = 2;  // {1, x}: the functions with zero penalty when m = 2

// eta(|x_i - knot_j|) = |x_i - knot_j|^3 / 12 for every x_i and knot: the one-dimensional, m = 2 thin
// plate spline's radial function, from the squared distance r2 in mgcv's order of operations
// ((r2 / 12) * sqrt(r2)).
Eigen::MatrixXd eta_matrix(const Eigen::VectorXd& x, const Eigen::VectorXd& knots) {
  Eigen::MatrixXd e(x.size(), knots.size());
  for (Eigen::Index j = 0; j < knots.size(); ++j) {
    const Eigen::ArrayXd r2 = (x.array() - knots[j]).square();
    e.col(j) = (r2 / 12.0) * r2.sqrt();
  }
  return e;
}

// eta(x - knots)' map for every x, a block of rows at a time (so that no rows x knots matrix is held):
// per x one matrix-vector product map' eta(knots - x), which reads both down their columns.
Eigen::MatrixXd radial_columns(const Eigen::VectorXd& x, const Eigen::VectorXd& knots, const Eigen::MatrixXd& map) {
  constexpr Eigen::Index kBlockRows = 256;
  Eigen::MatrixXd out(x.size(), map.cols());
  for (Eigen::Index begin = 0; begin < x.size(); begin += kBlockRows) {
    const Eigen::Index rows = std::min(kBlockRows, x.size() - begin);
    const Eigen::MatrixXd eta = eta_matrix(knots, x.segment(begin, rows));  // knots x rows
    for (Eigen::Index r = 0; r < rows; ++r) out.row(begin + r).noalias() = (map.transpose() * eta.col(r)).transpose();
  }
  return out;
}

// mgcv's QT factorisation of the M x k matrix A (C function QT): Householder reflections H_0 ... H_{M-1}
// applied from the right, H_i rotating row i (as already transformed) onto its element k-1-i, so that
// A H_0 ... H_{M-1} = [0, B]. Returns Q = H_0 ... H_{M-1}; its first k - M columns span the null space
// of A. Each reflection takes the sign of the element it rotates onto, which makes Q change only by
// column signs when columns of A change sign.
Eigen::MatrixXd householder_null_space_basis(Eigen::MatrixXd a) {
  const Eigen::Index rows = a.rows(), cols = a.cols();
  Eigen::MatrixXd q = Eigen::MatrixXd::Identity(cols, cols);
  for (Eigen::Index i = 0; i < rows; ++i) {
    const Eigen::Index len = cols - i;
    Eigen::VectorXd u = a.row(i).head(len).transpose();
    const double scale = u.cwiseAbs().maxCoeff();
    if (scale > 0) u /= scale;
    double norm = u.norm();
    if (u[len - 1] < 0.0) norm = -norm;
    u[len - 1] += norm;
    const double g = norm != 0.0 ? 1 / (norm * u[len - 1]) : 0.0;  // H = I - g u u'
    for (Eigen::Index r = i + 1; r < rows; ++r) {
      const double t = g * a.row(r).head(len).dot(u.transpose());
      a.row(r).head(len) -= t * u.transpose();
    }
    const Eigen::VectorXd qu = q.leftCols(len) * u;  // Q <- Q H_i
    q.leftCols(len) -= g * qu * u.transpose();
  }
  return q;
}

// The sorted unique values of x and, per row, the position of its value among them.
void unique_values(const Eigen::VectorXd& x, Eigen::VectorXd* unique, std::vector<Eigen::Index>* row_to_unique) {
  std::vector<double> sorted(x.data(), x.data() + x.size());
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  *unique = Eigen::Map<Eigen::VectorXd>(sorted.data(), static_cast<Eigen::Index>(sorted.size()));
  row_to_unique->resize(x.size());
  for (Eigen::Index i = 0; i < x.size(); ++i)
    (*row_to_unique)[i] = std::lower_bound(sorted.begin(), sorted.end(), x[i]) - sorted.begin();
}

// mgcv's knots for more than kMaxKnots unique values: set.seed(1); sample(1:nu, 2000) rows of the
// sorted unique values (the global R seed is restored afterwards, so the draw never varies).
Eigen::VectorXd subsample_knots(const Eigen::VectorXd& unique) {
  const std::vector<int> picked = r_sample_without_replacement(static_cast<int>(unique.size()),
                                                               ThinPlateSpline::kMaxKnots, ThinPlateSpline::kKnotSeed);
  Eigen::VectorXd knots(picked.size());
  for (std::size_t i = 0; i < picked.size(); ++i) knots[i] = unique[picked[i] - 1];
  std::sort(knots.data(), knots.data() + knots.size());
  return knots;
}

}  // namespace

BuiltBasis<ThinPlateSpline> ThinPlateSpline::build(const std::string& column, int k, const std::vector<double>& x) {
  ThinPlateSpline basis;
  const Eigen::Index n = static_cast<Eigen::Index>(x.size());
  basis.shift_ = r_mean(x.data(), x.size());
  const Eigen::VectorXd centred = Eigen::Map<const Eigen::VectorXd>(x.data(), n).array() - basis.shift_;
  Eigen::VectorXd unique;
  std::vector<Eigen::Index> row_to_unique;
  unique_values(centred, &unique, &row_to_unique);
  const bool subsampled = n > kMaxKnots && unique.size() > kMaxKnots;
  basis.knots_ = subsampled ? subsample_knots(unique) : unique;
  const Eigen::Index num_knots = basis.knots_.size();
  if (num_knots < k)
    throw FitFailure(FitStatus::kTooFewUniqueValues, "gam: column '" + column + "' has " + std::to_string(num_knots) +
                    " unique values, too few for a tp smooth with basis dimension k = " + std::to_string(k) +
                    " (mgcv refuses it too): reduce k");

  // Truncated eigen-basis of E, or all of E when there are exactly k knots.
  const Eigen::MatrixXd e = eta_matrix(basis.knots_, basis.knots_);
  Eigen::MatrixXd u, core;  // core = U' E U
  const bool eigen_step = num_knots > k;
  if (eigen_step) {
    const LanczosEigenpairs top = lanczos_largest_magnitude(e, k, std::pow(DBL_EPSILON, 0.7));
    u = top.vectors;
    core = top.values.asDiagonal();
    basis.lanczos_iterations_ = top.iterations;
  } else {
    u = Eigen::MatrixXd::Identity(num_knots, num_knots);
    core = e;
  }
  Eigen::MatrixXd t(num_knots, kNullSpaceDimension);
  t << Eigen::VectorXd::Ones(num_knots), basis.knots_;
  const Eigen::MatrixXd q = householder_null_space_basis(t.transpose().lazyProduct(u));
  const Eigen::MatrixXd z = q.leftCols(k - kNullSpaceDimension);
  basis.radial_map_ = u.lazyProduct(z);

  // Radial columns at the unique fitting values: U D Z when those values are the knots (mgcv's
  // choice), otherwise eta(x - knots)' U Z as for new data.
  const Eigen::MatrixXd radial_unique =
      !subsampled && eigen_step ? Eigen::MatrixXd(u.lazyProduct(core * z)) : radial_columns(unique, basis.knots_, basis.radial_map_);
  Eigen::MatrixXd model(n, k);
  for (Eigen::Index i = 0; i < n; ++i) {
    model.row(i).head(k - kNullSpaceDimension) = radial_unique.row(row_to_unique[i]);
    model(i, k - 2) = 1.0;  // T = [1, x]
    model(i, k - 1) = centred[i];
  }

  // Unit root mean square columns: X -> X W^-1, S -> W^-1 S W^-1.
  Eigen::MatrixXd penalty = Eigen::MatrixXd::Zero(k, k);
  penalty.topLeftCorner(k - 2, k - 2) = (q.transpose() * core * q).topLeftCorner(k - 2, k - 2);
  Eigen::VectorXd scale(k);
  for (int c = 0; c < k; ++c) {
    double sum_squares = 0.0;
    for (Eigen::Index i = 0; i < n; ++i) sum_squares += model(i, c) * model(i, c);
    scale[c] = std::sqrt(sum_squares / n);
    model.col(c) /= scale[c];
    penalty.row(c) /= scale[c];
    penalty.col(c) /= scale[c];
  }
  for (int c = 0; c < k - kNullSpaceDimension; ++c) basis.radial_map_.col(c) /= scale[c];
  basis.constant_scale_ = scale[k - 2];
  basis.linear_scale_ = scale[k - 1];
  basis.penalty_ = 0.5 * (penalty + penalty.transpose());
  return {std::move(basis), std::move(model)};
}

Eigen::MatrixXd ThinPlateSpline::model_matrix(const std::vector<double>& x) const {
  const Eigen::Index n = static_cast<Eigen::Index>(x.size());
  const Eigen::VectorXd centred = Eigen::Map<const Eigen::VectorXd>(x.data(), n).array() - shift_;
  Eigen::MatrixXd model(n, dimension());
  model.leftCols(radial_map_.cols()) = radial_columns(centred, knots_, radial_map_);
  model.col(dimension() - 2).setConstant(1.0 / constant_scale_);
  model.col(dimension() - 1) = centred / linear_scale_;
  return model;
}

}  // namespace mrtsim
