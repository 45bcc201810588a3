#include "host/stats/wcls_tests.h"

#include <cmath>
#include <limits>

#include "host/stats/distributions.h"

namespace mrtsim {

namespace {
constexpr double kInfinity = std::numeric_limits<double>::infinity();
}

WclsDecisions::WclsDecisions(const AnalysisConfig& analysis, int dim, int num_effects)
    : analysis_(analysis), dim_(dim), p_(num_effects), q_(dim - num_effects) {}

double WclsDecisions::joint_critical_value(int n_eff) {
  const auto cached = joint_cache_.find(n_eff);
  if (cached != joint_cache_.end()) return cached->second;
  const double level = 1.0 - analysis_.alpha;
  double critical = kInfinity;
  switch (analysis_.test) {
    case JointTest::kHotelling: {
      // Hotelling T^2 = p (N-q-1)/(N-q-p) F_{p, N-q-p} (Liao et al. 2016, Eq. 6 with the multiple
      // the right way up).
      const double df2 = n_eff - q_ - p_;
      if (df2 > 0) critical = p_ * (n_eff - q_ - 1.0) / df2 * f_quantile(p_, df2, level);
      break;
    }
    case JointTest::kMrtAnalysis: {
      // MRTAnalysis summary(): d2 = n_eff - dim; with n_eff <= 50 it rejects when T^2 * adj exceeds
      // F^-1, adj = p (p + d2 - 1) / d2 (the inverted multiple), otherwise when T^2 exceeds F^-1.
      const double df2 = n_eff - dim_;
      if (df2 > 0) {
        const double f = f_quantile(p_, df2, level);
        const double adj = p_ * (p_ + df2 - 1.0) / df2;
        critical = n_eff <= kMrtAnalysisSmallSampleLimit ? f / adj : f;
      }
      break;
    }
    case JointTest::kChiSquare:
      critical = chi_square_quantile(p_, level);
      break;
  }
  joint_cache_[n_eff] = critical;
  return critical;
}

double WclsDecisions::joint_p_value(double statistic, int n_eff) const {
  switch (analysis_.test) {
    case JointTest::kHotelling: {
      const double df2 = n_eff - q_ - p_;
      if (df2 <= 0) return std::numeric_limits<double>::quiet_NaN();
      return f_upper_tail(p_, df2, statistic * df2 / (p_ * (n_eff - q_ - 1.0)));
    }
    case JointTest::kMrtAnalysis: {
      const double df2 = n_eff - dim_;
      if (df2 <= 0) return std::numeric_limits<double>::quiet_NaN();
      const double adj = p_ * (p_ + df2 - 1.0) / df2;
      return f_upper_tail(p_, df2, n_eff <= kMrtAnalysisSmallSampleLimit ? statistic * adj : statistic);
    }
    case JointTest::kChiSquare:
      return chi_square_upper_tail(p_, statistic);
  }
  return std::numeric_limits<double>::quiet_NaN();
}

double WclsDecisions::interval_multiplier(int n_eff) {
  const auto cached = interval_cache_.find(n_eff);
  if (cached != interval_cache_.end()) return cached->second;
  const int df = interval_df(n_eff);
  const double multiplier = df > 0 ? student_t_quantile(df, 0.5 + analysis_.ci_level / 2.0) : kInfinity;
  interval_cache_[n_eff] = multiplier;
  return multiplier;
}

}  // namespace mrtsim
