// `mrtsim samplesize --outcome binary` and `mrtsim power --outcome binary` end to end through the real
// executable: the package example from CSV files (with negative coefficients in both option forms),
// constants, the Shiny calculator's curves, --exact, --power-levels, --n-range with its CSV and SVG,
// the n <= 10 guard, warnings, and errors that name the option or file. Reference values:
// tests/data/cohn2023/formula_reference.R (output in formula_reference.out).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/cli_runner.h"

namespace mrtsim {
namespace {

using testing_support::CommandResult;
using testing_support::run_mrtsim;

constexpr double kPowerTolerance = 2e-9;
constexpr double kRootTolerance = 2e-6;
// The Drink Less design (m = 30, p_t = .6, tau = 1) from constants.
constexpr const char* kDrinkLess = " --outcome binary --decision-points 30 --avail-mean 1 --rand-prob 0.6";

class CohnCli : public ::testing::Test {
 protected:
  static std::string path_of(const std::string& name) {
    return (std::filesystem::path(::testing::TempDir()) / ("cohn_cli_" + name)).string();
  }

  static std::string write(const std::string& name, const std::string& text) {
    const std::string path = path_of(name);
    std::ofstream(path) << text;
    return path;
  }

  // The package example (tau_t_1, p_t_1, f_t_1, g_t_1) as the four CSV files of the issue.
  static std::string example_files() {
    const std::string data = std::string(MRTSIM_SOURCE_DIR) + "/tests/data/cohn2023/example_";
    return " --outcome binary --avail-file '" + data + "avail.csv' --rand-prob-file '" + data +
           "rand_prob.csv' --f-file '" + data + "f.csv' --g-file '" + data + "g.csv'";
  }

  static nlohmann::json json_of(const CommandResult& r) {
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return nlohmann::json::parse(r.out);
  }

  static void expect_failure_naming(const std::string& arguments, const std::vector<std::string>& parts) {
    const CommandResult r = run_mrtsim(arguments);
    EXPECT_NE(r.exit_code, 0) << arguments;
    EXPECT_TRUE(r.out.empty()) << r.out;
    for (const std::string& part : parts) EXPECT_NE(r.err.find(part), std::string::npos) << arguments << "\n" << r.err;
  }
};

TEST_F(CohnCli, SampleSizeFromFilesAsThePackage) {
  const nlohmann::json out = json_of(run_mrtsim("samplesize" + example_files() +
                                                " --beta=0.15,-0.01 --alpha-coef=-0.2,-0.1 --type1 0.05 --power 0.8"
                                                " --format json"));
  ASSERT_TRUE(out["n"].is_number_integer());
  EXPECT_EQ(out["n"], 275);
  EXPECT_NEAR(out["n_exact"].get<double>(), 274.005512977196, kRootTolerance);
  EXPECT_NEAR(out["power"].get<double>(), 0.8015381, 5e-8);
  EXPECT_EQ(out["p"], 2);
  EXPECT_EQ(out["q"], 2);
  EXPECT_EQ(out["m"], 10);
  EXPECT_NEAR(out["m_matrix"][1][1].get<double>(), 29.055175074671116, 1e-12);
  EXPECT_NEAR(out["sigma"][0][1].get<double>(), 2.371095221620974, 1e-12);
  EXPECT_EQ(out["warnings"].size(), 0u);
}

TEST_F(CohnCli, NegativeCoefficientsInBothOptionForms) {
  const std::string files = example_files();
  for (const std::string coefficients :
       {" --beta=0.15,-0.01 --alpha-coef=-0.2,-0.1", " --beta 0.15,-0.01 --alpha-coef -0.2,-0.1"}) {
    const nlohmann::json out = json_of(run_mrtsim("samplesize" + files + coefficients + " --format json"));
    EXPECT_EQ(out["n"], 275) << coefficients;
    EXPECT_EQ(out["alpha_coef"][1], -0.1);
  }
  // One negative value on its own, with one-column designs.
  std::string ones_rows = "one\n";
  for (int t = 0; t < 30; ++t) ones_rows += "1\n";
  const std::string ones = write("ones.csv", ones_rows);
  const nlohmann::json out =
      json_of(run_mrtsim(std::string("samplesize") + kDrinkLess + " --f-file '" + ones + "' --g-file '" + ones +
                         "' --beta=0.1823215567939546 "
                         "--alpha-coef=-1.203972804325936 --exact --format json"));
  EXPECT_NEAR(out["n_exact"].get<double>(), 71.2050207345459, kRootTolerance);  // RR 1.2, ASPN .3
}

TEST_F(CohnCli, ConstantsAndCalculatorCurves) {
  // Drink Less cell RR 1.2, ASPN .3 from constants; m from --decision-points or --days x --decisions-per-day.
  const std::string curves = " --spnc constant --spnc-value 0.3 --rr constant --rr-value 1.2 --format json";
  const nlohmann::json drink = json_of(run_mrtsim(std::string("samplesize") + kDrinkLess + curves + " --exact"));
  EXPECT_NEAR(drink["n_exact"].get<double>(), 71.2050207345459, kRootTolerance);
  EXPECT_DOUBLE_EQ(drink["n"].get<double>(), drink["n_exact"].get<double>());
  const nlohmann::json days = json_of(run_mrtsim(
      "samplesize --outcome binary --days 10 --decisions-per-day 3 --avail-mean 1 --rand-prob 0.6" + curves));
  EXPECT_EQ(days["n"], 72);

  // The Shiny calculator's case B: 10 days x 3, SPNC log-quadratic, RR log-linear (final at t = m + 1).
  const std::string design_b =
      "samplesize --outcome binary --days 10 --decisions-per-day 3 --avail-mean 0.8 --rand-prob 0.4"
      " --spnc log-quadratic --spnc-initial 0.3 --spnc-change-point 10 --spnc-change-value 0.5"
      " --rr log-linear --rr-initial 1.3 --rr-final 1.1 --format json";
  const nlohmann::json b = json_of(run_mrtsim(design_b));
  EXPECT_EQ(b["n"], 63);
  EXPECT_NEAR(b["n_exact"].get<double>(), 62.815677338957840, 1e-4);
  EXPECT_NEAR(b["power"].get<double>(), 0.801300058591046, kPowerTolerance);
  EXPECT_EQ(b["loglinear_final_at"], "m+1");
  EXPECT_NEAR(b["beta"][1].get<double>(), -0.0055684694887722, 1e-15);

  // Case C: constants, power .9 at type I error .1.
  const nlohmann::json c = json_of(
      run_mrtsim("samplesize --outcome binary --decision-points 30 --avail-mean 0.5 --rand-prob 0.6 --spnc constant"
                 " --spnc-value 0.25 --rr constant --rr-value 1.25 --power 0.9 --type1 0.1 --format json"));
  EXPECT_EQ(c["n"], 130);
  EXPECT_NEAR(c["n_exact"].get<double>(), 129.410511485763095, 1e-4);
  EXPECT_NEAR(c["power"].get<double>(), 0.901175962708746, kPowerTolerance);

  // Case D: both curves log-linear with the final value at t = m.
  const nlohmann::json d = json_of(
      run_mrtsim("samplesize --outcome binary --decision-points 30 --avail-mean 0.7 --rand-prob 0.5 --spnc log-linear"
                 " --spnc-initial 0.4 --spnc-final 0.2 --rr log-linear --rr-initial 1.3 --rr-final 1.1"
                 " --loglinear-final-at m --format json"));
  EXPECT_EQ(d["n"], 98);
  EXPECT_NEAR(d["n_exact"].get<double>(), 97.635008177492921, 1e-4);
  EXPECT_EQ(d["loglinear_final_at"], "m");

  // Case A: an RR with more columns than the SPNC, as the package, sizes it with warnings.
  const CommandResult a = run_mrtsim(
      "samplesize --outcome binary --decision-points 30 --avail-mean 0.7 --rand-prob 0.5 --spnc log-linear"
      " --spnc-initial 0.4 --spnc-final 0.2 --rr log-quadratic --rr-initial 1.1 --rr-change-point 15"
      " --rr-change-value 1.3 --format json");
  const nlohmann::json a_out = json_of(a);
  EXPECT_EQ(a_out["n"], 104);
  EXPECT_NEAR(a_out["n_exact"].get<double>(), 103.61583412728581, 1e-4);
  EXPECT_EQ(a_out["warnings"].size(), 2u);
  EXPECT_NE(a.err.find("mrtsim: warning: --rr log-quadratic"), std::string::npos) << a.err;
}

TEST_F(CohnCli, PowerLevelsTableAndExact) {
  const std::string example = "samplesize" + example_files() + " --beta=0.15,-0.01 --alpha-coef=-0.2,-0.1";
  const nlohmann::json out = json_of(run_mrtsim(example + " --power-levels 0.6:0.95:0.05 --format json"));
  const int vignette[8] = {178, 198, 220, 245, 275, 311, 359, 438};
  ASSERT_EQ(out["power_summary"].size(), 8u);
  for (int i = 0; i < 8; ++i) EXPECT_EQ(out["power_summary"][i]["n"], vignette[i]);
  EXPECT_DOUBLE_EQ(out["power_summary"][7]["power"].get<double>(), 0.95);
  const CommandResult table = run_mrtsim(example + " --power-levels 0.6:0.95:0.05");
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("participants N               275 (n_exact 274.0055)"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("0.95  438"), std::string::npos) << table.out;

  const nlohmann::json exact = json_of(run_mrtsim(example + " --exact --format json"));
  EXPECT_TRUE(exact["n"].is_number_float());
  EXPECT_NEAR(exact["power"].get<double>(), 0.8, 1e-9);
}

TEST_F(CohnCli, PowerAndPowerCurveFiles) {
  const std::string example = "power" + example_files() + " --beta=0.15,-0.01 --alpha-coef=-0.2,-0.1";
  const nlohmann::json at_300 = json_of(run_mrtsim(example + " --n 300 --format json"));
  EXPECT_EQ(at_300["n"], 300);
  EXPECT_NEAR(at_300["power"].get<double>(), 0.837082746098636, kPowerTolerance);
  const CommandResult fractional = run_mrtsim(example + " --n 274.5 --format json");
  EXPECT_TRUE(json_of(fractional)["n"].is_number_float());
  EXPECT_NE(fractional.err.find("should be an integer"), std::string::npos) << fractional.err;

  const std::string prefix = path_of("curve");
  const nlohmann::json out = json_of(run_mrtsim(example + " --n-range 15:700 --out '" + prefix + "' --format json"));
  ASSERT_EQ(out["curve"].size(), 686u);
  EXPECT_NEAR(out["curve"][685]["power"].get<double>(), 0.996239003435767, kPowerTolerance);
  std::ifstream csv(prefix + ".csv");
  std::string line;
  std::getline(csv, line);
  EXPECT_EQ(line, "n,power");
  std::getline(csv, line);
  EXPECT_EQ(line.rfind("15,0.08218984", 0), 0u) << line;
  int rows = 1;
  for (std::string next; std::getline(csv, next); ++rows) line = next;
  EXPECT_EQ(rows, 686);
  EXPECT_EQ(line.rfind("700,0.996239", 0), 0u) << line;
  std::ifstream svg_file(prefix + ".svg");
  const std::string svg((std::istreambuf_iterator<char>(svg_file)), std::istreambuf_iterator<char>());
  EXPECT_EQ(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0), 0u);
  EXPECT_NE(svg.find("Cohn et al. 2023"), std::string::npos);
  EXPECT_NE(svg.find("</svg>"), std::string::npos);
}

TEST_F(CohnCli, GuardAtTenParticipants) {
  const std::string design = std::string(kDrinkLess) + " --spnc constant --spnc-value 0.7 --rr constant --rr-value 1.4";
  expect_failure_naming("samplesize" + design, {"<= 10", "--allow-n-below-10"});
  const CommandResult allowed = run_mrtsim("samplesize" + design + " --allow-n-below-10 --format json");
  EXPECT_EQ(json_of(allowed)["n"], 6);
  EXPECT_NE(allowed.err.find("mrtsim: warning: n = 6 <= 10"), std::string::npos) << allowed.err;
  expect_failure_naming("power" + design + " --n 8", {"--n", "<= 10", "--allow-n-below-10"});
  EXPECT_EQ(run_mrtsim("power" + design + " --n 8 --allow-n-below-10").exit_code, 0);
}

TEST_F(CohnCli, BadInputsNameTheOptionOrFile) {
  const std::string files = example_files();
  const std::string coefficients = " --beta=0.15,-0.01 --alpha-coef=-0.2,-0.1";
  std::string rows = "avail\n";
  for (int t = 1; t <= 10; ++t) rows += t == 3 ? "1.5\n" : "0.8\n";
  const std::string bad_avail = write("bad_avail.csv", rows);
  const std::string data = std::string(MRTSIM_SOURCE_DIR) + "/tests/data/cohn2023/example_";
  const std::string rest = " --rand-prob-file '" + data + "rand_prob.csv' --f-file '" + data + "f.csv' --g-file '" +
                           data + "g.csv'" + coefficients;
  expect_failure_naming("samplesize --outcome binary --avail-file '" + bad_avail + "'" + rest,
                        {"--avail-file " + bad_avail, "decision point 3", "(0, 1]"});
  const std::string text_cell = write("text_avail.csv", "avail\n0.8\nabc\n");
  expect_failure_naming("samplesize --outcome binary --avail-file '" + text_cell + "'" + rest,
                        {"--avail-file", "column 'avail', data row 2 (line 3)", "'abc' is not a number"});
  expect_failure_naming("samplesize" + files + " --beta=0.15,-0.01,0.2 --alpha-coef=-0.2,-0.1",
                        {"--f-file", "2 columns", "--beta has 3"});
  expect_failure_naming("samplesize" + files + coefficients + " --decision-points 12",
                        {"--decision-points gives m = 12", "--avail-file"});
  expect_failure_naming("samplesize" + files + coefficients + " --rr constant --rr-value 1.2", {"--rr", "not both"});
  expect_failure_naming("samplesize" + files + " --alpha-coef=-0.2,-0.1", {"--f-file", "--beta"});
  expect_failure_naming(std::string("samplesize") + kDrinkLess +
                            " --spnc constant --spnc-value 0.3 --spnc-final 0.2"
                            " --rr constant --rr-value 1.2",
                        {"--spnc-final does not apply to --spnc constant"});
  expect_failure_naming(std::string("samplesize") + kDrinkLess +
                            " --spnc constant --spnc-value 0.3 --rr constant"
                            " --rr-value 1.2 --loglinear-final-at m",
                        {"--loglinear-final-at applies only to"});
  expect_failure_naming(std::string("samplesize") + kDrinkLess +
                            " --spnc constant --spnc-value 1.3 --rr constant"
                            " --rr-value 1.2",
                        {"--spnc-value", "(0, 1)"});
  expect_failure_naming(std::string("samplesize") + kDrinkLess +
                            " --spnc constant --spnc-value 0.6 --rr constant"
                            " --rr-value 1.8",
                        {"--rr constant and its coefficients", "under treatment", "decision point 1"});
  expect_failure_naming(
      "samplesize --outcome binary --decision-points 30 --rand-prob 0.6 --spnc constant"
      " --spnc-value 0.3 --rr constant --rr-value 1.2",
      {"--avail-mean NUMBER or --avail-file FILE"});
  expect_failure_naming("samplesize" + files + coefficients + " --power-levels 0.6:0.95",
                        {"--power-levels", "FROM:TO:STEP"});
  expect_failure_naming("samplesize" + files + coefficients + " --type1 1.5", {"--type1", "(0, 1)"});
  expect_failure_naming("samplesize" + files + coefficients + " --effect constant",
                        {"--effect applies only to --outcome continuous"});
  expect_failure_naming(
      "samplesize --days 42 --decisions-per-day 5 --rand-prob 0.4 --effect constant --effect-mean 0.1"
      " --availability constant --avail-mean 0.7 --f-file x.csv",
      {"--f-file applies only to --outcome binary"});
  expect_failure_naming(
      "samplesize --days 42 --decisions-per-day 5 --rand-prob 0.4 --availability constant"
      " --avail-mean 0.7",
      {"--effect is required"});
  expect_failure_naming("power" + files + coefficients + " --n 4", {"--n", "n > 4"});
  expect_failure_naming("power" + files + coefficients + " --n-range 5:20", {"--n-range", "<= 10"});
}

TEST_F(CohnCli, HelpStatesTheLogLinearConvention) {
  const CommandResult help = run_mrtsim("samplesize --help");
  ASSERT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("Binary outcome (--outcome binary"), std::string::npos) << help.out;
  EXPECT_NE(help.out.find("m+1 (default, the Shiny calculator's"), std::string::npos) << help.out;
  EXPECT_NE(help.out.find("Continuous outcome (the default"), std::string::npos) << help.out;
}

TEST_F(CohnCli, ContinuousOutcomeUnchanged) {
  const std::string table_i =
      " --days 42 --decisions-per-day 5 --rand-prob 0.4 --effect quadratic --effect-mean 0.1"
      " --effect-initial 0 --effect-max-day 29 --availability constant --avail-mean 0.7";
  for (const std::string outcome : {"", " --outcome continuous"})
    EXPECT_EQ(json_of(run_mrtsim("samplesize" + table_i + outcome + " --format json"))["n"], 32) << outcome;
  expect_failure_naming("power" + table_i + " --n 40.5", {"--n must be a whole number"});
}

}  // namespace
}  // namespace mrtsim
