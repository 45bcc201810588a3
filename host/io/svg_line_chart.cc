#include "host/io/svg_line_chart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace mrtsim {
namespace {

constexpr double kLeft = 64, kRight = 24, kTop = 40, kBottom = 56;
constexpr int kMaxTicks = 8;
constexpr double kMinTickSpacing = 60;  // pixels between x tick labels, so that long labels do not collide

struct Range {
  double low = 0.0, high = 1.0;
};

// Round tick positions: multiples of 1, 2 or 5 times a power of ten, at most about max_ticks of them.
std::vector<double> ticks(const Range& range, int max_ticks = kMaxTicks) {
  const double span = range.high - range.low;
  const double raw = span / max_ticks;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double step = 10.0 * magnitude;
  for (double factor : {1.0, 2.0, 5.0}) {
    if (factor * magnitude >= raw) {
      step = factor * magnitude;
      break;
    }
  }
  std::vector<double> values;
  // Multiples i * step, not accumulated sums, so labels print as 0.3 rather than 0.30000000000000004.
  for (double i = std::ceil(range.low / step - 1e-9); i * step <= range.high + 1e-9 * step; ++i)
    values.push_back(i * step);
  return values;
}

std::string number_text(double value) {
  if (std::fabs(value) < 1e-12) value = 0.0;
  char text[32];
  std::snprintf(text, sizeof text, "%.6g", value);
  return text;
}

// The data's range over every series (error bars included), or [value - 1, value + 1] for a single value.
Range data_range(const std::vector<ChartSeries>& series, bool x_axis) {
  Range range{std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()};
  for (const ChartSeries& s : series) {
    const std::vector<double>& values = x_axis ? s.x : s.y;
    if (x_axis)
      for (double v : s.x_end)
        if (std::isfinite(v)) {
          range.low = std::min(range.low, v);
          range.high = std::max(range.high, v);
        }
    for (size_t i = 0; i < values.size(); ++i) {
      const double v = values[i];
      if (!std::isfinite(v)) continue;
      const double bar = !x_axis && i < s.error.size() && std::isfinite(s.error[i]) ? s.error[i] : 0.0;
      range.low = std::min(range.low, v - bar);
      range.high = std::max(range.high, v + bar);
    }
  }
  if (!(range.low <= range.high)) return {0.0, 1.0};
  if (range.high - range.low < 1e-12 * std::max(1.0, std::fabs(range.high))) {
    const double pad = std::max(std::fabs(range.high) * 0.1, 1e-3);
    return {range.low - pad, range.high + pad};
  }
  return range;
}

Range y_range(const LineChart& chart) {
  Range range = data_range(chart.series, false);
  if (!chart.y_min && !chart.y_max) {
    const double margin = 0.05 * (range.high - range.low);
    range = {range.low - margin, range.high + margin};
  }
  if (chart.y_min) range.low = *chart.y_min;
  if (chart.y_max) range.high = *chart.y_max;
  if (!(range.low < range.high)) range.high = range.low + 1.0;
  return range;
}

void check_series(const std::vector<ChartSeries>& series) {
  bool any_point = false;
  for (const ChartSeries& s : series) {
    if (s.x.size() != s.y.size()) throw std::invalid_argument("line_chart_svg: a series' x and y differ in length");
    if (!s.error.empty() && s.error.size() != s.y.size())
      throw std::invalid_argument("line_chart_svg: a series' error bars and points differ in number");
    if (!s.x_end.empty() && s.x_end.size() != s.x.size())
      throw std::invalid_argument("line_chart_svg: a series' segment ends and points differ in number");
    any_point = any_point || !s.x.empty();
  }
  if (!any_point) throw std::invalid_argument("line_chart_svg: no series has a point");
}

}  // namespace

std::string xml_escape(const std::string& text) {
  std::string escaped;
  escaped.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': escaped += "&amp;"; break;
      case '<': escaped += "&lt;"; break;
      case '>': escaped += "&gt;"; break;
      case '"': escaped += "&quot;"; break;
      case '\'': escaped += "&#39;"; break;
      default: escaped += c;
    }
  }
  return escaped;
}

std::string line_chart_svg(const LineChart& chart) {
  check_series(chart.series);
  const double width = chart.width, height = chart.height;
  const double plot_right = width - kRight, plot_bottom = height - kBottom;
  const Range x = data_range(chart.series, true), y = y_range(chart);
  const auto x_of = [&](double v) { return kLeft + (v - x.low) / (x.high - x.low) * (plot_right - kLeft); };
  const auto y_of = [&](double v) { return kTop + (y.high - v) / (y.high - y.low) * (plot_bottom - kTop); };
  const std::string title = xml_escape(chart.title);

  std::ostringstream svg;
  svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\"" << height << "\" viewBox=\"0 0 "
      << width << " " << height << "\" role=\"img\" aria-label=\"" << title
      << "\" font-family=\"sans-serif\" font-size=\"12\">\n"
      << "<title>" << title << "</title>\n"
      << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
      << "<text x=\"" << width / 2 << "\" y=\"22\" text-anchor=\"middle\" font-size=\"14\">" << title << "</text>\n";
  for (double v : ticks(y)) {
    svg << "<line x1=\"" << kLeft << "\" y1=\"" << y_of(v) << "\" x2=\"" << plot_right << "\" y2=\"" << y_of(v)
        << "\" stroke=\"#e5e5e5\"/>\n"
        << "<text x=\"" << kLeft - 8 << "\" y=\"" << y_of(v) + 4 << "\" text-anchor=\"end\">" << number_text(v)
        << "</text>\n";
  }
  const int x_ticks = std::max(2, std::min(kMaxTicks, static_cast<int>((plot_right - kLeft) / kMinTickSpacing)));
  for (double v : ticks(x, x_ticks)) {
    svg << "<line x1=\"" << x_of(v) << "\" y1=\"" << plot_bottom << "\" x2=\"" << x_of(v) << "\" y2=\""
        << plot_bottom + 5 << "\" stroke=\"black\"/>\n"
        << "<text x=\"" << x_of(v) << "\" y=\"" << plot_bottom + 19 << "\" text-anchor=\"middle\">" << number_text(v)
        << "</text>\n";
  }
  svg << "<polyline fill=\"none\" stroke=\"black\" points=\"" << kLeft << "," << kTop << " " << kLeft << ","
      << plot_bottom << " " << plot_right << "," << plot_bottom << "\"/>\n"
      << "<text x=\"" << (kLeft + plot_right) / 2 << "\" y=\"" << height - 14 << "\" text-anchor=\"middle\">"
      << xml_escape(chart.x_label) << "</text>\n"
      << "<text transform=\"translate(18," << (kTop + plot_bottom) / 2
      << ") rotate(-90)\" text-anchor=\"middle\">" << xml_escape(chart.y_label) << "</text>\n";
  for (double v : chart.y_reference) {
    if (v < y.low || v > y.high) continue;
    svg << "<line x1=\"" << kLeft << "\" y1=\"" << y_of(v) << "\" x2=\"" << plot_right << "\" y2=\"" << y_of(v)
        << "\" stroke=\"#c0392b\" stroke-dasharray=\"6,4\"/>\n";
  }
  for (double v : chart.x_reference) {
    if (v < x.low || v > x.high) continue;
    svg << "<line x1=\"" << x_of(v) << "\" y1=\"" << kTop << "\" x2=\"" << x_of(v) << "\" y2=\"" << plot_bottom
        << "\" stroke=\"#c0392b\" stroke-dasharray=\"6,4\"/>\n";
  }
  double legend_y = kTop + 14;
  for (const ChartSeries& s : chart.series) {
    for (size_t i = 0; i < s.error.size(); ++i) {  // bars clipped to the plot
      const double top = y_of(std::min(y.high, s.y[i] + s.error[i])), bottom = y_of(std::max(y.low, s.y[i] - s.error[i]));
      const double at = x_of(s.x[i]);
      svg << "<path fill=\"none\" stroke=\"" << s.color << "\" d=\"M" << at << "," << top << "V" << bottom << "M"
          << at - 3 << "," << top << "H" << at + 3 << "M" << at - 3 << "," << bottom << "H" << at + 3 << "\"/>\n";
    }
    if (!s.x_end.empty()) {  // one path of segments: a few bytes per segment, for thousands of them
      svg << "<path fill=\"none\" stroke=\"" << s.color << "\" stroke-width=\"0.6\" d=\"";
      for (size_t i = 0; i < s.x.size(); ++i)
        svg << "M" << x_of(s.x[i]) << "," << y_of(s.y[i]) << "H" << x_of(s.x_end[i]);
      svg << "\"/>\n";
    } else if (s.x.size() == 1 || s.points) {
      for (size_t i = 0; i < s.x.size(); ++i)
        svg << "<circle cx=\"" << x_of(s.x[i]) << "\" cy=\"" << y_of(s.y[i]) << "\" r=\"3\" fill=\"" << s.color
            << "\"/>\n";
    } else if (!s.x.empty()) {
      svg << "<polyline fill=\"none\" stroke=\"" << s.color << "\" stroke-width=\"2\" points=\"";
      for (size_t i = 0; i < s.x.size(); ++i) svg << x_of(s.x[i]) << "," << y_of(s.y[i]) << " ";
      svg << "\"/>\n";
    }
    if (s.label.empty()) continue;
    svg << "<line x1=\"" << plot_right - 150 << "\" y1=\"" << legend_y - 4 << "\" x2=\"" << plot_right - 130
        << "\" y2=\"" << legend_y - 4 << "\" stroke=\"" << s.color << "\" stroke-width=\"2\"/>\n"
        << "<text x=\"" << plot_right - 124 << "\" y=\"" << legend_y << "\">" << xml_escape(s.label) << "</text>\n";
    legend_y += 16;
  }
  svg << "</svg>\n";
  return svg.str();
}

std::string chart_row_svg(const std::vector<LineChart>& charts, const std::string& title) {
  double width = 0.0, height = 0.0;
  for (const LineChart& chart : charts) {
    width += chart.width;
    height = std::max(height, chart.height);
  }
  std::ostringstream svg;
  svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\"" << height
      << "\" viewBox=\"0 0 " << width << " " << height << "\" role=\"img\" aria-label=\"" << xml_escape(title)
      << "\">\n<title>" << xml_escape(title) << "</title>\n";
  double left = 0.0;
  for (const LineChart& chart : charts) {
    svg << "<g transform=\"translate(" << left << ",0)\">\n" << line_chart_svg(chart) << "</g>\n";
    left += chart.width;
  }
  svg << "</svg>\n";
  return svg.str();
}

std::string power_curve_svg(const std::vector<double>& n, const std::vector<double>& power, const std::string& title) {
  constexpr double kConventionalPower = 0.8;
  LineChart chart;
  chart.title = title;
  chart.x_label = "participants N";
  chart.y_label = "power";
  chart.series = {ChartSeries{"", n, power}};
  chart.y_min = 0.0;
  chart.y_max = 1.0;
  chart.y_reference = {kConventionalPower};
  return line_chart_svg(chart);
}

}  // namespace mrtsim
