// Cholesky factorization and solves of small fixed-size symmetric matrices for the per-replicate fits
// of both backends, written out step by step so that every backend computes the same bits.
//
// Eigen's LLT cannot serve here. Under nvcc its members are host functions: a device call of them is
// undefined, and nvcc compiles the fits' device code as if the call could never be reached (the CUDA
// kernels of mrtsim 0.1 reported every replicate as kNoData). On the CPU its reductions are
// vectorized in an order that depends on the instruction set. The functions below use one correctly
// rounded operation per step in a fixed order, with every product that feeds a sum written as fma
// (core/fast_math.h's rule 1), so the portable CPU build, AVX2 and AVX-512 builds and CUDA agree.
#pragma once

#include <cmath>

#include "core/device_macros.h"

namespace mrtsim {

// sum_k a[k] b[k] for k = 0 .. n - 1, accumulated in k order from the first product.
MRTSIM_HD MRTSIM_INLINE double fma_dot(const double* a, const double* b, int n) {
  double sum = 0.0;
  for (int k = 0; k < n; ++k) sum = fma(a[k], b[k], sum);
  return sum;
}

// The lower factor L (a = L L') of the trailing block a[first.., first..] of a D x D symmetric matrix,
// or a failure when that block is not (numerically) positive definite: a pivot that is not > 0, as
// Eigen's LLT reports it (and NaN, which Eigen lets through).
template <int D>
class SmallCholesky {
 public:
  // `a(i, j)` gives entry (i, j) for j <= i (the lower triangle is all that is read).
  template <class Matrix>
  MRTSIM_HD MRTSIM_INLINE SmallCholesky(const Matrix& a, int first = 0) : first_(first > 0 ? first : 0), ok_(true) {
    first = first_;
    for (int i = first; i < D; ++i) {
      for (int j = first; j <= i; ++j) {
        double s = a(i, j);
        for (int k = first; k < j; ++k) s = fma(-l_[i][k], l_[j][k], s);
        if (j < i) {
          l_[i][j] = s / l_[j][j];
        } else if (s > 0.0) {
          l_[i][i] = sqrt(s);
        } else {
          ok_ = false;
          return;
        }
      }
    }
  }

  MRTSIM_HD MRTSIM_INLINE bool ok() const { return ok_; }

  // y = L^-1 b on the block's entries (b and y: D entries, those before `first` untouched).
  MRTSIM_HD MRTSIM_INLINE void forward(const double* b, double* y) const {
    for (int i = first_; i < D; ++i) {
      double s = b[i];
      for (int k = first_; k < i; ++k) s = fma(-l_[i][k], y[k], s);
      y[i] = s / l_[i][i];
    }
  }

  // x = L'^-1 y on the block's entries.
  MRTSIM_HD MRTSIM_INLINE void backward(const double* y, double* x) const {
    for (int i = D - 1; i >= first_; --i) {
      double s = y[i];
      for (int k = i + 1; k < D; ++k) s = fma(-l_[k][i], x[k], s);
      x[i] = s / l_[i][i];
    }
  }

  // x = a^-1 b (x may be b).
  MRTSIM_HD MRTSIM_INLINE void solve(const double* b, double* x) const {
    double y[D];
    forward(b, y);
    backward(y, x);
  }

  // b' a^-1 b = |L^-1 b|^2 on the block, the squares summed in order.
  MRTSIM_HD MRTSIM_INLINE double quadratic_form(const double* b) const {
    double y[D] = {};  // only y[first_..] is used; zeroed so that no compiler sees a read of the rest
    forward(b, y);
    return fma_dot(y + first_, y + first_, D - first_);
  }

  // a^-1 (the whole matrix; first must be 0), column by column: out(r, c) for r, c < D.
  template <class Matrix>
  MRTSIM_HD MRTSIM_INLINE void inverse(Matrix& out) const {
    for (int c = 0; c < D; ++c) {
      double e[D], x[D];
      for (int r = 0; r < D; ++r) e[r] = r == c ? 1.0 : 0.0;
      solve(e, x);
      for (int r = 0; r < D; ++r) out(r, c) = x[r];
    }
  }

 private:
  double l_[D][D];
  int first_;
  bool ok_;
};

}  // namespace mrtsim
