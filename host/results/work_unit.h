// The records a run is made of: work units (fixed replicate ranges of one cell, the grain of
// checkpoints, Slurm shards and MPI ranks), the shard a run computes, what identifies a run, and
// the record of a finished unit. Plain data shared by the engine (host/engine/work_plan.h plans
// units) and the checkpoint store (host/io/checkpoint_store.h keeps the records).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "host/stats/cell_summary.h"

namespace mrtsim {

struct WorkUnit {
  size_t index = 0;     // position in the study's unit list
  size_t cell = 0;      // scenario x hypothesis cell, in table order
  long long first = 0;  // replicates first .. first + count - 1 of the cell
  long long count = 0;
  double cost = 0.0;  // simulated subject-decision cells, for balancing
};

// The study's work units, computed on demand rather than listed: cell c is cut into units_per_cell()
// consecutive units of replicates_per_unit replicates (the last one of a cell may be shorter), and
// unit u covers cell u / units_per_cell(). Nothing here grows with the replicate count, so planning
// costs the same for 10 replicates as for 2^31 (and a checkpoint names units by index).
class UnitLayout {
 public:
  UnitLayout() = default;
  // replicate_costs[c]: the cost of one replicate of cell c (simulated subject-decision cells).
  UnitLayout(std::vector<double> replicate_costs, long long replicates, long long replicates_per_unit);

  std::size_t size() const { return replicate_costs_.size() * units_per_cell_; }
  std::size_t cells() const { return replicate_costs_.size(); }
  std::size_t units_per_cell() const { return units_per_cell_; }
  // Unit `index` (< size(); std::out_of_range otherwise).
  WorkUnit unit(std::size_t index) const;
  // The total cost of units 0 .. index - 1 (index <= size()).
  double cost_before(std::size_t index) const;

 private:
  std::vector<double> replicate_costs_;
  std::vector<double> cell_cost_before_;  // cost of cells 0 .. c - 1
  long long replicates_ = 0;
  long long replicates_per_unit_ = 1;
  std::size_t units_per_cell_ = 0;
};

// Consecutive units begin .. end - 1.
struct UnitRange {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::size_t size() const { return end - begin; }
  bool operator==(const UnitRange& o) const { return begin == o.begin && end == o.end; }
};

// Shard i of n of a Slurm array (--shard i/n, 1-based).
struct ShardSpec {
  int index = 1;
  int count = 1;
  std::string text() const { return std::to_string(index) + "/" + std::to_string(count); }
  bool operator==(const ShardSpec& o) const { return index == o.index && count == o.count; }
};
// "i/n" with 1 <= i <= n; anything else is a UserError naming --shard.
ShardSpec parse_shard(const std::string& text);

// What makes results of two runs mergeable: the same engine, study text, seed and replicates.
struct RunIdentity {
  std::string engine_version;  // version and a hash of the engine's sources (cmake/engine_fingerprint.cmake)
  std::string study_text;
  uint64_t seed = 0;
  long long replicates = 0;
  long long replicates_per_unit = 0;
  std::string study_file;  // where the study was read from (informative: not compared)
};

// A finished work unit: the cell partial of its replicates.
struct UnitRecord {
  size_t unit = 0;      // WorkUnit::index
  std::string backend;  // backend that computed it ("cpu", "cuda")
  CellPartial partial;
};

}  // namespace mrtsim
