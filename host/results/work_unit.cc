#include "host/results/work_unit.h"

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "core/user_error.h"

namespace mrtsim {

UnitLayout::UnitLayout(std::vector<double> replicate_costs, long long replicates, long long replicates_per_unit)
    : replicate_costs_(std::move(replicate_costs)), replicates_(replicates), replicates_per_unit_(replicates_per_unit) {
  if (replicates < 1 || replicates_per_unit < 1)
    throw std::invalid_argument("UnitLayout: replicates and replicates per unit must be positive");
  units_per_cell_ = static_cast<std::size_t>((replicates + replicates_per_unit - 1) / replicates_per_unit);
  cell_cost_before_.reserve(replicate_costs_.size() + 1);
  double total = 0.0;
  for (const double cost : replicate_costs_) {
    cell_cost_before_.push_back(total);
    total += cost * static_cast<double>(replicates);
  }
  cell_cost_before_.push_back(total);
}

WorkUnit UnitLayout::unit(std::size_t index) const {
  if (index >= size())
    throw std::out_of_range("work unit " + std::to_string(index) + " of " + std::to_string(size()));
  WorkUnit unit;
  unit.index = index;
  unit.cell = index / units_per_cell_;
  unit.first = static_cast<long long>(index % units_per_cell_) * replicates_per_unit_;
  unit.count = std::min(replicates_per_unit_, replicates_ - unit.first);
  unit.cost = replicate_costs_[unit.cell] * static_cast<double>(unit.count);
  return unit;
}

double UnitLayout::cost_before(std::size_t index) const {
  if (index >= size()) return cell_cost_before_.back();
  const std::size_t cell = index / units_per_cell_;
  const long long replicates_before = static_cast<long long>(index % units_per_cell_) * replicates_per_unit_;
  return cell_cost_before_[cell] + replicate_costs_[cell] * static_cast<double>(replicates_before);
}

ShardSpec parse_shard(const std::string& text) {
  const auto bad = [&] {
    return UserError("--shard: '" + text + "' is not i/n with shards numbered 1..n (e.g. --shard 3/8)");
  };
  const size_t slash = text.find('/');
  if (slash == std::string::npos) throw bad();
  ShardSpec shard;
  try {
    size_t used_i = 0, used_n = 0;
    shard.index = std::stoi(text.substr(0, slash), &used_i);
    shard.count = std::stoi(text.substr(slash + 1), &used_n);
    if (used_i != slash || used_n != text.size() - slash - 1) throw bad();
  } catch (const std::logic_error&) {
    throw bad();
  }
  if (shard.count < 1 || shard.index < 1 || shard.index > shard.count) throw bad();
  return shard;
}

}  // namespace mrtsim
