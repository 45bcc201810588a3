// The generative-model variants of Liao et al. (2016) Section 6.2 against independent values: the
// weekend baseline against a hand computation, the treatment- and time-dependent error SDs against
// their closed form (and the simulated conditional variances against them), and the C_t model's
// Monte Carlo pre-pass (E[I_t] = tau_t after centring, closed-form E[C_t], average variance 1).
// Simulation tolerances are 5 Monte Carlo SEs.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "host/config/study_config.h"
#include "host/engine/scenario_plan.h"
#include "core/user_error.h"
#include "sims/liao_model.h"

namespace mrtsim {
namespace {

std::string study_yaml(const std::string& model_extra, int days = 42) {
  return R"(study:
  name: variants
  seed: 11
  replicates: 10
model:
  type: liao2016
  days: )" + std::to_string(days) +
         R"(
  decisions_per_day: 5
  rand_prob: 0.4
  availability: {shape: constant, mean: 0.5}
  baseline: [1.0, 0.1]
  effect: {shape: quadratic, mean: 0.1, initial: 0.0, day_max: 10}
  error: {type: normal}
)" + model_extra +
         R"(sample_size: 42
analysis:
  controls: [day, day^2]
  moderators: [day, day^2]
)";
}

std::string error_of(const std::string& yaml) {
  try {
    parse_study(yaml, "study.yaml");
  } catch (const UserError& e) {
    return e.what();
  }
  return "no error";
}

// Every decision point of `subjects` subjects of the plan's model (stream independent of the runs').
template <class Visit>
void simulate_plan(const ScenarioPlan& plan, int subjects, Visit&& visit) {
  const LiaoModelView model = plan.task().model;
  for (int i = 0; i < subjects; ++i) {
    const StreamKey key{404, 7, 3, static_cast<uint32_t>(i), StreamPurpose::kCohort};
    simulate_liao_subject(model, key, visit);
  }
}

TEST(LiaoVariants, WeekendBaselineMatchesHandComputation) {
  const StudyConfig study = parse_study(study_yaml("  weekend_effect: 0.3\n", 14), "study.yaml");
  const ScenarioPlan plan(study, study.scenarios[0], Hypothesis::kAlternative);
  const std::vector<double>& alpha = plan.baseline();
  ASSERT_EQ(alpha.size(), 70u);
  // alpha(t) = 1 + 0.1 day + 0.3 W_t; subjects start on Monday (day 0), so days 5, 6, 12, 13 are
  // weekend days: decisions 26-35 and 61-70 (1-based), as in the paper's W_{i+35(k-1)}, i = 26..35.
  EXPECT_DOUBLE_EQ(alpha[0], 1.0);         // Monday, day 0
  EXPECT_DOUBLE_EQ(alpha[24], 1.4);        // Friday, day 4 (decision 25)
  EXPECT_DOUBLE_EQ(alpha[25], 1.8);        // Saturday, day 5 (decision 26)
  EXPECT_DOUBLE_EQ(alpha[34], 1.9);        // Sunday, day 6 (decision 35)
  EXPECT_DOUBLE_EQ(alpha[35], 1.7);        // Monday, day 7 (decision 36)
  EXPECT_DOUBLE_EQ(alpha[60], 1.0 + 1.2 + 0.3);  // Saturday, day 12
  int weekend_points = 0;
  for (int t = 0; t < 70; ++t) weekend_points += std::fabs(alpha[t] - (1.0 + 0.1 * (t / 5))) > 1e-12;
  EXPECT_EQ(weekend_points, 20);
}

TEST(LiaoVariants, ErrorScaleGivesSpecifiedConditionalVariances) {
  const StudyConfig study = parse_study(
      study_yaml("  error_scale: {sd_ratio: 1.2, trend: {weekday: 0.8, weekend: 1.5}}\n"), "study.yaml");
  const ScenarioPlan plan(study, study.scenarios[0], Hypothesis::kAlternative);
  // Closed form: mean square of (0.8 x 5 days, 1.5 x 2 days) is 1.1; sigma-bar^2 = v^2 / 1.1 and
  // sigma_0^2 = sigma-bar^2 / (rho r^2 + 1 - rho), sigma_1 = r sigma_0.
  const double rho = 0.4, r = 1.2;
  const double weekday_var0 = 0.64 / 1.1 / (rho * r * r + 1 - rho), weekend_var0 = 2.25 / 1.1 / (rho * r * r + 1 - rho);
  EXPECT_NEAR(plan.error_sd_control()[0], std::sqrt(weekday_var0), 1e-12);
  EXPECT_NEAR(plan.error_sd_treated()[0], r * std::sqrt(weekday_var0), 1e-12);
  EXPECT_NEAR(plan.error_sd_control()[25], std::sqrt(weekend_var0), 1e-12);
  double mean_bar_sq = 0.0;
  for (int t = 0; t < 210; ++t)
    mean_bar_sq += rho * std::pow(plan.error_sd_treated()[t], 2) + (1 - rho) * std::pow(plan.error_sd_control()[t], 2);
  EXPECT_NEAR(mean_bar_sq / 210, 1.0, 1e-12);

  // Simulated outcomes: residual variance per (weekend, A) cell against sigma_{A,t}^2.
  const LiaoModelView model = plan.task().model;
  double sum_sq[2][2] = {}, count[2][2] = {};
  simulate_plan(plan, 3000, [&](const DecisionRow& row) {
    if (!row.available) return;
    const double residual =
        row.outcome - model.baseline[row.t] - (row.treated - model.rand_prob[row.t]) * model.effect[row.t];
    const int weekend = (row.t / 5) % 7 >= 5;
    sum_sq[weekend][row.treated] += residual * residual;
    count[weekend][row.treated] += 1;
  });
  for (int weekend = 0; weekend < 2; ++weekend)
    for (int a = 0; a < 2; ++a) {
      const double expected = (weekend ? weekend_var0 : weekday_var0) * (a ? r * r : 1.0);
      const double se = expected * std::sqrt(2.0 / count[weekend][a]);  // normal errors: Var(e^2) = 2 sigma^4
      EXPECT_NEAR(sum_sq[weekend][a] / count[weekend][a], expected, 5 * se) << weekend << a;
    }
}

TEST(LiaoVariants, ConstantErrorScaleWithRatioOneIsThePlainModel) {
  const StudyConfig plain = parse_study(study_yaml(""), "study.yaml");
  const StudyConfig scaled = parse_study(study_yaml("  error_scale: {sd_ratio: 1.0, trend: constant}\n"), "study.yaml");
  const ScenarioPlan a(plain, plain.scenarios[0], Hypothesis::kAlternative);
  const ScenarioPlan b(scaled, scaled.scenarios[0], Hypothesis::kAlternative);
  std::vector<double> outcomes_a, outcomes_b;
  simulate_plan(a, 20, [&](const DecisionRow& row) { outcomes_a.push_back(row.outcome); });
  simulate_plan(b, 20, [&](const DecisionRow& row) { outcomes_b.push_back(row.outcome); });
  EXPECT_EQ(outcomes_a, outcomes_b);  // sigma = 1 multiplies exactly
}

const char* const kCarryover = R"(  treatment_carryover:
    lags: 5
    eta_exposure: -0.2
    eta_noise: -0.1
    gamma_level: -0.8
    gamma_effect: -0.3
    monte_carlo_subjects: 100000
)";

TEST(LiaoVariants, CarryoverPrepassKeepsAvailabilityAndCentresExposure) {
  const StudyConfig study = parse_study(study_yaml(kCarryover), "study.yaml");
  const ScenarioPlan plan(study, study.scenarios[0], Hypothesis::kAlternative);
  const ExposureMoments& m = plan.exposure_moments();
  ASSERT_EQ(m.subjects, 100000);
  const double n = 100000;
  double pooled = 0.0;
  for (int t = 0; t < 210; ++t) {
    // E[C_t] = sum over the existing lags of rho tau = 0.2 per lag (closed form).
    EXPECT_NEAR(m.expected[t], 0.2 * std::min(t, 5), 1e-12) << t;
    // Centring keeps E[I_t] = tau_t = 0.5 (no clipping: the probability stays in [0.05, 0.65]).
    EXPECT_NEAR(m.availability[t], 0.5, 5 * std::sqrt(0.25 / n)) << t;
    pooled += m.availability[t] / 210;
    // Being available makes recent treatment less likely (eta_1 < 0): E[C_t | I_t = 1] < E[C_t].
    if (t >= 5) {
      EXPECT_LT(m.mean_available[t], m.expected[t]) << t;
    }
  }
  EXPECT_NEAR(pooled, 0.5, 5 * std::sqrt(0.25 / (n * 210)) * 3);  // within-subject correlation: x3 allowance
  EXPECT_DOUBLE_EQ(m.mean_available[0], 0.0);  // nothing before the first decision point
  // The two hypotheses of a scenario share the pre-pass.
  const ScenarioPlan null_plan(study, study.scenarios[0], Hypothesis::kNull);
  EXPECT_EQ(null_plan.exposure_moments().mean_available, m.mean_available);
}

TEST(LiaoVariants, CarryoverOutcomeHasEffectZdAndAverageVarianceOne) {
  const StudyConfig study = parse_study(study_yaml(kCarryover), "study.yaml");
  const ScenarioPlan plan(study, study.scenarios[0], Hypothesis::kAlternative);
  const LiaoModelView model = plan.task().model;
  const int T = 210, subjects = 40000;
  std::vector<double> sum(T, 0.0), sum_sq(T, 0.0), count(T, 0.0);
  simulate_plan(plan, subjects, [&](const DecisionRow& row) {
    if (!row.available) return;
    // E[Y | I_t = 1, A_t] = alpha(t) + (A_t - rho) Z_t'd when C_t is centred at E[C_t | I_t = 1].
    const double residual =
        row.outcome - model.baseline[row.t] - (row.treated - model.rand_prob[row.t]) * model.effect[row.t];
    sum[row.t] += residual;
    sum_sq[row.t] += residual * residual;
    count[row.t] += 1;
  });
  double mean_residual = 0.0, average_variance = 0.0, available = 0.0;
  for (int t = 0; t < T; ++t) {
    mean_residual += sum[t];
    available += count[t];
    average_variance += sum_sq[t] / count[t] / T;  // (1/T) sum_t E[Var(Y | I_t = 1, A_t)]
  }
  // Residuals are at most moderately correlated within a subject (C_t overlaps over 5 lags), so the
  // SEs below allow a factor 3 over independent draws; Var(residual^2) <= 3 for near-normal residuals.
  EXPECT_NEAR(mean_residual / available, 0.0, 5 * 3 / std::sqrt(available));
  EXPECT_NEAR(average_variance, 1.0, 5 * 3 * std::sqrt(3.0 / available));
  EXPECT_NEAR(available / (double(subjects) * T), 0.5, 5 * 3 * std::sqrt(0.25 / (double(subjects) * T)));
  // sigma* < 1: part of the unit average variance is the carried-over exposure.
  EXPECT_LT(plan.error_sd_control()[0], 0.9);
  EXPECT_EQ(plan.error_sd_control(), plan.error_sd_treated());
}

TEST(LiaoVariants, BadVariantKeysNameKeyAndLine) {
  const std::string ratio = error_of(study_yaml("  error_scale: {sd_ratio: -1}\n"));
  EXPECT_NE(ratio.find("study.yaml:14"), std::string::npos) << ratio;
  EXPECT_NE(ratio.find("model.error_scale.sd_ratio"), std::string::npos) << ratio;
  const std::string trend = error_of(study_yaml("  error_scale: {sd_ratio: 1.2, trend: linear}\n"));
  EXPECT_NE(trend.find("model.error_scale.trend"), std::string::npos) << trend;
  EXPECT_NE(trend.find("constant"), std::string::npos) << trend;
  const std::string weekend = error_of(study_yaml("  weekend_effect: big\n"));
  EXPECT_NE(weekend.find("study.yaml:14"), std::string::npos) << weekend;
  EXPECT_NE(weekend.find("model.weekend_effect"), std::string::npos) << weekend;
  const std::string both = error_of(study_yaml(std::string("  availability_feedback: {eta: -0.2}\n") + kCarryover));
  EXPECT_NE(both.find("model.treatment_carryover"), std::string::npos) << both;
  const std::string unknown = error_of(study_yaml("  treatment_carryover: {eta_exposure: 0, eta_noise: 0, "
                                                  "gamma_level: 0, gamma_effect: 0, gamma3: 1}\n"));
  EXPECT_NE(unknown.find("model.treatment_carryover.gamma3"), std::string::npos) << unknown;
}

}  // namespace
}  // namespace mrtsim
