// `mrtsim run STUDY.yaml`: runs a simulation study and writes its tables.
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <memory>

#include "host/cli/commands.h"
#include "host/config/study_config.h"
#include "host/engine/study_runner.h"
#include "host/io/study_tables.h"
#include "host/user_error.h"

namespace mrtsim::cli {

namespace {

struct RunArguments {
  std::string study_path;
  std::string out_dir;
  std::string format = "table";
  long long replicates = 0;
  std::string seed;
  RunOptions options;
  bool quiet = false;
};

uint64_t parse_seed(const std::string& text) {
  try {
    size_t used = 0;
    const unsigned long long seed = std::stoull(text, &used);
    if (used == text.size() && text.find('-') == std::string::npos) return seed;
  } catch (const std::exception&) {
  }
  throw UserError("--seed: '" + text + "' is not a non-negative integer");
}

void run(const RunArguments& args) {
  StudyConfig study = load_study(args.study_path);
  if (args.replicates > 0) study.replicates = args.replicates;
  if (!args.seed.empty()) study.seed = parse_seed(args.seed);
  RunOptions options = args.options;
  options.progress = !args.quiet && isatty(STDERR_FILENO);
  const StudyResult result = run_study(study, options);
  const std::string out_dir = args.out_dir.empty() ? "results/" + study.name : args.out_dir;
  write_study_tables(result, out_dir);
  if (args.format == "json") {
    std::cout << study_json(result).dump(2) << "\n";
  } else {
    std::cout << rejection_markdown(result);
    std::cout << "\nTables written to " << out_dir << "/\n";
  }
  if (!args.quiet)
    std::fprintf(stderr, "mrtsim: %zu cells, %.3g subject-decisions in %.2f s (%.3g cells/s) on %s\n",
                 result.cells.size(), result.subject_decisions, result.seconds,
                 result.subject_decisions / result.seconds, result.backend.c_str());
}

}  // namespace

void add_run_command(CLI::App& app) {
  auto args = std::make_shared<RunArguments>();
  CLI::App* cmd = app.add_subcommand("run", "Run a simulation study from a YAML file and write its tables");
  cmd->add_option("study", args->study_path, "Study file (YAML)")->required();
  cmd->add_option("--out", args->out_dir, "Output folder (default results/<study name>)");
  cmd->add_option("--backend", args->options.backend, "auto, cpu or cuda")
      ->check(CLI::IsMember({"auto", "cpu", "cuda"}));
  cmd->add_option("--threads", args->options.threads, "CPU threads (default: all cores)")->check(CLI::NonNegativeNumber);
  cmd->add_option("--replicates", args->replicates, "Override the study's replicates per cell")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--seed", args->seed, "Override the study's seed");
  cmd->add_option("--batch-size", args->options.batch_size, "Replicates per backend call (results do not depend on it)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--format", args->format, "What to print on stdout: table or json")
      ->check(CLI::IsMember({"table", "json"}));
  cmd->add_flag("--quiet", args->quiet, "No progress or timing on stderr");
  cmd->callback([args] { run(*args); });
}

}  // namespace mrtsim::cli
