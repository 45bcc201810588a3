// Regression tests of issue 13: hostile or careless input never crashes, never prints a wrong number
// with exit status 0, and is always named (option, key and line, column and row). One section per
// finding of the issue.
#include <gtest/gtest.h>

#include <malloc.h>
#include <sys/stat.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli_runner.h"
#include "core/text_file.h"
#include "core/user_error.h"
#include "host/config/study_config.h"
#include "host/engine/study_runner.h"
#include "host/engine/work_plan.h"
#include "host/io/mrt_csv.h"
#include "host/stats/cell_summary.h"
#include "kernels/fit_status.h"
#include "kernels/wcls.h"

namespace mrtsim {
namespace {

namespace fs = std::filesystem;
using testing_support::CommandResult;
using testing_support::run_mrtsim;

const std::string kSource = MRTSIM_SOURCE_DIR;
const std::string kQuickstart = kSource + "/configs/quickstart.yaml";
const std::string kHeartSteps = kSource + "/tests/data/data_mimicHeartSteps.csv";
const std::string kDistal = kSource + "/tests/data/data_distal_continuous.csv";

const std::string kWclsHeartSteps = " --id userid --outcome logstep_30min --treatment intervention --rand-prob 0.6"
                                    " --numerator-prob 0.6 --availability avail --controls logstep_pre30min";
const std::string kDceeDistal = " --id userid --outcome Y --treatment A --rand-prob prob_A --availability avail"
                                " --controls X,Z";
const std::string kLiaoDesign = " --days 42 --decisions-per-day 5 --rand-prob 0.4 --effect quadratic"
                                " --effect-initial 0 --effect-max-day 29 --availability constant --avail-mean 0.7";

// A fresh scratch folder per test.
fs::path scratch(const std::string& name) {
  const fs::path dir = fs::path(::testing::TempDir()) / ("bad_input_" + std::to_string(::getpid()) + "_" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::string write_file(const fs::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
  return path.string();
}

std::string read_file(const std::string& path) { return read_text_file(path, "test file"); }

std::string replace(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return at == std::string::npos ? text : text.replace(at, from.size(), to);
}

// The CSV with `column` of data row `row` (1-based) set to `value`.
std::string with_cell(const std::string& csv, const std::string& column, int row, const std::string& value) {
  std::istringstream in(csv);
  std::string header, line, out;
  std::getline(in, header);
  out = header + "\n";
  std::vector<std::string> names;
  std::stringstream header_stream(header);
  for (std::string name; std::getline(header_stream, name, ',');) names.push_back(name);
  for (int r = 1; std::getline(in, line); ++r) {
    if (r == row || row == 0) {
      std::vector<std::string> cells;
      std::stringstream line_stream(line);
      for (std::string cell; std::getline(line_stream, cell, ',');) cells.push_back(cell);
      for (size_t c = 0; c < names.size(); ++c)
        if (names[c] == column || names[c] == "\"" + column + "\"") cells[c] = value;
      line.clear();
      for (size_t c = 0; c < cells.size(); ++c) line += (c ? "," : "") + cells[c];
    }
    out += line + "\n";
  }
  return out;
}

// An input error: exit status 2, no output on stdout, and every piece of `expected` on stderr.
void expect_input_error(const CommandResult& r, std::initializer_list<const char*> expected) {
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err.find("internal error"), std::string::npos) << r.err;
  for (const char* piece : expected) EXPECT_NE(r.err.find(piece), std::string::npos) << piece << " in: " << r.err;
}

std::string study_error(const std::string& yaml) {
  try {
    parse_study(yaml, "study.yaml");
  } catch (const UserError& e) {
    return e.what();
  }
  return "no error";
}

const std::string kStudy = R"(study: {name: t, seed: 7, replicates: 4}
model:
  type: liao2016
  days: 10
  decisions_per_day: 5
  rand_prob: 0.4
  availability: {shape: constant, mean: 0.5}
  effect: {shape: constant, mean: 0.1}
  error: {type: normal}
sample_size: 30
analysis:
  controls: [day]
  moderators: []
)";

const std::string kQianStudy = R"(study: {name: q, seed: 7, replicates: 4}
model: {type: qian2025}
sample_size: 30
truth: {method: monte_carlo, subjects: 1000}
analysis: {estimator: dcee, controls: [X, Z], moderators: []}
)";

// ---------------------------------------------------------------------------------------------
// Finding 1: --threads 100000 crashed inside libgomp.

TEST(BadInput, ThreadCountIsCappedWithAClearError) {
  const fs::path dir = scratch("threads");
  expect_input_error(run_mrtsim("run '" + kQuickstart + "' --replicates 2 --out '" + (dir / "out").string() +
                                "' --threads 100000"),
                     {"--threads", "100000", "1024"});
  EXPECT_FALSE(fs::exists(dir / "out"));
  expect_input_error(run_mrtsim("permute --data '" + kHeartSteps + "'" + kWclsHeartSteps +
                                " --reshuffles 10 --seed 1 --threads 100000"),
                     {"--threads", "1024"});
  // The engine refuses it too (the C++ API passes thread counts through).
  RunOptions options;
  options.threads = 100000;
  EXPECT_THROW(run_study(parse_study(kStudy, "study.yaml"), options), UserError);
}

// ---------------------------------------------------------------------------------------------
// Finding 2: --replicates 10^12 grew past 1.7 GB while planning.

TEST(BadInput, ReplicateOverrideIsRangeChecked) {
  const fs::path dir = scratch("replicates");
  expect_input_error(run_mrtsim("run '" + kQuickstart + "' --replicates 1000000000000 --out '" +
                                (dir / "out").string() + "'"),
                     {"--replicates", "2147483648"});
  StudyConfig study = parse_study(kStudy, "study.yaml");
  study.replicates = kMaxReplicates + 1;
  EXPECT_THROW(StudyPlan plan(study), UserError);
}

TEST(BadInput, PlanningTheLargestReplicateCountAllocatesNoUnitList) {
  StudyConfig study = parse_study(kStudy, "study.yaml");
  study.replicates = kMaxReplicates;
  study.replicates_per_unit = 1;
  const StudyPlan plan(study);  // two cells of 2^31 one-replicate units: lazily laid out
  ASSERT_EQ(plan.units().size(), 2 * static_cast<size_t>(kMaxReplicates));
  const WorkUnit last = plan.units().unit(plan.units().size() - 1);
  EXPECT_EQ(last.cell, 1u);
  EXPECT_EQ(last.first, kMaxReplicates - 1);
  EXPECT_EQ(last.count, 1);
  const UnitRange shard = balanced_part(plan.units(), 3, 8);
  EXPECT_EQ(shard.size(), plan.units().size() / 8);
}

// ---------------------------------------------------------------------------------------------
// Finding 3: huge model inputs gave NaN tables with exit 0; non-finite fits counted as fitted.

TEST(BadInput, ModelInputsAreRangeChecked) {
  for (const char* baseline : {"[1e308]", "[1e154]", "[2.5, 1e7]"}) {
    const std::string error = study_error(replace(kStudy, "  error: {type: normal}\n",
                                                  "  error: {type: normal}\n  baseline: " + std::string(baseline) + "\n"));
    EXPECT_NE(error.find("model.baseline"), std::string::npos) << baseline << ": " << error;
  }
  // 100 polynomial terms, each coefficient moderate: alpha(day) itself overflows.
  std::string terms = "[1";
  for (int j = 1; j < 100; ++j) terms += ", 1";
  const std::string many = study_error(replace(kStudy, "  error: {type: normal}\n",
                                               "  error: {type: normal}\n  baseline: " + terms + "]\n"));
  EXPECT_NE(many.find("model.baseline"), std::string::npos) << many;
  EXPECT_NE(many.find("on day"), std::string::npos) << many;
  EXPECT_NE(study_error(replace(kStudy, "mean: 0.1}", "mean: 1e300}")).find("model.effect.mean"), std::string::npos);
  EXPECT_NE(study_error(replace(kStudy, "  error: {type: normal}\n", "  error: {type: normal}\n  weekend_effect: 1e9\n"))
                .find("model.weekend_effect"),
            std::string::npos);
  const std::string alpha = study_error(replace(kQianStudy, "{type: qian2025}", "{type: qian2025, alpha: [1e308, 1e308]}"));
  EXPECT_NE(alpha.find("model.alpha"), std::string::npos) << alpha;
  EXPECT_NE(alpha.find("out of range"), std::string::npos) << alpha;
  const std::string theta = study_error(replace(kQianStudy, "{type: qian2025}", "{type: qian2025, theta: [0, 0, 1.5]}"));
  EXPECT_NE(theta.find("model.theta"), std::string::npos) << theta;
  EXPECT_NE(study_error(replace(kQianStudy, "{type: qian2025}", "{type: qian2025, xi: [1, 1e300]}")).find("model.xi"),
            std::string::npos);
}

TEST(BadInput, FiniteFitStatusFailsAnyNonFiniteNumber) {
  const double theta[2] = {1.0, 2.0}, variance[4] = {1.0, 0.0, 0.0, 1.0};
  EXPECT_EQ(finite_fit_status(FitStatus::kOk, theta, variance, 2, 3.0), FitStatus::kOk);
  EXPECT_EQ(finite_fit_status(FitStatus::kSingularVariance, theta, variance, 2, 0.0), FitStatus::kSingularVariance);
  const double inf = HUGE_VAL, nan = std::nan("");
  const double bad_theta[2] = {1.0, nan}, bad_variance[4] = {1.0, 0.0, 0.0, inf};
  EXPECT_EQ(finite_fit_status(FitStatus::kOk, bad_theta, variance, 2, 3.0), FitStatus::kNonFiniteEstimate);
  EXPECT_EQ(finite_fit_status(FitStatus::kOk, theta, bad_variance, 2, 3.0), FitStatus::kNonFiniteEstimate);
  EXPECT_EQ(finite_fit_status(FitStatus::kOk, theta, variance, 2, inf), FitStatus::kNonFiniteEstimate);
  EXPECT_STREQ(kFitStatusNames.name(FitStatus::kNonFiniteEstimate), "non_finite_estimate");
}

// The WCLS kernel: an outcome of 1e300 gives a finite estimate whose sandwich overflows.
TEST(BadInput, WclsKernelReportsOverflowAsAFailedFit) {
  constexpr int D = 2;
  auto subject_stats = [](int i, WclsSubjectStats<D>& s) {
    s.clear();
    for (int t = 0; t < 10; ++t) {
      const double treated = (i + t) % 2, x[D] = {1.0, treated - 0.5};
      s.add_row(x, 1.0, (i == 3 && t == 4) ? 1e300 : 0.1 * t + treated);
    }
  };
  std::vector<WclsSubjectStats<D>> scratch(20);
  const WclsFit<D> fit = fit_wcls<D>(subject_stats, 20, 1, SmallSampleCorrection::kNever, scratch.data());
  EXPECT_EQ(fit.status, FitStatus::kNonFiniteEstimate);
}

// In a simulation (inputs built in code, past the YAML checks), every such replicate is a failure
// with its own reason, and none is counted as a fit: liao2016 and qian2025.
TEST(BadInput, SimulationsCountNonFiniteFitsAsFailures) {
  RunOptions options;
  options.threads = 1;
  StudyConfig liao = parse_study(kStudy + "hypotheses: [null]\n", "study.yaml");
  liao.scenarios[0].model.baseline = {1e200};
  const CellSummary summary = run_study(liao, options).cells[0].summary;
  EXPECT_EQ(summary.replicates, 4);
  EXPECT_EQ(summary.failed, 4);
  EXPECT_EQ(summary.failures_by_status[static_cast<int>(FitStatus::kNonFiniteEstimate)], 4);
  EXPECT_EQ(summary.rejection.rejections, 0);

  StudyConfig qian = parse_study(kQianStudy + "hypotheses: [alternative]\n", "study.yaml");
  qian.scenarios[0].distal_model.alpha = LinearSequence{1e300, 1e300};
  const CellSummary distal = run_study(qian, options).cells[0].summary;
  EXPECT_EQ(distal.failed, 4);
  EXPECT_EQ(distal.failures_by_status[static_cast<int>(FitStatus::kNonFiniteEstimate)], 4);
}

TEST(BadInput, RealDataOverflowIsADataErrorNamingTheRow) {
  const fs::path dir = scratch("overflow");
  const std::string csv = read_file(kHeartSteps);
  const std::string outcome = write_file(dir / "outcome.csv", with_cell(csv, "logstep_30min", 2, "1e300"));
  expect_input_error(run_mrtsim("wcls --data '" + outcome + "'" + kWclsHeartSteps),
                     {"not finite", "1e+300", "the outcome", "data row 2", "rescale"});
  const std::string control = write_file(dir / "control.csv", with_cell(csv, "logstep_pre30min", 2, "1e300"));
  expect_input_error(run_mrtsim("wcls --data '" + control + "'" + kWclsHeartSteps),
                     {"not finite", "logstep_pre30min", "data row 2"});
}

// ---------------------------------------------------------------------------------------------
// Finding 4: a cell where every fit failed was reported with invented zeros (rejection rate 0,
// MC SE 0, p-value 1, mean estimate 0 and bias -truth). Its measures are now undefined: empty CSV
// fields, NA in Markdown, null in JSON, the flag no_fits and the failures by reason; truth and
// counts stay printed.

// Rows of a CSV without quoted fields, by column name.
std::vector<std::map<std::string, std::string>> csv_rows(const std::string& text) {
  const auto split = [](const std::string& line) {
    std::vector<std::string> fields(1);
    for (char c : line)
      if (c == ',')
        fields.emplace_back();
      else
        fields.back().push_back(c);
    return fields;
  };
  std::istringstream in(text);
  std::string line;
  std::getline(in, line);
  const std::vector<std::string> header = split(line);
  std::vector<std::map<std::string, std::string>> rows;
  while (std::getline(in, line)) {
    const std::vector<std::string> fields = split(line);
    EXPECT_EQ(fields.size(), header.size()) << line;
    std::map<std::string, std::string>& row = rows.emplace_back();
    for (size_t k = 0; k < header.size() && k < fields.size(); ++k) row[header[k]] = fields[k];
  }
  return rows;
}

TEST(BadInput, CellsWhereEveryFitFailedReportNoInventedNumbers) {
  const fs::path dir = scratch("no_fits");
  // Two subjects for a model of three coefficients (control intercept and day, the effect): every fit
  // fails as too_few_subjects, for the reason the finding found.
  const std::string study =
      write_file(dir / "study.yaml", replace(kStudy, "sample_size: 30", "sample_size: 2") +
                                         "hypotheses: [alternative]\noutput: {formats: [csv, markdown, json]}\n");
  const std::string out = (dir / "out").string();
  const CommandResult table = run_mrtsim("run '" + study + "' --out '" + out + "' --threads 1 --format table");
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("| 0 | 4 | NA | NA | 80 | **no_fits** |"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("no fit succeeded (too_few_subjects=4)"), std::string::npos) << table.out;

  const auto rejection = csv_rows(read_file(out + "/rejection.csv"));
  ASSERT_EQ(rejection.size(), 1u);
  const std::map<std::string, std::string> expected{
      {"n_subjects", "2"}, {"replicates", "4"}, {"fitted", "0"}, {"failed", "4"}, {"rejections", "0"},
      {"rejection_rate", ""}, {"mc_se", ""}, {"nominal", "0.8"}, {"p_value_vs_nominal", ""},
      {"flag", "no_fits"}, {"failure_reasons", "too_few_subjects=4"}};
  for (const auto& [column, value] : expected) EXPECT_EQ(rejection[0].at(column), value) << column;

  const auto coefficients = csv_rows(read_file(out + "/coefficients.csv"));
  ASSERT_FALSE(coefficients.empty());
  for (const auto& row : coefficients) {
    EXPECT_TRUE(std::isfinite(std::stod(row.at("truth")))) << row.at("coefficient");  // known without fits
    for (const char* column : {"mean_estimate", "bias", "empirical_se", "model_se", "rmse", "coverage",
                               "bias_eliminated_coverage", "bias_mc_se", "coverage_mc_se"})
      EXPECT_EQ(row.at(column), "") << column;
    EXPECT_EQ(row.at("n_sim"), "0");
    EXPECT_NE(row.at("notes").find("n_sim is 0"), std::string::npos) << row.at("notes");  // the reason
  }
  const std::string markdown = read_file(out + "/summary.md");
  EXPECT_NE(markdown.find("| NA | NA | NA | NA | NA | NA | NA | NA |"), std::string::npos) << markdown;

  const CommandResult json = run_mrtsim("run '" + study + "' --out '" + out + "_json' --threads 1 --format json");
  ASSERT_EQ(json.exit_code, 0) << json.err;
  for (const nlohmann::json& results : {nlohmann::json::parse(json.out), nlohmann::json::parse(read_file(out + "/results.json"))}) {
    const nlohmann::json& cell = results["cells"][0];
    EXPECT_EQ(cell["fitted"], 0);
    EXPECT_EQ(cell["failed"], 4);
    EXPECT_EQ(cell["flag"], "no_fits");
    EXPECT_EQ(cell["failure_reasons"], "too_few_subjects=4");
    EXPECT_TRUE(cell["joint_test"]["rate"]["value"].is_null());
    EXPECT_TRUE(cell["joint_test"]["rate"]["mc_se"].is_null());
    EXPECT_TRUE(cell["joint_test"]["binomial_p_value"].is_null());
    for (const nlohmann::json& c : cell["coefficients"]) {
      EXPECT_TRUE(c["truth"].is_number());
      for (const char* key : {"mean_estimate", "bias", "empirical_se", "model_se", "rmse", "coverage"}) {
        EXPECT_TRUE(c[key]["value"].is_null()) << key;
        EXPECT_TRUE(c[key]["note"].is_string()) << key;  // with the reason
      }
    }
  }
}

// A cell where some fits failed measures the successful ones only: what a failed fit left in its
// estimate, SE and statistic (here numbers that would move every measure) is never counted.
TEST(BadInput, PartlyFailedCellsMeasureTheSuccessfulFitsOnly) {
  CellDecisions decisions(TestRules{JointTestKind::kChiSquare, IntervalKind::kNormal, 0.05, 0.95}, 1, 1);
  CellAccumulator accumulator(decisions, 1);
  long long replicate = 0;
  const auto add = [&](FitStatus status, double statistic, double estimate, double se) {
    accumulator.add(replicate++, static_cast<int>(status), 30, statistic, &estimate, &se);
  };
  add(FitStatus::kOk, 16.0, 0.4, 0.1);
  add(FitStatus::kSingularBread, 100.0, 99.0, 1e-9);
  add(FitStatus::kOk, 1.0, 0.7, 0.2);
  add(FitStatus::kOk, 36.0, 0.6, 0.1);
  const CellSummary s =
      summarize_cell(accumulator.partial(), CellTargets{{"effect"}, {0.5}, 0.8, /*under_null=*/false}, decisions);
  EXPECT_EQ(s.fitted(), 3);
  EXPECT_EQ(s.failed, 1);
  EXPECT_EQ(s.rejection.rejections, 2);  // chi-square(1) 95% point 3.84: 16 and 36 reject, 1 does not
  EXPECT_DOUBLE_EQ(s.rejection.rate.value, 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(s.rejection.rate.mc_se, std::sqrt(2.0 / 27.0));
  EXPECT_NEAR(s.rejection.binomial_p_value, 0.488, 1e-12);  // R: binom.test(2, 3, 0.8)$p.value
  EXPECT_EQ(s.flag, "");
  const PerformanceMeasures& c = s.coefficients[0].measures;
  EXPECT_EQ(c.n_sim, 3);
  EXPECT_NEAR(c.mean_estimate.value, 1.7 / 3, 1e-15);
  EXPECT_NEAR(c.bias.value, 1.7 / 3 - 0.5, 1e-15);
  EXPECT_NEAR(c.empirical_se.value, std::sqrt((0.14 / 3) / 2), 1e-15);  // sum of squared deviations 0.14/3
  EXPECT_NEAR(c.model_se.value, std::sqrt((0.01 + 0.04 + 0.01) / 3), 1e-15);
  EXPECT_NEAR(c.rmse.value, std::sqrt((0.01 + 0.04 + 0.01) / 3), 1e-15);
  EXPECT_EQ(c.coverage.value, 1.0);  // |errors| 0.1, 0.2, 0.1 within 1.96 x SE
}

// ---------------------------------------------------------------------------------------------
// Finding 5: duplicate YAML keys, second documents, grid keys varied twice, repeated hypotheses.

TEST(BadInput, DuplicateKeysAreErrorsNamingTheLine) {
  const std::string nested = study_error(replace(kStudy, "  rand_prob: 0.4\n", "  rand_prob: 0.4\n  rand_prob: 0.3\n"));
  EXPECT_NE(nested.find("study.yaml:7"), std::string::npos) << nested;
  EXPECT_NE(nested.find("model.rand_prob"), std::string::npos) << nested;
  EXPECT_NE(nested.find("given twice"), std::string::npos) << nested;
  EXPECT_NE(nested.find("line 6"), std::string::npos) << nested;

  const std::string top = study_error(kStudy + "sample_size: 40\n");
  EXPECT_NE(top.find("study.yaml:14"), std::string::npos) << top;
  EXPECT_NE(top.find("'sample_size'"), std::string::npos) << top;

  const std::string flow = study_error(replace(kStudy, "{shape: constant, mean: 0.5}", "{shape: constant, mean: 0.5, mean: 0.7}"));
  EXPECT_NE(flow.find("study.yaml:7"), std::string::npos) << flow;
  EXPECT_NE(flow.find("model.availability.mean"), std::string::npos) << flow;

  // An empty `truth:` line before the real block used to win (and with it the default subjects).
  const std::string truth = study_error(replace(kQianStudy, "truth:", "truth:\ntruth:"));
  EXPECT_NE(truth.find("study.yaml:5"), std::string::npos) << truth;
  EXPECT_NE(truth.find("'truth'"), std::string::npos) << truth;
}

TEST(BadInput, SecondYamlDocumentIsAnError) {
  const std::string message = study_error(kStudy + "---\nstudy: {name: other}\n");
  EXPECT_NE(message.find("study.yaml:14"), std::string::npos) << message;  // the '---' line
  EXPECT_NE(message.find("second YAML document"), std::string::npos) << message;
  EXPECT_NE(study_error(kStudy + "---\n").find("second YAML document"), std::string::npos);
  // A document start marker before the one document is fine.
  EXPECT_EQ(study_error("---\n" + kStudy), "no error");
}

// yaml-cpp 0.7's LoadAll never returns when its parser stops consuming input: a document that starts
// with ',', a quoted or flow root followed by ',', such text after a '%' line (the study-YAML
// fuzzer's finds, in its corpus). Documents are counted with yaml-cpp's event parser, stopping at
// the second, so these are errors naming the line and column, at once.
TEST(BadInput, TextTheParserCannotPlaceIsAnErrorNotAHang) {
  const std::vector<std::pair<std::string, std::string>> cases{
      {", 0.5],\n" + kStudy, "study.yaml:1: invalid YAML: unexpected text at column 1"},
      {"# comment\n\n  , x\n" + kStudy, "study.yaml:3: invalid YAML: unexpected text at column 3"},
      {"\"a\",\n", "study.yaml:1: invalid YAML: unexpected text at column 4"},
      {"[a],\n", "study.yaml:1: invalid YAML: unexpected text at column 4"},
      {"&x 'a',\n", "study.yaml:1: invalid YAML: unexpected text at column 7"},
      {"\xEF\xBB\xBF, x\n" + kStudy, "study.yaml:1: invalid YAML: unexpected text"},
      {kStudy + "...\n, x\n", "study.yaml:15: invalid YAML: unexpected text at column 1"},
      {"x: 1\n%y: {a: 1}\n   , b: [], c]\n", "study.yaml:3: invalid YAML: unexpected text at column 4"}};
  for (const auto& [text, expected] : cases) {
    const std::string message = study_error(text);
    EXPECT_NE(message.find(expected), std::string::npos) << text << "\n" << message;
  }
  EXPECT_EQ(study_error("---\n" + kStudy), "no error");
  EXPECT_EQ(study_error("\xEF\xBB\xBF" + kStudy), "no error");
  // Control characters (yaml-cpp skips a NUL byte) are refused by name.
  const std::string nul = study_error(std::string("\0,", 2));
  EXPECT_NE(nul.find("study.yaml:1: invalid YAML: control character U+0000"), std::string::npos) << nul;
  EXPECT_NE(study_error(kStudy + "\x01").find("study.yaml:14: invalid YAML: control character U+0001"),
            std::string::npos);
}

TEST(BadInput, GridKeyVariedTwiceIsAnError) {
  const std::string twice = study_error(kStudy + R"(grid:
  - key: model.effect.mean
    values: [0.2, 0.3]
  - keys: [model.effect.mean, sample_size]
    values: [[0.1, 42], [0.06, 109]]
)");
  EXPECT_NE(twice.find("study.yaml:17"), std::string::npos) << twice;
  EXPECT_NE(twice.find("'model.effect.mean' is also varied by grid[0]"), std::string::npos) << twice;
  const std::string nested = study_error(kStudy + R"(grid:
  - key: model.error
    values: [{type: ar1, phi: 0.2}]
  - key: model.error.phi
    values: [0.3]
)");
  EXPECT_NE(nested.find("overlaps 'model.error'"), std::string::npos) << nested;
  const std::string same_axis = study_error(kStudy + R"(grid:
  - keys: [sample_size, sample_size]
    values: [[20, 30]]
)");
  EXPECT_NE(same_axis.find("in the same axis"), std::string::npos) << same_axis;
}

TEST(BadInput, RepeatedHypothesisIsAnError) {
  const std::string message = study_error(kStudy + "hypotheses: [null, null]\n");
  EXPECT_NE(message.find("study.yaml:14"), std::string::npos) << message;
  EXPECT_NE(message.find("listed twice"), std::string::npos) << message;
}

// The grid reads each scenario through its values: keys absent from the document, nested keys and
// unknown keys behave as in the document itself.
TEST(BadInput, GridValuesAreCheckedLikeTheDocument) {
  const StudyConfig study = parse_study(kStudy + R"(grid:
  - key: model.error_scale.sd_ratio
    values: [1.5, 2.0]
)", "study.yaml");
  ASSERT_EQ(study.scenarios.size(), 2u);
  ASSERT_TRUE(study.scenarios[1].model.error_scale);
  EXPECT_DOUBLE_EQ(study.scenarios[1].model.error_scale->sd_ratio, 2.0);
  const std::string unknown = study_error(kStudy + R"(grid:
  - key: model.rand_prop
    values: [0.3]
)");
  EXPECT_NE(unknown.find("study.yaml:16"), std::string::npos) << unknown;
  EXPECT_NE(unknown.find("unknown key 'model.rand_prop'"), std::string::npos) << unknown;
  const std::string inside_scalar = study_error(kStudy + R"(grid:
  - key: sample_size.power
    values: [0.8]
)");
  EXPECT_NE(inside_scalar.find("study.yaml:10: key 'sample_size' is not a map"), std::string::npos) << inside_scalar;
}

// ---------------------------------------------------------------------------------------------
// Finding 6: dcee with 1 or 2 subjects printed df = -1, SE 5.9e-30, p = 0.

TEST(BadInput, DceeNeedsMoreSubjectsThanEffects) {
  const fs::path dir = scratch("dcee_subjects");
  const std::string csv = read_file(kDistal);
  std::istringstream in(csv);
  std::string line, one, two;
  for (int n = 0; std::getline(in, line) && n <= 60; ++n) {
    if (n <= 30) one += line + "\n";
    two += line + "\n";
  }
  for (const std::string& data : {write_file(dir / "one.csv", one), write_file(dir / "two.csv", two)})
    expect_input_error(run_mrtsim("dcee --data '" + data + "'" + kDceeDistal + " --moderators Z"),
                       {"more subjects than effect coefficients", "2 effect coefficients"});
}

// ---------------------------------------------------------------------------------------------
// Finding 7: internal errors (exit 3) where a data or argument error is due.

TEST(BadInput, DegenerateTreatmentIsADataError) {
  const fs::path dir = scratch("treatment");
  const std::string constant =
      write_file(dir / "constant.csv", with_cell(read_file(kHeartSteps), "intervention", 0, "1"));
  expect_input_error(run_mrtsim("wcls --data '" + constant + "'" + kWclsHeartSteps),
                     {"column 'intervention'", "1 on every available row"});
  expect_input_error(run_mrtsim("wcls --data '" + kHeartSteps + "'" + kWclsHeartSteps + " --moderators intervention"),
                     {"'intervention' is the --treatment column"});
  expect_input_error(run_mrtsim("wcls --data '" + kHeartSteps +
                                "' --id userid --outcome logstep_30min --treatment avail --rand-prob 0.6"
                                " --availability avail"),
                     {"--treatment and --availability both name column 'avail'"});
  const std::string unavailable = write_file(dir / "unavailable.csv", with_cell(read_file(kDistal), "avail", 0, "0"));
  expect_input_error(run_mrtsim("dcee --data '" + unavailable + "'" + kDceeDistal), {"no row is available", "avail"});
}

TEST(BadInput, HugeSampleSizeInputsAreRangeErrors) {
  expect_input_error(run_mrtsim("samplesize" + kLiaoDesign + " --effect-mean 1e308"), {"--effect-mean"});
  expect_input_error(run_mrtsim("power" + kLiaoDesign + " --effect-mean 1e308 --n 40"), {"--effect-mean"});
}

TEST(BadInput, OutputFolderThatCannotBeAFolderIsNamed) {
  const fs::path dir = scratch("out");
  const std::string file = write_file(dir / "a_file", "not a folder\n");
  expect_input_error(run_mrtsim("run '" + kQuickstart + "' --replicates 2 --out '" + file + "'"), {"--out", "is a file"});
  EXPECT_EQ(read_file(file), "not a folder\n");
  expect_input_error(run_mrtsim("run '" + kQuickstart + "' --replicates 2 --out '" + file + "/sub'"),
                     {"--out", "cannot create the folder"});
}

// ---------------------------------------------------------------------------------------------
// Finding 8: one option asked for unbounded work.

TEST(BadInput, SampleSizeScansAreBounded) {
  expect_input_error(run_mrtsim("power" + kLiaoDesign + " --effect-mean 0.1 --n-range 10:10000000"), {"--n-range"});
  expect_input_error(run_mrtsim("samplesize" + kLiaoDesign + " --effect-mean 0.1 --max-n 2147483647"), {"--max-n"});
}

// ---------------------------------------------------------------------------------------------
// Finding 9: the study name became a path unchecked.

TEST(BadInput, StudyNamesAreOnePathComponent) {
  for (const char* name : {"../../escaped", "''", "/tmp/absolute", ".hidden", "a/b", "with space"}) {
    const std::string message = study_error(replace(kStudy, "name: t,", "name: " + std::string(name) + ","));
    EXPECT_NE(message.find("study.name"), std::string::npos) << name << ": " << message;
    EXPECT_NE(message.find("not a valid study name"), std::string::npos) << name << ": " << message;
  }
  EXPECT_EQ(study_error(replace(kStudy, "name: t,", "name: Liao-2016_v2.1,")), "no error");
}

// ---------------------------------------------------------------------------------------------
// Finding 10: smaller ones.

TEST(BadInput, EmptyOrRepeatedOutputFormatsAreErrors) {
  EXPECT_NE(study_error(kStudy + "output: {formats: []}\n").find("list at least one"), std::string::npos);
  EXPECT_NE(study_error(kStudy + "output: {formats: [csv, csv]}\n").find("listed twice"), std::string::npos);
}

TEST(BadInput, SeedsAreCheckedAlikeEverywhere) {
  const std::string permute = "permute --data '" + kHeartSteps + "'" + kWclsHeartSteps + " --reshuffles 10 --seed ";
  for (const char* seed : {"-1", "18446744073709551616", "''", "1x"}) {
    expect_input_error(run_mrtsim(permute + seed), {"--seed", "is not a seed"});
    expect_input_error(run_mrtsim("run '" + kQuickstart + "' --replicates 2 --seed " + seed), {"--seed"});
    expect_input_error(run_mrtsim("dcee --data '" + kDistal + "'" + kDceeDistal + " --seed " + seed), {"--seed"});
  }
  EXPECT_EQ(run_mrtsim(permute + "18446744073709551615 --format json").exit_code, 0);
}

TEST(BadInput, DceeWeightsAndDistalOutcomesAreChecked) {
  const fs::path dir = scratch("dcee_checks");
  expect_input_error(run_mrtsim("dcee --data '" + kDistal + "'" + kDceeDistal + " --weight -1"), {"--weight", "positive"});
  const std::string negative = write_file(dir / "weights.csv", with_cell(read_file(kDistal), "dp", 3, "-2"));
  expect_input_error(run_mrtsim("dcee --data '" + negative + "'" + kDceeDistal + " --weight dp"),
                     {"column 'dp'", "data row 3", "non-negative"});
  const std::string varying = write_file(dir / "varying.csv", with_cell(read_file(kDistal), "Y", 4, "5"));
  expect_input_error(run_mrtsim("dcee --data '" + varying + "'" + kDceeDistal),
                     {"data row 4", "distal outcome of subject '1'", "one value per subject"});
}

// Reshuffles are keyed by subject id, so listing the subjects in another order changes nothing.
TEST(BadInput, PermutationResultDoesNotDependOnSubjectOrder) {
  const fs::path dir = scratch("subject_order");
  std::istringstream in(read_file(kHeartSteps));
  std::string header, line;
  std::getline(in, header);
  std::map<int, std::string> by_subject;
  std::vector<int> order;
  while (std::getline(in, line)) {
    const int id = std::stoi(line.substr(0, line.find(',')));
    if (!by_subject.count(id)) order.push_back(id);
    by_subject[id] += line + "\n";
  }
  std::string reversed = header + "\n";
  for (auto id = order.rbegin(); id != order.rend(); ++id) reversed += by_subject[*id];
  const std::string reversed_path = write_file(dir / "reversed.csv", reversed);
  const std::string options = kWclsHeartSteps + " --reshuffles 200 --seed 3 --format json";
  for (const char* scheme : {"permute", "rerandomize"}) {
    const CommandResult a = run_mrtsim("permute --data '" + kHeartSteps + "'" + options + " --scheme " + scheme);
    const CommandResult b = run_mrtsim("permute --data '" + reversed_path + "'" + options + " --scheme " + scheme);
    ASSERT_EQ(a.exit_code, 0) << a.err;
    ASSERT_EQ(b.exit_code, 0) << b.err;
    const nlohmann::json ja = nlohmann::json::parse(a.out), jb = nlohmann::json::parse(b.out);
    const nlohmann::json &ea = ja["effect"][0], &eb = jb["effect"][0];
    EXPECT_EQ(ea["p_value_permutation"], eb["p_value_permutation"]) << scheme;
    EXPECT_EQ(ja["joint"]["p_value_permutation"], jb["joint"]["p_value_permutation"]) << scheme;
    for (const char* q : {"q2.5", "q50", "q97.5"})  // sums over subjects in another order: last bits only
      EXPECT_NEAR(ea["quantiles"][q].get<double>(), eb["quantiles"][q].get<double>(), 1e-12) << scheme << " " << q;
  }
}

TEST(BadInput, LineEndingsDirectoriesAndByteOrderMarks) {
  const fs::path dir = scratch("files");
  const std::string csv = read_file(kHeartSteps);
  std::string cr_only = csv;
  for (char& c : cr_only)
    if (c == '\n') c = '\r';
  const std::string cr_path = write_file(dir / "cr.csv", cr_only);
  const CommandResult lf = run_mrtsim("wcls --data '" + kHeartSteps + "'" + kWclsHeartSteps + " --format json");
  const CommandResult cr = run_mrtsim("wcls --data '" + cr_path + "'" + kWclsHeartSteps + " --format json");
  ASSERT_EQ(cr.exit_code, 0) << cr.err;
  EXPECT_EQ(nlohmann::json::parse(cr.out)["effect"], nlohmann::json::parse(lf.out)["effect"]);

  expect_input_error(run_mrtsim("wcls --data '" + dir.string() + "'" + kWclsHeartSteps), {"is a directory"});
  expect_input_error(run_mrtsim("run '" + dir.string() + "'"), {"study file", "is a directory"});

  std::string probabilities = "\xEF\xBB\xBF";  // one per day of the 42
  for (int day = 0; day < 42; ++day) probabilities += "0.4\n";
  const std::string bom = write_file(dir / "probs.txt", probabilities);
  const CommandResult with_bom = run_mrtsim("samplesize --days 42 --decisions-per-day 5 --rand-prob-file '" + bom +
                                            "' --effect quadratic --effect-mean 0.1 --effect-initial 0"
                                            " --effect-max-day 29 --availability constant --avail-mean 0.7");
  EXPECT_EQ(with_bom.exit_code, 0) << with_bom.err;
}

TEST(BadInput, CommandLineErrorsExitWithStatusTwoAndShortMessages) {
  for (const char* option : {"--replicates 0", "--threads -1", "--batch-size 0"}) {
    const CommandResult r = run_mrtsim("run '" + kQuickstart + "' " + option);
    EXPECT_EQ(r.exit_code, 2) << option;
    EXPECT_LT(r.err.size(), 300u) << r.err;  // no 309-digit bound
    EXPECT_EQ(r.err.find("1797693"), std::string::npos) << r.err;
  }
  EXPECT_EQ(run_mrtsim("run --help").exit_code, 0);
}

// A wide CSV is kept as its text; only the columns asked for are split into cells.
TEST(BadInput, WideCsvCostsAboutItsSize) {
  std::string text = "id,a,y";
  for (int c = 0; c < 5000; ++c) text += ",c" + std::to_string(c);
  text += "\n";
  for (int r = 0; r < 200; ++r) {
    text += std::to_string(r / 10) + ",1,2";
    for (int c = 0; c < 5000; ++c) text += ",1";
    text += "\n";
  }
  const size_t before = mallinfo2().uordblks;
  const CsvTable table = CsvTable::parse(text, "wide.csv");
  EXPECT_EQ(table.column("c4999", "test").size(), 200u);
  const size_t after = mallinfo2().uordblks;
  EXPECT_LT(after - std::min(after, before), 3 * text.size()) << "bytes in use for a " << text.size() << "-byte CSV";
}

}  // namespace
}  // namespace mrtsim
