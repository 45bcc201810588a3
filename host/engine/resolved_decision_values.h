// Per-decision values given in a study (host/config/decision_values.h) resolved when the study is
// planned: CSV files read, lengths checked against the model's layout and every value against its
// range. Shared by the models whose inputs may be given as values (liao2016, cohn2023).
#pragma once

#include <string>
#include <vector>

#include "host/config/decision_values.h"

namespace mrtsim {

// The decision points of a model: days x decisions_per_day (a model without days, such as
// cohn2023's m decision points, is m days of one decision point; a per-day curve such as a survival
// curve is days of one value, unit "day").
struct DecisionLayout {
  int days = 1;
  int decisions_per_day = 1;
  const char* unit = "decision point";  // what one value describes when decisions_per_day is 1 ("day")
  int total() const { return days * decisions_per_day; }
};

// The interval a value must lie in, each end open or closed.
struct ValueRange {
  double low = 0.0;
  double high = 0.0;
  bool closed_low = true;
  bool closed_high = true;
  bool contains(double v) const { return (closed_low ? v >= low : v > low) && (closed_high ? v <= high : v < high); }
};

// One value per decision point t = 1..layout.total(): `source` holds one per decision point, one
// per day (each repeated for the day's decision points), or (within_day) one per decision point of
// a day. UserError naming source.where (and the file) for a file that cannot be read or has no such
// column, a wrong length or a value outside `range`; `what` names the quantity ("availability").
std::vector<double> resolve_decision_values(const DecisionValues& source, DecisionLayout layout, ValueRange range,
                                            const std::string& what);

// The survival S of `dropout` at each of `count` days or decision points (`unit`): (1 - rate)^k, or the
// values given, which must start at 1 (everyone enrolled takes part at first) and never rise.
std::vector<double> resolve_survival(const DropoutConfig& dropout, int count, const char* unit);

}  // namespace mrtsim
