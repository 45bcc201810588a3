#include "host/learners/lanczos_eigen.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

namespace mrtsim {
namespace {

// mgcv's deterministic "somewhat randomised" start vector: a small congruential generator
// (j -> (106 j + 1283) mod 6075, from j = 1), centred and normalised.
Eigen::VectorXd start_vector(Eigen::Index n) {
  Eigen::VectorXd q(n);
  unsigned long j = 1;
  for (Eigen::Index i = 0; i < n; ++i) {
    j = (j * 106 + 1283) % 6075;
    q[i] = static_cast<double>(j) / 6075.0 - 0.5;
  }
  return q / q.norm();
}

// Eigen-decomposition of the Lanczos tridiagonal T_j (diagonal alpha[0..size), off-diagonal beta),
// eigenvalues in decreasing order.
void tridiagonal_eigen(const std::vector<double>& alpha, const std::vector<double>& beta, Eigen::Index size,
                       Eigen::VectorXd* values, Eigen::MatrixXd* vectors) {
  Eigen::VectorXd diagonal = Eigen::Map<const Eigen::VectorXd>(alpha.data(), size);
  Eigen::VectorXd sub = Eigen::Map<const Eigen::VectorXd>(beta.data(), size - 1);
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver;
  solver.computeFromTridiagonal(diagonal, sub, Eigen::ComputeEigenvectors);
  *values = solver.eigenvalues().reverse();
  *vectors = solver.eigenvectors().rowwise().reverse();
}

}  // namespace

LanczosEigenpairs lanczos_largest_magnitude(const Eigen::MatrixXd& a, int count, double tolerance) {
  const Eigen::Index n = a.rows();
  if (count <= 0 || count > n) throw std::invalid_argument("lanczos_largest_magnitude: need 0 < count <= rows");
  // How often T_j is decomposed: every max(count/2, 10) steps, but at least every n/10.
  const Eigen::Index check_every = std::min<Eigen::Index>(std::max(count / 2, 10), std::max<Eigen::Index>(n / 10, 1));

  // Lanczos vectors, one per column; grown as needed (a few tens usually suffice).
  Eigen::MatrixXd q(n, std::min<Eigen::Index>(n, 64));
  q.col(0) = start_vector(n);
  std::vector<double> alpha(n), beta(n);
  Eigen::VectorXd z(n), ritz_values;
  Eigen::MatrixXd ritz_vectors;
  Eigen::Index steps = n, positives = count, negatives = 0;
  for (Eigen::Index j = 0; j < n; ++j) {
    z.noalias() = a * q.col(j);  // a is stored in full; a plain product streams it fastest
    alpha[j] = q.col(j).dot(z);
    z -= alpha[j] * q.col(j);
    if (j > 0) {
      z -= beta[j - 1] * q.col(j - 1);
      for (int pass = 0; pass < 2; ++pass)  // full reorthogonalisation, twice
        z.noalias() -= q.leftCols(j + 1) * (q.leftCols(j + 1).transpose() * z);
    }
    beta[j] = z.norm();
    if (j + 1 < n) {
      if (j + 1 == q.cols()) q.conservativeResize(Eigen::NoChange, std::min(n, 2 * q.cols()));
      q.col(j + 1) = z / beta[j];
    }

    if (!((j >= count && j % check_every == 0) || j == n - 1)) continue;
    tridiagonal_eigen(alpha, beta, j + 1, &ritz_values, &ritz_vectors);
    if (j < count) continue;
    const double norm_t = std::max(std::fabs(ritz_values[0]), std::fabs(ritz_values[j]));
    const double max_error = norm_t * tolerance;
    // The `count` largest magnitudes, taken from both ends of the ordered Ritz values. As in mgcv, a
    // value taken from the negative end is checked with the residual bound beta_j |v_last| of the
    // Ritz value at the same distance from the positive end.
    auto error = [&](Eigen::Index i) { return std::fabs(beta[j] * ritz_vectors(j, i)); };
    Eigen::Index top = 0, bottom = 0;
    bool converged = true;
    while (top + bottom < count) {
      if (std::fabs(ritz_values[top]) >= std::fabs(ritz_values[j - bottom])) {
        if (error(top) > max_error) { converged = false; break; }
        ++top;
      } else {
        if (error(bottom) > max_error) { converged = false; break; }
        ++bottom;
      }
    }
    if (converged) {
      steps = j + 1;
      positives = top;
      negatives = bottom;
      break;
    }
  }

  // Ritz vectors of the largest `positives` and the most negative `negatives` Ritz values.
  LanczosEigenpairs result;
  result.iterations = static_cast<int>(steps);
  result.values.resize(count);
  result.vectors.resize(n, count);
  for (Eigen::Index c = 0; c < count; ++c) {
    const Eigen::Index i = c < positives ? c : steps - (positives + negatives - c);
    result.values[c] = ritz_values[i];
    result.vectors.col(c).noalias() = q.leftCols(steps) * ritz_vectors.col(i);
  }
  return result;
}

}  // namespace mrtsim
