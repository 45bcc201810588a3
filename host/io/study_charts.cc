#include "host/io/study_charts.h"

#include <cmath>
#include <cstdio>
#include <sstream>

#include "host/io/svg_line_chart.h"
#include "host/stats/performance_measures.h"

namespace mrtsim {

namespace {

constexpr double kBarMcSes = 2.0;  // error bars: +- 2 Monte Carlo SEs
const char* const kSimulatedColor = "#1f5fa8";
const char* const kFormulaColor = "#e67e22";

// One zip plot panel: an effect coefficient's intervals and what they are measured against.
struct ZipPanel {
  const CoefficientSummary* coefficient;
  double level;
  std::vector<ZipInterval> intervals;
};

bool is_effect(const std::string& name) { return name.rfind("effect", 0) == 0; }

std::vector<ZipPanel> zip_panels(const StudyResult& result, const CellResult& cell) {
  std::vector<ZipPanel> panels;
  const double level = result.study.scenarios.at(cell.scenario).analysis.rules.ci_level;
  for (std::size_t j = 0; j < cell.replicates.size(); ++j) {
    const CoefficientSummary& c = cell.summary.coefficients.at(j);
    if (!is_effect(c.name)) continue;
    MeasureSettings settings;
    settings.truth = c.truth;
    settings.level = level;
    std::vector<ZipInterval> intervals = zip_intervals(cell.replicates[j], settings);
    if (!intervals.empty()) panels.push_back(ZipPanel{&c, level, std::move(intervals)});
  }
  return panels;
}

std::string percent_text(double proportion) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", 100.0 * proportion);
  return text;
}

LineChart zip_panel_chart(const ZipPanel& panel) {
  ChartSeries covering{"", {}, {}, kSimulatedColor}, missing{"", {}, {}, kFormulaColor};  // no legend: the axis says
  for (const ZipInterval& z : panel.intervals) {
    ChartSeries& series = z.covers ? covering : missing;
    series.x.push_back(z.lower);
    series.x_end.push_back(z.upper);
    series.y.push_back(z.centile);
  }
  const Measure& coverage = panel.coefficient->measures.coverage;
  LineChart chart;
  chart.title = panel.coefficient->name + ": coverage " + percent_text(coverage.value) + "% (MC SE " +
                percent_text(coverage.mc_se) + ")";
  char level[32];
  std::snprintf(level, sizeof level, "%g", 100.0 * panel.level);
  chart.x_label = std::string(level) + "% intervals: blue cover the truth (dashed), orange miss it";
  chart.y_label = "fractional centile of |z|";
  for (ChartSeries* series : {&covering, &missing})
    if (!series->x.empty()) chart.series.push_back(*series);
  chart.y_min = 0.0;
  chart.y_max = 100.0;
  chart.y_reference = {100.0 * panel.level};
  chart.x_reference = {panel.coefficient->truth};
  chart.width = 420;
  chart.height = 480;
  return chart;
}

}  // namespace

std::string rejection_chart_svg(const StudyResult& result, Hypothesis hypothesis) {
  ChartSeries simulated{"simulated (+- 2 MC SE)", {}, {}, kSimulatedColor, {}, true};
  ChartSeries formula{"formula's power", {}, {}, kFormulaColor, {}, true};
  double nominal = 0.0;
  for (const CellResult& cell : result.cells) {
    if (cell.hypothesis != hypothesis || cell.summary.fitted() == 0) continue;
    const Measure& rate = cell.summary.rejection.rate;
    simulated.x.push_back(cell.scenario);
    simulated.y.push_back(rate.value);
    simulated.error.push_back(std::isnan(rate.mc_se) ? 0.0 : kBarMcSes * rate.mc_se);
    nominal = cell.summary.rejection.nominal;
    if (hypothesis == Hypothesis::kAlternative && cell.formula_power) {
      formula.x.push_back(cell.scenario);
      formula.y.push_back(*cell.formula_power);
    }
  }
  if (simulated.x.empty()) return "";
  const bool null = hypothesis == Hypothesis::kNull;
  LineChart chart;
  chart.title = result.study.name + (null ? ": type I error by scenario" : ": power by scenario");
  chart.x_label = "scenario (grid order; rejection.csv)";
  chart.y_label = null ? "type I error rate" : "power";
  chart.series = {simulated};
  if (!formula.x.empty()) chart.series.push_back(formula);
  chart.y_reference = {nominal};
  if (null) {
    const RobustnessBand liberal = bradley_liberal_band(nominal);
    chart.y_reference.push_back(liberal.lower);
    chart.y_reference.push_back(liberal.upper);
    chart.y_min = 0.0;
  } else {
    chart.y_min = 0.0;
    chart.y_max = 1.0;
  }
  chart.width = 800;
  return line_chart_svg(chart);
}

std::string sample_size_chart_svg(const SampleSizeSearch& search) {
  ChartSeries simulated{"simulated (+- 2 MC SE)", {}, {}, kSimulatedColor, {}, true};
  ChartSeries formula{"formula's power", {}, {}, kFormulaColor};
  for (const PowerEstimate& e : search.curve) {
    simulated.x.push_back(e.n);
    simulated.y.push_back(e.power);
    simulated.error.push_back(kBarMcSes * e.mc_se);
    if (e.formula_power) {
      formula.x.push_back(e.n);
      formula.y.push_back(*e.formula_power);
    }
  }
  LineChart chart;
  chart.title = "Scenario " + std::to_string(search.scenario) + ": N found " + std::to_string(search.n) +
                (search.formula_n ? ", formula N " + std::to_string(*search.formula_n) : std::string());
  chart.x_label = "participants N";
  chart.y_label = "power";
  chart.series = {simulated};
  if (!formula.x.empty()) chart.series.push_back(formula);
  chart.y_min = 0.0;
  chart.y_max = 1.0;
  chart.y_reference = {search.target_power};
  return line_chart_svg(chart);
}

std::string zip_plot_svg(const StudyResult& result, const CellResult& cell) {
  std::vector<LineChart> charts;
  for (const ZipPanel& panel : zip_panels(result, cell)) charts.push_back(zip_panel_chart(panel));
  if (charts.empty()) return "";
  return chart_row_svg(charts, result.study.name + ": zip plot, scenario " + std::to_string(cell.scenario) + ", " +
                                   std::string(kHypothesisNames.name(cell.hypothesis)));
}

std::string zip_plot_csv(const StudyResult& result) {
  std::ostringstream csv;
  csv.precision(17);
  for (const CellResult& cell : result.cells)
    for (const ZipPanel& panel : zip_panels(result, cell))
      for (const ZipInterval& z : panel.intervals)
        csv << cell.scenario << "," << kHypothesisNames.name(cell.hypothesis) << "," << panel.coefficient->name << ","
            << z.replicate << "," << z.centile << "," << z.lower << "," << z.upper << "," << (z.covers ? 1 : 0) << "\n";
  const std::string rows = csv.str();
  return rows.empty() ? "" : "scenario,hypothesis,coefficient,replicate,centile,lower,upper,covers\n" + rows;
}

}  // namespace mrtsim
