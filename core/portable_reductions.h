// Sums, dot products, matrix-vector products and elementwise exp / log of Eigen vectors that give the
// same bits on every CPU, for host values that shape a simulation (the Cohn et al. success-probability
// curves). Eigen's own reductions group their terms by the packet size of the instruction set it was
// built for and, on ARM64, fuse multiply-adds (NEON's pmadd), and its vectorized exp is a different
// polynomial per instruction set; any of these would move a simulated cohort's probabilities by an ulp
// between an x86-64 and an ARM64 build. Here every sum runs in index order with one rounding per step
// (the project builds with -ffp-contract=off, so a * b + c stays two roundings) and exp / log are
// core/fast_math.h's, which are bit-identical everywhere. Meant for vectors of a study's decision
// points, not for hot loops.
#pragma once

#include <Eigen/Dense>

#include "core/fast_math.h"

namespace mrtsim::portable {

// sum_i values_i, left to right.
template <class Derived>
double sum(const Eigen::DenseBase<Derived>& values) {
  double total = 0.0;
  for (Eigen::Index i = 0; i < values.size(); ++i) total += values.derived().coeff(i);
  return total;
}

// sum_i a_i b_i, left to right.
template <class A, class B>
double dot(const Eigen::MatrixBase<A>& a, const Eigen::MatrixBase<B>& b) {
  return sum(a.derived().array() * b.derived().array());
}

// matrix * v, each entry a left-to-right dot product of its row with v.
inline Eigen::VectorXd product(const Eigen::MatrixXd& matrix, const Eigen::VectorXd& v) {
  Eigen::VectorXd result(matrix.rows());
  for (Eigen::Index i = 0; i < matrix.rows(); ++i) result[i] = dot(matrix.row(i).transpose(), v);
  return result;
}

// exp of every entry.
inline Eigen::VectorXd exp(const Eigen::VectorXd& v) { return v.unaryExpr([](double x) { return fastmath::exp(x); }); }

// log of every entry.
inline Eigen::VectorXd log(const Eigen::VectorXd& v) { return v.unaryExpr([](double x) { return fastmath::log(x); }); }

}  // namespace mrtsim::portable
