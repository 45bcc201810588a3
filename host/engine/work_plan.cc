#include "host/engine/work_plan.h"

#include <algorithm>
#include <cmath>

namespace mrtsim {

namespace {

// Positions of the units of `ranges` on one cost axis: the cost of the units before a unit.
class RangeCosts {
 public:
  RangeCosts(const UnitLayout& layout, const std::vector<UnitRange>& ranges) : layout_(layout), ranges_(ranges) {
    double total = 0.0;
    for (const UnitRange& r : ranges_) {
      range_cost_before_.push_back(total);
      total += layout_.cost_before(r.end) - layout_.cost_before(r.begin);
    }
    total_ = total;
  }
  double total() const { return total_; }
  // The midpoint of unit `unit` (of range `r`) on the axis.
  double midpoint(size_t r, size_t unit) const {
    const double before = range_cost_before_[r] + layout_.cost_before(unit) - layout_.cost_before(ranges_[r].begin);
    return before + 0.5 * (layout_.cost_before(unit + 1) - layout_.cost_before(unit));
  }

 private:
  const UnitLayout& layout_;
  const std::vector<UnitRange>& ranges_;
  std::vector<double> range_cost_before_;
  double total_ = 0.0;
};

// The owner of a midpoint among `parts`.
int owner_of(double midpoint, double total, int parts) {
  if (!(total > 0.0)) return 0;
  return std::min(parts - 1, static_cast<int>(midpoint / total * parts));
}

// A unit of `ranges`: range index and unit index (range == ranges.size(): past the last unit).
struct Position {
  size_t range = 0;
  size_t unit = 0;
};

Position later(const Position& a, const Position& b) {
  return (a.range < b.range || (a.range == b.range && a.unit < b.unit)) ? b : a;
}

// The first unit whose owner is `part` or later (binary search within a range: owners grow with
// the midpoints).
Position first_owned_by(const RangeCosts& costs, const std::vector<UnitRange>& ranges, int part, int parts) {
  for (size_t r = 0; r < ranges.size(); ++r) {
    if (ranges[r].size() == 0) continue;
    const size_t last = ranges[r].end - 1;
    if (owner_of(costs.midpoint(r, last), costs.total(), parts) < part) continue;
    size_t low = ranges[r].begin, high = last;  // the answer lies in [low, high]
    while (low < high) {
      const size_t mid = low + (high - low) / 2;
      if (owner_of(costs.midpoint(r, mid), costs.total(), parts) >= part) high = mid;
      else low = mid + 1;
    }
    return Position{r, low};
  }
  return Position{ranges.size(), 0};
}

}  // namespace

std::vector<UnitRange> balanced_part(const UnitLayout& layout, const std::vector<UnitRange>& ranges, int part,
                                     int parts) {
  const RangeCosts costs(layout, ranges);
  // Part j starts at the largest of the first units owned by parts 0..j: a running maximum, so that
  // parts stay disjoint and in order even if rounding made owners non-monotone somewhere.
  Position begin = first_owned_by(costs, ranges, 0, parts);
  for (int j = 1; j <= part; ++j) begin = later(begin, first_owned_by(costs, ranges, j, parts));
  const Position end = later(begin, first_owned_by(costs, ranges, part + 1, parts));
  std::vector<UnitRange> mine;
  for (size_t r = begin.range; r < ranges.size() && r <= end.range; ++r) {
    const size_t from = r == begin.range ? begin.unit : ranges[r].begin;
    const size_t to = r == end.range ? end.unit : ranges[r].end;
    if (from < to) mine.push_back(UnitRange{from, to});
  }
  return mine;
}

UnitRange balanced_part(const UnitLayout& layout, int part, int parts) {
  const std::vector<UnitRange> mine = balanced_part(layout, {UnitRange{0, layout.size()}}, part, parts);
  return mine.empty() ? UnitRange{} : mine.front();
}

std::vector<UnitRange> without_units(const std::vector<UnitRange>& ranges, const std::vector<size_t>& done) {
  std::vector<UnitRange> left;
  auto next_done = done.begin();
  for (const UnitRange& r : ranges) {
    size_t from = r.begin;
    next_done = std::lower_bound(next_done, done.end(), r.begin);
    for (; next_done != done.end() && *next_done < r.end; ++next_done) {
      if (from < *next_done) left.push_back(UnitRange{from, *next_done});
      from = *next_done + 1;
    }
    if (from < r.end) left.push_back(UnitRange{from, r.end});
  }
  return left;
}

}  // namespace mrtsim
