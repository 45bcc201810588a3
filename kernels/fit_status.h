// How the fit of one data set (a simulated replicate or a real data set) ended, for every estimator
// family. A replicate whose fit fails is counted per status in its cell, never dropped silently.
#pragma once

#include "core/enum_table.h"

namespace mrtsim {

enum class FitStatus : int {
  kOk = 0,
  kNoData = 1,            // fewer subjects with available rows than coefficients + 1
  kSingularBread = 2,     // the bread matrix (sum_i B_i) is not positive definite
  kSingularLeaveOut = 3,  // small-sample correction undefined: B - B_i not positive definite for a subject
  kSingularVariance = 4,  // the effect block of V is not positive definite (joint test undefined)
  kSingularNuisance = 5,  // DCEE: an arm's nuisance regression (X'X of its rows) is singular
  kNotConverged = 6,      // EMEE: Newton's method found no root within its iterations (or diverged)
  kFittedProbabilityAtLeastOne = 7,  // EMEE: a fitted probability exp(...) >= 1 on an available row
};

// Statuses are indices of per-cell failure counts: kFitStatusCount of them.
constexpr int kFitStatusCount = 8;

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
});

}  // namespace mrtsim
