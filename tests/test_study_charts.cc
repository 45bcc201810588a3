// The study's charts (host/io/study_charts.h): a point and a +- 2 MC SE bar per cell or N, the
// formula's power and the nominal lines, nothing for a hypothesis without fits; bad series refused.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "host/io/study_charts.h"
#include "host/io/svg_line_chart.h"

namespace mrtsim {
namespace {

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

CellResult cell(int scenario, Hypothesis hypothesis, long long fitted, long long rejections, double nominal) {
  CellResult c;
  c.scenario = scenario;
  c.hypothesis = hypothesis;
  c.summary.replicates = 100;
  c.summary.failed = 100 - fitted;
  c.summary.rejection = summarize_rejections(rejections, fitted, nominal, hypothesis == Hypothesis::kNull);
  if (hypothesis == Hypothesis::kAlternative) c.formula_power = 0.8;
  return c;
}

TEST(StudyCharts, RejectionRatesWithErrorBarsAndNominalLines) {
  StudyResult result;
  result.study.name = "charted";
  for (int s = 0; s < 3; ++s) {
    result.cells.push_back(cell(s, Hypothesis::kNull, 100, 5 + s, 0.05));
    result.cells.push_back(cell(s, Hypothesis::kAlternative, 100, 78 + s, 0.8));
  }
  const std::string power = rejection_chart_svg(result, Hypothesis::kAlternative);
  EXPECT_EQ(count(power, "<circle"), 6u);  // 3 simulated rates and 3 formula powers
  EXPECT_EQ(count(power, "<path"), 3u);    // one error bar per rate
  EXPECT_EQ(count(power, "stroke-dasharray"), 1u);  // the target power
  EXPECT_NE(power.find("charted: power by scenario"), std::string::npos);
  const std::string type1 = rejection_chart_svg(result, Hypothesis::kNull);
  EXPECT_EQ(count(type1, "<circle"), 3u);
  EXPECT_EQ(count(type1, "stroke-dasharray"), 3u);  // alpha and Bradley's liberal band
  result.cells[0] = cell(0, Hypothesis::kNull, 0, 0, 0.05);  // no fit: no point
  EXPECT_EQ(count(rejection_chart_svg(result, Hypothesis::kNull), "<circle"), 2u);
  StudyResult empty;
  empty.cells.push_back(cell(0, Hypothesis::kNull, 0, 0, 0.05));
  EXPECT_EQ(rejection_chart_svg(empty, Hypothesis::kNull), "");
  EXPECT_EQ(rejection_chart_svg(empty, Hypothesis::kAlternative), "");
}

TEST(StudyCharts, SampleSizeSearchCurve) {
  SampleSizeSearch search;
  search.scenario = 2;
  search.n = 47;
  search.formula_n = 42;
  search.curve = {PowerEstimate{20, 1000, 1000, 345, 0.345, 0.015, 0.39}, PowerEstimate{47, 1000, 1000, 803, 0.803, 0.012, 0.85}};
  const std::string svg = sample_size_chart_svg(search);
  EXPECT_NE(svg.find("Scenario 2: N found 47, formula N 42"), std::string::npos);
  EXPECT_EQ(count(svg, "<path"), 2u);
  EXPECT_EQ(count(svg, "<polyline fill=\"none\" stroke=\"#e67e22\""), 1u);  // the formula's curve
}

TEST(StudyCharts, ErrorBarsMustMatchThePoints) {
  LineChart chart;
  chart.series = {ChartSeries{"", {1, 2}, {0.5, 0.6}, "#000", {0.1}, true}};
  EXPECT_THROW(line_chart_svg(chart), std::invalid_argument);
}

}  // namespace
}  // namespace mrtsim
