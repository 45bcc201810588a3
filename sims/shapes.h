// Per-day shapes of the proximal effect and of the expected availability, with the conventions of
// the Liao et al. (2016) calculator (MRTSampleSize, see docs/samplesize.md sections 3-4):
// day index k = 0..days-1; "initial" is day 1 (k = 0); "mean" is the unweighted mean over days;
// a quadratic has its vertex at k = day_max - 1. Used by the sample-size formula and by the
// generative models, so both always describe the same trial.
#pragma once

#include <string>
#include <vector>

#include "core/enum_table.h"

namespace mrtsim {

enum class ShapeKind { kConstant, kLinear, kQuadratic };

struct ShapeSpec {
  ShapeKind kind = ShapeKind::kConstant;
  double mean = 0.0;
  double initial = 0.0;  // linear and quadratic
  int day_max = 1;       // quadratic: 1-based day of the vertex (the effect's maximum, the
                         // availability's "changing point")
};

inline constexpr auto kShapeKindNames = make_enum_table<ShapeKind>(
    {{ShapeKind::kConstant, "constant"}, {ShapeKind::kLinear, "linear"}, {ShapeKind::kQuadratic, "quadratic"}});

// Value of the shape on each day k = 0..days-1.
std::vector<double> shape_per_day(const ShapeSpec& spec, int days);

// Polynomial coefficients (c0, c1, c2) in the day index k with shape_per_day[k] = c0 + c1 k + c2 k^2.
std::vector<double> shape_coefficients(const ShapeSpec& spec, int days);

// Liao et al. (2016) Section 6.2.1: every subject starts on a Monday, so 0-based day k is a
// Saturday or Sunday when k mod 7 is 5 or 6.
bool is_weekend_day(int day_index);

// Repeats a per-day vector for each of the `per_day` decision points of that day.
std::vector<double> expand_per_decision(const std::vector<double>& per_day, int decisions_per_day);

// One value per decision point from `values` holding one per decision point or one per day (each
// repeated for the day's decision points); UserError starting with `what` for any other length.
std::vector<double> per_decision_from_days_or_decisions(const std::vector<double>& values, int days,
                                                        int decisions_per_day, const std::string& what);

}  // namespace mrtsim
