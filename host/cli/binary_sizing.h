// The binary-outcome half of `mrtsim samplesize` and `mrtsim power` (--outcome binary): the Cohn, Qian
// & Murphy (2023) formula (host/samplesize/cohn_formula.h) with the inputs of MRTSampleSizeBinary's
// mrt_binary_ss / mrt_binary_power as CSV files or constants, or with the binary Shiny calculator's
// curves (host/samplesize/binary_calculator_inputs.h); printed as a table or one JSON object
// (docs/architecture.md section 5). samplesize_command.cc registers the options both outcomes share and calls
// these functions when the outcome is binary.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace mrtsim::cli {

// The shared options (registered by samplesize_command.cc) as the binary formula reads them.
struct SharedSizingValues {
  bool days_given = false;
  int days = 0;
  bool decisions_per_day_given = false;
  int decisions_per_day = 0;
  bool rand_prob_given = false;
  double rand_prob = 0.0;
  std::string rand_prob_file;
  std::string avail_file;  // binary: a header row and one column of m values
  bool avail_mean_given = false;
  double avail_mean = 0.0;
  std::string format = "table";
};

// --spnc or --rr with its values.
struct CalculatorCurveArguments {
  explicit CalculatorCurveArguments(std::string option_name) : option(std::move(option_name)) {}
  std::string option;
  std::string shape;
  double value = 0.0, initial = 0.0, final = 0.0, change_point = 0.0, change_value = 0.0;
  CLI::Option* shape_given = nullptr;
  CLI::Option* value_given = nullptr;
  CLI::Option* initial_given = nullptr;
  CLI::Option* final_given = nullptr;
  CLI::Option* change_point_given = nullptr;
  CLI::Option* change_value_given = nullptr;
};

// Options only the binary formula reads.
struct BinaryDesignArguments {
  int decision_points = 0;
  CLI::Option* decision_points_given = nullptr;
  std::string f_file;
  std::string g_file;
  std::vector<double> beta;
  std::vector<double> alpha_coef;
  CLI::Option* beta_given = nullptr;
  CLI::Option* alpha_coef_given = nullptr;
  CalculatorCurveArguments spnc{"--spnc"};
  CalculatorCurveArguments rr{"--rr"};
  std::string loglinear_final_at = "m+1";
  CLI::Option* loglinear_final_at_given = nullptr;
  double type1 = 0.05;
  bool allow_n_below_10 = false;
  bool exact = false;        // samplesize
  std::string power_levels;  // samplesize
  // Every option above, so that a continuous-outcome run can refuse them.
  std::vector<CLI::Option*> options;
};

// The help group of the binary options.
extern const char* const kBinaryOptionGroup;

// Registers the binary-only options of `samplesize` (with_sample_size_options: --exact,
// --power-levels) or `power`.
void add_binary_design_options(CLI::App* command, BinaryDesignArguments& args, bool with_sample_size_options);

void run_binary_samplesize(const BinaryDesignArguments& args, const SharedSizingValues& shared, double target_power);

struct BinaryPowerRequest {
  bool n_given = false;
  double n = 0.0;
  bool n_range_given = false;
  std::string n_range;
  std::string out_prefix;
};

void run_binary_power(const BinaryDesignArguments& args, const SharedSizingValues& shared,
                      const BinaryPowerRequest& request);

}  // namespace mrtsim::cli
