// LU factorization with partial pivoting of a fixed-size square matrix, for per-replicate code that
// must also run on the GPU. Eigen's PartialPivLU is host-only (its constructor and permutation
// matrices are not device functions under nvcc), and Eigen's LLT needs a symmetric positive
// definite matrix; the EMEE Jacobian (kernels/emee.h) is neither symmetric nor definite.
#pragma once

#include <Eigen/Dense>

#include "core/device_macros.h"

namespace mrtsim {

template <int D>
class SmallLu {
 public:
  using Matrix = Eigen::Matrix<double, D, D>;
  using Vector = Eigen::Matrix<double, D, 1>;

  // Factors P a = L U (L unit lower, U upper, both kept in lu_). The matrix counts as singular when a
  // pivot is at most D * machine epsilon times the largest entry of `a` in absolute value (the usual
  // numerical-rank rule; R's solve() refuses comparably ill-conditioned matrices).
  MRTSIM_HD MRTSIM_INLINE explicit SmallLu(const Matrix& a) : lu_(a), singular_(false) {
    double scale = 0.0;  // the largest |entry| (a loop: Eigen's maxCoeff is not always inlined, kernels/cpu_kernels_impl.h)
    for (int c = 0; c < D; ++c)
      for (int r = 0; r < D; ++r) scale = abs_value(a(r, c)) > scale ? abs_value(a(r, c)) : scale;
    const double tiny = D * Eigen::NumTraits<double>::epsilon() * scale;
    singular_ = !(scale > 0.0);
    for (int k = 0; k < D; ++k) {
      int pivot = k;
      for (int r = k + 1; r < D; ++r)
        if (abs_value(lu_(r, k)) > abs_value(lu_(pivot, k))) pivot = r;
      row_of_[k] = pivot;
      if (pivot != k)
        for (int c = 0; c < D; ++c) swap(lu_(k, c), lu_(pivot, c));
      if (!(abs_value(lu_(k, k)) > tiny)) {
        singular_ = true;
        return;
      }
      for (int r = k + 1; r < D; ++r) {
        const double factor = lu_(r, k) / lu_(k, k);
        lu_(r, k) = factor;
        for (int c = k + 1; c < D; ++c) lu_(r, c) -= factor * lu_(k, c);
      }
    }
  }

  MRTSIM_HD bool singular() const { return singular_; }

  // x with a x = b (only when !singular()).
  MRTSIM_HD MRTSIM_INLINE Vector solve(Vector b) const {
    for (int k = 0; k < D; ++k) swap(b(k), b(row_of_[k]));
    for (int r = 1; r < D; ++r)
      for (int c = 0; c < r; ++c) b(r) -= lu_(r, c) * b(c);
    for (int r = D - 1; r >= 0; --r) {
      for (int c = r + 1; c < D; ++c) b(r) -= lu_(r, c) * b(c);
      b(r) /= lu_(r, r);
    }
    return b;
  }

  // a^-1, column by column (only when !singular()).
  MRTSIM_HD MRTSIM_INLINE Matrix inverse() const {
    Matrix x;
    for (int c = 0; c < D; ++c) x.col(c) = solve(Vector(Vector::Unit(c)));
    return x;
  }

 private:
  MRTSIM_HD static double abs_value(double v) { return v < 0.0 ? -v : v; }
  MRTSIM_HD static void swap(double& a, double& b) {
    const double t = a;
    a = b;
    b = t;
  }

  Matrix lu_;
  int row_of_[D];  // row swapped with row k at step k
  bool singular_;
};

}  // namespace mrtsim
