#include "host/stats/cell_decisions.h"

#include <cmath>
#include <limits>

#include "host/stats/distributions.h"
#include "host/stats/joint_test.h"
#include "host/stats/performance_measures.h"

namespace mrtsim {

namespace {
constexpr double kInfinity = std::numeric_limits<double>::infinity();
}

CellDecisions::CellDecisions(const TestRules& rules, int dim, int num_effects, std::vector<int> coefficient_dims)
    : rules_(rules), dim_(dim), p_(num_effects), coefficient_dims_(std::move(coefficient_dims)) {}

double CellDecisions::joint_critical_value(int n_eff) {
  const auto cached = joint_cache_.find(n_eff);
  if (cached != joint_cache_.end()) return cached->second;
  const double level = 1.0 - rules_.alpha;
  double critical = kInfinity;
  if (rules_.test == JointTestKind::kChiSquare) {
    critical = chi_square_quantile(p_, level);
  } else {
    const JointTestScale scale = rules_.test == JointTestKind::kHotelling ? hotelling_t2_scale(p_, dim_, n_eff)
                                                                         : mrtanalysis_scale(p_, dim_, n_eff);
    if (scale.df2 > 0) critical = f_quantile(scale.df1, scale.df2, level) / scale.t2_to_f;
  }
  joint_cache_[n_eff] = critical;
  return critical;
}

int CellDecisions::model_dimension(size_t coefficient) const {
  return coefficient_dims_.empty() ? dim_ : coefficient_dims_.at(coefficient);
}

double CellDecisions::interval_df(int n_eff, size_t coefficient) const {
  if (rules_.intervals == IntervalKind::kNormal) return kNormalDf;
  return n_eff - model_dimension(coefficient);
}

}  // namespace mrtsim
