// What the continuous and the binary calculators of the web page share: the goal of a calculation
// (the sample size for a target power, or the power at N), the power-curve range, the power levels of
// the table, the limits on the work a request may ask for, and the charts (drawn by the engine as SVG).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "host/serve/request_fields.h"
#include "sims/shapes.h"

namespace mrtsim::serve {

// The largest N a calculation scans or a power curve reaches, and the most points of a curve.
inline constexpr int kMaxParticipants = 5000;
inline constexpr int kMaxCurvePoints = 2000;
// Study layout caps (those of the study files), and the largest upload.
inline constexpr int kMaxDays = 3650;
inline constexpr int kMaxDecisionsPerDay = 1000;
inline constexpr int kMaxDecisionPoints = 100000;  // per participant: the formulas hold T x p matrices
inline constexpr std::size_t kMaxUploadBytes = 512 * 1024;
// Plots show at most this many points (every k-th value of a longer pattern).
inline constexpr std::size_t kMaxPlotPoints = 1500;

struct SizingGoal {
  bool sample_size = true;  // else: the power at n
  double target_power = 0.8;
  int n = 0;                                // power mode
  std::optional<int> curve_from, curve_to;  // power curve over N; automatic where absent
};

// Fields days and decisions_per_day, with days x decisions per day at most kMaxDecisionPoints.
void read_study_length(RequestFields& fields, int& days, int& decisions_per_day);

// Fields: mode (sample_size | power), power, n, curve_from, curve_to.
SizingGoal read_sizing_goal(RequestFields& fields);

// The power-curve range: the request's, else from `first_valid` to max(2 N, first_valid + 20) around
// the answer N, capped at kMaxParticipants; UserError when the request's range is reversed or too long.
std::pair<int, int> curve_range(const SizingGoal& goal, int answer_n, int first_valid);

// 0.6, 0.65, ..., 0.95: MRTSampleSizeBinary's power_summary() levels, also used for the continuous table.
std::vector<double> table_power_levels();

// A power curve as an SVG chart with the conventional 0.8 marked.
std::string power_curve_chart(const std::vector<std::pair<int, double>>& points, const std::string& title);

// A per-day or per-decision-point pattern as an SVG chart; y from 0 (and to 1 for probabilities).
std::string pattern_chart(const std::string& title, const std::string& x_label, const std::string& y_label,
                          const std::vector<double>& values, bool probability);

// The fields of the sizing goal, for the request types' field tables.
// The study-timeline fields both calculators share: days, decision points, randomization probability
// and availability (constant, a pattern or an uploaded file). `avail_file_flag`: the CLI option of an
// availability file, "" where the CLI has none.
std::vector<FieldSpec> timeline_fields(const std::string& avail_file_flag);

std::vector<FieldSpec> sizing_goal_fields();

// {"power": 0.6, "n": 22} rows; n null (and "note") where a level cannot be sized.
nlohmann::ordered_json power_level_row(double level, std::optional<int> n, const std::string& note);

// "quadratic (mean 0.1, day 1 0, turning on day 29)": a per-day pattern in one phrase.
std::string shape_summary(const ShapeSpec& spec);

// The shortest text that reads back as the same double (%.15g, %.16g or %.17g), so that a command
// line or study file written from the page reproduces its numbers exactly.
std::string exact_number_text(double value);

// "x" as a command-line argument: quoted when it holds anything but safe characters.
std::string shell_word(const std::string& text);

}  // namespace mrtsim::serve
