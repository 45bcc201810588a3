// `mrtsim permute`: permutation / re-randomization robustness check of one WCLS or EMEE/EMEE2
// analysis (host/analysis/permutation_test.h), printed as JSON (docs/architecture.md §5) or as a table.
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "host/analysis/permutation_test.h"
#include "host/cli/commands.h"
#include "host/cli/emee_options.h"
#include "host/cli/option_checks.h"
#include "host/cli/wcls_options.h"
#include "core/user_error.h"

namespace mrtsim::cli {
namespace {

struct PermuteOptions {
  WclsDataOptions data;
  std::string estimator = "wcls";
  std::string scheme = "permute";
  std::string backend = "auto";
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

nlohmann::ordered_json result_json(const PermutationTestResult& result, const nlohmann::ordered_json& observed) {
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
          {"observed", observed}};
}

void print_table(const PermutationTestResult& result, const std::string& estimator, const std::string& path) {
  std::printf("%s check of %s on %s: %u reshuffles (seed %llu), %u completed, %u failed (left out)\n",
              kReshuffleSchemeNames.name(result.settings.scheme), estimator.c_str(), path.c_str(), result.settings.reshuffles,
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

// The check and the observed analysis's JSON object.
struct CheckedAnalysis {
  PermutationTestResult result;
  nlohmann::ordered_json observed;
};

CheckedAnalysis check_wcls(PermuteOptions options) {
  options.settings.backend = resolve_backend(options.backend);
  const WclsDesign design = load_wcls_design(options.data);
  return {permutation_test(design, options.settings),
          wcls_analysis_json(analyze_wcls(design, options.settings.joint_form))};
}

// EMEE reshuffles run on the CPU: `auto` means the CPU, and permutation_test refuses `cuda` by name.
CheckedAnalysis check_emee(PermuteOptions options, EmeeVariant variant) {
  if (options.data.mrtanalysis_joint_test)
    throw UserError("--mrtanalysis-joint-test applies to --estimator wcls only");
  options.settings.backend = options.backend == "cuda" ? Backend::kCuda : Backend::kCpu;
  const EmeeDesign design = load_emee_design(options.data.data, variant);
  return {permutation_test(design, kDefaultEmeeConfidenceLevel, options.settings),
          emee_analysis_json(analyze_emee(design, kDefaultEmeeConfidenceLevel))};
}

void run_permute(PermuteOptions options) {
  options.settings.scheme = kReshuffleSchemeNames.parse(options.scheme, "--scheme", "scheme");
  options.settings.joint_form = options.data.joint_form();
  const CheckedAnalysis checked = options.estimator == "wcls"    ? check_wcls(options)
                                  : options.estimator == "emee" ? check_emee(options, EmeeVariant::kEmee)
                                                                : check_emee(options, EmeeVariant::kEmee2);
  if (options.format == "json")
    std::cout << result_json(checked.result, checked.observed).dump(2) << "\n";
  else
    print_table(checked.result, options.estimator, options.data.data.data_path);
}

}  // namespace

void add_permute_command(CLI::App& app) {
  auto options = std::make_shared<PermuteOptions>();
  CLI::App* command = app.add_subcommand(
      "permute", "permutation / re-randomization robustness check of a WCLS or EMEE analysis of one MRT data set");
  add_wcls_data_options(command, options->data);
  command->add_option("--estimator", options->estimator,
                      "the analysis: wcls (continuous outcome) or emee / emee2 (binary outcome, log relative risk)")
      ->check(CLI::IsMember({"wcls", "emee", "emee2"}))
      ->capture_default_str();
  command->add_option("--reshuffles", options->settings.reshuffles, "number of reshuffled data sets")
      ->check(CLI::Range(1u, kMaxReshuffles))
      ->capture_default_str();
  command->add_option("--scheme", options->scheme,
                      "permute: shuffle each subject's treatments among its available points; "
                      "rerandomize: redraw them from the randomization probabilities")
      ->check(CLI::IsMember({"permute", "rerandomize"}))
      ->capture_default_str();
  command->add_option("--seed", options->settings.seed, "seed of the reshuffles (non-negative integer)")
      ->check(seed_text())
      ->required();
  command->add_option("--alpha", options->settings.alpha, "level of the analytic tests counted as significant")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  add_threads_option(command, options->settings.threads, "CPU threads (default: all cores)");
  command->add_option("--backend", options->backend,
                      "where WCLS reshuffles are fitted: auto (CUDA when a device is present), cpu or cuda; "
                      "the result does not depend on it")
      ->check(CLI::IsMember({"auto", "cpu", "cuda"}))
      ->capture_default_str();
  command->add_option("--format", options->format, "output: table or json")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
  command->callback([options] { run_permute(*options); });
}

}  // namespace mrtsim::cli
