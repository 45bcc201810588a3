#include "host/io/study_charts.h"

#include <cmath>

#include "host/io/svg_line_chart.h"
#include "host/stats/performance_measures.h"

namespace mrtsim {

namespace {

constexpr double kBarMcSes = 2.0;  // error bars: +- 2 Monte Carlo SEs
const char* const kSimulatedColor = "#1f5fa8";
const char* const kFormulaColor = "#e67e22";

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

}  // namespace mrtsim
