#include "host/cli/sizing_output.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "core/user_error.h"
#include "host/io/mrt_csv.h"
#include "host/io/svg_line_chart.h"

namespace mrtsim::cli {
namespace {

// The conventional target power, drawn as a dashed reference line on power curves.
// R's seq() tolerance when counting the steps from FROM to TO.
constexpr double kSeqTolerance = 1e-10;

void write_text_file(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  if (!out) throw UserError("--out: cannot write '" + path + "'");
}

// The fields of "A:B[:C]" as numbers, or an empty vector when the text is not of that form.
std::vector<double> colon_fields(const std::string& text, std::size_t count) {
  std::vector<double> fields;
  std::size_t begin = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t end = i + 1 < count ? text.find(':', begin) : text.size();
    if (end == std::string::npos) return {};
    const std::string field = text.substr(begin, end - begin);
    char* parsed_end = nullptr;
    const double value = std::strtod(field.c_str(), &parsed_end);
    if (field.empty() || parsed_end != field.c_str() + field.size()) return {};
    fields.push_back(value);
    begin = end + 1;
  }
  return fields;
}

}  // namespace

std::optional<DecisionFile> read_decision_file(const std::string& option, const std::string& path, bool single_column) {
  if (path.empty()) return std::nullopt;
  const CsvTable table = [&] {
    try {
      return CsvTable::read(path);
    } catch (const UserError& error) {
      throw UserError(option + ": " + error.what());
    }
  }();
  DecisionFile file{option, path, read_numeric_columns(table, option)};
  require_input(file.rows() >= 1, option + " " + path + ": no data rows after the header");
  if (single_column)
    require_input(file.columns.size() == 1, option + " " + path +
                                                ": expected one column (one value per decision "
                                                "point), found " +
                                                std::to_string(file.columns.size()));
  return file;
}

std::pair<int, int> parse_n_range(const std::string& text) {
  const auto colon = text.find(':');
  try {
    if (colon != std::string::npos) {
      size_t first_used = 0, last_used = 0;
      const int first = std::stoi(text.substr(0, colon), &first_used);
      const int last = std::stoi(text.substr(colon + 1), &last_used);
      if (first_used == colon && last_used == text.size() - colon - 1) {
        require_input(first >= 1 && first <= last && last <= kMaxParticipants,
                      "--n-range " + text + ": need 1 <= FIRST <= LAST <= " + std::to_string(kMaxParticipants));
        require_input(last - first < kMaxCurvePoints,
                      "--n-range " + text + ": a curve has at most " + std::to_string(kMaxCurvePoints) + " points");
        return {first, last};
      }
    }
  } catch (const std::logic_error&) {
  }
  throw UserError("--n-range: expected FIRST:LAST such as 10:200 (got '" + text + "')");
}

std::vector<double> parse_power_levels(const std::string& text) {
  const std::vector<double> fields = colon_fields(text, 3);
  require_input(fields.size() == 3, "--power-levels: expected FROM:TO:STEP such as 0.6:0.95:0.05 (got '" + text + "')");
  const double from = fields[0], to = fields[1], step = fields[2];
  require_input(std::isfinite(from) && std::isfinite(to) && step > 0.0 && from <= to,
                "--power-levels " + text + ": need FROM <= TO and STEP > 0");
  const long steps = static_cast<long>((to - from) / step + kSeqTolerance);
  require_input(steps < 1000, "--power-levels " + text + ": more than 1000 levels");
  std::vector<double> levels;
  for (long i = 0; i <= steps; ++i) levels.push_back(std::min(from + static_cast<double>(i) * step, to));
  for (double level : levels)
    require_input(level > 0.0 && level < 1.0,
                  "--power-levels " + text + ": power " + input_value_text(level) + " is outside (0, 1)");
  return levels;
}

std::string power_curve_csv(const std::vector<PowerCurvePoint>& curve) {
  std::string csv = "n,power\n";
  char row[64];
  for (const PowerCurvePoint& point : curve) {
    std::snprintf(row, sizeof row, "%d,%.10g\n", point.n, point.power);
    csv += row;
  }
  return csv;
}

std::string power_curve_svg(const std::vector<PowerCurvePoint>& curve, const std::string& title) {
  std::vector<double> n, power;
  for (const PowerCurvePoint& point : curve) {
    n.push_back(point.n);
    power.push_back(point.power);
  }
  return mrtsim::power_curve_svg(n, power, title);
}

void write_power_curve_files(const std::string& prefix, const std::vector<PowerCurvePoint>& curve,
                             const std::string& title) {
  write_text_file(prefix + ".csv", power_curve_csv(curve));
  write_text_file(prefix + ".svg", power_curve_svg(curve, title));
}

}  // namespace mrtsim::cli
