// What `mrtsim samplesize` and `mrtsim power` share between the Liao (continuous outcome) and the
// Cohn (binary outcome) formulas: the N range and power-level arguments, per-decision CSV files, and
// the power curve written as CSV and SVG.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mrtsim::cli {

struct PowerCurvePoint {
  int n = 0;
  double power = 0.0;
};

// The largest N any sizing option scans or plots (--max-n, --n-range): the binary formula's root
// search ends there too.
constexpr int kMaxParticipants = 1'000'000;
// The most points of a power curve (--n-range).
constexpr int kMaxCurvePoints = 100'000;

// "FIRST:LAST", e.g. "10:200" (--n-range), with 1 <= FIRST <= LAST <= kMaxParticipants and at most
// kMaxCurvePoints values of N.
std::pair<int, int> parse_n_range(const std::string& text);

// "FROM:TO:STEP", e.g. "0.6:0.95:0.05" (--power-levels): R's seq(FROM, TO, by = STEP), each level
// FROM + i STEP capped at TO, so the levels are the package's power_summary() defaults exactly.
std::vector<double> parse_power_levels(const std::string& text);

// A per-decision CSV file given to an option (--avail-file, --effect-file, --f-file, ...): a header
// row, then one row per decision point (or per day, where the formula takes that).
struct DecisionFile {
  std::string option;
  std::string path;
  std::vector<std::vector<double>> columns;
  int rows() const { return columns.empty() ? 0 : static_cast<int>(columns.front().size()); }
};

// Nothing when `path` is empty; UserError naming `option` for a file that cannot be read, has no data
// rows, a cell that is not a number, or (single_column) more than one column.
std::optional<DecisionFile> read_decision_file(const std::string& option, const std::string& path, bool single_column);

// "n,power" then one row per point.
std::string power_curve_csv(const std::vector<PowerCurvePoint>& curve);

// Power against N with a dashed line at power 0.8; `title` names the formula.
std::string power_curve_svg(const std::vector<PowerCurvePoint>& curve, const std::string& title);

// Writes PREFIX.csv and PREFIX.svg (--out); UserError when a file cannot be written.
void write_power_curve_files(const std::string& prefix, const std::vector<PowerCurvePoint>& curve,
                             const std::string& title);

}  // namespace mrtsim::cli
