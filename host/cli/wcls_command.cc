// `mrtsim wcls`: WCLS analysis of one data set, printed as JSON (docs/architecture.md §5) or as a table.
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "host/analysis/wcls_analysis.h"
#include "host/cli/commands.h"
#include "host/cli/wcls_options.h"
#include "host/io/mrt_csv.h"

namespace mrtsim::cli {
namespace {

struct WclsOptions {
  WclsDataOptions data;
  std::string format = "table";
};

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
  const WclsDesign design = load_wcls_design(options.data);
  const WclsAnalysis analysis = analyze_wcls(design, options.data.joint_form());
  if (options.format == "json")
    std::cout << wcls_analysis_json(analysis).dump(2) << "\n";
  else
    print_table(analysis, design.data.path);
}

}  // namespace

void add_wcls_command(CLI::App& app) {
  auto options = std::make_shared<WclsOptions>();
  CLI::App* command = app.add_subcommand(
      "wcls", "WCLS analysis of one MRT data set (long-format CSV), with MRTAnalysis::wcls's numbers");
  add_wcls_data_options(command, options->data);
  command->add_option("--format", options->format, "output: table or json")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
  command->callback([options] { run_wcls(*options); });
}

}  // namespace mrtsim::cli
