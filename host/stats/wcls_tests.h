// Host-side decisions on a replicate's WCLS fit: the joint test of H0: beta = 0 and the
// per-coefficient t intervals, with critical values cached per n_eff (they depend on it).
#pragma once

#include <map>

#include "host/config/study_config.h"

namespace mrtsim {

class WclsDecisions {
 public:
  WclsDecisions(const AnalysisConfig& analysis, int dim, int num_effects);

  // Critical value for beta' V^-1 beta with n_eff subjects (host/stats/joint_test.h for the F forms);
  // infinity when the test is undefined (non-positive denominator degrees of freedom).
  double joint_critical_value(int n_eff);
  // Half-width multiplier of the coefficient intervals: t_{n_eff - dim, (1 + level) / 2} (MRTAnalysis),
  // or the normal quantile where the analysis asks for normal intervals.
  double interval_multiplier(int n_eff);
  double alpha() const { return analysis_.alpha; }

 private:
  AnalysisConfig analysis_;
  int dim_, p_;
  std::map<int, double> joint_cache_, interval_cache_;
};

}  // namespace mrtsim
