// The Liao et al. (2016) sample-size formula (host/samplesize/liao_formula.h): the paper's Table I,
// MRTSampleSize's documented examples, the formula's terms, the noncentral F against an independent
// series, properties over random designs, input validation, and `mrtsim samplesize` / `mrtsim power`
// end to end.
#include <gtest/gtest.h>

#include "tests/cli_runner.h"
#include <sys/wait.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "host/samplesize/liao_formula.h"
#include "host/stats/distributions.h"
#include "core/user_error.h"

namespace mrtsim {
namespace {

const std::string kTableI = std::string(MRTSIM_SOURCE_DIR) + "/bench/liao2016/reference/liao2016_table1.csv";

// Table I's design (docs/samplesize.md §6a): 42 days x 5, rho = 0.4, quadratic effect from 0 peaking on
// day 29, constant availability.
LiaoInputs table_i_inputs(double effect_mean, double availability) {
  LiaoInputs inputs;
  inputs.days = 42;
  inputs.decisions_per_day = 5;
  inputs.rand_prob = rand_prob_per_decision(0.4, 42, 5);
  inputs.effect = {ShapeKind::kQuadratic, effect_mean, 0.0, 29};
  inputs.availability = {ShapeKind::kConstant, availability, 0.0, 1};
  return inputs;
}

// The examples of MRTSampleSize's calculateSampleSize / calculatePower help pages (man/*.Rd): the
// HeartSteps-like design with a quadratic availability turning on day 42.
LiaoInputs cran_example_inputs() {
  LiaoInputs inputs;
  inputs.days = 42;
  inputs.decisions_per_day = 5;
  inputs.rand_prob = rand_prob_per_decision(0.4, 42, 5);
  inputs.effect = {ShapeKind::kQuadratic, 0.1, 0.0, 28};
  inputs.availability = {ShapeKind::kQuadratic, 0.5, 0.7, 42};
  return inputs;
}

// The second help-page example: 28 days x 5 with probability 0.7, 0.6, 0.5, 0.4 over consecutive
// blocks of 35 decision points; the availability still turns on day 42, after the study ends.
std::vector<double> cran_example_block_probabilities() {
  std::vector<double> probabilities;
  for (double prob : {0.7, 0.6, 0.5, 0.4}) probabilities.insert(probabilities.end(), 35, prob);
  return probabilities;
}

LiaoInputs cran_block_example_inputs() {
  LiaoInputs inputs = cran_example_inputs();
  inputs.days = 28;
  inputs.rand_prob = rand_prob_per_decision(cran_example_block_probabilities(), 28, 5);
  return inputs;
}

std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> fields;
  // The reference file has CRLF line ends.
  std::stringstream in(line.substr(0, line.find_last_not_of('\r') + 1));
  for (std::string field; std::getline(in, field, ',');) fields.push_back(field);
  return fields;
}

struct TableICell {
  LiaoInputs inputs;
  int p = 0;
  double target_power = 0.0;
  int expected_n = 0;
};

std::vector<TableICell> read_table_i() {
  std::ifstream in(kTableI);
  EXPECT_TRUE(in) << kTableI;
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line.substr(0, line.find('\r')),
            "days,decisions_per_day,rand_prob,effect_shape,effect_mean,effect_initial,effect_day_max,avail_shape,"
            "avail_mean,p,q,alpha,power,expected_N");
  std::vector<TableICell> cells;
  while (std::getline(in, line)) {
    const std::vector<std::string> f = split_csv_line(line);
    if (f.empty()) continue;
    TableICell cell;
    cell.inputs.days = std::stoi(f[0]);
    cell.inputs.decisions_per_day = std::stoi(f[1]);
    cell.inputs.rand_prob = rand_prob_per_decision(std::stod(f[2]), cell.inputs.days, cell.inputs.decisions_per_day);
    cell.inputs.effect = {kShapeKindNames.parse(f[3], "effect_shape", "shape"), std::stod(f[4]), std::stod(f[5]), std::stoi(f[6])};
    cell.inputs.availability = {kShapeKindNames.parse(f[7], "avail_shape", "shape"), std::stod(f[8]), 0.0, 1};
    cell.p = std::stoi(f[9]);
    cell.inputs.q = std::stoi(f[10]);
    cell.inputs.alpha = std::stod(f[11]);
    cell.target_power = std::stod(f[12]);
    cell.expected_n = std::stoi(f[13]);
    cells.push_back(cell);
  }
  return cells;
}

// sum_t tau_t rho_t (1 - rho_t) beta_t^2 straight from the shapes: d'Md whenever beta lies in span(Z).
double direct_ncp_per_participant(const LiaoInputs& inputs) {
  const std::vector<double> beta =
      expand_per_decision(shape_per_day(inputs.effect, inputs.days), inputs.decisions_per_day);
  const std::vector<double> tau =
      expand_per_decision(shape_per_day(inputs.availability, inputs.days), inputs.decisions_per_day);
  double sum = 0.0;
  for (std::size_t t = 0; t < beta.size(); ++t)
    sum += tau[t] * inputs.rand_prob[t] * (1.0 - inputs.rand_prob[t]) * beta[t] * beta[t];
  return sum;
}

TEST(LiaoSampleSize, ReproducesAllCellsOfTableI) {
  const std::vector<TableICell> cells = read_table_i();
  ASSERT_EQ(cells.size(), 24u);
  for (const TableICell& cell : cells) {
    const std::string where = "effect mean " + std::to_string(cell.inputs.effect.mean) + ", availability " +
                              std::to_string(cell.inputs.availability.mean);
    EXPECT_EQ(effect_dimension(cell.inputs.effect.kind), cell.p) << where;
    const SampleSizeResult result = liao_sample_size(cell.inputs, cell.target_power);
    EXPECT_EQ(result.at_n.n, cell.expected_n) << where;
    EXPECT_GE(result.at_n.power, cell.target_power) << where;
    EXPECT_LT(liao_power(cell.inputs, cell.expected_n - 1).power, cell.target_power) << where;
  }
}

TEST(LiaoSampleSize, MatchesMrtSampleSizeHelpExamples) {
  const SampleSizeResult result = liao_sample_size(cran_example_inputs(), 0.8);
  EXPECT_EQ(result.at_n.n, 46);
  EXPECT_NEAR(result.at_n.power, 0.803257, 5e-7);
  // calculatePower(sample_size = 40) of the same help page, as printed by R.
  EXPECT_NEAR(liao_power(cran_example_inputs(), 40).power, 0.7315568598, 1e-8);
  EXPECT_EQ(liao_sample_size(cran_block_example_inputs(), 0.8).at_n.n, 66);
}

TEST(LiaoSampleSize, PerDayProbabilitiesEqualTheirExpansion) {
  LiaoInputs per_day = table_i_inputs(0.08, 0.5);
  std::vector<double> daily(42);
  for (int k = 0; k < 42; ++k) daily[k] = 0.3 + 0.01 * k;
  per_day.rand_prob = rand_prob_per_decision(daily, 42, 5);
  LiaoInputs per_decision = per_day;
  per_decision.rand_prob = rand_prob_per_decision(expand_per_decision(daily, 5), 42, 5);
  EXPECT_EQ(per_day.rand_prob, per_decision.rand_prob);
  EXPECT_EQ(per_day.rand_prob[5 * 41 + 4], daily[41]);
  EXPECT_DOUBLE_EQ(liao_power(per_day, 60).power, liao_power(per_decision, 60).power);
}

TEST(LiaoSampleSizeTerms, TableIEffectCoefficients) {
  const LiaoTerms terms = liao_terms(table_i_inputs(0.10, 0.7));
  ASSERT_EQ(terms.p, 3);
  EXPECT_NEAR(terms.d[0], 0.0, 1e-14);
  EXPECT_NEAR(terms.d[1], 0.009641319943, 1e-12);
  EXPECT_NEAR(terms.d[2], -0.0001721664275, 1e-13);
  EXPECT_NEAR(terms.ncp_per_participant, 0.40539515841, 1e-11);
  EXPECT_NEAR(direct_ncp_per_participant(table_i_inputs(0.10, 0.7)), 0.40539515841, 1e-11);
}

TEST(LiaoSampleSizeTerms, MatrixMIsTheWeightedGramOfTheDayPolynomial) {
  const LiaoInputs inputs = cran_block_example_inputs();
  const LiaoTerms terms = liao_terms(inputs);
  const std::vector<double> tau = shape_per_day(inputs.availability, inputs.days);
  Eigen::Matrix3d expected = Eigen::Matrix3d::Zero();
  for (int t = 0; t < inputs.days * inputs.decisions_per_day; ++t) {
    const double k = t / inputs.decisions_per_day;
    const Eigen::Vector3d z(1.0, k, k * k);
    const double rho = inputs.rand_prob[t];
    expected += tau[t / inputs.decisions_per_day] * rho * (1.0 - rho) * z * z.transpose();
  }
  EXPECT_LT((terms.m - expected).norm(), 1e-10 * expected.norm());
}

// Upper tail of the noncentral F(df1, df2, ncp) at x for an even df2, computed independently of Boost:
// the Poisson(ncp/2) mixture of central beta tails, with I_y(a, b) for integer b as the finite sum
// y^a sum_{i<b} (a)_i / i! (1-y)^i (Abramowitz & Stegun 26.5.6 / 6.6.2), all terms in log space.
double noncentral_f_upper_tail_series(int df1, int df2, double ncp, double x) {
  const double y = df1 * x / (df1 * x + df2);
  const double a = df1 / 2.0, half_ncp = ncp / 2.0;
  const int b = df2 / 2;
  double tail = 0.0;
  for (int j = 0; j < 5000; ++j) {
    const double log_weight = (ncp > 0 ? j * std::log(half_ncp) : (j == 0 ? 0.0 : -INFINITY)) - half_ncp -
                              std::lgamma(j + 1.0);
    double beta_cdf = 0.0;
    for (int i = 0; i < b; ++i)
      beta_cdf += std::exp((a + j) * std::log(y) + i * std::log1p(-y) + std::lgamma(a + j + i) - std::lgamma(a + j) -
                           std::lgamma(i + 1.0));
    tail += std::exp(log_weight) * (1.0 - beta_cdf);
    if (j > half_ncp && log_weight < -60.0) break;
  }
  return tail;
}

TEST(NoncentralFPower, BoostAgreesWithIndependentSeries) {
  for (int df1 : {1, 2, 3}) {
    for (int df2 : {4, 26, 40, 100, 994}) {
      const double critical = f_quantile(df1, df2, 0.95);
      EXPECT_NEAR(noncentral_f_upper_tail_series(df1, df2, 0.0, critical), 0.05, 1e-12) << df1 << "," << df2;
      for (double ncp : {0.0, 0.5, 12.97, 40.0, 150.0}) {
        EXPECT_NEAR(noncentral_f_upper_tail(df1, df2, ncp, critical),
                    noncentral_f_upper_tail_series(df1, df2, ncp, critical), 1e-10)
            << "df1 " << df1 << " df2 " << df2 << " ncp " << ncp;
      }
    }
  }
}

TEST(LiaoPower, ZeroEffectHasPowerAlpha) {
  LiaoInputs inputs = table_i_inputs(0.1, 0.7);
  inputs.effect = {ShapeKind::kConstant, 0.0, 0.0, 1};
  EXPECT_NEAR(liao_power(inputs, 50).power, 0.05, 1e-12);
}

TEST(LiaoPower, IncreasesWithN) {
  for (const LiaoInputs& inputs : {table_i_inputs(0.05, 0.4), cran_example_inputs(), cran_block_example_inputs()}) {
    const std::vector<PowerAtN> curve = liao_power_curve(inputs, 7, 1000);
    ASSERT_EQ(curve.size(), 994u);
    for (std::size_t i = 1; i < curve.size(); ++i) {
      EXPECT_EQ(curve[i].n, curve[i - 1].n + 1);
      EXPECT_GT(curve[i].power, curve[i - 1].power - 1e-12) << "N = " << curve[i].n;
    }
  }
}

// A random design in the calculator's range: every effect and availability shape, per-day or
// per-decision probabilities; a quadratic availability may leave [0, 1] and is then rejected.
LiaoInputs random_design(std::mt19937_64& rng) {
  auto uniform = [&rng](double low, double high) { return std::uniform_real_distribution<double>(low, high)(rng); };
  auto integer = [&rng](int low, int high) { return std::uniform_int_distribution<int>(low, high)(rng); };
  const ShapeKind kinds[] = {ShapeKind::kConstant, ShapeKind::kLinear, ShapeKind::kQuadratic};
  LiaoInputs inputs;
  inputs.days = integer(3, 60);
  inputs.decisions_per_day = integer(1, 6);
  std::vector<double> probabilities(integer(0, 1) ? inputs.days : inputs.days * inputs.decisions_per_day);
  for (double& prob : probabilities) prob = uniform(0.1, 0.9);
  inputs.rand_prob = rand_prob_per_decision(probabilities, inputs.days, inputs.decisions_per_day);
  const double effect_mean = uniform(0.05, 0.3);
  inputs.effect = {kinds[integer(0, 2)], effect_mean, uniform(0.0, effect_mean), integer(1, inputs.days)};
  const double first = uniform(0.2, 1.0), last = uniform(0.2, 1.0);
  inputs.availability = {kinds[integer(0, 2)], (first + last) / 2, first, integer(1, inputs.days + 20)};
  inputs.q = integer(1, 8);
  inputs.alpha = std::vector<double>{0.01, 0.05, 0.1}[integer(0, 2)];
  return inputs;
}

TEST(LiaoSampleSize, RandomDesignsReturnTheFirstNReachingTheTarget) {
  std::mt19937_64 rng(20160101);
  const int max_n = 2000;
  int checked = 0, unreachable = 0;
  for (int trial = 0; trial < 200; ++trial) {
    const LiaoInputs inputs = random_design(rng);
    const double target = std::vector<double>{0.7, 0.8, 0.9}[trial % 3];
    LiaoTerms terms;
    try {
      terms = liao_terms(inputs);
    } catch (const UserError& error) {
      EXPECT_EQ(inputs.availability.kind, ShapeKind::kQuadratic) << error.what();
      continue;
    }
    EXPECT_NEAR(terms.ncp_per_participant, direct_ncp_per_participant(inputs), 1e-10 * terms.ncp_per_participant);
    SampleSizeResult result;
    try {
      result = liao_sample_size(inputs, target, max_n);
    } catch (const UserError&) {
      EXPECT_LT(liao_power(inputs, max_n).power, target);
      ++unreachable;
      continue;
    }
    ++checked;
    const int n = result.at_n.n;
    EXPECT_EQ(result.scan_start, std::max(10, terms.p + inputs.q + 1));
    EXPECT_GE(result.at_n.power, target);
    EXPECT_DOUBLE_EQ(result.at_n.power, liao_power(inputs, n).power);
    if (n > result.scan_start) {
      EXPECT_LT(liao_power(inputs, n - 1).power, target) << "trial " << trial;
    }
  }
  EXPECT_GE(checked, 120);
  EXPECT_LE(unreachable, 20);
}

std::string user_error_message(const std::function<void()>& action) {
  try {
    action();
  } catch (const UserError& error) {
    return error.what();
  }
  ADD_FAILURE() << "no UserError";
  return "";
}

void expect_error_mentions(const std::function<void()>& action, const std::vector<std::string>& pieces) {
  const std::string message = user_error_message(action);
  for (const std::string& piece : pieces) EXPECT_NE(message.find(piece), std::string::npos) << message;
}

TEST(SampleSizeValidation, RejectsBadInputsNamingTheOption) {
  LiaoInputs inputs = table_i_inputs(0.1, 0.7);
  inputs.rand_prob[7] = 1.5;
  expect_error_mentions([&] { liao_terms(inputs); }, {"--rand-prob", "1.5", "decision point 8"});
  inputs.rand_prob.pop_back();
  expect_error_mentions([&] { liao_terms(inputs); }, {"--rand-prob", "209 probabilities", "210 decision points"});

  inputs = table_i_inputs(0.1, 0.7);
  inputs.availability = {ShapeKind::kQuadratic, 0.5, 0.9, 10};
  expect_error_mentions([&] { liao_terms(inputs); }, {"--availability quadratic", "[0, 1]", "day 5"});
  inputs.availability = {ShapeKind::kLinear, 0.7, 0.2, 1};
  expect_error_mentions([&] { liao_terms(inputs); }, {"--availability linear", "[0, 1]", "day 34"});
  inputs.availability = {ShapeKind::kConstant, 0.0, 0.0, 1};
  expect_error_mentions([&] { liao_terms(inputs); }, {"--avail-mean"});

  inputs = table_i_inputs(0.1, 0.7);
  inputs.effect.day_max = 99;
  expect_error_mentions([&] { liao_terms(inputs); }, {"--effect-max-day 99", "1..42"});
  inputs.days = 2;
  inputs.effect.day_max = 1;
  inputs.rand_prob = rand_prob_per_decision(0.4, 2, 5);
  expect_error_mentions([&] { liao_terms(inputs); }, {"--effect quadratic", "at least 3 days"});

  inputs = table_i_inputs(0.1, 0.7);
  inputs.availability = {ShapeKind::kQuadratic, 0.7, 0.7, 0};
  expect_error_mentions([&] { liao_terms(inputs); }, {"--avail-change-day"});

  inputs = table_i_inputs(0.1, 0.7);
  expect_error_mentions([&] { liao_power(inputs, 6); }, {"--n", "N - p - q = 0"});
  expect_error_mentions([&] { liao_sample_size(inputs, 0.8, 20); }, {"--max-n", "N <= 20", "power at N = 20 is 0.52"});
  expect_error_mentions([&] { liao_sample_size(inputs, 1.2); }, {"--power"});
  inputs.alpha = 0;
  expect_error_mentions([&] { liao_terms(inputs); }, {"--alpha"});
  inputs = table_i_inputs(0.1, 0.7);
  inputs.q = 0;
  expect_error_mentions([&] { liao_terms(inputs); }, {"--q"});
  expect_error_mentions([] { rand_prob_per_decision(std::vector<double>(7, 0.4), 42, 5); },
                        {"--rand-prob-file", "7 values", "(42)", "(210)"});
  expect_error_mentions([] { rand_prob_per_decision(0.4, 0, 5); }, {"--days"});
  expect_error_mentions([] { rand_prob_per_decision(0.4, 100000, 1000); }, {"--days x --decisions-per-day"});
}

class SampleSizeFiles : public ::testing::Test {
 protected:
  std::string write(const std::string& name, const std::string& text) const {
    const std::string path = (std::filesystem::path(::testing::TempDir()) / name).string();
    std::ofstream(path) << text;
    return path;
  }
};

TEST_F(SampleSizeFiles, ReadsOneProbabilityPerLineAndNamesBadLines) {
  EXPECT_EQ(read_rand_prob_file(write("probs_ok.txt", "0.4\n 0.5 \r\n\n0.6\n")), (std::vector<double>{0.4, 0.5, 0.6}));
  expect_error_mentions([&] { read_rand_prob_file(write("probs_text.txt", "0.4\n0.4\nabc\n")); },
                        {"--rand-prob-file", "line 3", "'abc' is not a number"});
  expect_error_mentions([&] { read_rand_prob_file(write("probs_range.txt", "0.4\n1\n")); },
                        {"line 2", "outside (0, 1)"});
  expect_error_mentions([&] { read_rand_prob_file(write("probs_empty.txt", "\n")); }, {"no probabilities"});
  expect_error_mentions([] { read_rand_prob_file("/nonexistent/probs.txt"); }, {"cannot open"});
}

using testing_support::CommandResult;

class SampleSizeCli : public SampleSizeFiles {
 protected:
  static constexpr const char* kTableIDesign =
      " --days 42 --decisions-per-day 5 --rand-prob 0.4 --effect quadratic --effect-mean 0.1"
      " --effect-initial 0 --effect-max-day 29 --availability constant --avail-mean 0.7";
  static constexpr const char* kCranDesign =
      " --days 42 --decisions-per-day 5 --rand-prob 0.4 --effect quadratic --effect-mean 0.1 --effect-initial 0"
      " --effect-max-day 28 --availability quadratic --avail-mean 0.5 --avail-initial 0.7 --avail-change-day 42";

  CommandResult run(const std::string& arguments) const { return testing_support::run_mrtsim(arguments); }

  void expect_failure_naming(const std::string& arguments, const std::string& option) const {
    const CommandResult r = run(arguments);
    EXPECT_NE(r.exit_code, 0) << arguments;
    EXPECT_TRUE(r.out.empty()) << r.out;
    EXPECT_NE(r.err.find(option), std::string::npos) << r.err;
  }
};

TEST_F(SampleSizeCli, SampleSizeJson) {
  const CommandResult r = run(std::string("samplesize") + kCranDesign + " --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json out = nlohmann::json::parse(r.out);
  EXPECT_EQ(out["n"], 46);
  EXPECT_NEAR(out["power"].get<double>(), 0.803257, 5e-7);
  EXPECT_EQ(out["p"], 3);
  EXPECT_EQ(out["q"], 3);
  EXPECT_EQ(out["df1"], 3);
  EXPECT_EQ(out["df2"], 40);
  EXPECT_DOUBLE_EQ(out["alpha"].get<double>(), 0.05);
  EXPECT_DOUBLE_EQ(out["target_power"].get<double>(), 0.8);
  EXPECT_NEAR(out["ncp"].get<double>(), 46 * out["ncp_per_participant"].get<double>(), 1e-12);
  EXPECT_EQ(out["availability"]["day_max"], 42);
}

TEST_F(SampleSizeCli, PowerJsonAndTable) {
  const CommandResult json = run(std::string("power") + kCranDesign + " --n 40 --format json");
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_NEAR(nlohmann::json::parse(json.out)["power"].get<double>(), 0.7315568598, 1e-8);
  const CommandResult table = run(std::string("samplesize") + kTableIDesign);
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("participants N               32"), std::string::npos) << table.out;
}

TEST_F(SampleSizeCli, PerDecisionProbabilityFile) {
  std::string lines;
  for (double prob : cran_example_block_probabilities()) lines += std::to_string(prob) + "\n";
  const std::string path = write("cran_block_probs.txt", lines);
  const CommandResult r = run(
      "samplesize --days 28 --decisions-per-day 5 --rand-prob-file '" + path +
      "' --effect quadratic --effect-mean 0.1 --effect-initial 0 --effect-max-day 28 --availability quadratic"
      " --avail-mean 0.5 --avail-initial 0.7 --avail-change-day 42 --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json out = nlohmann::json::parse(r.out);
  EXPECT_EQ(out["n"], 66);
  EXPECT_EQ(out["rand_prob_file"], path);
}

TEST_F(SampleSizeCli, PowerCurveWritesCsvAndSvg) {
  const std::string prefix = (std::filesystem::path(::testing::TempDir()) / "power_curve").string();
  const CommandResult r = run(std::string("power") + kTableIDesign + " --n-range 10:200 --out '" + prefix +
                              "' --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json out = nlohmann::json::parse(r.out);
  ASSERT_EQ(out["curve"].size(), 191u);
  EXPECT_EQ(out["curve"][22]["n"], 32);
  EXPECT_NEAR(out["curve"][22]["power"].get<double>(), liao_power(table_i_inputs(0.1, 0.7), 32).power, 1e-15);

  std::ifstream csv(prefix + ".csv");
  std::string line;
  std::getline(csv, line);
  EXPECT_EQ(line, "n,power");
  std::getline(csv, line);
  EXPECT_EQ(line.rfind("10,0.17152614", 0), 0u) << line;
  int rows = 1;
  while (std::getline(csv, line)) ++rows;
  EXPECT_EQ(rows, 191);

  std::ifstream svg_file(prefix + ".svg");
  const std::string svg((std::istreambuf_iterator<char>(svg_file)), std::istreambuf_iterator<char>());
  EXPECT_EQ(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0), 0u);
  EXPECT_NE(svg.find("stroke-dasharray"), std::string::npos);
  EXPECT_NE(svg.find("</svg>"), std::string::npos);
}

TEST_F(SampleSizeCli, BadInputsFailNamingTheOption) {
  const std::string effect = " --effect quadratic --effect-mean 0.1 --effect-initial 0";
  expect_failure_naming("samplesize --days 42 --decisions-per-day 5 --rand-prob 1.5" + effect +
                            " --effect-max-day 29 --availability constant --avail-mean 0.7",
                        "--rand-prob");
  expect_failure_naming("samplesize --days 42 --decisions-per-day 5 --rand-prob 0.4" + effect +
                            " --effect-max-day 29 --availability quadratic --avail-mean 0.5 --avail-initial 0.9"
                            " --avail-change-day 10",
                        "--availability quadratic");
  expect_failure_naming("samplesize --days 42 --decisions-per-day 5 --rand-prob 0.4" + effect +
                            " --effect-max-day 99 --availability constant --avail-mean 0.7",
                        "--effect-max-day");
  expect_failure_naming(std::string("samplesize") + kTableIDesign + " --max-n 20 --format json", "--max-n");
  expect_failure_naming(std::string("power") + kTableIDesign + " --n 6", "--n");
  expect_failure_naming("samplesize --days 42 --decisions-per-day 5 --rand-prob 0.4 --effect constant"
                        " --effect-mean 0.1 --effect-max-day 20 --availability constant --avail-mean 0.7",
                        "--effect-max-day does not apply");
}

}  // namespace
}  // namespace mrtsim
