// How a study's work is cut up and shared out. A work unit is a fixed range of one cell's
// replicates (the study's replicates_per_unit; host/results/work_unit.h lays them out without
// listing them); units are the grain of checkpoints, Slurm shards and MPI ranks, and the order in
// which a cell's partial results are merged. Because units and the merge order depend only on the
// study, tables do not depend on who computed which unit.
#pragma once

#include <vector>

#include "host/results/work_unit.h"

namespace mrtsim {

// Splits the units of `ranges` (sorted, disjoint; taken in order) into `parts` consecutive runs of
// about equal cost and returns run `part` (0-based) as ranges: a unit belongs to the part that holds
// the midpoint of its cost interval. Consecutive runs keep a cell's replicates together, so backends
// get long batches. Costs O(ranges + parts log units), whatever the number of units.
std::vector<UnitRange> balanced_part(const UnitLayout& layout, const std::vector<UnitRange>& ranges, int part,
                                     int parts);

// Part `part` of `parts` of all the study's units (a shard of a Slurm array).
UnitRange balanced_part(const UnitLayout& layout, int part, int parts);

// `ranges` without the units in `done` (sorted unit indices).
std::vector<UnitRange> without_units(const std::vector<UnitRange>& ranges, const std::vector<size_t>& done);

}  // namespace mrtsim
