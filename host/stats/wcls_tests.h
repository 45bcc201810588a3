// Host-side decisions on a replicate's WCLS fit: the joint test of H0: beta = 0 and the
// per-coefficient t intervals, with critical values cached per n_eff (they depend on it).
#pragma once

#include <map>
#include <utility>

#include "host/config/study_config.h"

namespace mrtsim {

class WclsDecisions {
 public:
  WclsDecisions(const AnalysisConfig& analysis, int dim, int num_effects);

  // Critical value for beta' V^-1 beta with n_eff subjects; infinity when the test is undefined
  // (non-positive denominator degrees of freedom).
  double joint_critical_value(int n_eff);
  // p-value of the joint statistic.
  double joint_p_value(double statistic, int n_eff) const;
  // Half-width multiplier of the coefficient intervals: t_{n_eff - dim, (1 + level) / 2}.
  double interval_multiplier(int n_eff);

  // MRTAnalysis-style degrees of freedom of the t intervals: n_eff - dim.
  int interval_df(int n_eff) const { return n_eff - dim_; }

 private:
  AnalysisConfig analysis_;
  int dim_, p_, q_;
  std::map<int, double> joint_cache_, interval_cache_;
};

}  // namespace mrtsim
