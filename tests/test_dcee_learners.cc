// DCEE with the gam and random-forest nuisance learners (docs/estimators.md §2.3-2.4), `mrtsim dcee`
// and the API:
//   - gam: MRTAnalysis 0.3.1 dcee(..., control_reg_method = "gam") golden values (R script
//     tests/data/dcee_learners/dcee_learners_reference.R) on the package's example data and two
//     generated cohorts, through the API and the command line;
//   - cross-fitting with both learners against a second computation (tests/reference/dcee_direct.h,
//     which selects each fold's training rows itself and calls the learner directly);
//   - rf: bitwise reproducibility for any thread count, and the DCEE estimate within a small part of
//     its SE of R's dcee(..., control_reg_method = "ranger") over five ranger seeds (R parity of
//     random numbers is impossible);
//   - bad inputs.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "host/analysis/dcee_analysis.h"
#include "host/io/mrt_csv.h"
#include "host/learners/gam.h"
#include "host/learners/random_forest.h"
#include "host/stats/fit_failure.h"
#include "tests/cli_runner.h"
#include "tests/reference/dcee_direct.h"

namespace mrtsim {
namespace {

const std::string kData = std::string(MRTSIM_SOURCE_DIR) + "/tests/data/";
const std::string kLearnerData = kData + "dcee_learners/";
const MrtColumnSpec kColumns{"userid", "Y", "A", "prob_A", "avail", "", {}};

std::string data_path(const std::string& name) {
  return name == "distal" ? kData + "data_distal_continuous.csv" : kLearnerData + "qian_" + name + ".csv";
}

DceeDesign design_of(const std::string& data, const DceeModelSpec& model) {
  return make_dcee_design(read_mrt_csv(data_path(data), dcee_column_spec(kColumns, model)), model);
}

DceeModelSpec gam_model(std::vector<std::string> controls, std::vector<std::string> moderators,
                        std::string weight = "") {
  DceeModelSpec model;
  model.learner = DceeLearner::kGam;
  model.controls = std::move(controls);
  model.moderators = std::move(moderators);
  model.weight = std::move(weight);
  return model;
}

// ---------------------------------------------------------------------------------------------
// gam: MRTAnalysis's numbers

struct GoldenRow {
  double estimate, se, lcl, ucl, p_value;
};
struct GoldenCase {
  std::vector<GoldenRow> effect;       // "(Intercept)", then the moderators
  std::map<std::string, double> variance;  // "V[i;j]" (1-based)
  int df = 0;
};

std::map<std::string, GoldenCase> gam_golden() {
  const CsvTable table = CsvTable::read(kLearnerData + "dcee_gam_reference.csv");
  const auto column = [&](const char* name) { return table.column(name, "reference"); };
  std::map<std::string, GoldenCase> cases;
  for (std::size_t r = 0; r < table.num_rows(); ++r) {
    GoldenCase& c = cases[column("case")[r]];
    c.df = std::stoi(column("df")[r]);
    const std::string term = column("term")[r];
    if (term.rfind("V[", 0) == 0) {
      c.variance[term] = std::stod(column("estimate")[r]);
    } else {
      c.effect.push_back({std::stod(column("estimate")[r]), std::stod(column("se")[r]), std::stod(column("lcl")[r]),
                          std::stod(column("ucl")[r]), std::stod(column("p_value")[r])});
    }
  }
  return cases;
}

struct GamCase {
  std::string name, data;
  DceeModelSpec model;
};

std::vector<GamCase> gam_cases() {
  const std::string cr = "s(X, bs = \"cr\")";
  return {
      {"distal_tp_marginal", "distal", gam_model({"s(X)", "Z"}, {})},
      {"distal_tp_moderated", "distal", gam_model({"s(X)", "Z"}, {"Z"})},
      {"distal_cr_marginal", "distal", gam_model({cr, "Z"}, {})},
      {"distal_cr_moderated", "distal", gam_model({cr, "Z"}, {"Z"})},
      {"distal_cr_k5_only_smooth", "distal", gam_model({"s(X, bs = \"cr\", k = 5)"}, {})},
      {"n100_two_smooths_moderated", "n100", gam_model({"s(X)", "s(W, bs = \"cr\", k = 6)", "Z"}, {"Z"})},
      {"n100_cr_weighted", "n100", gam_model({cr, "Z"}, {"Z"}, "wt")},
      {"n150_tp_subsampled_knots", "n150", gam_model({"s(X)", "Z"}, {})},
      {"n150_cr_moderated", "n150", gam_model({cr, "W", "Z"}, {"Z"})},
  };
}

// docs/gam.md: the gam fits agree with mgcv's to about 1e-11 relative (fitted values, predictions),
// magic's own stopping rule being reproduced step for step; the DCEE numbers are smooth functions of
// the predictions, so 1e-8 of the SE (estimates can be near 0) leaves a margin of three orders of
// magnitude and is still far below anything that matters statistically.
constexpr double kGoldenTolerance = 1e-8;

TEST(DceeGamGolden, MatchesMrtAnalysisOnItsDataAndGeneratedCohorts) {
  const std::map<std::string, GoldenCase> golden = gam_golden();
  for (const GamCase& c : gam_cases()) {
    SCOPED_TRACE(c.name);
    const GoldenCase& expected = golden.at(c.name);
    const DceeAnalysis analysis = analyze_dcee(design_of(c.data, c.model), c.model);
    EXPECT_EQ(analysis.df, expected.df);
    ASSERT_EQ(analysis.effect.size(), expected.effect.size());
    for (std::size_t j = 0; j < expected.effect.size(); ++j) {
      const CoefficientInference& got = analysis.effect[j];
      const GoldenRow& want = expected.effect[j];
      const double scale = kGoldenTolerance * want.se;
      EXPECT_NEAR(got.estimate, want.estimate, scale) << j;
      EXPECT_NEAR(got.se, want.se, scale) << j;
      EXPECT_NEAR(got.lcl, want.lcl, 3 * scale) << j;
      EXPECT_NEAR(got.ucl, want.ucl, 3 * scale) << j;
      EXPECT_NEAR(got.p_value, want.p_value, kGoldenTolerance) << j;
      for (std::size_t k = 0; k < expected.effect.size(); ++k)
        EXPECT_NEAR(analysis.variance(j, k),
                    expected.variance.at("V[" + std::to_string(j + 1) + ";" + std::to_string(k + 1) + "]"),
                    kGoldenTolerance * want.se * expected.effect[k].se);
    }
  }
}

TEST(DceeGamGolden, CommandLineGivesThePackagesNumbers) {
  const std::map<std::string, GoldenCase> golden = gam_golden();
  const auto r = testing_support::run_mrtsim(
      "dcee --data '" + data_path("n150") +
      "' --id userid --outcome Y --treatment A --rand-prob prob_A --availability avail --learner gam"
      " --controls 's(X, bs = \"cr\"), W, Z' --moderators Z --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["learner"], "gam");
  EXPECT_EQ(j["controls"], nlohmann::json({"s(X, bs = \"cr\")", "W", "Z"}));
  const GoldenCase& expected = golden.at("n150_cr_moderated");
  for (std::size_t k = 0; k < expected.effect.size(); ++k) {
    EXPECT_NEAR(j["effect"][k]["estimate"].get<double>(), expected.effect[k].estimate,
                kGoldenTolerance * expected.effect[k].se);
    EXPECT_NEAR(j["effect"][k]["se"].get<double>(), expected.effect[k].se, kGoldenTolerance * expected.effect[k].se);
  }
}

// ---------------------------------------------------------------------------------------------
// Cross-fitting: against a second computation that picks each fold's rows itself

reference::DirectDceeInput direct_input(const DceeDesign& design) {
  const MrtData& d = design.data;
  reference::DirectDceeInput in;
  const auto n = static_cast<Eigen::Index>(d.num_rows());
  in.outcome = Eigen::Map<const Eigen::VectorXd>(d.outcome.data(), n);
  in.rand_prob = Eigen::Map<const Eigen::VectorXd>(d.rand_prob.data(), n);
  in.weight = Eigen::Map<const Eigen::VectorXd>(design.weight.data(), n);
  in.treatment.resize(n);
  in.available.resize(n);
  for (std::size_t s = 0; s < d.num_subjects(); ++s)
    for (std::size_t row = d.subject_begin[s]; row < d.subject_begin[s + 1]; ++row) {
      in.subject.push_back(static_cast<int>(s));
      in.treatment(row) = d.treatment[row];
      in.available(row) = d.available[row];
    }
  in.moderators = design.moderators.rightCols(design.moderators.cols() - 1);
  in.controls = Eigen::MatrixXd(n, 0);
  return in;
}

std::vector<std::size_t> rows_of(const std::vector<bool>& mask) {
  std::vector<std::size_t> rows;
  for (std::size_t r = 0; r < mask.size(); ++r)
    if (mask[r]) rows.push_back(r);
  return rows;
}

std::vector<std::size_t> all_rows(std::size_t n) {
  std::vector<std::size_t> rows(n);
  for (std::size_t r = 0; r < n; ++r) rows[r] = r;
  return rows;
}

void expect_same_estimate(const DceeEstimate& got, const reference::DirectDceeResult& want, double tolerance) {
  ASSERT_EQ(got.beta.size(), want.beta.size());
  for (Eigen::Index j = 0; j < want.beta.size(); ++j) {
    const double se = std::sqrt(want.variance(j, j));
    EXPECT_NEAR(got.beta(j), want.beta(j), tolerance * se) << j;
    EXPECT_NEAR(std::sqrt(got.variance(j, j)), se, tolerance * se) << j;
  }
}

TEST(DceeCrossFit, GamFoldsAgreeWithASecondComputation) {
  for (const std::string controls : {"s(X)", "s(X, bs = \"cr\")"}) {
    const DceeModelSpec model = gam_model({controls, "Z"}, {"Z"});
    const DceeDesign design = design_of("n100", model);
    const std::vector<int> folds = cross_fit_folds(design.data.num_subjects(), 5, 11);
    reference::DirectDceeInput in = direct_input(design);
    in.subject_fold = folds;
    GamData columns(design.data.num_rows());
    columns.add("X", design.data.covariate("X")).add("Z", design.data.covariate("Z"));
    const GamFormula formula = parse_gam_formula(controls + " + Z");
    in.learner = [&](const std::vector<bool>& train, int, int) {
      return GamModel::fit(formula, columns, design.data.outcome.data(), rows_of(train)).predict(columns);
    };
    expect_same_estimate(fit_dcee(design, folds, 5), reference::direct_dcee(in), 1e-10);
    // Cross-fitting changes the fit: the test would not notice folds being ignored otherwise.
    EXPECT_GT(std::fabs(fit_dcee(design).beta(0) - fit_dcee(design, folds, 5).beta(0)), 1e-4);
  }
}

TEST(DceeCrossFit, RandomForestFoldsAgreeWithASecondComputation) {
  if (!random_forest_available()) GTEST_SKIP() << "built without XGBoost";
  DceeModelSpec model = gam_model({"X", "Z"}, {});
  model.learner = DceeLearner::kRandomForest;
  model.forest.num_trees = 60;
  const DceeDesign design = design_of("distal", model);
  const std::vector<int> folds = cross_fit_folds(design.data.num_subjects(), 4, 5);
  const LearnerStream stream{123, 0, 0};
  reference::DirectDceeInput in = direct_input(design);
  in.subject_fold = folds;
  RowMajorMatrix x(design.data.num_rows(), 2);
  for (std::size_t r = 0; r < design.data.num_rows(); ++r) {
    x(r, 0) = design.data.covariate("X")[r];
    x(r, 1) = design.data.covariate("Z")[r];
  }
  in.learner = [&](const std::vector<bool>& train, int arm, int fold) {
    RandomForestParams params = model.forest;
    params.seed = nuisance_learner_seed(stream, arm, fold);
    const std::vector<double> mu =
        random_forest_predict(x, design.data.outcome, rows_of(train), all_rows(design.data.num_rows()), params);
    return Eigen::VectorXd(Eigen::Map<const Eigen::VectorXd>(mu.data(), static_cast<Eigen::Index>(mu.size())));
  };
  expect_same_estimate(fit_dcee(design, folds, 4, stream), reference::direct_dcee(in), 1e-12);
}

TEST(DceeCrossFit, LearnerSeedsDependOnEveryCoordinate) {
  const LearnerStream base{5, 2, 3};
  const uint64_t seed = nuisance_learner_seed(base, 0, 0);
  EXPECT_NE(seed, nuisance_learner_seed(base, 1, 0));
  EXPECT_NE(seed, nuisance_learner_seed(base, 0, 1));
  EXPECT_NE(seed, nuisance_learner_seed({6, 2, 3}, 0, 0));
  EXPECT_NE(seed, nuisance_learner_seed({5, 3, 3}, 0, 0));
  EXPECT_NE(seed, nuisance_learner_seed({5, 2, 4}, 0, 0));
  EXPECT_EQ(seed, nuisance_learner_seed(base, 0, 0));
}

// ---------------------------------------------------------------------------------------------
// rf: reproducibility, and agreement with R's dcee() with ranger within its SE

DceeModelSpec forest_model(std::vector<std::string> moderators, int threads) {
  DceeModelSpec model = gam_model({"X", "Z"}, std::move(moderators));
  model.learner = DceeLearner::kRandomForest;
  model.forest.threads = threads;
  model.seed = 2025;
  return model;
}

TEST(DceeRandomForest, SameSeedSameNumbersForAnyThreadCount) {
  if (!random_forest_available()) GTEST_SKIP() << "built without XGBoost";
  DceeModelSpec one = forest_model({"Z"}, 1), two = forest_model({"Z"}, 2);
  one.forest.num_trees = two.forest.num_trees = 100;
  one.cross_fit_folds = two.cross_fit_folds = 3;
  const DceeAnalysis a = analyze_dcee(design_of("distal", one), one);
  const DceeAnalysis b = analyze_dcee(design_of("distal", two), two);
  for (std::size_t j = 0; j < a.effect.size(); ++j) {
    EXPECT_EQ(a.effect[j].estimate, b.effect[j].estimate);
    EXPECT_EQ(a.effect[j].se, b.effect[j].se);
  }
  EXPECT_EQ(a.seed, 2025u);
  DceeModelSpec other = one;
  other.seed = 2026;
  EXPECT_NE(analyze_dcee(design_of("distal", other), other).effect[0].estimate, a.effect[0].estimate);
}

TEST(DceeRandomForest, EstimateIsWithinATenthOfItsSeOfRangers) {
  if (!random_forest_available()) GTEST_SKIP() << "built without XGBoost";
  // R: dcee(..., control_reg_method = "ranger") with seeds 1..5 per case; mean and spread over seeds.
  const CsvTable table = CsvTable::read(kLearnerData + "dcee_ranger_reference.csv");
  struct Summary {
    double sum = 0, min = 1e300, max = -1e300, se = 0;
    int count = 0;
  };
  std::map<std::string, Summary> reference;
  for (std::size_t r = 0; r < table.num_rows(); ++r) {
    const std::string key = table.column("data", "")[r] + " " + table.column("moderators", "")[r] + " " +
                            table.column("term", "")[r];
    Summary& s = reference[key];
    const double estimate = std::stod(table.column("estimate", "")[r]);
    s.sum += estimate;
    s.min = std::min(s.min, estimate);
    s.max = std::max(s.max, estimate);
    s.se = std::stod(table.column("se", "")[r]);
    ++s.count;
  }
  for (const std::string data : {"n100", "n150"})
    for (const bool moderated : {false, true}) {
      const DceeModelSpec model = forest_model(moderated ? std::vector<std::string>{"Z"} : std::vector<std::string>{}, 2);
      const DceeAnalysis ours = analyze_dcee(design_of(data, model), model);
      for (std::size_t j = 0; j < ours.effect.size(); ++j) {
        const Summary& r = reference.at(data + (moderated ? " ~Z " : " ~1 ") + ours.effect[j].term);
        SCOPED_TRACE(data + " " + ours.effect[j].term);
        ASSERT_EQ(r.count, 5);
        // ranger against itself over seeds: within 0.02 SE on these data.
        EXPECT_LT(r.max - r.min, 0.05 * r.se);
        EXPECT_NEAR(ours.effect[j].estimate, r.sum / r.count, 0.1 * r.se);
        EXPECT_NEAR(ours.effect[j].se, r.se, 0.03 * r.se);
      }
    }
}

// ---------------------------------------------------------------------------------------------
// Bad inputs

template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const UserError& e) {
    return e.what();
  }
  return "no error";
}

TEST(DceeLearnerInputs, SmoothTermsNeedGamAndEnoughUniqueValues) {
  DceeModelSpec lm = gam_model({"s(X)", "Z"}, {});
  lm.learner = DceeLearner::kLm;
  EXPECT_NE(error_of([&] { design_of("distal", lm); }).find("only for the gam learner"), std::string::npos);
  const DceeModelSpec binary = gam_model({"s(Z)"}, {});
  const std::string few = error_of([&] { fit_dcee(design_of("distal", binary)); });
  EXPECT_NE(few.find("column 'Z' has 2 unique values"), std::string::npos) << few;
  EXPECT_NE(few.find("treatment 0"), std::string::npos) << few;
  try {
    fit_dcee(design_of("distal", binary));
  } catch (const FitFailure& e) {
    EXPECT_EQ(e.status(), FitStatus::kTooFewUniqueValues);
  }
  EXPECT_NE(error_of([&] { design_of("distal", gam_model({"s(X, bs = \"ps\")"}, {})); }).find("bs = \"ps\""),
            std::string::npos);
  EXPECT_NE(error_of([&] { design_of("distal", gam_model({"s(X, m = 2)"}, {})); }).find("unknown option 'm'"),
            std::string::npos);
  EXPECT_NE(error_of([&] { design_of("distal", gam_model({"s(X)", "X"}, {})); }).find("two terms"), std::string::npos);
  DceeModelSpec forest = gam_model({}, {});
  forest.learner = DceeLearner::kRandomForest;
  EXPECT_NE(error_of([&] { design_of("distal", forest); }).find("at least one control column"), std::string::npos);
}

TEST(DceeLearnerInputs, CommandLineNamesTheProblem) {
  const std::string base = "dcee --data '" + data_path("distal") +
                           "' --id userid --outcome Y --treatment A --rand-prob prob_A --availability avail ";
  const auto expect_error = [&](const std::string& arguments, const std::string& piece) {
    const auto r = testing_support::run_mrtsim(base + arguments);
    EXPECT_NE(r.exit_code, 0) << arguments;
    EXPECT_NE(r.err.find(piece), std::string::npos) << r.err;
  };
  expect_error("--learner gam --controls 's(userid_typo)'", "no column 'userid_typo'");
  expect_error("--learner gam --controls 's(Z, k = 5)'", "column 'Z' has 2 unique values");
  expect_error("--learner lm --controls 's(X),Z'", "only for the gam learner");
  expect_error("--learner gam --controls X,Z --num-trees 10", "--num-trees is a random-forest option");
  expect_error("--learner rf --controls X,Z --num-trees 0", "num_trees must be at least 1");
  expect_error("--learner rf --controls X,Z --mtry 3", "mtry must lie between 1 and the number of covariates (2)");
  expect_error("--learner rf --controls X,Z --number-of-trees 10", "--number-of-trees");
  expect_error("--learner ranger --controls X,Z", "ranger");
  if (!random_forest_available()) expect_error("--learner rf --controls X,Z", "not available");
}

TEST(DceeLearnerInputs, NonNumericSmoothColumnIsRefusedNamingColumnAndRow) {
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("mrtsim_dcee_text_" + std::to_string(::getpid()) + ".csv");
  {
    std::ofstream out(path);
    out << "userid,Y,A,prob_A,avail,X,Z\n1,3.1,1,0.5,1,0.2,0\n1,3.1,0,0.5,1,high,1\n2,1.2,1,0.5,1,0.7,1\n";
  }
  const auto r = testing_support::run_mrtsim("dcee --data '" + path.string() +
                                             "' --id userid --outcome Y --treatment A --rand-prob prob_A "
                                             "--availability avail --learner gam --controls 's(X),Z'");
  std::filesystem::remove(path);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("column 'X'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("data row 2"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace mrtsim
