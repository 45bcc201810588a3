// `mrtsim dcee`: DCEE analysis of one data set, printed as JSON (docs/architecture.md §5) or as a table.
#include <cstdio>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "host/analysis/dcee_analysis.h"
#include "host/cli/analysis_options.h"
#include "host/cli/commands.h"
#include "host/cli/option_checks.h"
#include "host/io/mrt_csv.h"
#include "host/learners/gam_terms.h"
#include "core/user_error.h"

namespace mrtsim::cli {
namespace {

struct DceeOptions {
  DataSetOptions data;
  DceeModelSpec model;
  std::string format = "table";
  std::vector<const CLI::Option*> forest_options;  // given only with --learner rf
};

// ranger's names for the forest's hyper-parameters (docs/random_forest.md); defaults as ranger's.
void add_forest_options(CLI::App* command, DceeOptions& options) {
  RandomForestParams& forest = options.model.forest;
  options.forest_options = {
      command->add_option("--num-trees", forest.num_trees, "rf: trees in each forest (ranger num.trees)")
          ->capture_default_str(),
      command->add_option("--mtry", forest.mtry,
                          "rf: covariates tried at each split (ranger mtry; default floor(sqrt(covariates)))"),
      command->add_option("--min-node-size", forest.min_node_size,
                          "rf: nodes of at most this many rows are not split (ranger min.node.size)")
          ->capture_default_str(),
      command->add_option("--sample-fraction", forest.sample_fraction,
                          "rf: share of the rows each tree is grown on, drawn without replacement")
          ->capture_default_str(),
  };
  command->add_option("--threads", forest.threads, "rf: CPU threads growing the trees (results do not depend on it)")
      ->capture_default_str();
}

// The forest's options belong to --learner rf only.
void check_learner_options(const DceeOptions& options) {
  if (options.model.learner == DceeLearner::kRandomForest) return;
  for (const CLI::Option* option : options.forest_options)
    if (option->count() > 0)
      throw UserError("option " + option->get_name() + " is a random-forest option; it needs --learner rf (the learner is " +
                      kDceeLearnerNames.name(options.model.learner) + ")");
}

template <class T>
nlohmann::ordered_json optional_json(const std::optional<T>& value) {
  return value ? nlohmann::ordered_json(*value) : nlohmann::ordered_json(nullptr);
}

nlohmann::ordered_json analysis_json(const DceeAnalysis& analysis, const DceeModelSpec& model) {
  return {{"estimator", "dcee"},
          {"n_subjects", analysis.n_subjects},
          {"df", analysis.df},
          {"small_sample_correction", false},
          {"confidence_level", analysis.confidence_level},
          {"effect", coefficients_json(analysis.effect)},
          {"variance", matrix_json(analysis.variance)},
          {"learner", kDceeLearnerNames.name(analysis.learner)},
          {"controls", model.controls},
          {"weight", model.weight.empty() ? "1/Tbar" : model.weight},
          {"cross_fit", optional_json(analysis.cross_fit_folds)},
          {"seed", optional_json(analysis.seed)}};
}

void print_table(const DceeAnalysis& analysis, const std::string& path) {
  std::printf("DCEE (as MRTAnalysis::dcee) on %s\n", path.c_str());
  std::printf("%zu subjects; df = %d; nuisance learner: %s; cross-fitting: ", analysis.n_subjects, analysis.df,
              kDceeLearnerNames.name(analysis.learner));
  if (analysis.cross_fit_folds)
    std::printf("%d folds (seed %llu)\n", *analysis.cross_fit_folds, static_cast<unsigned long long>(*analysis.seed));
  else
    std::printf("no\n");
  const double level = 100 * analysis.confidence_level;
  std::printf("\nDistal causal excursion effect (beta):\n%-20s %12s %11.4g%% LCL %11.4g%% UCL %12s %12s\n", "",
              "Estimate", level, level, "StdErr", "p-value");
  for (const CoefficientInference& c : analysis.effect)
    std::printf("%-20s %12.6g %16.6g %16.6g %12.6g %12.6g\n", c.term.c_str(), c.estimate, c.lcl, c.ucl, c.se,
                c.p_value);
}

void run_dcee(DceeOptions options) {
  check_learner_options(options);
  options.model.moderators = column_list(options.data.moderators);
  // --controls arrives split at every comma, those inside s(..., bs = "cr") too: rejoin, then split
  // into terms.
  std::string controls;
  for (const std::string& piece : options.data.controls) controls += (controls.empty() ? "" : ",") + piece;
  options.model.controls = split_gam_terms(controls);
  const MrtData data = read_mrt_csv(options.data.data_path, dcee_column_spec(options.data.columns, options.model));
  const DceeDesign design = make_dcee_design(data, options.model);
  const DceeAnalysis analysis = analyze_dcee(design, options.model);
  if (options.format == "json")
    std::cout << analysis_json(analysis, options.model).dump(2) << "\n";
  else
    print_table(analysis, design.data.path);
}

}  // namespace

void add_dcee_command(CLI::App& app) {
  auto options = std::make_shared<DceeOptions>();
  CLI::App* command = app.add_subcommand(
      "dcee", "DCEE (distal causal excursion effect) analysis of one MRT data set, with MRTAnalysis::dcee's numbers");
  add_data_set_options(command, options->data, "distal outcome column (repeated on every row)",
                       "terms of the nuisance models, comma separated (intercept always): columns, and with "
                       "--learner gam smooth terms s(col), s(col, bs = \"cr\"), s(col, k = 5)");
  std::map<std::string, DceeLearner> learners;
  for (const auto& entry : kDceeLearnerNames.entries()) learners[entry.name] = entry.value;
  command->add_option("--learner", options->model.learner,
                      "nuisance learner: lm, gam (mgcv's; smooth terms s(col) in --controls), rf (random forest) or "
                      "set_to_zero (pure IPW)")
      ->transform(CLI::CheckedTransformer(learners))
      ->default_str("lm");
  add_forest_options(command, *options);
  command->add_option("--weight", options->model.weight,
                      "decision-point weight: a number or a column; default 1/Tbar (Tbar = rows / subjects)");
  command->add_option("--cross-fit", options->model.cross_fit_folds,
                      "cross-fit the nuisances with K folds of subjects (K >= 2; default: no cross-fitting)");
  command->add_option("--fold-column", options->model.fold_column,
                      "cross-fit with the folds of this column (0..K-1 per subject) instead of random ones, e.g. "
                      "the folds of a study's replicate (mrtsim replicate)")
      ->excludes(command->get_option("--cross-fit"));
  command->add_option("--seed", options->model.seed, "seed of the cross-fitting folds and of the random forests")
      ->check(seed_text())
      ->capture_default_str();
  command->add_option("--conf-level", options->model.confidence_level, "confidence level of the intervals")
      ->capture_default_str();
  command->add_option("--format", options->format, "output: table or json")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
  command->callback([options] { run_dcee(*options); });
}

}  // namespace mrtsim::cli
