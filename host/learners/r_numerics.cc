#include "host/learners/r_numerics.h"

#include <cmath>

namespace mrtsim {

double r_mean(const double* x, std::size_t n) {
  long double sum = 0.0L;
  for (std::size_t i = 0; i < n; ++i) sum += x[i];
  sum /= n;
  if (std::isfinite(static_cast<double>(sum))) {
    long double correction = 0.0L;
    for (std::size_t i = 0; i < n; ++i) correction += x[i] - sum;
    sum += correction / n;
  }
  return static_cast<double>(sum);
}

Eigen::VectorXd r_column_means(const Eigen::MatrixXd& x) {
  Eigen::VectorXd means(x.cols());
  for (Eigen::Index c = 0; c < x.cols(); ++c) {
    long double sum = 0.0L;
    for (Eigen::Index r = 0; r < x.rows(); ++r) sum += x(r, c);
    means[c] = static_cast<double>(sum / x.rows());
  }
  return means;
}

}  // namespace mrtsim
