// bs = "cr": mgcv's cubic regression spline (Wood 2017, Section 5.3.1; mgcv smooth.construct.cr.smooth.spec
// and C crspl/getFS). The coefficients are the spline's values at the knots; F maps them to the second
// derivatives at the knots of the natural cubic spline through them, and S = D' B^-1 D.
#include <algorithm>
#include <cmath>

#include "core/user_error.h"
#include "host/stats/fit_failure.h"
#include "host/learners/spline_bases.h"

namespace mrtsim {
namespace {

// Increasing distinct values of x.
std::vector<double> sorted_unique(std::vector<double> x) {
  std::sort(x.begin(), x.end());
  x.erase(std::unique(x.begin(), x.end()), x.end());
  return x;
}

// quantile(x_sorted, probs, type = 7) with probs = seq(0, 1, length = count), computed as R does.
std::vector<double> r_quantile_knots(const std::vector<double>& sorted, int count) {
  const double n1 = static_cast<double>(sorted.size() - 1);
  const double step = 1.0 / (count - 1);  // seq(): from + (1:(count-2)) * ((to - from) / (count - 1))
  std::vector<double> knots(count);
  for (int i = 0; i < count; ++i) {
    const double prob = i == 0 ? 0.0 : i == count - 1 ? 1.0 : i * step;
    const double index = 1 + n1 * prob;  // 1-based, as in R
    const double lo = std::floor(index);
    const double hi = std::ceil(index);
    double value = sorted[static_cast<std::size_t>(lo) - 1];
    const double upper = sorted[static_cast<std::size_t>(hi) - 1];
    if (index > lo && upper != value) {
      const double h = index - lo;
      value = (1 - h) * value + h * upper;
    }
    knots[i] = value;
  }
  return knots;
}

}  // namespace

BuiltBasis<CubicRegressionSpline> CubicRegressionSpline::build(const std::string& column, int k,
                                                               const std::vector<double>& x) {
  const std::vector<double> unique = sorted_unique(x);
  if (static_cast<int>(unique.size()) < k)
    throw FitFailure(FitStatus::kTooFewUniqueValues, "gam: column '" + column + "' has " + std::to_string(unique.size()) +
                    " unique values, too few for a cr smooth with k = " + std::to_string(k) +
                    " knots (mgcv refuses it too): reduce k");
  CubicRegressionSpline basis(r_quantile_knots(unique, k));
  Eigen::MatrixXd model_matrix = basis.model_matrix(x);
  return {std::move(basis), std::move(model_matrix)};
}

CubicRegressionSpline::CubicRegressionSpline(std::vector<double> knots) : knots_(std::move(knots)) {
  const int k = dimension();
  std::vector<double> h(k - 1);
  for (int i = 0; i + 1 < k; ++i) h[i] = knots_[i + 1] - knots_[i];
  // D ((k-2) x k): second differences divided by the spacings; B ((k-2) x (k-2)): tridiagonal, with
  // B f'' = D f at the interior knots (f'' = 0 at the ends: a natural spline).
  Eigen::MatrixXd d = Eigen::MatrixXd::Zero(k - 2, k);
  Eigen::MatrixXd b = Eigen::MatrixXd::Zero(k - 2, k - 2);
  for (int i = 0; i < k - 2; ++i) {
    d(i, i) = 1 / h[i];
    d(i, i + 2) = 1 / h[i + 1];
    d(i, i + 1) = -d(i, i) - d(i, i + 2);
    b(i, i) = (h[i] + h[i + 1]) / 3;
    if (i + 1 < k - 2) b(i, i + 1) = b(i + 1, i) = h[i + 1] / 6;
  }
  const Eigen::LLT<Eigen::MatrixXd> b_factor(b);
  const Eigen::MatrixXd b_inverse_d = b_factor.solve(d);
  second_derivatives_ = Eigen::MatrixXd::Zero(k, k);
  second_derivatives_.middleRows(1, k - 2) = b_inverse_d;
  penalty_ = d.transpose() * b_inverse_d;
  penalty_ = (0.5 * (penalty_ + penalty_.transpose())).eval();  // exactly symmetric, as mgcv makes it
}

Eigen::MatrixXd CubicRegressionSpline::model_matrix(const std::vector<double>& x) const {
  const int k = dimension();
  const double lowest = knots_.front(), highest = knots_.back();
  // Built one row at a time, so row-major; rows of F (second derivatives at knot j) likewise.
  using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  const RowMajor f = second_derivatives_;
  RowMajor model(x.size(), k);
  for (std::size_t row = 0; row < x.size(); ++row) {
    const double xi = x[row];
    auto out = model.row(row);
    if (xi < lowest) {  // linear extrapolation with the spline's slope at the first knot
      const double h = knots_[1] - lowest, dx = xi - lowest;
      out = (-dx * h / 3) * f.row(0) + (-dx * h / 6) * f.row(1);
      out[0] += 1 - dx / h;
      out[1] += dx / h;
    } else if (xi > highest) {  // ... and at the last
      const double h = highest - knots_[k - 2], dx = xi - highest;
      out = (dx * h / 6) * f.row(k - 2) + (dx * h / 3) * f.row(k - 1);
      out[k - 2] -= dx / h;
      out[k - 1] += 1 + dx / h;
    } else {  // knots_[j] < xi <= knots_[j + 1] (j = 0 at the first knot)
      const auto above = std::lower_bound(knots_.begin(), knots_.end(), xi);
      const int j = std::clamp(static_cast<int>(above - knots_.begin()) - 1, 0, k - 2);
      const double h = knots_[j + 1] - knots_[j];
      const double to_right = knots_[j + 1] - xi, to_left = xi - knots_[j];
      const double c_left = to_right * (to_right * to_right / h - h) / 6;
      const double c_right = to_left * (to_left * to_left / h - h) / 6;
      out = c_left * f.row(j) + c_right * f.row(j + 1);
      out[j] += to_right / h;
      out[j + 1] += to_left / h;
    }
  }
  return model;
}

}  // namespace mrtsim
