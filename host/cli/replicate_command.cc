// `mrtsim replicate STUDY.yaml --scenario S --hypothesis H --replicate R --dump DIR`: one replicate of a
// study on its own. Writes the replicate's simulated cohort as an MRT data set (DIR/cohort.csv) that
// `mrtsim wcls`, `emee` or `dcee` (and R's MRTAnalysis) can analyse, and the study's own fit of it (DIR/replicate.json,
// the numbers of its rows in the per-replicate table), and prints the command that analyses the
// cohort. Replicates are keyed by (study seed, cell, replicate), so this is exactly the study's replicate.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "core/user_error.h"
#include "host/cli/commands.h"
#include "host/cli/option_checks.h"
#include "host/config/study_config.h"
#include "host/engine/cell_plan.h"
#include "host/engine/study_runner.h"
#include "host/io/study_tables.h"
#include "mrtsim_version.h"
#include "kernels/replicate_buffers.h"

namespace mrtsim::cli {

namespace {

struct ReplicateArguments {
  std::string study_path;
  int scenario = 0;
  std::string hypothesis;
  long long replicate = 0;
  std::string dump_dir;
  std::string seed;
  bool seed_given = false;
};

// The cell of (scenario, hypothesis): cells are scenario-major, hypotheses in the study's order.
std::size_t cell_index(const StudyConfig& study, const ReplicateArguments& args) {
  if (args.scenario < 0 || static_cast<std::size_t>(args.scenario) >= study.scenarios.size())
    throw UserError("--scenario " + std::to_string(args.scenario) + ": the study has scenarios 0 to " +
                    std::to_string(study.scenarios.size() - 1));
  const Hypothesis hypothesis = kHypothesisNames.parse(args.hypothesis, "--hypothesis", "hypothesis");
  for (std::size_t h = 0; h < study.hypotheses.size(); ++h)
    if (study.hypotheses[h] == hypothesis) return static_cast<std::size_t>(args.scenario) * study.hypotheses.size() + h;
  throw UserError("--hypothesis " + args.hypothesis + ": the study does not run this hypothesis");
}

// The study's fit of the replicate, as its per-replicate table has it.
nlohmann::json study_fit(const CellPlan& cell, uint32_t replicate) {
  const std::vector<std::string>& names = cell.coefficient_names();
  const int dim = static_cast<int>(names.size());
  ReplicateBuffers buffers(1, dim, cell.has_permutation_test(), cell.has_unadjusted_variance());
  cell.run_replicates(Backend::kCpu, 1, replicate, 1, buffers.view());
  nlohmann::json coefficients = nlohmann::json::array();
  const bool ok = buffers.status[0] == static_cast<int>(FitStatus::kOk);
  for (int j = 0; j < dim; ++j)
    coefficients.push_back({{"coefficient", names[j]},
                            {"estimate", ok ? nlohmann::json(buffers.estimates[j]) : nlohmann::json()},
                            {"se", ok ? nlohmann::json(buffers.std_errors[j]) : nlohmann::json()}});
  return {{"status", kFitStatusNames.name(static_cast<FitStatus>(buffers.status[0]))},
          {"n_eff", buffers.n_eff[0]},
          {"joint_statistic", ok ? nlohmann::json(buffers.joint[0]) : nlohmann::json()},
          {"coefficients", coefficients}};
}

void run(const ReplicateArguments& args) {
  StudyConfig study = load_study(args.study_path);
  if (args.seed_given) study.seed = parse_seed(args.seed, "--seed");
  if (args.replicate >= study.replicates)
    throw UserError("--replicate " + std::to_string(args.replicate) + ": the study's replicates are 0 to " +
                    std::to_string(study.replicates - 1) + " (give --replicates to mrtsim run for more)");
  const std::size_t cell_number = cell_index(study, args);
  const StudyPlan plan(study);
  const CellPlan& cell = plan.cell_plan(cell_number);
  const auto replicate = static_cast<uint32_t>(args.replicate);
  prepare_output_folder(args.dump_dir, "--dump");
  const std::string csv_path = args.dump_dir + "/cohort.csv";
  std::ofstream csv(csv_path + ".partial", std::ios::trunc);
  const std::string command = cell.write_cohort(replicate, csv, csv_path);
  csv.close();
  if (!csv) throw UserError(csv_path + ": cannot write the cohort");
  std::filesystem::rename(csv_path + ".partial", csv_path);

  nlohmann::json record = {{"study", study.name},
                           {"seed", study.seed},
                           {"engine_version", MRTSIM_VERSION},
                           {"scenario", args.scenario},
                           {"hypothesis", args.hypothesis},
                           {"replicate", args.replicate},
                           {"n_subjects", study.scenarios[static_cast<std::size_t>(args.scenario)].sample_size},
                           {"cohort", csv_path},
                           {"analysis_command", command.empty() ? nlohmann::json() : nlohmann::json("mrtsim " + command)},
                           {"study_fit", study_fit(cell, replicate)}};
  write_file_atomically(args.dump_dir + "/replicate.json", record.dump(2) + "\n");
  std::cout << record["study_fit"].dump(2) << "\nCohort written to " << csv_path;
  if (command.empty())
    std::cout << "; no mrtsim command runs this cell's estimator ("
              << kEstimatorNames.name(study.scenarios[static_cast<std::size_t>(args.scenario)].analysis.estimator)
              << "; R's geepack or DTRreg can)\n";
  else
    std::cout << "; analyse it with\n  mrtsim " << command << "\n";
}

}  // namespace

void add_replicate_command(CLI::App& app) {
  auto args = std::make_shared<ReplicateArguments>();
  CLI::App* cmd = app.add_subcommand(
      "replicate", "Write one replicate of a study (its cohort as a CSV data set, and the study's fit of it)");
  cmd->add_option("study", args->study_path, "Study file (YAML)")->required();
  cmd->add_option("--scenario", args->scenario, "Scenario (0-based, as in the tables)")->required();
  cmd->add_option("--hypothesis", args->hypothesis, "null or alternative")->required();
  cmd->add_option("--replicate", args->replicate, "Replicate (0-based, as in the per-replicate table)")
      ->required()
      ->check(integer_range(0, kMaxReplicates - 1));
  cmd->add_option("--dump", args->dump_dir, "Folder for cohort.csv and replicate.json")->required();
  cmd->add_option("--seed", args->seed, "Override the study's seed (as mrtsim run --seed)")
      ->each([args](const std::string&) { args->seed_given = true; });
  cmd->callback([args] { run(*args); });
}

}  // namespace mrtsim::cli
