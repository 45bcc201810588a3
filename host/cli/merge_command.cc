// `mrtsim merge DIR_1 ... DIR_n --out DIR`: the tables of a study from the run folders of its Slurm
// shards (mrtsim run --shard i/n), identical to those of one unsharded run.
#include <cstdio>
#include <iostream>
#include <map>
#include <memory>

#include "host/cli/commands.h"
#include "host/engine/study_runner.h"
#include "host/io/study_tables.h"
#include "core/user_error.h"

namespace mrtsim::cli {

namespace {

struct MergeArguments {
  std::vector<std::string> shard_dirs;
  std::string out_dir;
  std::string format = "table";
};

std::string describe(const WorkUnit& unit, const StudyPlan& plan) {
  return "work unit " + std::to_string(unit.index + 1) + " of " + std::to_string(plan.units().size()) + " (cell " +
         std::to_string(unit.cell + 1) + ", replicates " + std::to_string(unit.first + 1) + "-" +
         std::to_string(unit.first + unit.count) + ")";
}

// The shard i/n that computes unit `index`.
std::string owning_shard(size_t index, const StudyPlan& plan, int shard_count) {
  for (int i = 0; i < shard_count; ++i) {
    const UnitRange part = balanced_part(plan.units(), i, shard_count);
    if (part.begin <= index && index < part.end) return ShardSpec{i + 1, shard_count}.text();
  }
  return "?";
}

// Every unit's record from the shard folders: each unit exactly once.
std::vector<UnitRecord> collect_records(const StudyPlan& plan, const MergeArguments& args, int shard_count) {
  std::vector<UnitRecord> records;
  std::map<size_t, std::string> found_in;
  for (const std::string& dir : args.shard_dirs) {
    CheckpointContents contents =
        read_checkpoint(dir, plan.identity(), plan.units(), plan.coefficients_per_cell(), /*repair=*/false);
    if (!contents.exists) throw UserError(dir + ": no checkpoint here (is it the --out folder of a shard?)");
    for (const std::string& w : contents.warnings) std::fprintf(stderr, "mrtsim: warning: %s\n", w.c_str());
    for (UnitRecord& r : contents.records) {
      const auto [it, inserted] = found_in.emplace(r.unit, dir);
      if (!inserted)
        throw UserError(describe(plan.units().unit(r.unit), plan) + " is in both " + it->second + " and " + dir +
                        ": overlapping shards are not merged (was a folder given twice?)");
      records.push_back(std::move(r));
    }
  }
  const size_t total = plan.units().size();
  if (found_in.size() < total) {
    size_t first_missing = 0;  // the first gap in the sorted unit indices
    for (const auto& entry : found_in) {
      if (entry.first != first_missing) break;
      ++first_missing;
    }
    throw UserError(std::to_string(total - found_in.size()) + " of " + std::to_string(total) +
                    " work units are in none of the folders, first " +
                    describe(plan.units().unit(first_missing), plan) + " of shard " +
                    owning_shard(first_missing, plan, shard_count) +
                    ": is every shard finished (rerunning a shard's command completes it) and listed?");
  }
  return records;
}

void merge(const MergeArguments& args) {
  const auto [identity, shard] = read_checkpoint_identity(args.shard_dirs.front());
  StudyConfig study = parse_study(identity.study_text, identity.study_file);
  study.seed = identity.seed;
  study.replicates = identity.replicates;
  const StudyPlan plan(study);
  const StudyResult result = plan.assemble(collect_records(plan, args, shard.count));
  write_study_tables(result, args.out_dir);
  if (args.format == "json") {
    std::cout << study_json(result).dump(2) << "\n";
  } else {
    std::cout << rejection_markdown(result) << "\nTables of " << args.shard_dirs.size() << " shard folders written to "
              << args.out_dir << "/\n";
  }
}

}  // namespace

void add_merge_command(CLI::App& app) {
  auto args = std::make_shared<MergeArguments>();
  CLI::App* cmd = app.add_subcommand("merge", "Merge the run folders of a study's shards (mrtsim run --shard i/n)");
  cmd->add_option("shards", args->shard_dirs, "The shards' run folders (their --out)")->required();
  cmd->add_option("--out", args->out_dir, "Folder for the merged tables")->required();
  cmd->add_option("--format", args->format, "What to print on stdout: table or json")
      ->check(CLI::IsMember({"table", "json"}));
  cmd->callback([args] { merge(*args); });
}

}  // namespace mrtsim::cli
