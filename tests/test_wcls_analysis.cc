// `mrtsim wcls`: MRTAnalysis's golden numbers (docs/estimators.md §1.5 and Appendix A), the
// sufficient-statistics fit against a direct MRTAnalysis-style implementation, the CSV checks, and
// the command line end to end.
#include <gtest/gtest.h>

#include "tests/cli_runner.h"
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "host/analysis/wcls_analysis.h"
#include "host/io/mrt_csv.h"
#include "host/stats/distributions.h"
#include "core/user_error.h"
#include "tests/reference/wcls_direct.h"

namespace mrtsim {
namespace {

const std::string kAppendixA = std::string(MRTSIM_SOURCE_DIR) + "/tests/data/appendix_a.csv";
const std::string kHeartSteps = std::string(MRTSIM_SOURCE_DIR) + "/tests/data/data_mimicHeartSteps.csv";

// A golden row: estimate, SE, LCL, UCL, p-value.
struct Golden {
  double estimate, se, lcl, ucl, p_value;
};

void expect_relative(double actual, double expected, double tolerance, const std::string& what) {
  EXPECT_NEAR(actual, expected, tolerance * std::fabs(expected)) << what;
}

void expect_coefficient(const CoefficientInference& c, const Golden& g, double tolerance) {
  expect_relative(c.estimate, g.estimate, tolerance, c.term + " estimate");
  expect_relative(c.se, g.se, tolerance, c.term + " se");
  expect_relative(c.lcl, g.lcl, tolerance, c.term + " lcl");
  expect_relative(c.ucl, g.ucl, tolerance, c.term + " ucl");
  expect_relative(c.p_value, g.p_value, tolerance, c.term + " p-value");
}

MrtColumnSpec appendix_a_columns(const WclsModelSpec& model) {
  MrtColumnSpec columns{"id", "y", "a", "p", "avail", "", wcls_control_columns(model)};
  return columns;
}

MrtColumnSpec heartsteps_columns() {
  return {"userid", "logstep_30min", "intervention", "0.6", "avail", "0.6", {"logstep_pre30min"}};
}

WclsAnalysis analyze_file(const std::string& path, const MrtColumnSpec& columns, const WclsModelSpec& model,
                          JointTestForm form = JointTestForm::kHotellingT2) {
  return analyze_wcls(make_wcls_design(read_mrt_csv(path, columns), model), form);
}

// The same subjects again under new ids, appended (MRTAnalysis's "stacked twice" test).
MrtData stacked_twice(const MrtData& data) {
  MrtData stacked = data;
  auto append = [](auto& to, const auto& from) { to.insert(to.end(), from.begin(), from.end()); };
  append(stacked.outcome, data.outcome);
  append(stacked.treatment, data.treatment);
  append(stacked.rand_prob, data.rand_prob);
  append(stacked.numerator_prob, data.numerator_prob);
  append(stacked.available, data.available);
  for (std::size_t k = 0; k < data.covariates.size(); ++k) append(stacked.covariates[k], data.covariates[k]);
  stacked.subject_begin.pop_back();
  for (std::size_t i = 0; i < data.num_subjects(); ++i) {
    stacked.subject_ids.push_back(data.subject_ids[i] + "_copy");
    stacked.subject_begin.push_back(data.num_rows() + data.subject_begin[i]);
  }
  stacked.subject_begin.push_back(2 * data.num_rows());
  return stacked;
}

// ---------------------------------------------------------------------------------------------
// Golden values

TEST(WclsGolden, AppendixA1ControlsX) {
  const WclsModelSpec model{{}, {"x"}};
  const WclsAnalysis a = analyze_file(kAppendixA, appendix_a_columns(model), model);
  EXPECT_EQ(a.n_subjects, 8u);
  EXPECT_EQ(a.n_eff, 8);
  EXPECT_EQ(a.df, 5);
  EXPECT_TRUE(a.small_sample_correction);
  ASSERT_EQ(a.control.size(), 2u);
  ASSERT_EQ(a.effect.size(), 1u);
  EXPECT_EQ(a.control[0].term, "(Intercept)");
  EXPECT_EQ(a.control[1].term, "x");
  EXPECT_EQ(a.effect[0].term, "(Intercept)");
  const double tol = 1e-8;
  expect_coefficient(a.control[0], {1.1143197929, 0.2343550898, 0.5118908559, 1.716748730, 0.005082662293}, tol);
  expect_coefficient(a.control[1], {0.6111698699, 0.1897744391, 0.1233391439, 1.099000596, 0.023452398118}, tol);
  expect_coefficient(a.effect[0], {0.1725817639, 0.4143260918, -0.8924773617, 1.237640890, 0.6942950965}, tol);
}

TEST(WclsGolden, AppendixA2ModeratorZ) {
  const WclsModelSpec model{{"z"}, {"x", "z"}};
  const WclsAnalysis a = analyze_file(kAppendixA, appendix_a_columns(model), model);
  EXPECT_EQ(a.df, 3);
  EXPECT_TRUE(a.small_sample_correction);
  ASSERT_EQ(a.control.size(), 3u);
  ASSERT_EQ(a.effect.size(), 2u);
  EXPECT_EQ(a.effect[1].term, "z");
  const double tol = 1e-8;
  expect_coefficient(a.control[0], {1.4144754657, 0.1883797743, 0.81496694891, 2.0139839825, 0.004894732093}, tol);
  expect_coefficient(a.control[1], {0.5017081462, 0.1381834294, 0.06194680175, 0.9414694906, 0.035974733713}, tol);
  expect_coefficient(a.control[2], {-0.4493802765, 0.2787348689, -1.33643903005, 0.4376784771, 0.205309073930}, tol);
  expect_coefficient(a.effect[0], {0.8338092763, 0.3766154373, -0.3647491307, 2.0323676833, 0.1136816803}, tol);
  expect_coefficient(a.effect[1], {-1.1794150847, 0.5634719172, -2.9726342058, 0.6138040364, 0.1273972636}, tol);
}

TEST(WclsGolden, ModeratorMissingFromControlsIsAddedAsControl) {
  // MRTAnalysis's model.matrix puts z among the main effects anyway: same fit as A2.
  const WclsModelSpec model{{"z"}, {"x"}};
  const WclsAnalysis a = analyze_file(kAppendixA, appendix_a_columns(model), model);
  ASSERT_EQ(a.control.size(), 3u);
  EXPECT_EQ(a.control[2].term, "z");
  expect_relative(a.effect[1].estimate, -1.1794150847, 1e-8, "beta_z");
  expect_relative(a.effect[1].se, 0.5634719172, 1e-8, "se beta_z");
}

TEST(WclsGolden, HeartStepsMrtAnalysisTest) {
  const WclsModelSpec model{{}, {"logstep_pre30min"}};
  const WclsAnalysis a = analyze_file(kHeartSteps, heartsteps_columns(), model);
  EXPECT_EQ(a.n_subjects, 37u);
  EXPECT_EQ(a.df, 34);
  EXPECT_TRUE(a.small_sample_correction);
  const double tol = 1e-6;
  expect_relative(a.control[0].estimate, 2.0115176, tol, "alpha0");
  expect_relative(a.control[1].estimate, 0.3395683, tol, "alpha1");
  expect_relative(a.control[0].se, 0.04568087, tol, "se alpha0");
  expect_relative(a.control[1].se, 0.01968034, tol, "se alpha1");
  expect_coefficient(a.effect[0], {0.1574444, 0.06222065, 0.03099683, 0.283892, 0.01619006}, tol);
}

// The variance of the effect block, which `mrtsim wcls --format json` reports as "variance", is
// MRTAnalysis's: MRTAnalysis:::vcov_geeglm(fit)[3:4, 3:4] for moderator and control
// ~logstep_pre30min (r/mrtsim/tests/reference/make_reference_values.R).
TEST(WclsGolden, HeartStepsEffectVarianceIsMrtAnalysisVcov) {
  const WclsModelSpec model{{"logstep_pre30min"}, {"logstep_pre30min"}};
  const WclsAnalysis a = analyze_file(kHeartSteps, heartsteps_columns(), model);
  ASSERT_EQ(a.effect_variance.rows(), 2);
  ASSERT_EQ(a.effect_variance.cols(), 2);
  const double tol = 1e-6;
  expect_relative(a.effect_variance(0, 0), 0.00568250123485, tol, "V[1,1]");
  expect_relative(a.effect_variance(0, 1), -0.00131954032965, tol, "V[1,2]");
  expect_relative(a.effect_variance(1, 0), -0.00131954032965, tol, "V[2,1]");
  expect_relative(a.effect_variance(1, 1), 0.000846140437632, tol, "V[2,2]");
}

TEST(WclsGolden, HeartStepsStackedTwiceUsesPlainSandwich) {
  const WclsModelSpec model{{}, {"logstep_pre30min"}};
  const WclsDesign design = make_wcls_design(stacked_twice(read_mrt_csv(kHeartSteps, heartsteps_columns())), model);
  const WclsAnalysis a = analyze_wcls(design, JointTestForm::kHotellingT2);
  EXPECT_EQ(a.n_subjects, 74u);
  EXPECT_EQ(a.df, 71);
  EXPECT_FALSE(a.small_sample_correction);
  const double tol = 1e-6;
  expect_relative(a.effect[0].estimate, 0.1574444, tol, "beta");
  expect_relative(a.effect[0].se, 0.04279275, tol, "se beta");
  expect_relative(a.effect[0].lcl, 0.07211808, tol, "lcl");
  expect_relative(a.effect[0].ucl, 0.2427707, tol, "ucl");
}

// ---------------------------------------------------------------------------------------------
// Joint test of beta = 0

TEST(WclsJointTest, SingleEffectMatchesTheCoefficientTTestInBothForms) {
  const WclsModelSpec model{{}, {"x"}};
  for (JointTestForm form : {JointTestForm::kHotellingT2, JointTestForm::kMrtAnalysis}) {
    const WclsAnalysis a = analyze_file(kAppendixA, appendix_a_columns(model), model, form);
    ASSERT_TRUE(a.joint.has_value());
    const double t = a.effect[0].estimate / a.effect[0].se;
    EXPECT_NEAR(a.joint->statistic, t * t, 1e-12 * t * t);
    EXPECT_NEAR(a.joint->p_value, a.effect[0].p_value, 1e-12);
    const double t_critical = student_t_quantile(a.df, 0.975);
    EXPECT_NEAR(a.joint->critical_value, t_critical * t_critical, 1e-10);
  }
}

TEST(WclsJointTest, HotellingAndMrtAnalysisFormsForTwoEffects) {
  const WclsModelSpec model{{"z"}, {"x", "z"}};
  const MrtData data = read_mrt_csv(kAppendixA, appendix_a_columns(model));
  const WclsDesign design = make_wcls_design(data, model);
  const WclsEstimate fit = fit_wcls_design(design, design.data.treatment, SmallSampleCorrection::kMrtAnalysis);
  const Eigen::VectorXd beta = fit.theta.tail(2);
  const Eigen::MatrixXd v_beta = fit.variance.bottomRightCorner(2, 2);
  const double t2 = beta.dot(v_beta.inverse() * beta);
  // N = 8, q = 3, p = 2: T^2 (N-q-p) / (p (N-q-1)) ~ F(2, 3).
  const double multiple = 2.0 * (8 - 3 - 1) / (8 - 3 - 2);

  const WclsAnalysis hotelling = wcls_inference(design, fit, JointTestForm::kHotellingT2);
  ASSERT_TRUE(hotelling.joint.has_value());
  EXPECT_NEAR(hotelling.joint->statistic, t2, 1e-10 * t2);
  EXPECT_EQ(hotelling.joint->df1, 2);
  EXPECT_EQ(hotelling.joint->df2, 3);
  EXPECT_NEAR(hotelling.joint->p_value, f_upper_tail(2, 3, t2 / multiple), 1e-12);
  EXPECT_NEAR(hotelling.joint->critical_value, multiple * f_quantile(2, 3, 0.95), 1e-10);

  const WclsAnalysis quirk = wcls_inference(design, fit, JointTestForm::kMrtAnalysis);
  EXPECT_EQ(quirk.joint->reference, "Hotelling");
  EXPECT_NEAR(quirk.joint->p_value, f_upper_tail(2, 3, t2 * multiple), 1e-12);
  EXPECT_NEAR(quirk.joint->critical_value, f_quantile(2, 3, 0.95) / multiple, 1e-10);
  EXPECT_LT(quirk.joint->p_value, hotelling.joint->p_value);  // the inverted multiple rejects more often
}

TEST(WclsJointTest, MrtAnalysisFormAbove50SubjectsIsWald) {
  const WclsModelSpec model{{}, {"logstep_pre30min"}};
  const WclsDesign design = make_wcls_design(stacked_twice(read_mrt_csv(kHeartSteps, heartsteps_columns())), model);
  const WclsAnalysis a = analyze_wcls(design, JointTestForm::kMrtAnalysis);
  ASSERT_TRUE(a.joint.has_value());
  EXPECT_EQ(a.joint->reference, "Wald");
  EXPECT_EQ(a.joint->f_statistic, a.joint->statistic);
  EXPECT_NEAR(a.joint->p_value, a.effect[0].p_value, 1e-12);
}

// ---------------------------------------------------------------------------------------------
// Sufficient statistics (product) against the direct implementation

struct RandomCase {
  int n_subjects;
  int min_rows, max_rows;
  int n_covariates;
  std::vector<int> controls, moderators;
  int unavailable_subjects;  // subjects with no available row at all
  bool numerator_column;     // p~ varies by row instead of the default 0.5
  unsigned seed;
};

struct RandomData {
  MrtData data;
  reference::DirectWclsInput direct;
};

std::string covariate_name(int k) { return "c" + std::to_string(k); }

RandomData random_data(const RandomCase& c) {
  std::mt19937_64 rng(c.seed);
  std::uniform_int_distribution<int> rows_of(c.min_rows, c.max_rows);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  std::normal_distribution<double> normal(0.0, 1.0);

  RandomData out;
  MrtData& data = out.data;
  data.path = "random";
  for (int k = 0; k < c.n_covariates; ++k) data.covariate_names.push_back(covariate_name(k));
  data.covariates.resize(c.n_covariates);
  std::vector<double> row_covariates(c.n_covariates);
  for (int i = 0; i < c.n_subjects; ++i) {
    data.subject_ids.push_back("s" + std::to_string(i));
    data.subject_begin.push_back(data.num_rows());
    const double subject_effect = normal(rng);
    const int rows = rows_of(rng);
    for (int t = 0; t < rows; ++t) {
      // The first row is available so that exactly n_subjects - unavailable_subjects count.
      const bool available = i >= c.unavailable_subjects && (t == 0 || uniform(rng) < 0.75);
      const double prob = 0.2 + 0.6 * uniform(rng);
      const int treated = available && uniform(rng) < prob;
      double signal = subject_effect + 0.5 * treated;
      for (int k = 0; k < c.n_covariates; ++k) {
        row_covariates[k] = normal(rng) + (k == 0 ? 0.1 * t : 0.0);
        data.covariates[k].push_back(row_covariates[k]);
        signal += 0.3 * (k + 1) * row_covariates[k] * (1 + treated);
      }
      data.outcome.push_back(signal + normal(rng) * (1 + 0.5 * uniform(rng)));
      data.treatment.push_back(treated);
      data.rand_prob.push_back(prob);
      if (c.numerator_column) data.numerator_prob.push_back(0.3 + 0.4 * uniform(rng));
      data.available.push_back(available);
    }
  }
  data.subject_begin.push_back(data.num_rows());

  reference::DirectWclsInput& direct = out.direct;
  const int n = static_cast<int>(data.num_rows());
  for (std::size_t i = 0; i < data.num_subjects(); ++i)
    for (std::size_t r = data.subject_begin[i]; r < data.subject_begin[i + 1]; ++r) direct.subject.push_back(static_cast<int>(i));
  direct.outcome = Eigen::Map<const Eigen::VectorXd>(data.outcome.data(), n);
  direct.treatment = Eigen::Map<const Eigen::VectorXi>(data.treatment.data(), n).cast<double>();
  direct.rand_prob = Eigen::Map<const Eigen::VectorXd>(data.rand_prob.data(), n);
  direct.numerator_prob = c.numerator_column ? Eigen::VectorXd(Eigen::Map<const Eigen::VectorXd>(data.numerator_prob.data(), n))
                                             : Eigen::VectorXd::Constant(n, 0.5);
  direct.available.resize(n);
  for (int r = 0; r < n; ++r) direct.available(r) = data.available[r];
  direct.covariates.resize(n, c.n_covariates);
  for (int k = 0; k < c.n_covariates; ++k) direct.covariates.col(k) = Eigen::Map<const Eigen::VectorXd>(data.covariates[k].data(), n);
  direct.controls = c.controls;
  direct.moderators = c.moderators;
  return out;
}

WclsModelSpec model_of(const RandomCase& c) {
  WclsModelSpec model;
  for (int k : c.moderators) model.moderators.push_back(covariate_name(k));
  for (int k : c.controls) model.controls.push_back(covariate_name(k));
  return model;
}

class WclsDirectComparison : public ::testing::TestWithParam<RandomCase> {};

TEST_P(WclsDirectComparison, SufficientStatisticsMatchDirectFit) {
  const RandomCase& c = GetParam();
  RandomData random = random_data(c);
  const reference::DirectWclsResult direct = reference::direct_wcls(random.direct);
  const WclsDesign design = make_wcls_design(std::move(random.data), model_of(c));
  const WclsEstimate fit = fit_wcls_design(design, design.data.treatment, SmallSampleCorrection::kMrtAnalysis);

  ASSERT_EQ(fit.status, FitStatus::kOk);
  EXPECT_EQ(fit.n_eff, c.n_subjects - c.unavailable_subjects);
  EXPECT_EQ(fit.n_eff, direct.n_eff);
  EXPECT_EQ(fit.corrected, direct.corrected);
  const int d = design.dim();
  ASSERT_EQ(static_cast<int>(direct.alpha_then_beta.size()), d);
  const double tol = 1e-10;
  for (int j = 0; j < d; ++j) {
    const int jr = direct.alpha_then_beta[j];
    const double se = std::sqrt(direct.variance(jr, jr));
    EXPECT_NEAR(fit.theta(j), direct.theta(jr), tol * std::max(std::fabs(direct.theta(jr)), se)) << "theta " << j;
    for (int k = 0; k < d; ++k) {
      const int kr = direct.alpha_then_beta[k];
      const double scale = std::sqrt(direct.variance(jr, jr) * direct.variance(kr, kr));
      EXPECT_NEAR(fit.variance(j, k), direct.variance(jr, kr), tol * scale) << "variance " << j << "," << k;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    RandomDataSets, WclsDirectComparison,
    ::testing::Values(RandomCase{12, 3, 8, 1, {0}, {}, 0, false, 1u},
                      RandomCase{25, 5, 20, 2, {0, 1}, {1}, 2, true, 2u},
                      RandomCase{50, 1, 12, 3, {0, 2}, {0, 1}, 0, false, 3u},  // exactly 50: corrected
                      RandomCase{51, 1, 12, 3, {0, 2}, {0, 1}, 0, false, 4u},  // 51: plain sandwich
                      RandomCase{60, 2, 9, 2, {1}, {0}, 10, true, 5u},          // 60 subjects, n_eff 50
                      RandomCase{140, 10, 40, 4, {0, 1, 2, 3}, {2, 3}, 3, true, 6u}),
    [](const ::testing::TestParamInfo<RandomCase>& info) {
      return std::to_string(info.param.n_subjects) + "_subjects_" +
             std::to_string(info.param.n_subjects - info.param.unavailable_subjects) + "_available";
    });

TEST(WclsDesign, MissingValuesOnUnavailableRowsDoNotChangeTheFit) {
  RandomCase c{15, 4, 10, 2, {0, 1}, {1}, 0, true, 7u};
  RandomData random = random_data(c);
  MrtData with_missing = random.data;
  for (std::size_t r = 0; r < with_missing.num_rows(); ++r) {
    if (with_missing.available[r]) continue;
    with_missing.outcome[r] = std::nan("");
    with_missing.rand_prob[r] = std::nan("");
    with_missing.numerator_prob[r] = std::nan("");
    for (auto& column : with_missing.covariates) column[r] = std::nan("");
  }
  const WclsDesign clean = make_wcls_design(random.data, model_of(c));
  const WclsDesign missing = make_wcls_design(with_missing, model_of(c));
  const WclsEstimate a = fit_wcls_design(clean, clean.data.treatment, SmallSampleCorrection::kMrtAnalysis);
  const WclsEstimate b = fit_wcls_design(missing, missing.data.treatment, SmallSampleCorrection::kMrtAnalysis);
  ASSERT_EQ(b.status, FitStatus::kOk);
  EXPECT_TRUE(a.theta.isApprox(b.theta, 1e-14));
  EXPECT_TRUE(a.variance.isApprox(b.variance, 1e-14));
}

TEST(WclsDesign, RejectsRepeatedColumnsAndTooManyCoefficients) {
  const MrtData data = read_mrt_csv(kAppendixA, appendix_a_columns({{"z"}, {"x", "z"}}));
  EXPECT_THROW(make_wcls_design(data, {{"z", "z"}, {"x"}}), UserError);
  EXPECT_THROW(make_wcls_design(data, {{}, {"x", "x"}}), UserError);
  EXPECT_THROW(make_wcls_design(data, {{"x", "z", "x", "z", "x", "z"}, {"x", "z"}}), UserError);
}

TEST(WclsDesign, TooFewSubjectsIsAUserError) {
  // 5 coefficients need more than 5 subjects with an available row; only the first 4 keep theirs.
  MrtColumnSpec columns = appendix_a_columns({{"z"}, {"x", "z"}});
  MrtData data = read_mrt_csv(kAppendixA, columns);
  for (std::size_t r = data.subject_begin[4]; r < data.num_rows(); ++r) data.available[r] = 0;
  const WclsDesign design = make_wcls_design(std::move(data), {{"z"}, {"x", "z"}});
  EXPECT_THROW(analyze_wcls(design, JointTestForm::kHotellingT2), UserError);
}

// ---------------------------------------------------------------------------------------------
// CSV reader

class WclsCsv : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("mrtsim_wcls_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& text) const {
    const std::string path = (dir_ / name).string();
    std::ofstream(path) << text;
    return path;
  }

  // A valid 3-subject data set; `replace` edits one data row (1-based) in place.
  std::string small_csv(int row_to_replace = 0, const std::string& replacement = "") const {
    std::vector<std::string> rows = {"1,0,0.5,1,1.0,0.2", "1,1,0.5,1,2.0,0.1",  "1,0,0.5,0,NA,NA",
                                     "2,1,0.5,1,0.3,0.4", "2,0,0.5,1,1.1,-0.2", "2,1,0.5,1,0.7,0.9",
                                     "3,0,0.5,1,0.4,0.3", "3,1,0.5,1,1.5,0.0",  "3,0,0.5,1,0.2,0.6"};
    if (row_to_replace > 0) rows[row_to_replace - 1] = replacement;
    std::string text = "id,a,p,avail,y,x\n";
    for (const std::string& row : rows) text += row + "\n";
    return write("data.csv", text);
  }

  static MrtColumnSpec columns() { return {"id", "y", "a", "p", "avail", "", {"x"}}; }

  // Expects read_mrt_csv to fail with a message holding every piece of `expected`.
  static void expect_error(const std::string& path, const MrtColumnSpec& spec, const std::vector<std::string>& expected) {
    try {
      read_mrt_csv(path, spec);
      ADD_FAILURE() << "no error for " << path;
    } catch (const UserError& e) {
      for (const std::string& piece : expected) EXPECT_NE(std::string(e.what()).find(piece), std::string::npos) << e.what();
    }
  }

  std::filesystem::path dir_;
};

TEST_F(WclsCsv, ReadsSubjectsAndAllowsMissingValuesOnUnavailableRows) {
  const MrtData data = read_mrt_csv(small_csv(), columns());
  EXPECT_EQ(data.num_rows(), 9u);
  EXPECT_EQ(data.subject_ids, (std::vector<std::string>{"1", "2", "3"}));
  EXPECT_EQ(data.subject_begin, (std::vector<std::size_t>{0, 3, 6, 9}));
  EXPECT_TRUE(std::isnan(data.outcome[2]));
  EXPECT_EQ(data.available[2], 0);
  EXPECT_EQ(data.rand_prob[4], 0.5);
  EXPECT_TRUE(data.numerator_prob.empty());
}

TEST_F(WclsCsv, TreatmentAndProbabilityAreCheckedOnlyOnAvailableRows) {
  const MrtData data = read_mrt_csv(small_csv(3, "1,2,1.5,0,NA,NA"), columns());
  EXPECT_EQ(data.treatment[2], 0);
}

TEST_F(WclsCsv, StringIdsQuotesAndConstantProbabilities) {
  const std::string path = write("quoted.csv",
                                 "\"user\",\"a\",\"y\",\"x\"\r\n\"ann\",1,0.5,1\r\n\"ann\",0,1.5,2\r\n"
                                 "\"bob, jr\",0,2.5,3\r\n\r\n");
  const MrtData data = read_mrt_csv(path, {"user", "y", "a", "0.4", "", "0.5", {"x"}});
  EXPECT_EQ(data.subject_ids, (std::vector<std::string>{"ann", "bob, jr"}));
  EXPECT_EQ(data.rand_prob, (std::vector<double>{0.4, 0.4, 0.4}));
  EXPECT_EQ(data.numerator_prob, (std::vector<double>{0.5, 0.5, 0.5}));
  EXPECT_EQ(data.available, (std::vector<unsigned char>{1, 1, 1}));
}

TEST_F(WclsCsv, ErrorsNameFileColumnAndRow) {
  expect_error((dir_ / "absent.csv").string(), columns(), {"cannot open", "absent.csv"});
  MrtColumnSpec spec = columns();
  spec.outcome = "steps";
  expect_error(small_csv(), spec, {"data.csv", "no column 'steps'", "outcome"});
  expect_error(small_csv(5, "2,2,0.5,1,1.1,-0.2"), columns(), {"data.csv", "column 'a'", "data row 5", "line 6", "0 or 1"});
  expect_error(small_csv(4, "2,1,1.2,1,0.3,0.4"), columns(), {"column 'p'", "data row 4", "1.2"});
  expect_error(small_csv(4, "2,1,0,1,0.3,0.4"), columns(), {"column 'p'", "data row 4"});
  expect_error(small_csv(6, "2,1,0.5,1,NA,0.9"), columns(), {"column 'y'", "data row 6", "missing"});
  expect_error(small_csv(6, "2,1,0.5,1,0.7,"), columns(), {"column 'x'", "data row 6", "missing"});
  expect_error(small_csv(6, "2,1,0.5,1,seven,0.9"), columns(), {"column 'y'", "data row 6", "'seven' is not a number"});
  expect_error(small_csv(7, "3,0,0.5,2,0.4,0.3"), columns(), {"column 'avail'", "data row 7", "0 or 1"});
  expect_error(small_csv(7, "3,0,0.5,NA,0.4,0.3"), columns(), {"column 'avail'", "data row 7"});
  expect_error(small_csv(8, "1,1,0.5,1,1.5,0.0"), columns(), {"column 'id'", "data row 8", "'1'", "contiguous"});
  expect_error(small_csv(2, "1,1,0.5,1,2.0"), columns(), {"data.csv", "line 3", "5 fields"});
  spec = columns();
  spec.rand_prob = "1.5";
  expect_error(small_csv(), spec, {"randomization probability", "1.5"});
}

// ---------------------------------------------------------------------------------------------
// Command line, end to end

using testing_support::CommandResult;

class WclsCli : public WclsCsv {
 protected:
  CommandResult run(const std::string& arguments) const { return testing_support::run_mrtsim(arguments); }

  void expect_cli_error(const std::string& data_path, const std::vector<std::string>& expected) const {
    const CommandResult r =
        run("wcls --data '" + data_path + "' --id id --outcome y --treatment a --rand-prob p --availability avail --controls x");
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.err.find("mrtsim: error: "), std::string::npos) << r.err;
    for (const std::string& piece : expected) EXPECT_NE(r.err.find(piece), std::string::npos) << r.err;
  }
};

TEST_F(WclsCli, HeartStepsJson) {
  const CommandResult r = run("wcls --data '" + kHeartSteps +
                              "' --id userid --outcome logstep_30min --treatment intervention --rand-prob 0.6"
                              " --numerator-prob 0.6 --availability avail --controls logstep_pre30min --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["estimator"], "wcls");
  EXPECT_EQ(j["n_subjects"], 37);
  EXPECT_EQ(j["df"], 34);
  EXPECT_EQ(j["small_sample_correction"], true);
  ASSERT_EQ(j["effect"].size(), 1u);
  const nlohmann::json& beta = j["effect"][0];
  EXPECT_EQ(beta["term"], "(Intercept)");
  expect_relative(beta["estimate"].get<double>(), 0.1574444, 1e-6, "estimate");
  expect_relative(beta["se"].get<double>(), 0.06222065, 1e-6, "se");
  expect_relative(beta["lcl"].get<double>(), 0.03099683, 1e-6, "lcl");
  expect_relative(beta["ucl"].get<double>(), 0.283892, 1e-6, "ucl");
  expect_relative(beta["p_value"].get<double>(), 0.01619006, 1e-6, "p");
  ASSERT_EQ(j["control"].size(), 2u);
  EXPECT_EQ(j["control"][1]["term"], "logstep_pre30min");
  expect_relative(j["control"][0]["estimate"].get<double>(), 2.0115176, 1e-6, "alpha0");
  expect_relative(j["control"][1]["se"].get<double>(), 0.01968034, 1e-6, "se alpha1");
  ASSERT_EQ(j["variance"].size(), 1u);  // of the effect block: here the square of its SE
  expect_relative(j["variance"][0][0].get<double>(), 0.06222065 * 0.06222065, 1e-6, "variance");
  EXPECT_EQ(j["joint"]["form"], "hotelling_t2");
  EXPECT_NEAR(j["joint"]["p_value"].get<double>(), 0.01619006, 1e-7);
}

TEST_F(WclsCli, MrtAnalysisJointTestFlagAndTable) {
  const std::string common = "wcls --data '" + kAppendixA +
                             "' --id id --outcome y --treatment a --rand-prob p --availability avail"
                             " --moderators z --controls x,z";
  const CommandResult json = run(common + " --format json --mrtanalysis-joint-test");
  ASSERT_EQ(json.exit_code, 0) << json.err;
  const nlohmann::json j = nlohmann::json::parse(json.out);
  EXPECT_EQ(j["joint"]["form"], "mrtanalysis");
  EXPECT_EQ(j["joint"]["reference"], "Hotelling");
  EXPECT_EQ(j["effect"][1]["term"], "z");
  expect_relative(j["effect"][1]["estimate"].get<double>(), -1.1794150847, 1e-8, "beta_z");

  const CommandResult table = run(common);
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("Causal excursion effect"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("-1.17942"), std::string::npos) << table.out;
}

TEST_F(WclsCli, BadInputsNameColumnAndRow) {
  expect_cli_error(small_csv(5, "2,2,0.5,1,1.1,-0.2"), {"column 'a'", "data row 5"});
  expect_cli_error(small_csv(4, "2,1,1.2,1,0.3,0.4"), {"column 'p'", "data row 4", "1.2"});
  expect_cli_error(small_csv(6, "2,1,0.5,1,NA,0.9"), {"column 'y'", "data row 6"});
  expect_cli_error(small_csv(8, "1,1,0.5,1,1.5,0.0"), {"column 'id'", "data row 8"});
  const std::string renamed = write("renamed.csv", "id,a,p,available,y,x\n1,0,0.5,1,1.0,0.2\n");
  expect_cli_error(renamed, {"no column 'avail'"});
  expect_cli_error((dir_ / "absent.csv").string(), {"cannot open", "absent.csv"});
}

}  // namespace
}  // namespace mrtsim
