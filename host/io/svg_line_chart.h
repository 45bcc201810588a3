// Line charts as self-contained SVG text: the power curves of `mrtsim power --out` and of the web
// calculator, and the calculator's plots of availability, effect and probability patterns. No
// scripts, fonts or styles from outside the file, so a chart shows the same in a browser, an image
// viewer or a page served without internet access.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace mrtsim {

struct ChartSeries {
  std::string label;  // legend entry; a chart whose series all have empty labels has no legend
  std::vector<double> x, y;
  std::string color = "#1f5fa8";
  std::vector<double> error;  // half-widths of vertical error bars at each point (empty: none)
  bool points = false;        // a dot per point instead of a line through them
  std::vector<double> x_end;  // horizontal segments from (x, y) to (x_end, y) instead (e.g. intervals)
};

struct LineChart {
  std::string title;  // also the accessible name (aria-label) of the image
  std::string x_label, y_label;
  std::vector<ChartSeries> series;
  std::optional<double> y_min, y_max;  // default: the data's range with a margin
  std::vector<double> y_reference;     // dashed horizontal lines, e.g. the conventional power 0.8
  std::vector<double> x_reference;     // dashed vertical lines, e.g. a true value
  double width = 640, height = 400;
};

// The chart as an <svg> element with role="img". Series with one point are drawn as a dot; text is
// escaped. Throws std::invalid_argument when a series' x and y (or its error bars) differ in length
// or no series has a point.
std::string line_chart_svg(const LineChart& chart);

// Several charts side by side in one <svg> (each keeps its own width and height), with `title` as
// the image's accessible name.
std::string chart_row_svg(const std::vector<LineChart>& charts, const std::string& title);

// Power against the number of participants (`mrtsim power --out` and the web calculator): power on
// [0, 1] with the conventional 0.8 as a dashed line; n and power of the same length.
std::string power_curve_svg(const std::vector<double>& n, const std::vector<double>& power, const std::string& title);

// The text with &, <, >, " and ' escaped for XML content and attributes.
std::string xml_escape(const std::string& text);

}  // namespace mrtsim
