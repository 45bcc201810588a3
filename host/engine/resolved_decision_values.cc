#include "host/engine/resolved_decision_values.h"

#include <cmath>

#include "core/user_error.h"
#include "host/io/mrt_csv.h"

namespace mrtsim {
namespace {

// The named column of source.file (or its only column).
std::vector<double> file_column(const DecisionValues& source) {
  CsvTable table = [&] {
    try {
      return CsvTable::read(source.file);
    } catch (const UserError& e) {
      throw UserError(source.where + ": " + e.what());
    }
  }();
  const std::vector<std::vector<double>> columns = read_numeric_columns(table, source.where);
  if (source.column.empty()) {
    require_input(columns.size() == 1, source.where + ": " + source.file + " has " + std::to_string(columns.size()) +
                                           " columns; name the one to use with 'column'");
    return columns[0];
  }
  for (std::size_t column = 0; column < table.header().size(); ++column)
    if (table.header()[column] == source.column) return columns[column];
  throw UserError(source.where + ": " + source.file + " has no column '" + source.column + "'");
}

// The lengths `source` may have, in words, for the error of a wrong one.
std::string expected_lengths(const DecisionValues& source, DecisionLayout layout) {
  if (source.within_day) return "one per decision point of a day (" + std::to_string(layout.decisions_per_day) + ")";
  if (layout.decisions_per_day == 1) return std::to_string(layout.total()) + ", one per " + layout.unit;
  return "one per day (" + std::to_string(layout.days) + ") or one per decision point (" +
         std::to_string(layout.total()) + ")";
}

}  // namespace

std::vector<double> resolve_decision_values(const DecisionValues& source, DecisionLayout layout, ValueRange range,
                                            const std::string& what) {
  const bool from_file = !source.file.empty();
  const std::vector<double> given = from_file ? file_column(source) : source.values;
  const std::string origin = from_file ? source.where + " (" + source.file + ")" : source.where;
  const int count = static_cast<int>(given.size());
  const int per_value = source.within_day         ? 1
                        : count == layout.total() ? 1
                        : count == layout.days    ? layout.decisions_per_day
                                                  : 0;
  require_input(
      per_value > 0 && (!source.within_day || count == layout.decisions_per_day),
      origin + ": " + std::to_string(count) + " " + what + " values; expected " + expected_lengths(source, layout));
  std::vector<double> values(layout.total());
  for (int t = 0; t < layout.total(); ++t) {
    const int index = source.within_day ? t % layout.decisions_per_day : t / per_value;
    const double v = given[index];
    require_input(range.contains(v), origin + ": " + what + " " + input_value_text(v) + " at " +
                                         (from_file ? "row " : "entry ") + std::to_string(index + 1) + " is outside " +
                                         (range.closed_low ? "[" : "(") + input_value_text(range.low) + ", " +
                                         input_value_text(range.high) + (range.closed_high ? "]" : ")"));
    values[t] = v;
  }
  return values;
}

std::vector<double> resolve_survival(const DropoutConfig& dropout, int count, const char* unit) {
  std::vector<double> survival(static_cast<std::size_t>(count));
  if (!dropout.survival.given()) {
    for (int k = 0; k < count; ++k) survival[k] = std::pow(1.0 - dropout.rate, k);
    return survival;
  }
  survival = resolve_decision_values(dropout.survival, DecisionLayout{count, 1, unit}, {0.0, 1.0, true},
                                     "survival probability");
  const std::string& where = dropout.survival.where;
  require_input(survival[0] == 1.0, where + ": survival at the first " + unit + " is " +
                                        input_value_text(survival[0]) + "; it must be 1 (everyone enrolled starts)");
  for (int k = 1; k < count; ++k)
    require_input(survival[k] <= survival[k - 1], where + ": survival rises from " +
                                                      input_value_text(survival[k - 1]) + " at " + unit + " " +
                                                      std::to_string(k) + " to " + input_value_text(survival[k]) +
                                                      " at " + unit + " " + std::to_string(k + 1) +
                                                      "; participants who left do not return");
  return survival;
}

}  // namespace mrtsim
