// What every estimator family writes per simulated replicate, flattened by the backends into arrays
// (struct of arrays) so that a batch of replicates is a few host or device buffers.
#pragma once

#include <cmath>

#include "core/device_macros.h"
#include "kernels/fit_status.h"

namespace mrtsim {

// Slot s holds the replicate first + s of a batch. `dim` coefficients are reported per replicate.
// The variance behind joint_statistic and std_errors is the estimator's own (small-sample adjusted
// where it has a correction). Families that also report the plain, unadjusted sandwich (EMEE: the
// paper's "unadjusted" test) write it to the last two arrays when they are not null; every other
// family leaves them null.
struct ReplicateOutput {
  int* status;              // FitStatus
  int* n_eff;               // subjects contributing to the fit
  double* joint_statistic;  // beta' V_beta^-1 beta of the effect coefficients
  double* estimates;        // [slot * dim + j]
  double* std_errors;       // [slot * dim + j]
  double* joint_statistic_unadjusted;  // as joint_statistic with the unadjusted variance; may be null
  double* std_errors_unadjusted;       // [slot * dim + j]; may be null
};

// A batch's outputs when every replicate also runs a permutation test (kernels/wcls_permutation.h).
// A replicate whose own fit fails runs no reshuffles: its p-values are NaN and failed_reshuffles is
// 0. Otherwise the p-values are permutation_p_value's over the completed reshuffles (fit status kOk).
struct ReplicateBatchOutput {
  ReplicateOutput fits;         // the replicates' own fits
  double* permutation_p;        // [slot * p + j]: effect coefficient j, statistic |estimate / SE|
  double* joint_permutation_p;  // [slot]: statistic beta' V_beta^-1 beta
  int* failed_reshuffles;       // [slot]
};

// Writes the coefficients of a fit with members theta and variance, and their standard errors, to
// entries first, first + 1, ... of out.estimates and out.std_errors.
template <class Fit>
MRTSIM_HD MRTSIM_INLINE void write_coefficients(const Fit& fit, const ReplicateOutput& out, long long first) {
  constexpr int D = decltype(Fit::theta)::RowsAtCompileTime;
  for (int j = 0; j < D; ++j) {
    out.estimates[first + j] = fit.theta(j);
    out.std_errors[first + j] = sqrt(fit.variance(j, j));
  }
}

// Writes a fit with members status, n_eff, joint_statistic, theta and variance (every family's fit
// type) to slot `slot` of `out`.
template <class Fit>
MRTSIM_HD MRTSIM_INLINE void write_replicate_fit(const Fit& fit, const ReplicateOutput& out, long long slot) {
  constexpr int D = decltype(Fit::theta)::RowsAtCompileTime;
  out.status[slot] = static_cast<int>(fit.status);
  out.n_eff[slot] = fit.n_eff;
  out.joint_statistic[slot] = fit.joint_statistic;
  write_coefficients(fit, out, slot * D);
}

// Writes the unadjusted variance of a fit with members variance_unadjusted and
// joint_statistic_unadjusted (EMEE) to slot `slot` of `out`, where `out` has room for it.
template <class Fit>
MRTSIM_HD void write_unadjusted_variance(const Fit& fit, const ReplicateOutput& out, long long slot) {
  constexpr int D = decltype(Fit::theta)::RowsAtCompileTime;
  if (out.joint_statistic_unadjusted) out.joint_statistic_unadjusted[slot] = fit.joint_statistic_unadjusted;
  if (out.std_errors_unadjusted)
    for (int j = 0; j < D; ++j) out.std_errors_unadjusted[slot * D + j] = sqrt(fit.variance_unadjusted(j, j));
}

}  // namespace mrtsim
