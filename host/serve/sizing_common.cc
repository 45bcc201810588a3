#include "host/serve/sizing_common.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>

#include "core/user_error.h"
#include "host/io/svg_line_chart.h"

namespace mrtsim::serve {

std::vector<FieldSpec> timeline_fields(const std::string& avail_file_flag) {
  return {
      {"days", "Study length (days)", "--days"},
      {"decisions_per_day", "Decision points per day", "--decisions-per-day"},
      {"rand_prob_source", "Randomization probability given as", ""},
      {"rand_prob", "Randomization probability", "--rand-prob"},
      {"rand_prob_file", "Randomization probability file", "--rand-prob-file"},
      {"rand_prob_file_name", "Randomization probability file name", ""},
      {"rand_prob_file_text", "Randomization probability file", ""},
      {"avail_shape", "Availability pattern", "--availability"},
      {"avail_mean", "Average availability", "--avail-mean"},
      {"avail_initial", "Availability on day 1", "--avail-initial"},
      {"avail_change_day", "Day the availability turns", "--avail-change-day"},
      {"avail_file", "Availability file", avail_file_flag},
      {"avail_file_name", "Availability file name", ""},
      {"avail_file_text", "Availability file", ""}};
}

std::vector<FieldSpec> sizing_goal_fields() {
  return {{"mode", "Calculate", ""},
          {"power", "Target power", "--power"},
          {"n", "Participants N", "--n"},
          {"curve_from", "Power curve from N", "--n-range"},
          {"curve_to", "Power curve to N", ""}};
}

void read_study_length(RequestFields& fields, int& days, int& decisions_per_day) {
  days = fields.whole_number("days", 1, kMaxDays);
  decisions_per_day = fields.whole_number("decisions_per_day", 1, kMaxDecisionsPerDay);
  if (static_cast<long long>(days) * decisions_per_day > kMaxDecisionPoints)
    fields.add_problem("decisions_per_day", "the calculator takes at most " + std::to_string(kMaxDecisionPoints) +
                                                " decision points per participant (days x decision points per day)");
}

SizingGoal read_sizing_goal(RequestFields& fields) {
  SizingGoal goal;
  goal.sample_size = fields.choice("mode", {"sample_size", "power"}, "sample_size") == "sample_size";
  if (goal.sample_size)
    goal.target_power = fields.number("power", 0.0, 1.0);
  else
    goal.n = fields.whole_number("n", 1, kMaxParticipants);
  goal.curve_from = fields.optional_whole_number("curve_from", 1, kMaxParticipants);
  goal.curve_to = fields.optional_whole_number("curve_to", 1, kMaxParticipants);
  return goal;
}

std::pair<int, int> curve_range(const SizingGoal& goal, int answer_n, int first_valid) {
  const int from = goal.curve_from.value_or(first_valid);
  const int to = goal.curve_to.value_or(std::min(kMaxParticipants, std::max({2 * answer_n, from + 20, first_valid + 20})));
  require_input(from <= to, "--n-range: the curve's first N (" + std::to_string(from) + ") exceeds its last (" +
                                std::to_string(to) + ")");
  require_input(to - from < kMaxCurvePoints, "--n-range: at most " + std::to_string(kMaxCurvePoints) +
                                                 " points per curve (asked " + std::to_string(to - from + 1) + ")");
  return {from, to};
}

std::vector<double> table_power_levels() {
  std::vector<double> levels;
  for (int i = 0; i <= 7; ++i) levels.push_back(0.6 + 0.05 * i);  // R's seq(0.6, 0.95, by = 0.05)
  return levels;
}

std::string power_curve_chart(const std::vector<std::pair<int, double>>& points, const std::string& title) {
  std::vector<double> n, power;
  for (const auto& [participants, p] : points) {
    n.push_back(participants);
    power.push_back(p);
  }
  return power_curve_svg(n, power, title);
}

std::string pattern_chart(const std::string& title, const std::string& x_label, const std::string& y_label,
                          const std::vector<double>& values, bool probability) {
  require_input(!values.empty(), title + ": no values to plot");
  ChartSeries series;
  const std::size_t stride = (values.size() + kMaxPlotPoints - 1) / kMaxPlotPoints;
  for (std::size_t i = 0; i < values.size(); i += stride) {
    series.x.push_back(static_cast<double>(i + 1));
    series.y.push_back(values[i]);
  }
  LineChart chart;
  chart.title = title;
  chart.x_label = x_label;
  chart.y_label = y_label;
  chart.series = {series};
  chart.width = 420;
  chart.height = 260;
  const auto [low, high] = std::minmax_element(values.begin(), values.end());
  chart.y_min = std::min(0.0, *low);
  if (probability) chart.y_max = std::max(1.0, *high);
  return line_chart_svg(chart);
}

nlohmann::ordered_json power_level_row(double level, std::optional<int> n, const std::string& note) {
  nlohmann::ordered_json row = {{"power", level}, {"n", nullptr}};
  if (n) row["n"] = *n;
  if (!note.empty()) row["note"] = note;
  return row;
}

std::string shape_summary(const ShapeSpec& spec) {
  std::string text = std::string(kShapeKindNames.name(spec.kind)) + " (mean " + input_value_text(spec.mean);
  if (spec.kind != ShapeKind::kConstant) text += ", day 1 " + input_value_text(spec.initial);
  if (spec.kind == ShapeKind::kQuadratic) text += ", turning on day " + std::to_string(spec.day_max);
  return text + ")";
}

std::string exact_number_text(double value) {
  char text[40];
  for (int digits : {15, 16, 17}) {
    std::snprintf(text, sizeof text, "%.*g", digits, value);
    if (std::strtod(text, nullptr) == value) break;
  }
  return text;
}

std::string shell_word(const std::string& text) {
  const bool safe = !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_' || c == '/' || c == ':' ||
           c == '+' || c == '=' || c == ',';
  });
  if (safe) return text;
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

}  // namespace mrtsim::serve
