// DCEE (Qian et al.; MRTAnalysis::dcee, docs/estimators.md §2) with linear nuisance models, as sums.
//
// Stage 1 (lm per arm a): mu_a = argmin sum_{rows with A = a} (Y - x'mu)^2 needs only the arm's
// X'X and X'y. With cross-fitting, fold k's nuisances come from the other folds' rows, whose sums
// are the totals minus fold k's sums, so one pass over the rows gives every fold's fit.
// Stage 2: with S the moderator row and w its weight,
//   B = sum_rows w S S',  c = sum_rows w psi S,  beta = B^-1 c,
//   U_i = sum_{rows of i} w (psi - S'beta) S,  V = B^-1 (sum_i U_i U_i') B^-1
// (the 1/n factors of docs/estimators.md §2.5 cancel).
//
// Plain functions on caller-owned arrays with run-time sizes, written once for the CPU and CUDA
// backends. Matrices are d x d, stored densely (both triangles), so row- or column-major is the same.
#pragma once

#include "core/device_macros.h"

namespace mrtsim {

// m += w x x'.
MRTSIM_HD MRTSIM_INLINE void dcee_add_outer(const double* x, int d, double w, double* m) {
  for (int a = 0; a < d; ++a) {
    const double wxa = w * x[a];
    for (int b = 0; b < d; ++b) m[a * d + b] += wxa * x[b];
  }
}

// v += s x.
MRTSIM_HD MRTSIM_INLINE void dcee_add_scaled(const double* x, int d, double s, double* v) {
  for (int a = 0; a < d; ++a) v[a] += s * x[a];
}

MRTSIM_HD MRTSIM_INLINE double dcee_dot(const double* x, const double* y, int d) {
  double sum = 0.0;
  for (int a = 0; a < d; ++a) sum += x[a] * y[a];
  return sum;
}

// Stage 1: adds a row with control vector x (q entries, intercept first) and distal outcome y to
// the X'X (q x q) and X'y (q) of the arm the row was assigned to.
MRTSIM_HD MRTSIM_INLINE void dcee_add_nuisance_row(const double* x, int q, double y, double* xtx, double* xty) {
  dcee_add_outer(x, q, 1.0, xtx);
  dcee_add_scaled(x, q, y, xty);
}

// out = total - part, entry by entry: the sums of the rows outside one cross-fitting fold.
MRTSIM_HD MRTSIM_INLINE void dcee_leave_part_out(const double* total, const double* part, int count, double* out) {
  for (int k = 0; k < count; ++k) out[k] = total[k] - part[k];
}

// The pseudo-outcome psi = I (-1)^(1-A) / p(A) [Y - (1 - p) mu1 - p mu0], p(1) = p, p(0) = 1 - p.
// It is 0 on unavailable rows, where p may be undefined, so p is not touched there.
MRTSIM_HD MRTSIM_INLINE double dcee_pseudo_outcome(double y, int treated, double prob, bool available, double mu1,
                                                   double mu0) {
  if (!available) return 0.0;
  const double residual = y - (1.0 - prob) * mu1 - prob * mu0;
  return treated ? residual / prob : -residual / (1.0 - prob);
}

// Stage 2: adds a row with moderator vector s (p entries), weight w and pseudo-outcome psi to the
// bread B (p x p) and c = sum w psi S (p).
MRTSIM_HD MRTSIM_INLINE void dcee_add_stage2_row(const double* s, int p, double w, double psi, double* bread,
                                                 double* score) {
  dcee_add_outer(s, p, w, bread);
  dcee_add_scaled(s, p, w * psi, score);
}

// Adds a row's term w (psi - S'beta) S to its subject's U_i (p entries).
MRTSIM_HD MRTSIM_INLINE void dcee_add_subject_score(const double* s, int p, double w, double psi, const double* beta,
                                                    double* u) {
  dcee_add_scaled(s, p, w * (psi - dcee_dot(s, beta, p)), u);
}

}  // namespace mrtsim
