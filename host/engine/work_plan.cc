#include "host/engine/work_plan.h"

#include <algorithm>


namespace mrtsim {

std::vector<WorkUnit> plan_work_units(const std::vector<double>& cell_costs, long long replicates,
                                      long long replicates_per_unit) {
  std::vector<WorkUnit> units;
  for (size_t cell = 0; cell < cell_costs.size(); ++cell) {
    for (long long first = 0; first < replicates; first += replicates_per_unit) {
      WorkUnit unit;
      unit.index = units.size();
      unit.cell = cell;
      unit.first = first;
      unit.count = std::min(replicates_per_unit, replicates - first);
      unit.cost = cell_costs[cell] * static_cast<double>(unit.count);
      units.push_back(unit);
    }
  }
  return units;
}

std::vector<WorkUnit> balanced_part(const std::vector<WorkUnit>& units, int part, int parts) {
  double total = 0.0;
  for (const WorkUnit& u : units) total += u.cost;
  // Unit u belongs to the part that contains the midpoint of its cost interval.
  std::vector<WorkUnit> mine;
  double before = 0.0;
  for (const WorkUnit& u : units) {
    const double midpoint = before + 0.5 * u.cost;
    const int owner = total > 0.0 ? std::min(parts - 1, static_cast<int>(midpoint / total * parts)) : 0;
    if (owner == part) mine.push_back(u);
    before += u.cost;
  }
  return mine;
}

}  // namespace mrtsim
