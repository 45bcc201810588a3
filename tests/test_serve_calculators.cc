// The web calculator's request handlers (host/serve/), called as plain functions: answers against
// published values (Liao et al. 2016 Table I; MRTSampleSizeBinary's help-page example; the closed form
// of docs/binary.md section 2), uploads, and every kind of bad input with the field it belongs to.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "host/serve/binary_calculator.h"
#include "host/serve/check_study.h"
#include "host/serve/continuous_calculator.h"
#include "host/serve/field_errors.h"
#include "host/serve/uploaded_column.h"
#include "host/io/svg_line_chart.h"
#include "serve_test_designs.h"

namespace mrtsim::serve {
namespace {

// Liao et al. (2016) Table I: 42 days x 5 decisions, rho = 0.4, quadratic effect from 0 on day 1 with
// its maximum on day 29, constant availability; q = 3, alpha = 0.05, power 0.8.
nlohmann::json table_one(double effect_mean, double availability) {
  return {{"days", "42"},           {"decisions_per_day", "5"},   {"rand_prob_source", "constant"},
          {"rand_prob", "0.4"},     {"avail_shape", "constant"},  {"avail_mean", std::to_string(availability)},
          {"effect_shape", "quadratic"}, {"effect_mean", std::to_string(effect_mean)}, {"effect_initial", "0"},
          {"effect_day_max", "29"}, {"alpha", "0.05"},            {"mode", "sample_size"},
          {"power", "0.8"}};
}

// The problems of a request that must fail.
std::vector<FieldProblem> problems_of(const std::function<void()>& call) {
  try {
    call();
  } catch (const InvalidFields& error) {
    return error.problems();
  }
  ADD_FAILURE() << "the request was accepted";
  return {};
}

const FieldProblem* problem_of(const std::vector<FieldProblem>& problems, const std::string& field) {
  for (const FieldProblem& p : problems)
    if (p.field == field) return &p;
  return nullptr;
}

// Expects a problem of `field` whose message holds every part.
void expect_problem(const std::vector<FieldProblem>& problems, const std::string& field,
                    const std::vector<std::string>& parts) {
  const FieldProblem* p = problem_of(problems, field);
  ASSERT_NE(p, nullptr) << "no problem for field '" << field << "'; first: "
                        << (problems.empty() ? "none" : problems[0].field + ": " + problems[0].message);
  for (const std::string& part : parts) EXPECT_NE(p->message.find(part), std::string::npos) << p->message;
}

TEST(ServeContinuous, TableOneSampleSizes) {
  struct Cell {
    double effect, availability;
    int n;
  };
  // Published N (Liao et al. 2016, Table I), also docs/samplesize.md section 6a.
  for (const Cell& cell : {Cell{0.10, 0.7, 32}, Cell{0.10, 0.4, 52}, Cell{0.09, 0.6, 44}, Cell{0.08, 0.5, 64},
                           Cell{0.06, 0.5, 109}, Cell{0.05, 0.7, 112}, Cell{0.05, 0.4, 193}}) {
    const nlohmann::ordered_json reply = continuous_calculate(table_one(cell.effect, cell.availability));
    EXPECT_EQ(reply["n"], cell.n) << cell.effect << " " << cell.availability;
    EXPECT_GE(reply["power"].get<double>(), 0.8);
  }
}

TEST(ServeContinuous, PowerCurveLevelsAndCommandAgree) {
  const nlohmann::ordered_json size = continuous_calculate(table_one(0.10, 0.7));
  EXPECT_EQ(size["p"], 3);
  EXPECT_EQ(size["q"], 3);
  EXPECT_EQ(size["first_valid_n"], 10);
  EXPECT_EQ(size["command"],
            "mrtsim samplesize --days 42 --decisions-per-day 5 --rand-prob 0.4 --availability constant --avail-mean 0.7 "
            "--effect quadratic --effect-mean 0.1 --effect-initial 0 --effect-max-day 29 --alpha 0.05 --power 0.8");
  // The curve runs from N = 10 to 2 N = 64 and crosses 0.8 between N = 31 and 32.
  const nlohmann::json& points = size["curve"]["points"];
  ASSERT_EQ(points.size(), 55u);
  EXPECT_EQ(points[0][0], 10);
  EXPECT_LT(points[21][1].get<double>(), 0.8);  // N = 31
  EXPECT_DOUBLE_EQ(points[22][1].get<double>(), size["power"].get<double>());
  for (std::size_t i = 1; i < points.size(); ++i) EXPECT_GT(points[i][1].get<double>(), points[i - 1][1].get<double>());
  EXPECT_EQ(size["curve"]["svg"].get<std::string>().rfind("<svg", 0), 0u);
  // The table's row for power 0.8 is the answer.
  EXPECT_EQ(size["power_levels"][4]["power"], 0.8);
  EXPECT_EQ(size["power_levels"][4]["n"], 32);

  nlohmann::json request = table_one(0.10, 0.7);
  request["mode"] = "power";
  request["n"] = "32";
  request["curve_from"] = "20";
  request["curve_to"] = "40";
  const nlohmann::ordered_json power = continuous_calculate(request);
  EXPECT_DOUBLE_EQ(power["power"].get<double>(), size["power"].get<double>());
  EXPECT_EQ(power["curve"]["points"].size(), 21u);
  EXPECT_NE(power["command"].get<std::string>().find("mrtsim power "), std::string::npos);
  EXPECT_NE(power["command"].get<std::string>().find(" --n 32"), std::string::npos);
}

TEST(ServeContinuous, UploadedProbabilitiesPerDayOrPerDecisionPoint) {
  nlohmann::json request = table_one(0.10, 0.7);
  request.erase("rand_prob");
  request["rand_prob_source"] = "file";
  request["rand_prob_file_name"] = "probabilities.csv";
  std::string per_day = "probability\n", per_decision;
  for (int day = 0; day < 42; ++day) per_day += "0.4\n";
  for (int t = 0; t < 210; ++t) per_decision += "0.4\r\n";
  request["rand_prob_file_text"] = per_day;
  EXPECT_EQ(continuous_calculate(request)["n"], 32);
  request["rand_prob_file_text"] = per_decision;
  const nlohmann::ordered_json reply = continuous_calculate(request);
  EXPECT_EQ(reply["n"], 32);
  EXPECT_NE(reply["command"].get<std::string>().find("--rand-prob-file probabilities.csv"), std::string::npos);

  // A lower probability in the second half needs more participants.
  std::string changing;
  for (int day = 0; day < 42; ++day) changing += day < 21 ? "0.4\n" : "0.2\n";
  request["rand_prob_file_text"] = changing;
  EXPECT_GT(continuous_calculate(request)["n"].get<int>(), 32);

  request["rand_prob_file_text"] = "0.4\n0.4\n0.4\n";
  expect_problem(problems_of([&] { continuous_calculate(request); }), "rand_prob_file",
                 {"Randomization probability file", "3", "one per day (42)", "(210)"});
  request["rand_prob_file_text"] = std::string(per_day).replace(per_day.find("0.4"), 3, "1.5");
  expect_problem(problems_of([&] { continuous_calculate(request); }), "rand_prob_file", {"1.5", "outside (0, 1)"});
  request["rand_prob_file_text"] = "p\n0.4\nabc\n";
  expect_problem(problems_of([&] { continuous_calculate(request); }), "rand_prob_file",
                 {"probabilities.csv line 3", "'abc' is not a number"});
  request.erase("rand_prob_file_text");
  expect_problem(problems_of([&] { continuous_calculate(request); }), "rand_prob_file", {"choose a file"});
}

// An uploaded availability column enters the formula as the pattern it lists: a column of 0.7 gives
// Table I's published N = 32, and a linear pattern's own values (per day or per decision point) give
// the pattern's N and power.
TEST(ServeContinuous, UploadedAvailabilityPerDayOrPerDecisionPoint) {
  nlohmann::json request = table_one(0.10, 0.7);
  request.erase("avail_mean");
  request["avail_shape"] = "file";
  request["avail_file_name"] = "availability.csv";
  std::string per_day = "availability\n", per_decision;
  for (int day = 0; day < 42; ++day) per_day += "0.7\n";
  for (int t = 0; t < 210; ++t) per_decision += "0.7\r\n";
  request["avail_file_text"] = per_day;
  nlohmann::ordered_json reply = continuous_calculate(request);
  EXPECT_EQ(reply["n"], 32);
  EXPECT_EQ(reply["command"], "");  // the command line takes no availability column
  EXPECT_NE(reply["summary"].get<std::string>().find("availability from availability.csv"), std::string::npos);
  request["avail_file_text"] = per_decision;
  EXPECT_EQ(continuous_calculate(request)["n"], 32);
  EXPECT_TRUE(continuous_preview(request)["plots"].contains("availability"));

  nlohmann::json linear = table_one(0.10, 0.7);
  linear["avail_shape"] = "linear";
  linear["avail_initial"] = "0.9";
  const nlohmann::ordered_json pattern = continuous_calculate(linear);
  ShapeSpec shape;
  shape.kind = ShapeKind::kLinear;
  shape.mean = 0.7;
  shape.initial = 0.9;
  std::string linear_per_day, linear_per_decision;
  for (double value : shape_per_day(shape, 42)) {
    linear_per_day += exact_number_text(value) + "\n";
    for (int k = 0; k < 5; ++k) linear_per_decision += exact_number_text(value) + "\n";
  }
  for (const std::string& text : {linear_per_day, linear_per_decision}) {
    request["avail_file_text"] = text;
    reply = continuous_calculate(request);
    EXPECT_EQ(reply["n"], pattern["n"]);
    EXPECT_NEAR(reply["power"].get<double>(), pattern["power"].get<double>(), 1e-12);
  }

  request["avail_file_text"] = "0.7\n0.7\n";
  expect_problem(problems_of([&] { continuous_calculate(request); }), "avail_file",
                 {"availability.csv", "2 values", "one per day (42)", "(210)"});
  request["avail_file_text"] = std::string(per_day).replace(per_day.find("0.7"), 3, "1.5");
  expect_problem(problems_of([&] { continuous_calculate(request); }), "avail_file", {"1.5", "outside [0, 1]"});
  request.erase("avail_file_text");
  expect_problem(problems_of([&] { continuous_calculate(request); }), "avail_file", {"choose a file of availabilities"});

  // The liao2016 model simulates availability patterns only: the check says so beside the pattern.
  request["avail_file_text"] = per_day;
  request["replicates"] = "100";
  request["seed"] = "1";
  expect_problem(problems_of([&] { continuous_check_study(request, CheckLimits{}); }), "avail_shape",
                 {"needs an availability pattern"});
}

TEST(ServeContinuous, EveryBadFieldIsNamedBesideItsField) {
  nlohmann::json request = table_one(0.10, 0.7);
  request["avail_mean"] = "1.5";
  expect_problem(problems_of([&] { continuous_calculate(request); }), "avail_mean",
                 {"Average availability must be in (0, 1] (got 1.5)"});

  request = table_one(0.10, 0.7);
  request["days"] = "abc";
  request["alpha"] = "0.05x";
  request["bogus"] = 1;
  const std::vector<FieldProblem> several = problems_of([&] { continuous_calculate(request); });
  expect_problem(several, "days", {"Study length (days) must be a number (got 'abc')"});
  expect_problem(several, "alpha", {"Significance level must be a number"});
  expect_problem(several, "", {"unknown field 'bogus'"});

  request = table_one(0.10, 0.7);
  request["effect_day_max"] = "50";
  expect_problem(problems_of([&] { continuous_calculate(request); }), "effect_day_max",
                 {"Day of the largest effect 50 is outside 1..42"});
  request = table_one(0.10, 0.7);
  request["days"] = "4.5";
  expect_problem(problems_of([&] { continuous_calculate(request); }), "days", {"whole number"});
  request = table_one(0.10, 0.7);
  request["decisions_per_day"] = "100000";
  expect_problem(problems_of([&] { continuous_calculate(request); }), "decisions_per_day", {"between 1 and 1000"});
  request = table_one(0.10, 0.7);
  request["rand_prob"] = "1";
  expect_problem(problems_of([&] { continuous_calculate(request); }), "rand_prob", {"outside (0, 1)"});
  request = table_one(0.10, 0.7);
  request["avail_shape"] = "linear";
  request["avail_initial"] = "0.1";
  request["avail_mean"] = "0.9";  // reaches 1.7 on the last day
  expect_problem(problems_of([&] { continuous_calculate(request); }), "avail_shape",
                 {"Availability pattern linear", "must stay within [0, 1]"});
  request = table_one(0.01, 0.1);  // N far beyond the search
  expect_problem(problems_of([&] { continuous_calculate(request); }), "power", {"is not reached with N <= 5000"});
  request = table_one(0.10, 0.7);
  request["mode"] = "power";
  request["n"] = "5";  // N - p - q <= 0
  expect_problem(problems_of([&] { continuous_calculate(request); }), "n", {"Participants N: N = 5"});
  request["n"] = "40";
  request["curve_from"] = "60";
  request["curve_to"] = "50";
  expect_problem(problems_of([&] { continuous_calculate(request); }), "curve_from", {"exceeds its last"});
  request["curve_from"] = "10";
  request["curve_to"] = "4999";
  expect_problem(problems_of([&] { continuous_calculate(request); }), "curve_from", {"at most 2000 points"});
  EXPECT_THROW(continuous_calculate(nlohmann::json::array({1, 2})), InvalidFields);
}

TEST(ServeContinuous, PreviewPlotsWhatIsValidAndNamesTheRest) {
  nlohmann::json request = table_one(0.10, 0.7);
  request.erase("power");
  nlohmann::ordered_json reply = continuous_preview(request);
  EXPECT_TRUE(reply["errors"].empty()) << reply["errors"].dump();
  EXPECT_EQ(reply["total_decisions"], 210);
  for (const char* plot : {"availability", "effect", "rand_prob"})
    EXPECT_NE(reply["plots"][plot].get<std::string>().find("</svg>"), std::string::npos) << plot;
  EXPECT_NE(reply["plots"]["effect"].get<std::string>().find("Standardized proximal effect"), std::string::npos);

  request["avail_mean"] = "1.5";
  reply = continuous_preview(request);
  ASSERT_EQ(reply["errors"].size(), 1u);
  EXPECT_EQ(reply["errors"][0]["field"], "avail_mean");
  EXPECT_TRUE(reply["plots"].contains("effect"));  // the other plots still show
  request["days"] = "";
  reply = continuous_preview(request);
  EXPECT_EQ(reply["errors"][0]["field"], "days");
  EXPECT_TRUE(reply["plots"].empty());
}

using testing_designs::package_example;

TEST(ServeBinary, PackageExampleSampleSizeAndPower) {
  const nlohmann::ordered_json size = binary_calculate(package_example());
  EXPECT_EQ(size["n"], 275);
  EXPECT_NEAR(size["n_exact"].get<double>(), 274.0055130, 1e-6);
  EXPECT_NEAR(size["power"].get<double>(), 0.8015381, 1e-7);
  EXPECT_EQ(size["p"], 2);
  EXPECT_EQ(size["q"], 2);
  EXPECT_EQ(size["m"], 10);
  EXPECT_EQ(size["power_levels"][4]["n"], 275);
  nlohmann::json request = package_example();
  request["mode"] = "power";
  request["n"] = 300;
  EXPECT_NEAR(binary_calculate(request)["power"].get<double>(), 0.8370827, 1e-7);
  const std::string command = size["command"];
  EXPECT_NE(command.find("mrtsim samplesize --outcome binary --days 10 --decisions-per-day 1 --avail-mean 0.8"),
            std::string::npos)
      << command;
  EXPECT_NE(command.find("--spnc log-linear --spnc-initial="), std::string::npos) << command;
}

TEST(ServeBinary, ConstantDesignMatchesTheClosedForm) {
  // docs/binary.md section 2: m = 30, p = 0.5, tau = 1, mu0 = 0.2, RR = 1.2 gives N = 115 (n_exact
  // 114.765), from lambda(n) = n m beta^2 mu0 p (1 - p) / [(1 - p) e^-beta + p - mu0].
  const nlohmann::json request = {{"days", 30},        {"decisions_per_day", 1}, {"avail_shape", "constant"},
                                  {"avail_mean", 1},   {"rand_prob", 0.5},        {"spnc_shape", "constant"},
                                  {"spnc_value", 0.2}, {"rr_shape", "constant"},  {"rr_value", 1.2},
                                  {"alpha", 0.05},     {"power", 0.8}};
  const nlohmann::ordered_json reply = binary_calculate(request);
  EXPECT_EQ(reply["n"], 115);
  EXPECT_NEAR(reply["n_exact"].get<double>(), 114.765, 1e-3);
  EXPECT_TRUE(reply["warnings"].empty()) << reply["warnings"].dump();
}

TEST(ServeBinary, BadInputsAndPreview) {
  nlohmann::json request = package_example();
  request["spnc_initial"] = 1.5;
  expect_problem(problems_of([&] { binary_calculate(request); }), "spnc_initial",
                 {"Success probability at t = 1 must be a success probability in (0, 1) (got 1.5)"});
  request = package_example();
  request["rr_shape"] = "constant";
  request["rr_value"] = -1;
  expect_problem(problems_of([&] { binary_calculate(request); }), "rr_value", {"must be a positive relative risk"});
  request = package_example();
  request["spnc_final"] = 0.9;
  request["rr_final"] = 2.0;  // success probability under treatment above 1 late in the study
  expect_problem(problems_of([&] { binary_calculate(request); }), "rr_shape", {"Relative risk pattern and its parameters"});
  request = package_example();
  request["avail_shape"] = "file";
  request["avail_file_name"] = "tau.csv";
  request["avail_file_text"] = "tau\n0.8\n0.8\n";
  expect_problem(problems_of([&] { binary_calculate(request); }), "avail_file", {"Availability file: 2 values"});
  request["avail_file_text"] = "tau\n0.8\n0.8\n0.8\n0.8\n0.8\n0.8\n0.8\n0.8\n0.8\n0.8\n";
  EXPECT_EQ(binary_calculate(request)["n"], 275);

  const nlohmann::ordered_json preview = binary_preview(package_example());
  EXPECT_TRUE(preview["errors"].empty()) << preview["errors"].dump();
  for (const char* plot : {"availability", "rand_prob", "spnc", "rr"})
    EXPECT_TRUE(preview["plots"].contains(plot)) << plot;
  EXPECT_NE(preview["plots"]["spnc"].get<std::string>().find("treatment"), std::string::npos);
}

TEST(ServeFields, EngineMessagesAreAttributedByWholeOptions) {
  const std::vector<FieldSpec> table = {{"rand_prob", "Randomization probability", "--rand-prob"},
                                        {"rand_prob_file", "Randomization probability file", "--rand-prob-file"},
                                        {"days", "Study length", "--days"}};
  FieldProblem p = attribute_engine_message("--rand-prob-file: 3 probabilities; see --days", table);
  EXPECT_EQ(p.field, "rand_prob_file");
  EXPECT_EQ(p.message, "Randomization probability file: 3 probabilities; see Study length");
  p = attribute_engine_message("n - p - q is 0 with --other-option", table);
  EXPECT_EQ(p.field, "");
  EXPECT_EQ(p.message, "n - p - q is 0 with --other-option");
}

TEST(ServeFields, UploadedColumns) {
  EXPECT_EQ(parse_uploaded_column("p\n0.4\n\n\"0.5\"\r\n0.6", "f.csv"), (std::vector<double>{0.4, 0.5, 0.6}));
  EXPECT_EQ(parse_uploaded_column("0.4\n0.5\n", "f.csv"), (std::vector<double>{0.4, 0.5}));
  EXPECT_THROW(parse_uploaded_column("a,b\n0.4,0.5\n", "f.csv"), UserError);
  EXPECT_THROW(parse_uploaded_column("header\n", "f.csv"), UserError);
  EXPECT_THROW(parse_uploaded_column("0.4\nheader\n", "f.csv"), UserError);
  EXPECT_THROW(parse_uploaded_column("0.4\ninf\n", "f.csv"), UserError);
}

TEST(ServeFields, LineChartsEscapeTextAndCheckSeries) {
  LineChart chart;
  chart.title = "a <b> & 'c'";
  chart.series = {ChartSeries{"s", {1, 2, 3}, {0.1, 0.5, 0.2}}};
  const std::string svg = line_chart_svg(chart);
  EXPECT_NE(svg.find("aria-label=\"a &lt;b&gt; &amp; &#39;c&#39;\""), std::string::npos) << svg;
  EXPECT_EQ(svg.find("<b>"), std::string::npos);
  chart.series[0].y.pop_back();
  EXPECT_THROW(line_chart_svg(chart), std::invalid_argument);
}

}  // namespace
}  // namespace mrtsim::serve
