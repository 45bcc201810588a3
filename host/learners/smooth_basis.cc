#include "host/learners/smooth_basis.h"

#include <cmath>

#include "host/learners/r_numerics.h"

// Products with n rows use lazyProduct (coefficient-based, vectorised): the matrices have at most a
// few tens of columns, and Eigen's GEMM would start OpenMP threads of its own when a fit runs outside
// the caller's parallel region.
namespace mrtsim {
namespace {

// The null space of the constraint c' beta = 0 as mgcv takes it from R's qr(t(C)) (LINPACK
// Householder: H = I - v v' / v_1 with v = c / (sign(c_1) ||c||) + e_1; columns 2.. of H). Columns
// with c_j exactly 0 are left alone and the reflection acts on the others only, as smoothCon does.
// Returns the k x (k - 1) matrix Z with constrained design X Z.
Eigen::MatrixXd constraint_null_space(const Eigen::VectorXd& c) {
  const Eigen::Index k = c.size();
  std::vector<Eigen::Index> involved;
  for (Eigen::Index j = 0; j < k; ++j)
    if (c[j] != 0.0) involved.push_back(j);
  const Eigen::Index nx = static_cast<Eigen::Index>(involved.size());
  Eigen::VectorXd v(nx);
  for (Eigen::Index i = 0; i < nx; ++i) v[i] = c[involved[i]];
  const double norm = std::copysign(v.norm(), v[0]);
  v /= norm;
  v[0] += 1.0;
  const Eigen::MatrixXd h = Eigen::MatrixXd::Identity(nx, nx) - v * v.transpose() / v[0];

  // Identity on the free columns; columns involved[0..nx-2] become the reflected combinations and the
  // last involved column goes.
  Eigen::MatrixXd full = Eigen::MatrixXd::Identity(k, k);
  for (Eigen::Index a = 0; a + 1 < nx; ++a) {
    full.col(involved[a]).setZero();
    for (Eigen::Index i = 0; i < nx; ++i) full(involved[i], involved[a]) = h(i, a + 1);
  }
  Eigen::MatrixXd z(k, k - 1);
  for (Eigen::Index j = 0, out = 0; j < k; ++j)
    if (j != involved.back()) z.col(out++) = full.col(j);
  return z;
}

// ||X||_inf = largest absolute row sum; ||S||_1 = largest absolute column sum (R's norm types "I", "O").
double infinity_norm(const Eigen::MatrixXd& x) { return x.cwiseAbs().rowwise().sum().maxCoeff(); }
double one_norm(const Eigen::MatrixXd& s) { return s.cwiseAbs().colwise().sum().maxCoeff(); }

}  // namespace

BuiltBasis<SmoothBasis> SmoothBasis::build(const SmoothTerm& term, const std::vector<double>& x) {
  SmoothBasis smooth;
  smooth.term_ = term;
  require_valid_basis_dimension(term);
  Eigen::MatrixXd raw_model;
  auto take = [&](auto built) {
    raw_model = std::move(built.model_matrix);
    smooth.spline_ = std::move(built.basis);
  };
  if (term.basis == SmoothBasisType::kThinPlate)
    take(ThinPlateSpline::build(term.column, term.k, x));
  else
    take(CubicRegressionSpline::build(term.column, term.k, x));
  const Eigen::MatrixXd raw_penalty = std::visit([](const auto& spline) { return spline.penalty(); }, smooth.spline_);
  // mgcv's S.scale makes the penalty's size comparable with X'X, so smoothing parameters of different
  // terms and bases are on one scale.
  const double xx_size = std::pow(infinity_norm(raw_model), 2);
  smooth.penalty_scale_ = one_norm(raw_penalty) / xx_size;
  smooth.null_space_ = constraint_null_space(r_column_means(raw_model));
  const Eigen::MatrixXd penalty = smooth.null_space_.transpose() * (raw_penalty / smooth.penalty_scale_) * smooth.null_space_;
  smooth.penalty_ = 0.5 * (penalty + penalty.transpose());
  Eigen::MatrixXd model = raw_model.lazyProduct(smooth.null_space_);
  return {std::move(smooth), std::move(model)};
}

Eigen::MatrixXd SmoothBasis::model_matrix(const std::vector<double>& x) const {
  return unconstrained_model_matrix(x).lazyProduct(null_space_);
}

Eigen::MatrixXd SmoothBasis::unconstrained_model_matrix(const std::vector<double>& x) const {
  return std::visit([&](const auto& spline) { return spline.model_matrix(x); }, spline_);
}

Eigen::MatrixXd SmoothBasis::unconstrained_penalty() const {
  return std::visit([&](const auto& spline) { return Eigen::MatrixXd(spline.penalty() / penalty_scale_); }, spline_);
}

}  // namespace mrtsim
