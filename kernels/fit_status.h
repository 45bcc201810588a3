// How the fit of one data set (a simulated replicate or a real data set) ended, for every estimator
// family. A replicate whose fit fails is counted per status in its cell, never dropped silently.
#pragma once

#include <cfloat>
#include <cmath>

#include "core/device_macros.h"
#include "core/enum_table.h"

namespace mrtsim {

enum class FitStatus : int {
  kOk = 0,
  kNoData = 1,            // fewer subjects with available rows than coefficients + 1
  kSingularBread = 2,     // the bread matrix (sum_i B_i) is not positive definite; SNMM: a g-estimation system
  kSingularLeaveOut = 3,  // small-sample correction undefined: B - B_i not positive definite for a subject
  kSingularVariance = 4,  // the effect block of V is not positive definite (joint test undefined)
  kSingularNuisance = 5,  // a nuisance model is singular: DCEE's lm X'X of an arm's rows, a gam whose
                          // unpenalised part is not identifiable, SNMM's treatment-model information
  kNotConverged = 6,      // an iterative fit did not converge: EMEE's Newton root, a gam's GCV search,
                          // SNMM's logistic treatment model (separation)
  kFittedProbabilityAtLeastOne = 7,  // EMEE: a fitted probability exp(...) >= 1 on an available row
  kTooFewUniqueValues = 8,  // gam: a smoothed covariate has fewer unique values than k on the fitting rows
  kConstantTreatment = 9,   // SNMM: every subject has the same treatment at some stage
  kLearnerError = 10,       // a nuisance learner failed otherwise (e.g. an XGBoost error)
  kNonFiniteEstimate = 11,  // an estimate, a variance entry or the joint statistic overflowed (inf or NaN)
};

// Statuses are indices of per-cell failure counts: kFitStatusCount of them.
constexpr int kFitStatusCount = 12;

// Names in tables and JSON (failures by reason).
inline constexpr auto kFitStatusNames = make_enum_table<FitStatus>({
    {FitStatus::kOk, "ok"},
    {FitStatus::kNoData, "too_few_subjects"},
    {FitStatus::kSingularBread, "singular_bread"},
    {FitStatus::kSingularLeaveOut, "singular_leave_one_out"},
    {FitStatus::kSingularVariance, "singular_variance"},
    {FitStatus::kSingularNuisance, "singular_nuisance"},
    {FitStatus::kNotConverged, "not_converged"},
    {FitStatus::kFittedProbabilityAtLeastOne, "fitted_probability_at_least_one"},
    {FitStatus::kTooFewUniqueValues, "too_few_unique_values"},
    {FitStatus::kConstantTreatment, "treatment_constant_at_a_stage"},
    {FitStatus::kLearnerError, "learner_error"},
    {FitStatus::kNonFiniteEstimate, "non_finite_estimate"},
});

// Neither infinite nor NaN (written with fabs: std::isfinite is not a device function).
MRTSIM_HD MRTSIM_INLINE bool all_finite(const double* values, int count) {
  for (int k = 0; k < count; ++k)
    if (!(fabs(values[k]) <= DBL_MAX)) return false;
  return true;
}

// The final status of a fit that got as far as estimates and a variance: `status` as the solver
// found it, unless an estimate (d of them), an entry of the d x d variance or the joint statistic is
// not a finite number. Data or models too large for double precision overflow without any solver
// noticing; such a fit fails with kNonFiniteEstimate, so that no table ever counts it as a fit.
MRTSIM_HD MRTSIM_INLINE FitStatus finite_fit_status(FitStatus status, const double* theta, const double* variance,
                                                    int d, double joint_statistic) {
  const bool finite = all_finite(theta, d) && all_finite(variance, d * d) && all_finite(&joint_statistic, 1);
  return finite ? status : FitStatus::kNonFiniteEstimate;
}

}  // namespace mrtsim
