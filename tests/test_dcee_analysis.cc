// `mrtsim dcee`: MRTAnalysis's golden numbers (docs/estimators.md §2.7 and Appendix A3), the one-pass
// sums against a direct row-by-row implementation, the cross-fitting folds, and the command line.
#include <gtest/gtest.h>

#include "tests/cli_runner.h"
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "host/analysis/dcee_analysis.h"
#include "host/io/mrt_csv.h"
#include "tests/reference/dcee_direct.h"

namespace mrtsim {
namespace {

const std::string kAppendixA = std::string(MRTSIM_SOURCE_DIR) + "/tests/data/appendix_a.csv";
const std::string kDistal = std::string(MRTSIM_SOURCE_DIR) + "/tests/data/data_distal_continuous.csv";
// MRTAnalysis's fit$conf_int uses 1.96 exactly (docs/estimators.md §2.5).
constexpr double kPackageNormalQuantile = 1.96;

// Golden values are given to a number of digits; compare to that precision.
void expect_digits(double actual, double expected, double abs_tolerance, const std::string& what) {
  EXPECT_NEAR(actual, expected, abs_tolerance) << what;
}
void expect_relative(double actual, double expected, double tolerance, const std::string& what) {
  EXPECT_NEAR(actual, expected, tolerance * std::fabs(expected)) << what;
}

DceeAnalysis analyze_file(const std::string& path, const MrtColumnSpec& columns, const DceeModelSpec& model) {
  return analyze_dcee(make_dcee_design(read_mrt_csv(path, dcee_column_spec(columns, model)), model), model);
}

const MrtColumnSpec kDistalColumns{"userid", "Y", "A", "prob_A", "avail", "", {}};
const MrtColumnSpec kAppendixColumns{"id", "ydist", "a", "p", "avail", "", {}};

// ---------------------------------------------------------------------------------------------
// Golden values

TEST(DceeGolden, DistalContinuousMarginal) {
  DceeModelSpec model;
  model.controls = {"X", "Z"};
  const DceeAnalysis a = analyze_file(kDistal, kDistalColumns, model);
  EXPECT_EQ(a.n_subjects, 50u);
  EXPECT_EQ(a.df, 49);
  ASSERT_EQ(a.effect.size(), 1u);
  expect_digits(a.effect[0].estimate, 0.40414, 5e-6, "beta");
  expect_digits(a.effect[0].se, 0.58480, 5e-6, "se");
  expect_digits(a.effect[0].lcl, -0.77107, 5e-6, "lcl");
  expect_digits(a.effect[0].ucl, 1.57934, 5e-6, "ucl");
  expect_digits(a.effect[0].p_value, 0.4928, 5e-5, "p");
}

TEST(DceeGolden, DistalContinuousModeratedByZ) {
  DceeModelSpec model;
  model.controls = {"X", "Z"};
  model.moderators = {"Z"};
  const DceeAnalysis a = analyze_file(kDistal, kDistalColumns, model);
  EXPECT_EQ(a.df, 48);
  ASSERT_EQ(a.effect.size(), 2u);
  EXPECT_EQ(a.effect[1].term, "Z");
  const double beta[2] = {-0.09682445, 1.21004951}, se[2] = {0.6744136, 1.0643282};
  const double lcl[2] = {-1.4528240, -0.9299258}, ucl[2] = {1.259175, 3.350025};
  const double v[2][2] = {{0.4548338, -0.3785866}, {-0.3785866, 1.1327945}};
  for (int j = 0; j < 2; ++j) {
    expect_relative(a.effect[j].estimate, beta[j], 1e-6, "beta");
    expect_relative(a.effect[j].se, se[j], 1e-6, "se");
    expect_relative(a.effect[j].lcl, lcl[j], 1e-6, "lcl");
    expect_relative(a.effect[j].ucl, ucl[j], 1e-6, "ucl");
    for (int k = 0; k < 2; ++k) expect_relative(a.variance(j, k), v[j][k], 1e-6, "V");
  }
}

TEST(DceeGolden, AppendixA3Marginal) {
  DceeModelSpec model;
  model.controls = {"x"};
  model.weight = "0.25";
  const DceeAnalysis a = analyze_file(kAppendixA, kAppendixColumns, model);
  EXPECT_EQ(a.df, 7);
  const CoefficientInference& c = a.effect.at(0);
  expect_relative(c.estimate, -0.1752253609, 1e-8, "beta");
  expect_relative(c.se, 0.5705217156, 1e-8, "se");
  expect_relative(a.variance(0, 0), 0.3254950279, 1e-8, "V");
  expect_relative(c.lcl, -1.524294846, 1e-8, "t lcl");
  expect_relative(c.ucl, 1.173844124, 1e-8, "t ucl");
  expect_relative(c.estimate - kPackageNormalQuantile * c.se, -1.293447923, 1e-8, "normal lcl");
  expect_relative(c.estimate + kPackageNormalQuantile * c.se, 0.9429972016, 1e-8, "normal ucl");
}

TEST(DceeGolden, AppendixA3ModeratedByZ) {
  DceeModelSpec model;
  model.controls = {"x", "z"};
  model.moderators = {"z"};
  model.weight = "0.25";
  const DceeAnalysis a = analyze_file(kAppendixA, kAppendixColumns, model);
  EXPECT_EQ(a.df, 6);
  const double beta[2] = {0.2759238169, -1.0824492787}, se[2] = {0.5123188992, 1.1733047417};
  const double lcl[2] = {-0.9776753691, -3.9534225561}, ucl[2] = {1.529523003, 1.788523999};
  const double p[2] = {0.60956, 0.39182};
  const double v[2][2] = {{0.2624706545, -0.256467611}, {-0.256467611, 1.376644017}};
  for (int j = 0; j < 2; ++j) {
    expect_relative(a.effect[j].estimate, beta[j], 1e-8, "beta");
    expect_relative(a.effect[j].se, se[j], 1e-8, "se");
    expect_relative(a.effect[j].lcl, lcl[j], 1e-8, "lcl");
    expect_relative(a.effect[j].ucl, ucl[j], 1e-8, "ucl");
    expect_digits(a.effect[j].p_value, p[j], 5e-6, "p");
    for (int k = 0; k < 2; ++k) expect_relative(a.variance(j, k), v[j][k], 1e-8, "V");
  }
}

TEST(DceeGolden, AppendixA3SetToZero) {
  DceeModelSpec model;
  model.learner = DceeLearner::kSetToZero;
  model.weight = "0.25";
  const DceeAnalysis a = analyze_file(kAppendixA, kAppendixColumns, model);
  expect_relative(a.effect.at(0).estimate, -2.21046875, 1e-9, "beta");
  expect_relative(a.effect.at(0).se, 0.8910995445, 1e-9, "se");
}

TEST(DceeGolden, DefaultWeightIsScaleFree) {
  // 1/Tbar = 1/4 here; multiplying the weight by a constant changes neither beta nor V.
  DceeModelSpec model;
  model.controls = {"x"};
  const DceeAnalysis a = analyze_file(kAppendixA, kAppendixColumns, model);
  model.weight = "3";
  const DceeAnalysis b = analyze_file(kAppendixA, kAppendixColumns, model);
  expect_relative(a.effect[0].estimate, -0.1752253609, 1e-8, "beta");
  expect_relative(b.effect[0].se, a.effect[0].se, 1e-12, "se");
}

TEST(DceeGolden, ConfidenceLevelIsHonoured) {
  DceeModelSpec model;
  model.controls = {"x"};
  model.confidence_level = 0.8;
  const CoefficientInference c = analyze_file(kAppendixA, kAppendixColumns, model).effect.at(0);
  const double t_090_df7 = 1.414924;  // R: qt(0.9, 7), 7 digits
  expect_digits((c.ucl - c.estimate) / c.se, t_090_df7, 5e-7, "t quantile");
  expect_digits((c.estimate - c.lcl) / c.se, t_090_df7, 5e-7, "t quantile");
}

// ---------------------------------------------------------------------------------------------
// One-pass sums against the direct implementation

struct RandomData {
  MrtData data;
  reference::DirectDceeInput direct;
};

// Subjects with 3..9 rows, two controls, one moderator, a weight column; about 20% unavailable.
RandomData random_data(unsigned seed, int subjects) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal;
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  std::uniform_int_distribution<int> length(3, 9);
  RandomData r;
  MrtData& d = r.data;
  d.path = "random";
  d.covariate_names = {"c1", "c2", "m1", "w"};
  d.covariates.resize(4);
  std::vector<int> subject_of_row;
  for (int i = 0; i < subjects; ++i) {
    d.subject_ids.push_back(std::to_string(i));
    d.subject_begin.push_back(d.num_rows());
    const double y = 2.0 + normal(rng);
    const int rows = length(rng);
    double effects = 0.0;  // the distal outcome: y plus the mean of the rows' effects, on every row
    for (int t = rows; t > 0; --t) {
      const double c1 = normal(rng), c2 = uniform(rng) < 0.5, m1 = normal(rng);
      const double p = 0.2 + 0.6 * uniform(rng);
      const int a = uniform(rng) < p;
      effects += 0.5 * a * (1 + m1) + 0.3 * c1;
      d.treatment.push_back(a);
      d.rand_prob.push_back(p);
      d.available.push_back(uniform(rng) < 0.8);
      d.covariates[0].push_back(c1);
      d.covariates[1].push_back(c2);
      d.covariates[2].push_back(m1);
      d.covariates[3].push_back(0.5 + uniform(rng));
      subject_of_row.push_back(i);
    }
    d.outcome.insert(d.outcome.end(), rows, y + effects / rows);
  }
  d.subject_begin.push_back(d.num_rows());

  reference::DirectDceeInput& in = r.direct;
  const auto vec = [](const std::vector<double>& v) { return Eigen::Map<const Eigen::VectorXd>(v.data(), v.size()); };
  in.subject = subject_of_row;
  in.outcome = vec(d.outcome);
  in.treatment = Eigen::VectorXd(d.num_rows());
  in.available = Eigen::VectorXd(d.num_rows());
  for (std::size_t k = 0; k < d.num_rows(); ++k) {
    in.treatment(k) = d.treatment[k];
    in.available(k) = d.available[k];
  }
  in.rand_prob = vec(d.rand_prob);
  in.weight = vec(d.covariates[3]);
  in.controls = Eigen::MatrixXd(d.num_rows(), 2);
  in.controls << vec(d.covariates[0]), vec(d.covariates[1]);
  in.moderators = vec(d.covariates[2]);
  return r;
}

DceeModelSpec random_model() {
  DceeModelSpec model;
  model.controls = {"c1", "c2"};
  model.moderators = {"m1"};
  model.weight = "w";
  return model;
}

void expect_same_fit(const DceeEstimate& sums, const reference::DirectDceeResult& direct) {
  ASSERT_EQ(sums.beta.size(), direct.beta.size());
  for (Eigen::Index j = 0; j < sums.beta.size(); ++j) {
    EXPECT_NEAR(sums.beta(j), direct.beta(j), 1e-10 * std::max(1.0, std::fabs(direct.beta(j)))) << j;
    for (Eigen::Index k = 0; k < sums.beta.size(); ++k)
      EXPECT_NEAR(sums.variance(j, k), direct.variance(j, k), 1e-10 * std::max(1.0, std::fabs(direct.variance(j, k))));
  }
}

TEST(DceeSums, AgreesWithDirectImplementation) {
  for (unsigned seed = 1; seed <= 5; ++seed) {
    RandomData r = random_data(seed, 40);
    expect_same_fit(fit_dcee(make_dcee_design(r.data, random_model())), reference::direct_dcee(r.direct));
    r.direct.set_to_zero = true;
    DceeModelSpec ipw = random_model();
    ipw.learner = DceeLearner::kSetToZero;
    expect_same_fit(fit_dcee(make_dcee_design(r.data, ipw)), reference::direct_dcee(r.direct));
  }
}

TEST(DceeSums, CrossFitAgreesWithDirectRefits) {
  for (unsigned seed = 1; seed <= 5; ++seed) {
    RandomData r = random_data(seed, 40);
    const DceeDesign design = make_dcee_design(r.data, random_model());
    const int folds = 2 + static_cast<int>(seed);
    r.direct.subject_fold = cross_fit_folds(design.data.num_subjects(), folds, 100 + seed);
    expect_same_fit(fit_dcee(design, r.direct.subject_fold, folds), reference::direct_dcee(r.direct));
  }
}

// ---------------------------------------------------------------------------------------------
// Cross-fitting folds

TEST(DceeFolds, BalancedDeterministicAndSeeded) {
  for (int folds : {2, 5, 10}) {
    const std::vector<int> a = cross_fit_folds(53, folds, 7);
    std::vector<int> size(folds, 0);
    for (int f : a) {
      ASSERT_GE(f, 0);
      ASSERT_LT(f, folds);
      ++size[f];
    }
    EXPECT_LE(*std::max_element(size.begin(), size.end()) - *std::min_element(size.begin(), size.end()), 1);
    EXPECT_EQ(a, cross_fit_folds(53, folds, 7));
    EXPECT_NE(a, cross_fit_folds(53, folds, 8));
  }
}

TEST(DceeFolds, SameSeedSameResultOtherSeedOtherResult) {
  DceeModelSpec model;
  model.controls = {"X", "Z"};
  model.cross_fit_folds = 5;
  model.seed = 11;
  const DceeAnalysis a = analyze_file(kDistal, kDistalColumns, model);
  const DceeAnalysis b = analyze_file(kDistal, kDistalColumns, model);
  EXPECT_EQ(a.cross_fit_folds, 5);
  EXPECT_EQ(a.effect[0].estimate, b.effect[0].estimate);
  EXPECT_EQ(a.effect[0].se, b.effect[0].se);
  model.seed = 12;
  EXPECT_NE(analyze_file(kDistal, kDistalColumns, model).effect[0].estimate, a.effect[0].estimate);
}

// ---------------------------------------------------------------------------------------------
// Command line, end to end

using testing_support::CommandResult;

class DceeCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("mrtsim_dcee_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + "_" +
            std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  CommandResult run(const std::string& arguments) const { return testing_support::run_mrtsim(arguments); }

  // The appendix data with one cell replaced (data row `row` counts from 1).
  std::string appendix_with(int row, const std::string& column, const std::string& value) const {
    std::ifstream in(kAppendixA);
    std::ofstream out(dir_ / "bad.csv");
    std::string line, header;
    std::getline(in, header);
    out << header << "\n";
    int column_index = 0;
    for (std::size_t start = 0, comma; (comma = header.find(',', start)) != std::string::npos && header.substr(start, comma - start) != column; start = comma + 1)
      ++column_index;
    for (int r = 1; std::getline(in, line); ++r) {
      if (r == row) {
        std::vector<std::string> cells;
        for (std::size_t start = 0;;) {
          const std::size_t comma = line.find(',', start);
          cells.push_back(line.substr(start, comma - start));
          if (comma == std::string::npos) break;
          start = comma + 1;
        }
        cells[column_index] = value;
        line.clear();
        for (std::size_t c = 0; c < cells.size(); ++c) line += (c ? "," : "") + cells[c];
      }
      out << line << "\n";
    }
    return (dir_ / "bad.csv").string();
  }

  void expect_cli_error(const std::string& data_path, const std::vector<std::string>& expected,
                        const std::string& extra = "") const {
    const CommandResult r = run("dcee --data '" + data_path +
                                "' --id id --outcome ydist --treatment a --rand-prob p --availability avail --controls x" +
                                extra);
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.err.find("mrtsim: error: "), std::string::npos) << r.err;
    for (const std::string& piece : expected) EXPECT_NE(r.err.find(piece), std::string::npos) << r.err;
  }

  std::filesystem::path dir_;
};

TEST_F(DceeCli, DistalGoldenJson) {
  const CommandResult r = run("dcee --data '" + kDistal +
                              "' --id userid --outcome Y --treatment A --rand-prob prob_A --availability avail"
                              " --controls X,Z --moderators Z --learner lm --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["estimator"], "dcee");
  EXPECT_EQ(j["n_subjects"], 50);
  EXPECT_EQ(j["df"], 48);
  EXPECT_EQ(j["small_sample_correction"], false);
  EXPECT_EQ(j["learner"], "lm");
  EXPECT_TRUE(j["cross_fit"].is_null());
  EXPECT_EQ(j["effect"][1]["term"], "Z");
  expect_relative(j["effect"][0]["estimate"].get<double>(), -0.09682445, 1e-6, "beta0");
  expect_relative(j["effect"][1]["se"].get<double>(), 1.0643282, 1e-6, "se1");
  expect_relative(j["effect"][1]["ucl"].get<double>(), 3.350025, 1e-6, "ucl1");
  expect_relative(j["variance"][0][1].get<double>(), -0.3785866, 1e-6, "V01");
}

TEST_F(DceeCli, CrossFitJsonAndTable) {
  const std::string base = "dcee --data '" + kDistal +
                           "' --id userid --outcome Y --treatment A --rand-prob prob_A --availability avail"
                           " --controls X,Z --cross-fit 5 --seed 3";
  const CommandResult json = run(base + " --format json");
  ASSERT_EQ(json.exit_code, 0) << json.err;
  const nlohmann::json j = nlohmann::json::parse(json.out);
  EXPECT_EQ(j["cross_fit"], 5);
  EXPECT_EQ(j["seed"], 3);
  const CommandResult table = run(base + " --conf-level 0.9");
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("90% LCL"), std::string::npos) << table.out;
}

TEST_F(DceeCli, BadInputsNameTheProblem) {
  expect_cli_error(kAppendixA, {"no column 'nope'"}, " --moderators nope");
  expect_cli_error(appendix_with(5, "x", "NA"), {"column 'x'", "data row 5"});  // an unavailable row
  expect_cli_error(appendix_with(3, "a", "2"), {"column 'a'", "data row 3", "0 or 1"});
  expect_cli_error(appendix_with(2, "p", "1"), {"column 'p'", "data row 2"});
  expect_cli_error(appendix_with(9, "id", "1"), {"column 'id'", "data row 9", "contiguous"});
  expect_cli_error(kAppendixA, {"--weight 0", "must be positive"}, " --weight 0");
}

}  // namespace
}  // namespace mrtsim
