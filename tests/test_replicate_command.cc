// `mrtsim replicate`: a study's replicate on its own. Its cohort, analysed by the printed command
// (`mrtsim wcls` for liao2016, `mrtsim emee` for cohn2023), gives the estimates and SEs of the study's
// per-replicate table for that replicate; bad arguments and models without cohorts are named.
#include <zlib.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli_runner.h"

namespace mrtsim {
namespace {

using testing_support::CommandResult;
using testing_support::run_mrtsim;

const char* const kStudy = R"(study: {name: dumped, seed: 99, replicates: 6, replicates_per_unit: 4}
model:
  type: liao2016
  days: 10
  decisions_per_day: 3
  rand_prob: 0.4
  availability: {shape: constant, mean: 0.7}
  effect: {shape: linear, mean: 0.3, initial: 0.1}
  error: {type: ar1, phi: 0.4}
sample_size: 25
grid:
  - key: model.effect.mean
    values: [0.3, 0.5]
analysis: {controls: [day], moderators: [day]}
output: {replicates: true}
)";

std::string folder(const std::string& name) {
  const std::filesystem::path dir = std::filesystem::path(::testing::TempDir()) / ("replicate_command_" + name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

std::string read_gzip(const std::string& path) {
  gzFile file = gzopen(path.c_str(), "rb");
  EXPECT_NE(file, nullptr) << path;
  std::string text;
  char buffer[1 << 16];
  for (int n; file && (n = gzread(file, buffer, sizeof buffer)) > 0;) text.append(buffer, static_cast<size_t>(n));
  if (file) gzclose(file);
  return text;
}

std::vector<std::string> fields(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream in(line);
  for (std::string field; std::getline(in, field, ',');) out.push_back(field);
  return out;
}

// est and se of the per-replicate table's rows of one replicate, by coefficient.
// The table's columns start with `labels` (scenario and the grid's axes); the adjusted-variance rows only.
std::map<std::string, std::pair<double, double>> table_fit(const std::string& table, const std::string& labels,
                                                           const std::string& scenario, const std::string& replicate) {
  std::stringstream lines(table);
  std::string line;
  std::getline(lines, line);
  EXPECT_EQ(line, labels + "hypothesis,n_subjects,replicate,estimator,coefficient,est,se,df,truth,reject,status");
  const size_t first = fields(labels).size();  // the hypothesis column
  std::map<std::string, std::pair<double, double>> fit;
  while (std::getline(lines, line)) {
    const std::vector<std::string> f = fields(line);
    if (f[0] == scenario && f[first] == "alternative" && f[first + 2] == replicate &&
        f[first + 3].find("unadjusted") == std::string::npos)
      fit[f[first + 4]] = {std::stod(f[first + 5]), std::stod(f[first + 6])};
  }
  return fit;
}

std::string write_study(const std::string& dir, const std::string& text) {
  const std::string path = dir + "/study.yaml";
  std::ofstream(path) << text;
  return path;
}

// The cohort analysed by the printed command reproduces the study's estimates and SEs of that replicate.
void expect_cohort_reproduces_fit(const std::string& name, const std::string& study_text, const std::string& estimator,
                                  const std::string& labels, const std::string& scenario) {
  const std::string dir = folder(name);
  const std::string study = write_study(dir, study_text);
  const CommandResult run = run_mrtsim("run '" + study + "' --out '" + dir + "/run' --threads 2 --quiet");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::string table = read_gzip(dir + "/run/replicates.csv.gz");

  const CommandResult dump = run_mrtsim("replicate '" + study + "' --scenario " + scenario +
                                        " --hypothesis alternative --replicate 4 --dump '" + dir + "/dump'");
  ASSERT_EQ(dump.exit_code, 0) << dump.err;
  std::ifstream record_file(dir + "/dump/replicate.json");
  const nlohmann::json record = nlohmann::json::parse(record_file);
  EXPECT_EQ(record["study_fit"]["status"], "ok");
  const std::string command = record["analysis_command"].get<std::string>();
  ASSERT_EQ(command.rfind("mrtsim " + estimator + " ", 0), 0u) << command;
  EXPECT_NE(dump.out.find(command), std::string::npos) << dump.out;  // printed for the user

  const CommandResult analysis = run_mrtsim(command.substr(7) + " --format json");
  ASSERT_EQ(analysis.exit_code, 0) << analysis.err;
  const nlohmann::json fit = nlohmann::json::parse(analysis.out);
  std::map<std::string, std::pair<double, double>> from_cohort;
  for (const nlohmann::json& c : fit["control"]) from_cohort[c["term"]] = {c["estimate"], c["se"]};
  for (const nlohmann::json& c : fit["effect"]) from_cohort["effect:" + c["term"].get<std::string>()] = {c["estimate"], c["se"]};

  const auto expected = table_fit(table, labels, scenario, "4");
  ASSERT_EQ(expected.size(), 4u);  // (Intercept), the covariate, effect:(Intercept), effect:covariate
  for (const auto& [coefficient, value] : expected) {
    ASSERT_TRUE(from_cohort.count(coefficient)) << coefficient;
    EXPECT_NEAR(from_cohort[coefficient].first, value.first, 1e-11 * std::fabs(value.first)) << coefficient;
    EXPECT_NEAR(from_cohort[coefficient].second, value.second, 1e-11 * value.second) << coefficient;
  }
  for (const nlohmann::json& c : record["study_fit"]["coefficients"]) {  // the record is the table's row
    EXPECT_EQ(c["estimate"].get<double>(), expected.at(c["coefficient"]).first);
    EXPECT_EQ(c["se"].get<double>(), expected.at(c["coefficient"]).second);
  }
}

TEST(ReplicateCommand, Liao2016CohortReproducesTheStudysWclsFit) {
  expect_cohort_reproduces_fit("liao", kStudy, "wcls", "scenario,model.effect.mean,", "1");
  // 25 subjects x 30 decision points, and no outcome where a subject was unavailable.
  std::ifstream cohort(::testing::TempDir() + "/replicate_command_liao/dump/cohort.csv");
  std::string line;
  std::getline(cohort, line);
  EXPECT_EQ(line, "id,decision,day,rand_prob,numerator_prob,availability,treatment,outcome");
  int rows = 0;
  while (std::getline(cohort, line)) {
    ++rows;
    const std::vector<std::string> f = fields(line + (line.back() == ',' ? " " : ""));
    if (f[5] == "0") {
      EXPECT_EQ(f[7], " ") << line;
    }
  }
  EXPECT_EQ(rows, 25 * 30);
}

// With dropout a participant has no rows after leaving: the cohort is shorter, each participant's
// decision points run 1, 2, ... without gaps, and its analysis still gives the study's numbers.
TEST(ReplicateCommand, Liao2016CohortWithDropoutHasNoRowsAfterLeaving) {
  std::string study = kStudy;
  study.replace(study.find("  error: {type: ar1, phi: 0.4}\n"), 31, "  error: {type: ar1, phi: 0.4}\n  dropout: {rate_per_day: 0.1}\n");
  expect_cohort_reproduces_fit("liao_dropout", study, "wcls", "scenario,model.effect.mean,", "1");
  std::ifstream cohort(::testing::TempDir() + "/replicate_command_liao_dropout/dump/cohort.csv");
  std::string line;
  std::getline(cohort, line);
  std::map<std::string, int> rows_of;
  int rows = 0;
  while (std::getline(cohort, line)) {
    const std::vector<std::string> f = fields(line);
    EXPECT_EQ(std::stoi(f[1]), ++rows_of[f[0]]) << line;  // decisions 1, 2, 3, ... per participant
    ++rows;
  }
  EXPECT_EQ(rows_of.size(), 25u);  // everyone takes part on day 1
  EXPECT_LT(rows, 25 * 30 * 0.8);  // S(day k) = 0.9^k: about 65% of the rows remain
}

TEST(ReplicateCommand, Cohn2023CohortReproducesTheStudysEmeeFit) {
  expect_cohort_reproduces_fit("cohn", R"(study: {name: binary, seed: 5, replicates: 6}
model:
  type: cohn2023
  decisions: 30
  availability: {shape: constant, mean: 0.7}
  rand_prob: 0.5
  spnc: {shape: linear_theta, theta: -0.3, average: 0.2}
  effect: {shape: linear_theta, theta: 0.5, average: 1.3}
sample_size: 40
hypotheses: [alternative]
analysis: {estimator: emee2, controls: [t], moderators: [t]}
output: {replicates: true}
)", "emee", "scenario,", "0");
}

// qian2025: the cohort (distal outcome on every row, the study's folds i mod K) analysed by the printed
// `mrtsim dcee` or `mrtsim wcls` gives the effect estimates and SEs of the study's replicate; GEE
// cells write their cohort without a command.
TEST(ReplicateCommand, Qian2025CohortReproducesTheStudysDistalFits) {
  const std::string dir = folder("qian");
  const std::string study = write_study(dir, R"(study: {name: distal_dump, seed: 12, replicates: 3}
model: {type: qian2025}
sample_size: 40
grid:
  - keys: [analysis.estimator, analysis.nuisance, analysis.cross_fit, analysis.controls]
    values: [[dcee, lm, 0, [X, Z]], [dcee, gam, 5, ['s(X, bs = "cr")', Z]], [wcls, lm, 0, [X, Z]], [gee, lm, 0, [X, Z]]]
hypotheses: [alternative]
analysis: {estimator: dcee, controls: [X, Z], moderators: [Z], numerator_prob: 0.5}
truth: {method: monte_carlo, subjects: 2000}
output: {replicates: true}
)");
  const CommandResult run = run_mrtsim("run '" + study + "' --out '" + dir + "/run' --threads 2 --quiet");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::string table = read_gzip(dir + "/run/replicates.csv.gz");
  for (const char* scenario : {"0", "1", "2"}) {
    const std::string out = dir + "/dump" + scenario;
    const CommandResult dump = run_mrtsim("replicate '" + study + "' --scenario " + scenario +
                                          " --hypothesis alternative --replicate 2 --dump '" + out + "'");
    ASSERT_EQ(dump.exit_code, 0) << dump.err;
    std::ifstream record_file(out + "/replicate.json");
    const std::string command = nlohmann::json::parse(record_file)["analysis_command"].get<std::string>();
    const CommandResult analysis = run_mrtsim(command.substr(7) + " --format json");
    ASSERT_EQ(analysis.exit_code, 0) << command << "\n" << analysis.err;
    const nlohmann::json fit = nlohmann::json::parse(analysis.out);
    // The per-replicate table's rows of this replicate (its columns: scenario and the four axes).
    std::stringstream lines(table);
    std::string line;
    std::getline(lines, line);
    int compared = 0;
    while (std::getline(lines, line)) {
      const std::vector<std::string> f = fields(line);
      const std::size_t n = f.size();  // ...,replicate,estimator,coefficient,est,se,df,truth,reject,status
      if (f[0] != scenario || f[n - 9] != "2" || f[n - 7].rfind("effect:", 0) != 0) continue;
      const std::string term = f[n - 7].substr(7);
      for (const nlohmann::json& c : fit["effect"]) {
        if (c["term"] != term) continue;
        EXPECT_NEAR(c["estimate"].get<double>(), std::stod(f[n - 6]), 1e-8 * std::fabs(std::stod(f[n - 6]))) << command;
        EXPECT_NEAR(c["se"].get<double>(), std::stod(f[n - 5]), 1e-8 * std::stod(f[n - 5])) << command;
        ++compared;
      }
    }
    EXPECT_EQ(compared, 2) << command;  // (Intercept) and Z
  }
  std::ifstream cross_fitted(dir + "/dump1/cohort.csv");
  std::string header;
  std::getline(cross_fitted, header);
  EXPECT_EQ(header, "id,decision,X,Z,rand_prob,availability,treatment,outcome,fold");
  {  // a fold that changes within a subject is named
    std::ofstream bad(dir + "/bad_folds.csv");
    bad << header << "\n";
    std::string row;
    for (int r = 0; std::getline(cross_fitted, row); ++r) bad << (r == 3 ? row.substr(0, row.rfind(',')) + ",4" : row) << "\n";
  }
  const CommandResult bad = run_mrtsim("dcee --data '" + dir + "/bad_folds.csv' --id id --outcome outcome --treatment "
                                       "treatment --rand-prob rand_prob --availability availability --controls X,Z "
                                       "--fold-column fold");
  EXPECT_NE(bad.err.find("fold column 'fold' changes within subject 1"), std::string::npos) << bad.err;
  const CommandResult gee = run_mrtsim("replicate '" + study + "' --scenario 3 --hypothesis alternative --replicate 0 "
                                       "--dump '" + dir + "/dump3'");
  ASSERT_EQ(gee.exit_code, 0) << gee.err;
  EXPECT_NE(gee.out.find("no mrtsim command runs this cell's estimator (gee"), std::string::npos) << gee.out;
  EXPECT_TRUE(std::filesystem::exists(dir + "/dump3/cohort.csv"));
}

TEST(ReplicateCommand, BadArgumentsAreNamed) {
  const std::string dir = folder("errors");
  const std::string study = write_study(dir, kStudy);
  const auto error_of = [&](const std::string& arguments) {
    const CommandResult r = run_mrtsim("replicate '" + study + "' " + arguments + " --dump '" + dir + "/out'");
    EXPECT_EQ(r.exit_code, 2) << arguments;
    return r.err;
  };
  EXPECT_NE(error_of("--scenario 2 --hypothesis null --replicate 0").find("--scenario 2: the study has scenarios 0 to 1"),
            std::string::npos);
  EXPECT_NE(error_of("--scenario 0 --hypothesis maybe --replicate 0").find("maybe"), std::string::npos);
  EXPECT_NE(error_of("--scenario 0 --hypothesis null --replicate 6").find("replicates are 0 to 5"), std::string::npos);
}

}  // namespace
}  // namespace mrtsim
