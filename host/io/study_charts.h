// Charts of a finished study, as self-contained SVG (host/io/svg_line_chart.h) written next to the
// CSV tables they draw: the rejection rates of every cell with their Monte Carlo error bars against
// the formula's power and the nominal rate (a nested-loop plot: the grid's scenarios in table order on
// one axis), the power curves of the sample-size searches by simulation, and zip plots of coverage.
#pragma once

#include <string>

#include "host/results/study_result.h"

namespace mrtsim {

// The rejection rates of the cells under `hypothesis` (+- 2 MC SEs) by scenario, with the formula's
// power where the study has one and the nominal rate (alpha with Bradley's liberal band under H0, the
// target power under H1) as dashed lines; "" when the study has no such cell with a fit.
std::string rejection_chart_svg(const StudyResult& result, Hypothesis hypothesis);

// A search's simulated power (+- 2 MC SEs) at every N evaluated, the formula's power there, and the
// target as a dashed line.
std::string sample_size_chart_svg(const SampleSizeSearch& search);

// The zip plot (Morris, White & Crowther 2019, Figure 5) of a cell whose per-replicate records were
// kept (output.zip_plots or output.replicates): one panel per effect coefficient, every counted
// replicate's interval drawn at the fractional centile of its |z|, covering ones blue and the others
// orange, with the truth and the nominal level as dashed lines; "" when the cell has no such records.
std::string zip_plot_svg(const StudyResult& result, const CellResult& cell);

// The data of every zip plot: scenario, hypothesis, coefficient, replicate, centile, lower, upper,
// covers (0/1), one row per interval, cells in table order; "" when no cell has records.
std::string zip_plot_csv(const StudyResult& result);

}  // namespace mrtsim
