// The study's charts (host/io/study_charts.h): a point and a +- 2 MC SE bar per cell or N, the
// formula's power and the nominal lines, nothing for a hypothesis without fits; bad series refused.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <stdexcept>
#include <vector>
#include <string>

#include "host/io/study_charts.h"
#include "host/io/svg_line_chart.h"
#include "host/stats/performance_measures.h"
#include "host/config/study_config.h"
#include "host/engine/study_runner.h"
#include "host/io/study_tables.h"

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

namespace mrtsim {
namespace {

// The zip plot's intervals by hand: truth 0, normal intervals (c = 1.959964), replicates with |z|
// 0.5, 2 and 0.2 and two that do not count (a failed fit and a NaN SE).
TEST(ZipPlot, IntervalsRankedByAbsoluteZWithCoverage) {
  std::vector<ReplicateRecord> records(5);
  records[0] = {0, 0.5, 1.0};
  records[1] = {1, -2.0, 1.0};
  records[2] = {2, 0.1, 0.5};
  records[3] = {3, 0.3, 0.1};
  records[3].status = 2;
  records[4] = {4, 0.3, std::numeric_limits<double>::quiet_NaN()};
  MeasureSettings settings;
  const std::vector<ZipInterval> zip = zip_intervals(records, settings);
  ASSERT_EQ(zip.size(), 3u);
  const double c = 1.959963984540054;
  EXPECT_EQ(zip[0].replicate, 2);
  EXPECT_NEAR(zip[0].centile, 100.0 / 3, 1e-12);
  EXPECT_NEAR(zip[0].lower, 0.1 - c * 0.5, 1e-12);
  EXPECT_NEAR(zip[0].upper, 0.1 + c * 0.5, 1e-12);
  EXPECT_TRUE(zip[0].covers);
  EXPECT_EQ(zip[1].replicate, 0);
  EXPECT_TRUE(zip[1].covers);
  EXPECT_EQ(zip[2].replicate, 1);
  EXPECT_DOUBLE_EQ(zip[2].centile, 100.0);
  EXPECT_NEAR(zip[2].upper, -2.0 + c, 1e-12);
  EXPECT_FALSE(zip[2].covers);
  // A t interval with 4 df: c = 2.776445105.
  records[1].df = 4;
  EXPECT_NEAR(zip_intervals(records, settings)[2].upper, -2.0 + 2.776445105197793, 1e-9);
  EXPECT_TRUE(zip_intervals(records, settings)[2].covers);
}

// A cell's zip plot: a panel per effect coefficient, one path of covering and one of missing
// intervals each, and the CSV's rows agree with the cell's coverage.
TEST(ZipPlot, OnePanelPerEffectCoefficientAndItsCsv) {
  StudyResult result;
  result.study.name = "zipped";
  result.study.scenarios.resize(1);
  CellResult c;
  c.hypothesis = Hypothesis::kNull;
  c.summary.coefficients.resize(3);
  c.summary.coefficients[0].name = "(Intercept)";
  c.summary.coefficients[1].name = "effect:(Intercept)";
  c.summary.coefficients[2].name = "effect:day";
  for (int j = 0; j < 3; ++j) {
    std::vector<ReplicateRecord> records;
    for (int r = 0; r < 40; ++r) records.push_back({r, (r % 20 == 0 ? 3.0 : 0.1) * (r % 2 ? 1 : -1), 1.0});
    c.replicates.push_back(records);
  }
  result.cells.push_back(c);
  const std::string svg = zip_plot_svg(result, result.cells[0]);
  EXPECT_EQ(count(svg, "<svg"), 3u);  // the row and its two panels
  EXPECT_EQ(count(svg, "stroke-width=\"0.6\""), 4u);  // covering and missing intervals of each panel
  EXPECT_NE(svg.find("effect:day: coverage"), std::string::npos);
  EXPECT_EQ(count(svg, ">(Intercept): coverage"), 0u);  // the control (Intercept) has no panel
  const std::string csv = zip_plot_csv(result);
  EXPECT_EQ(count(csv, "\n"), 1u + 2 * 40);
  EXPECT_EQ(count(csv, ",0\n"), 2u * 2);  // replicates 0 and 20 of each effect miss 0
  result.cells[0].replicates.clear();
  EXPECT_EQ(zip_plot_svg(result, result.cells[0]), "");
  EXPECT_EQ(zip_plot_csv(result), "");
}

}  // namespace
}  // namespace mrtsim

namespace mrtsim {
namespace {

// A study with output.zip_plots writes zip.csv and a zip_<scenario>_<hypothesis>.svg per cell, and
// each coefficient's share of covering intervals in zip.csv is its coverage in the tables.
TEST(ZipPlot, StudyWritesThePlotsAndTheirData) {
  const StudyConfig study = parse_study(R"(study: {name: zipstudy, seed: 3, replicates: 200}
model: {type: liao2016, days: 10, decisions_per_day: 3, rand_prob: 0.4, availability: {shape: constant, mean: 0.6},
        effect: {shape: linear, mean: 0.2, initial: 0.1}, error: {type: normal}}
sample_size: 30
analysis: {controls: [day], moderators: [day]}
output: {zip_plots: true}
)",
                                        "zip.yaml");
  RunOptions options;
  options.backend = "cpu";
  const StudyResult result = run_study(study, options);
  const std::filesystem::path dir = std::filesystem::path(::testing::TempDir()) / "zip_study";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  write_study_tables(result, dir.string());
  for (const char* file : {"zip.csv", "zip_0_null.svg", "zip_0_alternative.svg"})
    EXPECT_TRUE(std::filesystem::exists(dir / file)) << file;
  EXPECT_FALSE(std::filesystem::exists(dir / "replicates.csv.gz"));
  std::ifstream csv(dir / "zip.csv");
  std::string line;
  std::getline(csv, line);
  std::map<std::string, std::pair<int, int>> covered;  // cell and coefficient -> covering, all
  while (std::getline(csv, line)) {
    const std::size_t second_comma = line.find(',', line.find(',') + 1);
    const std::string key = line.substr(0, line.find(',', second_comma + 1));
    covered[key].first += line.back() == '1';
    covered[key].second += 1;
  }
  ASSERT_EQ(covered.size(), 4u);  // 2 cells x 2 effect coefficients
  for (const CellResult& cell : result.cells)
    for (const CoefficientSummary& c : cell.summary.coefficients) {
      if (c.name.rfind("effect", 0) != 0) continue;
      const auto& [covering, all] = covered[std::to_string(cell.scenario) + "," +
                                            std::string(kHypothesisNames.name(cell.hypothesis)) + "," + c.name];
      EXPECT_EQ(all, c.measures.n_sim) << c.name;
      EXPECT_DOUBLE_EQ(double(covering) / all, c.measures.coverage.value) << c.name;
    }
}

}  // namespace
}  // namespace mrtsim
