// `mrtsim run STUDY.yaml`: runs a simulation study (or one shard of it) and writes its tables,
// alone or as the ranks of an MPI job, resuming from the run folder's checkpoint.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <memory>

#include "host/cli/commands.h"
#include "host/cli/option_checks.h"
#include "host/config/study_config.h"
#include "host/engine/study_runner.h"
#include "host/io/study_tables.h"
#include "core/user_error.h"

namespace mrtsim::cli {

namespace {

namespace fs = std::filesystem;

// Replicates per backend call: the buffers hold this many replicates' estimates at once.
constexpr long long kMaxBatchSize = 1LL << 24;

struct RunArguments {
  std::string study_path;
  std::string out_dir;
  std::string format = "table";
  long long replicates = 0;
  bool replicates_given = false;
  std::string seed;
  bool seed_given = false;
  std::string shard;
  RunOptions options;
  bool quiet = false;
  bool progress = false;  // a progress line after every batch (front ends read them)
};

void print_result(const RunArguments& args, const StudyResult& result, const std::string& out_dir) {
  if (args.format == "json") {
    std::cout << study_json(result).dump(2) << "\n";
  } else {
    std::cout << rejection_markdown(result);
    std::cout << "\nTables written to " << out_dir << "/\n";
  }
  if (!args.quiet && result.seconds > 0.0)
    std::fprintf(stderr, "mrtsim: %zu cells, %.3g subject-decisions in %.2f s (%.3g cells/s) on %s\n",
                 result.cells.size(), result.subject_decisions, result.seconds,
                 result.subject_decisions / result.seconds, result.backend.c_str());
}

void run(const RunArguments& args, const ProcessGroup& group) {
  StudyConfig study = load_study(args.study_path);
  if (args.replicates_given) study.replicates = args.replicates;
  if (args.seed_given) study.seed = parse_seed(args.seed, "--seed");
  RunOptions options = args.options;
  if (!args.shard.empty()) options.shard = parse_shard(args.shard);
  options.checkpoint_dir = args.out_dir.empty() ? "results/" + study.name : args.out_dir;
  if (group.is_root()) prepare_output_folder(options.checkpoint_dir, args.out_dir.empty() ? "the run folder" : "--out");
  // A terminal gets one updating line; a log (Slurm) a line every 30 s; a front end (--progress) a
  // line after every batch.
  if (!args.quiet && group.is_root()) {
    options.progress = isatty(STDERR_FILENO) && !args.progress ? ProgressStyle::kTerminal : ProgressStyle::kLines;
    options.progress_interval = args.progress ? 0.0 : 30.0;
  }
  const RunReport report = run_study(study, options, group);
  if (!group.is_root()) return;
  for (const std::string& warning : report.warnings) std::fprintf(stderr, "mrtsim: warning: %s\n", warning.c_str());
  if (!args.quiet)
    for (const std::string& note : report.notes) std::fprintf(stderr, "mrtsim: note: %s\n", note.c_str());
  if (!args.quiet && report.resumed > 0)
    std::fprintf(stderr, "mrtsim: resumed from %s/checkpoint: %zu of %zu work units were already done\n",
                 options.checkpoint_dir.c_str(), report.resumed, report.units);
  if (report.result) {
    write_study_tables(*report.result, options.checkpoint_dir);
    print_result(args, *report.result, options.checkpoint_dir);
  } else {
    std::cout << "Shard " << options.shard.text() << " of study " << study.name << ": " << report.units
              << " work units done (" << report.resumed << " resumed, " << report.computed << " computed) in "
              << options.checkpoint_dir << "/\nWhen every shard is done: mrtsim merge <the shards' folders> --out DIR\n";
  }
}

}  // namespace

void add_run_command(CLI::App& app) {
  auto args = std::make_shared<RunArguments>();
  CLI::App* cmd = app.add_subcommand("run", "Run a simulation study from a YAML file and write its tables");
  cmd->add_option("study", args->study_path, "Study file (YAML)")->required();
  cmd->add_option("--out", args->out_dir,
                  "Run folder for tables and checkpoint (default results/<study name>); rerunning the same "
                  "command resumes from its checkpoint");
  cmd->add_option("--backend", args->options.backend, "auto, cpu or cuda")
      ->check(CLI::IsMember({"auto", "cpu", "cuda"}));
  add_threads_option(cmd, args->options.threads, "CPU threads (default: all cores, shared among the MPI ranks of a node)");
  cmd->add_option("--replicates", args->replicates, "Override the study's replicates per cell")
      ->check(integer_range(1, kMaxReplicates))
      ->each([args](const std::string&) { args->replicates_given = true; });
  cmd->add_option("--seed", args->seed, "Override the study's seed")
      ->check(seed_text())
      ->each([args](const std::string&) { args->seed_given = true; });
  cmd->add_option("--batch-size", args->options.batch_size, "Replicates per backend call (results do not depend on it)")
      ->check(integer_range(1, kMaxBatchSize));
  cmd->add_option("--shard", args->shard,
                  "Compute only shard i of n (1-based, e.g. $SLURM_ARRAY_TASK_ID/8); combine with mrtsim merge");
  cmd->add_flag("--restart", args->options.restart, "Discard the run folder's checkpoint and start over");
  cmd->add_option("--format", args->format, "What to print on stdout: table or json")
      ->check(CLI::IsMember({"table", "json"}));
  cmd->add_flag("--quiet", args->quiet, "No progress or timing on stderr");
  cmd->add_flag("--progress", args->progress,
                "A progress line on stderr after every batch (for front ends such as the R package); otherwise a terminal gets one updating line and a log a line every 30 s");
  cmd->callback([args] {
    const ProcessGroup group;
    if (group.size() == 1) return run(*args, group);
    try {  // an error on one rank must not leave the others waiting for it
      run(*args, group);
    } catch (const UserError& e) {
      std::fprintf(stderr, "mrtsim: error (rank %d): %s\n", group.rank(), e.what());
      group.abort(2);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "mrtsim: internal error (rank %d): %s\n", group.rank(), e.what());
      group.abort(3);
    }
  });
}

}  // namespace mrtsim::cli
