// Sums and means computed the way R computes them (long double accumulation), where mgcv's result
// depends on the exact value: the centring of a thin plate covariate, exactly-zero column means in
// the identifiability constraint, the starting smoothing parameters.
#pragma once

#include <cstddef>

#include <Eigen/Dense>

namespace mrtsim {

// R's mean(x): long double sum / n, then a correction pass.
double r_mean(const double* x, std::size_t n);

// R's colMeans(x): long double sums.
Eigen::VectorXd r_column_means(const Eigen::MatrixXd& x);

}  // namespace mrtsim
