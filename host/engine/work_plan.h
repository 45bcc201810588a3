// How a study's work is cut up and shared out. A work unit is a fixed range of one cell's
// replicates (the study's replicates_per_unit); units are the grain of checkpoints, Slurm shards
// and MPI ranks, and the order in which a cell's partial results are merged. Because units and the
// merge order depend only on the study, tables do not depend on who computed which unit.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace mrtsim {

struct WorkUnit {
  size_t index = 0;  // position in the study's unit list
  size_t cell = 0;   // scenario x hypothesis cell, in table order
  long long first = 0;  // replicates first .. first + count - 1 of the cell
  long long count = 0;
  double cost = 0.0;  // simulated subject-decision cells, for balancing
};

// Units of every cell in order; cell_costs[c] is the cost of one replicate of cell c.
std::vector<WorkUnit> plan_work_units(const std::vector<double>& cell_costs, long long replicates,
                                      long long replicates_per_unit);

// Splits `units` (in order) into `parts` consecutive runs of about equal cost and returns run
// `part` (0-based). Consecutive runs keep a cell's replicates together, so backends get long
// batches.
std::vector<WorkUnit> balanced_part(const std::vector<WorkUnit>& units, int part, int parts);

// Shard i of n of a Slurm array (--shard i/n, 1-based).
struct ShardSpec {
  int index = 1;
  int count = 1;
  std::string text() const { return std::to_string(index) + "/" + std::to_string(count); }
  bool operator==(const ShardSpec& o) const { return index == o.index && count == o.count; }
};
// "i/n" with 1 <= i <= n; anything else is a UserError naming --shard.
ShardSpec parse_shard(const std::string& text);

}  // namespace mrtsim
