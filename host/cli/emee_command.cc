// `mrtsim emee`: EMEE / EMEE2 analysis of one data set with a binary proximal outcome, printed as
// JSON (docs/architecture.md §5) or as a table with the relative risks exp(estimate).
#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "host/analysis/emee_analysis.h"
#include "host/cli/commands.h"
#include "host/cli/emee_options.h"

namespace mrtsim::cli {
namespace {

struct EmeeOptions {
  DataSetOptions data;
  std::string variant = "emee";
  double confidence_level = kDefaultEmeeConfidenceLevel;
  std::string format = "table";
};

void print_block(const char* title, const std::vector<CoefficientInference>& block,
                 const std::vector<double>& se_unadjusted, double level, bool relative_risk) {
  const double percent = 100 * level;
  std::printf("\n%s\n%-20s %12s %10.4g%% LCL %10.4g%% UCL %12s %12s %12s", title, "", "Estimate", percent, percent,
              "StdErr", "p-value", "SE unadj.");
  if (relative_risk) std::printf(" %12s %10.4g%% LCL %10.4g%% UCL", "exp(Est.)", percent, percent);
  std::printf("\n");
  for (std::size_t j = 0; j < block.size(); ++j) {
    const CoefficientInference& c = block[j];
    std::printf("%-20s %12.6g %16.6g %16.6g %12.6g %12.6g %12.6g", c.term.c_str(), c.estimate, c.lcl, c.ucl, c.se,
                c.p_value, se_unadjusted[j]);
    if (relative_risk)
      std::printf(" %12.6g %16.6g %16.6g", std::exp(c.estimate), std::exp(c.lcl), std::exp(c.ucl));
    std::printf("\n");
  }
}

void print_table(const EmeeAnalysis& analysis, const std::string& path) {
  const std::string name = emee_variant_name(analysis.variant);
  std::printf("%s (as MRTAnalysis::%s) on %s\n", name.c_str(), name.c_str(), path.c_str());
  std::printf("%zu subjects; df = %d; small-sample correction: always; Newton iterations: %d\n", analysis.n_subjects,
              analysis.df, analysis.iterations);
  print_block("Causal excursion effect on the log relative-risk scale (beta); exp: relative risk:", analysis.effect,
              analysis.effect_se_unadjusted, analysis.confidence_level, true);
  print_block("Control variables (alpha), log success probability:", analysis.control,
              analysis.control_se_unadjusted, analysis.confidence_level, false);
  if (!analysis.joint) {
    std::printf("\nJoint test of beta = 0: undefined (the variance of beta is singular)\n");
    return;
  }
  const JointTest& joint = *analysis.joint;
  std::printf("\nJoint test of beta = 0 (Hotelling T^2): statistic %.6g, F(%d, %d) = %.6g, p-value %.6g\n",
              joint.statistic, joint.df1, joint.df2, joint.f_statistic, joint.p_value);
}

void run_emee(const EmeeOptions& options) {
  const EmeeDesign design =
      load_emee_design(options.data, options.variant == "emee2" ? EmeeVariant::kEmee2 : EmeeVariant::kEmee);
  const EmeeAnalysis analysis = analyze_emee(design, options.confidence_level);
  if (options.format == "json")
    std::cout << emee_analysis_json(analysis).dump(2) << "\n";
  else
    print_table(analysis, design.data.path);
}

}  // namespace

void add_emee_command(CLI::App& app) {
  auto options = std::make_shared<EmeeOptions>();
  CLI::App* command = app.add_subcommand(
      "emee",
      "EMEE / EMEE2 analysis (log relative risk) of one MRT data set with a binary proximal outcome, with "
      "MRTAnalysis::emee's / emee2's numbers");
  add_data_set_options(command, options->data, "binary proximal outcome column (0/1 on available rows)",
                       "control columns, comma separated (intercept always; moderators are not added)");
  command->add_option("--numerator-prob", options->data.columns.numerator_prob,
                      "numerator probability p~: column or number; default 0.5 (emee2 ignores it, as MRTAnalysis)");
  command->add_option("--variant", options->variant,
                      "emee (weighted, centred at p~) or emee2 (unweighted, centred at the randomization probability)")
      ->check(CLI::IsMember({"emee", "emee2"}))
      ->capture_default_str();
  command->add_option("--conf-level", options->confidence_level, "confidence level of the intervals")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  command->add_option("--format", options->format, "output: table or json")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
  command->callback([options] { run_emee(*options); });
}

}  // namespace mrtsim::cli
