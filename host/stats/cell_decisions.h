// Host-side decisions on a replicate's fit, for every estimator family: the joint test of
// H0: beta = 0 and the per-coefficient intervals, with critical values cached per n_eff (they
// depend on it).
#pragma once

#include <map>
#include <utility>
#include <vector>

#include "core/enum_table.h"

namespace mrtsim {

enum class JointTestKind {
  kHotelling,    // Liao (2016) Eq. 6 corrected: T^2 > p(N-q-1)/(N-q-p) F_{p,N-q-p}(1-alpha)
  kMrtAnalysis,  // MRTAnalysis compatibility: its inverted Hotelling multiple (n_eff <= 50), F otherwise
  kChiSquare,    // large-sample Wald: T^2 > chi2_p(1-alpha)
};
inline constexpr auto kJointTestNames = make_enum_table<JointTestKind>({{JointTestKind::kHotelling, "hotelling"},
                                                                        {JointTestKind::kMrtAnalysis, "mrtanalysis"},
                                                                        {JointTestKind::kChiSquare, "chisq"}});

enum class IntervalKind { kStudentT, kNormal };

// How a cell tests and covers: the study's (or estimator's) test, interval kind and levels.
struct TestRules {
  JointTestKind test = JointTestKind::kHotelling;
  IntervalKind intervals = IntervalKind::kStudentT;
  double alpha = 0.05;
  double ci_level = 0.95;
};

class CellDecisions {
 public:
  // The joint test is of `num_effects` effects in a model of `dim` coefficients. A cell that reports
  // the coefficients of several models (qian2025 moderator sets) gives each coefficient's model
  // dimension in `coefficient_dims` (its t intervals' degrees of freedom are n_eff minus it);
  // otherwise every coefficient has `dim`.
  CellDecisions(const TestRules& rules, int dim, int num_effects, std::vector<int> coefficient_dims = {});

  // Critical value for beta' V^-1 beta with n_eff subjects (host/stats/joint_test.h for the F forms);
  // infinity when the test is undefined (non-positive denominator degrees of freedom).
  double joint_critical_value(int n_eff);
  // The degrees of freedom of coefficient `coefficient`'s interval, t_{df, (1 + level) / 2} as
  // MRTAnalysis: n_eff minus the coefficient's model dimension (not positive: no interval), or
  // kNormalDf (host/stats/performance_measures.h) where the rules ask for normal intervals.
  double interval_df(int n_eff, size_t coefficient = 0) const;
  double alpha() const { return rules_.alpha; }
  double ci_level() const { return rules_.ci_level; }

 private:
  int model_dimension(size_t coefficient) const;

  TestRules rules_;
  int dim_, p_;
  std::vector<int> coefficient_dims_;
  std::map<int, double> joint_cache_;
};

}  // namespace mrtsim
