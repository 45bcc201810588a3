// How a study's work is cut up and shared out. A work unit is a fixed range of one cell's
// replicates (the study's replicates_per_unit); units are the grain of checkpoints, Slurm shards
// and MPI ranks, and the order in which a cell's partial results are merged. Because units and the
// merge order depend only on the study, tables do not depend on who computed which unit.
#pragma once

#include <vector>

#include "host/results/work_unit.h"

namespace mrtsim {

// Units of every cell in order; cell_costs[c] is the cost of one replicate of cell c.
std::vector<WorkUnit> plan_work_units(const std::vector<double>& cell_costs, long long replicates,
                                      long long replicates_per_unit);

// Splits `units` (in order) into `parts` consecutive runs of about equal cost and returns run
// `part` (0-based). Consecutive runs keep a cell's replicates together, so backends get long
// batches.
std::vector<WorkUnit> balanced_part(const std::vector<WorkUnit>& units, int part, int parts);

}  // namespace mrtsim
