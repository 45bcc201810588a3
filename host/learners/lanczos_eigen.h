// The few eigenpairs of largest magnitude of a symmetric matrix by Lanczos iteration, run as mgcv
// runs it for the thin plate regression spline basis (docs/gam.md): the same start vector, full
// reorthogonalisation, the same convergence checks and stopping rule, so the Krylov space, and with it
// every Ritz vector, is the one mgcv uses (to rounding; eigenvector signs are arbitrary).
#pragma once

#include <Eigen/Dense>

namespace mrtsim {

struct LanczosEigenpairs {
  Eigen::VectorXd values;   // the `count` of largest magnitude, in decreasing algebraic order
  Eigen::MatrixXd vectors;  // n x count, unit columns
  int iterations = 0;       // dimension of the Krylov space used
};

// Requires 0 < count <= a.rows(). Stops when every wanted Ritz value's residual bound is at most
// tolerance * ||T_j|| (mgcv uses tolerance = DBL_EPSILON^0.7).
LanczosEigenpairs lanczos_largest_magnitude(const Eigen::MatrixXd& a, int count, double tolerance);

}  // namespace mrtsim
