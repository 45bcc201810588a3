#include "sims/shapes.h"

#include "core/user_error.h"

namespace mrtsim {

std::vector<double> shape_coefficients(const ShapeSpec& spec, int days) {
  const double d = days;
  switch (spec.kind) {
    case ShapeKind::kConstant:
      return {spec.mean, 0.0, 0.0};
    case ShapeKind::kLinear:
      // From `initial` on day 1 to 2 mean - initial on the last day, so the mean over days is `mean`.
      if (days == 1) return {spec.mean, 0.0, 0.0};
      return {spec.initial, 2.0 * (spec.mean - spec.initial) / (d - 1.0), 0.0};
    case ShapeKind::kQuadratic: {
      // initial + b k + c k^2 with the vertex at k* = day_max - 1 (b = -2 k* c) and mean `mean`:
      // c (S2 - 2 k* S1) = (mean - initial) D, S1 = sum k, S2 = sum k^2 over k = 0..D-1.
      const double k_star = spec.day_max - 1.0;
      const double s1 = d * (d - 1.0) / 2.0;
      const double s2 = (d - 1.0) * d * (2.0 * d - 1.0) / 6.0;
      const double denominator = s2 - 2.0 * k_star * s1;
      if (denominator == 0.0)
        throw UserError("quadratic shape: day_max " + std::to_string(spec.day_max) + " with " + std::to_string(days) +
                        " days gives no quadratic with that mean (degenerate vertex)");
      const double c = (spec.mean - spec.initial) * d / denominator;
      return {spec.initial, -2.0 * k_star * c, c};
    }
  }
  return {0.0, 0.0, 0.0};
}

std::vector<double> shape_per_day(const ShapeSpec& spec, int days) {
  const std::vector<double> c = shape_coefficients(spec, days);
  std::vector<double> values(days);
  for (int k = 0; k < days; ++k) values[k] = c[0] + c[1] * k + c[2] * k * static_cast<double>(k);
  return values;
}

std::vector<double> expand_per_decision(const std::vector<double>& per_day, int decisions_per_day) {
  std::vector<double> values;
  values.reserve(per_day.size() * decisions_per_day);
  for (double v : per_day) values.insert(values.end(), decisions_per_day, v);
  return values;
}

std::vector<double> per_decision_from_days_or_decisions(const std::vector<double>& values, int days,
                                                        int decisions_per_day, const std::string& what) {
  const std::size_t total = static_cast<std::size_t>(days) * decisions_per_day;
  if (values.size() == total) return values;
  require_input(values.size() == static_cast<std::size_t>(days),
                what + ": " + std::to_string(values.size()) + " values; expected one per day (" + std::to_string(days) +
                    ") or one per decision point (" + std::to_string(total) + ")");
  return expand_per_decision(values, decisions_per_day);
}

bool is_weekend_day(int day_index) { return day_index % 7 >= 5; }

}  // namespace mrtsim
