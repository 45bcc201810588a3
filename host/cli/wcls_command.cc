// `mrtsim wcls`: WCLS analysis of one data set, printed as JSON (design.md §5) or as a table.
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "host/analysis/wcls_analysis.h"
#include "host/cli/commands.h"
#include "host/io/mrt_csv.h"

namespace mrtsim::cli {
namespace {

struct WclsOptions {
  std::string data_path;
  MrtColumnSpec columns;
  WclsModelSpec model;
  std::string format = "table";
  bool mrtanalysis_joint_test = false;
};

// "--moderators a,b" arrives split at commas; names are trimmed and empty entries (e.g. from
// --moderators "") mean no column.
std::vector<std::string> column_list(const std::vector<std::string>& raw) {
  std::vector<std::string> names;
  for (const std::string& entry : raw) {
    const auto first = entry.find_first_not_of(" \t");
    if (first == std::string::npos) continue;
    names.push_back(entry.substr(first, entry.find_last_not_of(" \t") - first + 1));
  }
  return names;
}

nlohmann::ordered_json coefficients_json(const std::vector<CoefficientInference>& block) {
  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
  for (const CoefficientInference& c : block)
    rows.push_back({{"term", c.term}, {"estimate", c.estimate}, {"se", c.se}, {"lcl", c.lcl}, {"ucl", c.ucl},
                    {"p_value", c.p_value}});
  return rows;
}

nlohmann::ordered_json joint_json(const std::optional<JointTest>& joint) {
  if (!joint) return nullptr;
  return {{"hypothesis", "all effect coefficients are 0"},
          {"form", joint->form == JointTestForm::kHotellingT2 ? "hotelling_t2" : "mrtanalysis"},
          {"reference", joint->reference},
          {"statistic", joint->statistic},
          {"f_statistic", joint->f_statistic},
          {"df1", joint->df1},
          {"df2", joint->df2},
          {"critical_value", joint->critical_value},
          {"p_value", joint->p_value}};
}

nlohmann::ordered_json analysis_json(const WclsAnalysis& analysis) {
  return {{"estimator", "wcls"},
          {"n_subjects", analysis.n_subjects},
          {"n_eff", analysis.n_eff},
          {"df", analysis.df},
          {"small_sample_correction", analysis.small_sample_correction},
          {"confidence_level", kWclsConfidenceLevel},
          {"effect", coefficients_json(analysis.effect)},
          {"control", coefficients_json(analysis.control)},
          {"joint", joint_json(analysis.joint)}};
}

void print_block(const char* title, const std::vector<CoefficientInference>& block) {
  std::printf("\n%s\n%-20s %12s %12s %12s %12s %12s\n", title, "", "Estimate", "95% LCL", "95% UCL", "StdErr",
              "p-value");
  for (const CoefficientInference& c : block)
    std::printf("%-20s %12.6g %12.6g %12.6g %12.6g %12.6g\n", c.term.c_str(), c.estimate, c.lcl, c.ucl, c.se,
                c.p_value);
}

void print_table(const WclsAnalysis& analysis, const std::string& path) {
  std::printf("WCLS (as MRTAnalysis::wcls) on %s\n", path.c_str());
  std::printf("%zu subjects, %d with available rows; df = %d; small-sample correction: %s\n", analysis.n_subjects,
              analysis.n_eff, analysis.df, analysis.small_sample_correction ? "yes (n <= 50)" : "no (n > 50)");
  print_block("Causal excursion effect (beta):", analysis.effect);
  print_block("Control variables (alpha):", analysis.control);
  if (!analysis.joint) {
    std::printf("\nJoint test of beta = 0: undefined (the variance of beta is singular)\n");
    return;
  }
  const JointTest& joint = *analysis.joint;
  const std::string form = joint.form == JointTestForm::kHotellingT2
                               ? "Hotelling T^2"
                               : "MRTAnalysis's rule, " + joint.reference + " branch";
  std::printf("\nJoint test of beta = 0 (%s): statistic %.6g, F(%d, %d) = %.6g, p-value %.6g; "
              "rejected at 5%% when the statistic exceeds %.6g\n",
              form.c_str(), joint.statistic, joint.df1, joint.df2, joint.f_statistic, joint.p_value,
              joint.critical_value);
}

void run_wcls(WclsOptions options) {
  options.model.moderators = column_list(options.model.moderators);
  options.model.controls = column_list(options.model.controls);
  options.columns.covariates = wcls_control_columns(options.model);
  const WclsDesign design = make_wcls_design(read_mrt_csv(options.data_path, options.columns), options.model);
  const WclsAnalysis analysis = analyze_wcls(
      design, options.mrtanalysis_joint_test ? JointTestForm::kMrtAnalysis : JointTestForm::kHotellingT2);
  if (options.format == "json")
    std::cout << analysis_json(analysis).dump(2) << "\n";
  else
    print_table(analysis, design.data.path);
}

}  // namespace

void add_wcls_command(CLI::App& app) {
  auto options = std::make_shared<WclsOptions>();
  CLI::App* command = app.add_subcommand(
      "wcls", "WCLS analysis of one MRT data set (long-format CSV), with MRTAnalysis::wcls's numbers");
  command->add_option("--data", options->data_path, "CSV file, one row per subject and decision point")->required();
  command->add_option("--id", options->columns.id, "subject id column (each subject's rows contiguous)")->required();
  command->add_option("--outcome", options->columns.outcome, "proximal outcome column")->required();
  command->add_option("--treatment", options->columns.treatment, "treatment column (0/1)")->required();
  command->add_option("--rand-prob", options->columns.rand_prob, "randomization probability: column or number")
      ->required();
  command->add_option("--availability", options->columns.availability, "availability column (0/1); default: all 1");
  command->add_option("--numerator-prob", options->columns.numerator_prob,
                      "numerator probability p~: column or number; default 0.5");
  command->add_option("--moderators", options->model.moderators, "moderator columns, comma separated (intercept always)")
      ->delimiter(',');
  command->add_option("--controls", options->model.controls, "control columns, comma separated (intercept always)")
      ->delimiter(',');
  command->add_option("--format", options->format, "output: table or json")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
  command->add_flag("--mrtanalysis-joint-test", options->mrtanalysis_joint_test,
                    "joint test of beta = 0 with MRTAnalysis summary's inverted Hotelling multiple "
                    "(default: the correct Hotelling T^2)");
  command->callback([options] { run_wcls(*options); });
}

}  // namespace mrtsim::cli
