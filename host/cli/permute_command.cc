// `mrtsim permute`: permutation / re-randomization robustness check of one WCLS analysis
// (host/analysis/permutation_test.h), printed as JSON (docs/architecture.md §5) or as a table.
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "host/analysis/permutation_test.h"
#include "host/cli/commands.h"
#include "host/cli/wcls_options.h"

namespace mrtsim::cli {
namespace {

struct PermuteOptions {
  WclsDataOptions data;
  std::string scheme = "permute";
  PermutationSettings settings;
  std::string format = "table";
};

nlohmann::ordered_json effect_json(const CoefficientPermutation& c) {
  return {{"term", c.term},
          {"estimate", c.estimate},
          {"statistic", c.statistic},
          {"p_value", c.p_value},
          {"p_value_permutation", c.p_value_permutation},
          {"significant_share", c.significant_share},
          {"quantiles", {{"q2.5", c.quantiles.q025}, {"q50", c.quantiles.q50}, {"q97.5", c.quantiles.q975}}}};
}

nlohmann::ordered_json result_json(const PermutationTestResult& result) {
  nlohmann::ordered_json effects = nlohmann::ordered_json::array();
  for (const CoefficientPermutation& c : result.effect) effects.push_back(effect_json(c));
  nlohmann::ordered_json joint = nullptr;
  if (result.joint)
    joint = {{"statistic", result.joint->statistic},
             {"p_value", result.joint->p_value},
             {"p_value_permutation", result.joint->p_value_permutation},
             {"significant_share", result.joint->significant_share}};
  return {{"reshuffles", result.settings.reshuffles},
          {"scheme", kReshuffleSchemeNames.name(result.settings.scheme)},
          {"seed", result.settings.seed},
          {"alpha", result.settings.alpha},
          {"completed_reshuffles", result.completed},
          {"failed_reshuffles", result.failed},
          {"failed_reshuffles_policy", "excluded from every count: B = completed_reshuffles"},
          {"effect", effects},
          {"joint", joint},
          {"significant_share", result.joint ? nlohmann::ordered_json(result.joint->significant_share) : nullptr},
          {"observed", wcls_analysis_json(result.observed)}};
}

void print_table(const PermutationTestResult& result, const std::string& path) {
  std::printf("%s check of WCLS on %s: %u reshuffles (seed %llu), %u completed, %u failed (left out)\n",
              kReshuffleSchemeNames.name(result.settings.scheme), path.c_str(), result.settings.reshuffles,
              static_cast<unsigned long long>(result.settings.seed), result.completed, result.failed);
  std::printf("\n%-20s %12s %12s %12s %12s %12s %12s %12s\n", "", "Estimate", "p-value", "perm p", "share sig",
              "q2.5%", "q50%", "q97.5%");
  for (const CoefficientPermutation& c : result.effect)
    std::printf("%-20s %12.6g %12.6g %12.6g %12.6g %12.6g %12.6g %12.6g\n", c.term.c_str(), c.estimate, c.p_value,
                c.p_value_permutation, c.significant_share, c.quantiles.q025, c.quantiles.q50, c.quantiles.q975);
  if (!result.joint) {
    std::printf("\nJoint test of beta = 0: undefined (the variance of beta is singular)\n");
    return;
  }
  std::printf("\nJoint test of beta = 0: statistic %.6g, p-value %.6g, permutation p-value %.6g, "
              "share significant at %g: %.6g\n",
              result.joint->statistic, result.joint->p_value, result.joint->p_value_permutation,
              result.settings.alpha, result.joint->significant_share);
}

void run_permute(PermuteOptions options) {
  const WclsDesign design = load_wcls_design(options.data);
  options.settings.scheme = kReshuffleSchemeNames.parse(options.scheme, "--scheme", "scheme");
  options.settings.joint_form = options.data.joint_form();
  const PermutationTestResult result = permutation_test(design, options.settings);
  if (options.format == "json")
    std::cout << result_json(result).dump(2) << "\n";
  else
    print_table(result, design.data.path);
}

}  // namespace

void add_permute_command(CLI::App& app) {
  auto options = std::make_shared<PermuteOptions>();
  CLI::App* command = app.add_subcommand(
      "permute", "permutation / re-randomization robustness check of a WCLS analysis of one MRT data set");
  add_wcls_data_options(command, options->data);
  command->add_option("--reshuffles", options->settings.reshuffles, "number of reshuffled data sets")
      ->check(CLI::Range(1u, kMaxReshuffles))
      ->capture_default_str();
  command->add_option("--scheme", options->scheme,
                      "permute: shuffle each subject's treatments among its available points; "
                      "rerandomize: redraw them from the randomization probabilities")
      ->check(CLI::IsMember({"permute", "rerandomize"}))
      ->capture_default_str();
  command->add_option("--seed", options->settings.seed, "seed of the reshuffles (non-negative integer)")->required();
  command->add_option("--alpha", options->settings.alpha, "level of the analytic tests counted as significant")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  command->add_option("--threads", options->settings.threads, "CPU threads (default: all cores)")
      ->check(CLI::NonNegativeNumber);
  command->add_option("--format", options->format, "output: table or json")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
  command->callback([options] { run_permute(*options); });
}

}  // namespace mrtsim::cli
