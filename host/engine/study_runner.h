// Runs a study: every scenario x hypothesis cell, its replicates cut into work units
// (host/engine/work_plan.h) that are shared among Slurm shards and MPI ranks, computed on the chosen
// backend in batches, recorded in the run folder's checkpoint as they finish, and merged into the
// per-cell summaries in unit order.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "host/config/study_config.h"
#include "host/results/study_result.h"
#include "host/engine/cell_plan.h"
#include "host/engine/process_group.h"
#include "host/engine/progress_report.h"
#include "host/engine/work_plan.h"
#include "host/io/checkpoint_store.h"
#include "host/stats/cell_summary.h"
#include "kernels/wcls_backend.h"

namespace mrtsim {

// Thrown by run_study when RunOptions::keep_going asked it to stop.
class RunCancelled : public std::runtime_error {
 public:
  RunCancelled() : std::runtime_error("the run was cancelled") {}
};

struct RunOptions {
  std::string backend = "auto";
  int threads = 0;            // 0: all cores (shared among the MPI ranks of a node)
  long long batch_size = 8192;  // replicates per backend call (memory bound; results do not depend on it)
  ProgressStyle progress = ProgressStyle::kNone;  // on stderr (host/engine/progress_report.h)
  double progress_interval = 30.0;  // seconds between ProgressStyle::kLines lines
  ShardSpec shard;            // the part of the study this run computes (--shard i/n)
  std::string checkpoint_dir;  // run folder whose checkpoint records finished units; empty: none
  bool restart = false;       // discard the folder's checkpoint before starting
  // Called after every batch with the work units this process has finished and its total; returning
  // false stops the run (RunCancelled). Front ends show progress and cancel long runs with it.
  std::function<bool(size_t finished, size_t total)> keep_going;
};

class CellPlan;

// The study's cells and work units, and what identifies its results (seed, replicates, text).
// Planning chooses the sample sizes: by formula, or by simulation (host/engine/simulated_sample_size.h;
// deterministic, so every process that plans the study, and a later merge, finds the same N).
class StudyPlan {
 public:
  explicit StudyPlan(const StudyConfig& study);
  ~StudyPlan();

  const StudyConfig& study() const { return study_; }
  const std::vector<SampleSizeSearch>& sample_size_searches() const { return searches_; }
  const UnitLayout& units() const { return units_; }
  const std::vector<size_t>& coefficients_per_cell() const { return coefficients_per_cell_; }
  size_t cell_count() const { return cell_plans_.size(); }
  const CellPlan& cell_plan(size_t cell) const { return *cell_plans_[cell]; }
  RunIdentity identity() const;

  // The tables' data from a record of every unit (any order). Throws if one is missing or repeated.
  StudyResult assemble(const std::vector<UnitRecord>& records) const;

 private:
  StudyConfig study_;
  std::vector<SampleSizeSearch> searches_;  // found when planned (sample_size: {method: simulation})
  std::vector<std::unique_ptr<CellPlan>> cell_plans_;
  std::vector<CellResult> cells_;  // without summaries
  std::vector<double> nominal_;    // per cell: alpha under H0, target power under H1
  std::vector<size_t> coefficients_per_cell_;
  UnitLayout units_;
};

// What one process of a run did.
struct RunReport {
  std::optional<StudyResult> result;  // at the root of a run that covers the whole study (no shard)
  size_t units = 0;                   // units of this run's shard
  size_t resumed = 0;                 // of which the checkpoint already held
  size_t computed = 0;                // of which this run computed (all ranks)
  std::vector<std::string> warnings;  // incomplete checkpoint records that were cut off
  std::vector<std::string> notes;     // for the run log: e.g. cells that run on the CPU under --backend cuda
};

// Runs this process's share of the study (see RunOptions) in `group`.
RunReport run_study(const StudyConfig& study, const RunOptions& options, const ProcessGroup& group);

// The whole study in this process, without a checkpoint (tests, benchmarks).
StudyResult run_study(const StudyConfig& study, const RunOptions& options);

}  // namespace mrtsim
