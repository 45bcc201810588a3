#include "host/io/study_tables.h"

#include <cmath>
#include <cstdio>
#include <iterator>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/user_error.h"
#include "host/io/csv_text.h"
#include "host/io/replicate_table.h"
#include "host/io/study_charts.h"
#include "mrtsim_version.h"

namespace mrtsim {

namespace {

std::string number(double value, int digits = 8) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*g", digits, value);
  return buffer;
}

// A measure of the successful fits, undefined (NaN, see host/stats/cell_summary.h) without them:
// `missing` then ("" in CSV, "NA" in Markdown), never an invented number.
std::string measure(double value, const char* missing, int digits = 8) {
  return std::isnan(value) ? std::string(missing) : number(value, digits);
}

std::string csv_measure(double value, int digits = 8) { return measure(value, "", digits); }

std::string markdown_measure(double value, int digits) { return measure(value, "NA", digits); }

nlohmann::json json_measure(double value) { return std::isnan(value) ? nlohmann::json() : nlohmann::json(value); }

std::vector<std::string> label_columns(const StudyResult& result) {
  std::vector<std::string> columns;
  if (!result.cells.empty())
    for (const GridValue& v : result.cells.front().labels) columns.push_back(v.axis);
  return columns;
}

std::string stamp_header() { return "study,seed,engine_version,backend,scenario"; }

std::string stamp_row(const StudyResult& result, const CellResult& cell) {
  return csv_field(result.study.name) + "," + std::to_string(result.study.seed) + "," MRTSIM_VERSION "," +
         result.backend + "," + std::to_string(cell.scenario);
}

std::string labels_row(const CellResult& cell) {
  std::string row;
  for (const GridValue& v : cell.labels) row += "," + csv_field(v.label);
  return row;
}

std::string labels_header(const StudyResult& result) {
  std::string header;
  for (const std::string& c : label_columns(result)) header += "," + csv_field(c);
  return header;
}

// "reason=count;..." over the statuses that occurred (kernels/fit_status.h names), e.g.
// "singular_nuisance=2;not_converged=1"; empty when every fit succeeded.
std::string failure_reasons(const CellSummary& s) {
  std::string reasons;
  for (size_t status = 0; status < s.failures_by_status.size(); ++status)
    if (s.failures_by_status[status] > 0)
      reasons += std::string(reasons.empty() ? "" : ";") + kFitStatusNames.name(static_cast<FitStatus>(status)) + "=" +
                 std::to_string(s.failures_by_status[status]);
  return reasons;
}

bool any_unadjusted(const StudyResult& result) {
  for (const CellResult& cell : result.cells)
    if (cell.summary.has_unadjusted) return true;
  return false;
}

// ",value,mc_se" of a measure, each empty where undefined.
std::string csv_measure_pair(const Measure& m) { return "," + csv_measure(m.value) + "," + csv_measure(m.mc_se); }

std::string bradley_csv(const RejectionSummary& r) {
  if (!r.bradley) return ",,";
  return std::string(",") + (r.bradley->within_liberal ? "yes" : "no") + "," + (r.bradley->within_stringent ? "yes" : "no");
}

// The replicates that would give the cell's rejection rate the study's target MC SE: from the rate
// found, or from the nominal rate where the rate is 0, 1 or undefined (its MC SE would read 0).
long long replicates_for_target(const StudyConfig& study, const CellSummary& s) {
  const double rate = s.rejection.rate.value;
  const double planning_rate = rate > 0.0 && rate < 1.0 ? rate : s.rejection.nominal;
  return replicates_for_proportion_mcse(planning_rate, *study.target_mcse);
}

// The unadjusted-variance columns appear only in studies with such an estimator (EMEE), and the
// target-MC-SE column only with study.target_mcse, so that every other study keeps its columns.
std::string rejection_csv(const StudyResult& result) {
  const bool unadjusted = any_unadjusted(result);
  const bool target = result.study.target_mcse.has_value();
  std::ostringstream out;
  out << stamp_header() << labels_header(result)
      << ",hypothesis,n_subjects,formula_power,decisions,replicates,fitted,failed,rejections,rejection_rate,mc_se,"
         "nominal,p_value_vs_nominal,flag,permutation_tested,permutation_rejections,permutation_rejection_rate,"
         "permutation_mc_se,failed_reshuffles,failure_reasons,bradley_liberal,bradley_stringent"
      << (target ? ",replicates_for_target_mcse" : "") << (unadjusted ? ",rejection_rate_unadjusted,mc_se_unadjusted" : "")
      << "\n";
  for (const CellResult& cell : result.cells) {
    const CellSummary& s = cell.summary;
    out << stamp_row(result, cell) << labels_row(cell) << "," << kHypothesisNames.name(cell.hypothesis) << ","
        << cell.sample_size << "," << (cell.formula_power ? number(*cell.formula_power) : "") << "," << cell.decisions
        << "," << s.replicates << "," << s.fitted() << "," << s.failed << "," << s.rejection.rejections
        << csv_measure_pair(s.rejection.rate) << "," << number(s.rejection.nominal) << ","
        << csv_measure(s.rejection.binomial_p_value, 4) << "," << s.flag;
    if (s.has_permutation)
      out << "," << s.permutation.tested << "," << s.permutation.rejections << csv_measure_pair(s.permutation.rate)
          << "," << s.failed_reshuffles;
    else
      out << ",,,,,";  // no permutation test in this cell
    out << "," << failure_reasons(s) << bradley_csv(s.rejection);
    if (target) out << "," << replicates_for_target(result.study, s);
    if (s.has_unadjusted)
      out << csv_measure_pair(s.rejection_unadjusted.rate);
    else if (unadjusted)
      out << ",,";  // this cell's estimator has no unadjusted variance
    out << "\n";
  }
  return out.str();
}

// The measures of a coefficient, in the order of kCoefficientMeasureColumns.
std::vector<const Measure*> coefficient_measures(const PerformanceMeasures& m) {
  return {&m.mean_estimate, &m.bias,     &m.relative_bias,           &m.empirical_se,
          &m.mse,           &m.rmse,     &m.model_se,                &m.relative_error_model_se,
          &m.coverage,      &m.bias_eliminated_coverage, &m.rejection.rate};
}
const char* const kCoefficientMeasureColumns[] = {
    "mean_estimate", "bias", "relative_bias", "empirical_se", "mse", "rmse", "model_se", "relative_error_model_se",
    "coverage", "bias_eliminated_coverage", "wald_rejection_rate"};
// With the unadjusted variance: the measures that depend on the SE.
std::vector<const Measure*> unadjusted_measures(const PerformanceMeasures& m) {
  return {&m.model_se, &m.relative_error_model_se, &m.coverage, &m.bias_eliminated_coverage};
}
const char* const kUnadjustedMeasureColumns[] = {"model_se_unadjusted", "relative_error_model_se_unadjusted",
                                                 "coverage_unadjusted", "bias_eliminated_coverage_unadjusted"};

// Why the undefined measures are undefined: "measure: reason; ..." (each reason once).
std::string measure_notes(const PerformanceMeasures& m) {
  std::string notes;
  const std::vector<const Measure*> measures = coefficient_measures(m);
  for (size_t k = 0; k < measures.size(); ++k) {
    const std::string& note = measures[k]->note;
    if (note.empty() || notes.find(note) != std::string::npos) continue;
    notes += std::string(notes.empty() ? "" : "; ") + kCoefficientMeasureColumns[k] + ": " + note;
  }
  return notes;
}

std::string coefficients_csv(const StudyResult& result) {
  const bool unadjusted = any_unadjusted(result);
  std::ostringstream out;
  out << stamp_header() << labels_header(result)
      << ",hypothesis,n_subjects,replicates,coefficient,truth,truth_mc_se,truth_simple_mean,n_sim,failures";
  for (const char* column : kCoefficientMeasureColumns) out << "," << column << "," << column << "_mc_se";
  const bool paired = result.study.paired_analyses;
  if (paired) out << ",reference_scenario,relative_precision,relative_precision_mc_se";
  out << ",median_estimate,median_se,notes";
  if (unadjusted)
    for (const char* column : kUnadjustedMeasureColumns) out << "," << column << "," << column << "_mc_se";
  out << "\n";
  // Blank where the truth is exact / has no second definition.
  const auto optional_entry = [](const std::vector<double>& values, size_t j) {
    return j < values.size() ? number(values[j]) : std::string();
  };
  for (const CellResult& cell : result.cells) {
    for (size_t j = 0; j < cell.summary.coefficients.size(); ++j) {
      const CoefficientSummary& c = cell.summary.coefficients[j];
      const PerformanceMeasures& m = c.measures;
      out << stamp_row(result, cell) << labels_row(cell) << "," << kHypothesisNames.name(cell.hypothesis) << ","
          << cell.sample_size << "," << cell.summary.replicates << "," << csv_field(c.name) << "," << number(c.truth)
          << "," << optional_entry(cell.truth.mc_se, j) << "," << optional_entry(cell.truth.simple_mean, j) << ","
          << m.n_sim << "," << m.failures;
      for (const Measure* measure : coefficient_measures(m)) out << csv_measure_pair(*measure);
      if (paired)
        out << "," << result.study.scenarios.at(cell.scenario).stream_index << csv_measure_pair(m.relative_precision);
      out << "," << csv_measure(m.median_estimate.value) << "," << csv_measure(m.median_se.value) << ","
          << csv_field(measure_notes(m));
      if (c.unadjusted)
        for (const Measure* measure : unadjusted_measures(*c.unadjusted)) out << csv_measure_pair(*measure);
      else if (unadjusted)
        out << std::string(2 * std::size(kUnadjustedMeasureColumns), ',');
      out << "\n";
    }
  }
  return out.str();
}

// Every N a sample-size search by simulation evaluated, with its simulated power and MC SE and the
// formula's power there; `chosen` marks the N found.
std::string sample_size_csv(const StudyResult& result) {
  std::ostringstream out;
  out << "scenario" << labels_header(result)
      << ",n,replicates,fitted,rejections,simulated_power,mc_se,formula_power,target_power,chosen,formula_n\n";
  for (const SampleSizeSearch& search : result.sample_size_searches) {
    std::string labels;
    for (const GridValue& v : search.labels) labels += "," + csv_field(v.label);
    for (const PowerEstimate& e : search.curve)
      out << search.scenario << labels << "," << e.n << "," << e.replicates << "," << e.fitted << "," << e.rejections << ","
          << number(e.power) << "," << number(e.mc_se) << "," << (e.formula_power ? number(*e.formula_power) : "") << ","
          << number(search.target_power) << "," << (e.n == search.n ? "yes" : "no") << ","
          << (search.formula_n ? std::to_string(*search.formula_n) : "") << "\n";
  }
  return out.str();
}

std::string markdown_stamp(const StudyResult& result) {
  const StudyConfig& s = result.study;
  return "Study `" + s.name + "` (" + s.file + "): seed " + std::to_string(s.seed) + ", mrtsim " MRTSIM_VERSION
         ", backend " + result.backend + ", " + std::to_string(s.replicates) + " replicates per cell, test " +
         kJointTestNames.name(s.analysis.rules.test) + std::string(" at alpha ") + number(s.analysis.rules.alpha) + ".\n\n";
}

std::string percent(double rate) { return markdown_measure(100.0 * rate, 3); }

// "value (MC SE)", or the value alone where the MC SE is undefined.
std::string markdown_with_mc_se(const Measure& m, int digits) {
  if (std::isnan(m.value)) return "NA";
  return number(m.value, digits) + (std::isnan(m.mc_se) ? "" : " (" + number(m.mc_se, 2) + ")");
}

std::string coefficients_markdown(const StudyResult& result) {
  const bool unadjusted = any_unadjusted(result);
  const bool paired = result.study.paired_analyses;
  const std::string level = number(100 * result.study.analysis.rules.ci_level, 3);
  std::ostringstream out;
  out << "Each measure with its Monte Carlo SE in parentheses; model SE is the root mean square of the SEs.\n\n"
      << "| scenario | hypothesis | coefficient | truth | n_sim | mean | bias | emp. SE | model SE | rel. error model SE % "
         "| RMSE | "
      << level << "% coverage | bias-eliminated coverage |"
      << (unadjusted ? " model SE (unadjusted) | coverage (unadjusted) |" : "")
      << (paired ? " rel. precision % (vs scenario) |" : "")
      << "\n|---|---|---|---|---|---|---|---|---|---|---|---|---|" << (unadjusted ? "---|---|" : "")
      << (paired ? "---|" : "") << "\n";
  for (const CellResult& cell : result.cells)
    for (const CoefficientSummary& c : cell.summary.coefficients) {
      const PerformanceMeasures& m = c.measures;
      out << "| " << cell.scenario << " | " << kHypothesisNames.name(cell.hypothesis) << " | " << c.name << " | "
          << number(c.truth, 4) << " | " << m.n_sim << " | " << markdown_measure(m.mean_estimate.value, 4) << " | "
          << markdown_with_mc_se(m.bias, 3) << " | " << markdown_with_mc_se(m.empirical_se, 3) << " | "
          << markdown_with_mc_se(m.model_se, 3) << " | " << markdown_with_mc_se(m.relative_error_model_se, 3) << " | "
          << markdown_with_mc_se(m.rmse, 3) << " | " << markdown_with_mc_se(m.coverage, 3) << " | "
          << markdown_with_mc_se(m.bias_eliminated_coverage, 3) << " |";
      if (unadjusted)
        out << " " << (c.unadjusted ? markdown_with_mc_se(c.unadjusted->model_se, 3) : "") << " | "
            << (c.unadjusted ? markdown_with_mc_se(c.unadjusted->coverage, 3) : "") << " |";
      if (paired)
        out << " " << markdown_with_mc_se(m.relative_precision, 3) << " ("
            << result.study.scenarios.at(cell.scenario).stream_index << ") |";
      out << "\n";
    }
  return out.str();
}

}  // namespace

// "yes"/"no" for each of Bradley's bands (type I error rates only).
std::string bradley_markdown(const RejectionSummary& r) {
  if (!r.bradley) return "";
  return std::string(r.bradley->within_liberal ? "yes" : "no") + " / " + (r.bradley->within_stringent ? "yes" : "no");
}

std::string rejection_markdown(const StudyResult& result) {
  bool permutation = false;
  for (const CellResult& cell : result.cells) permutation = permutation || cell.summary.has_permutation;
  const bool unadjusted = any_unadjusted(result);
  std::ostringstream out;
  out << markdown_stamp(result) << "| scenario |";
  for (const std::string& c : label_columns(result)) out << " " << c << " |";
  out << " hypothesis | N | formula power % | fitted | failed | rejection % | MC SE % | nominal % | flag |"
         " Bradley liberal / stringent |"
      << (permutation ? " permutation rejection % | permutation MC SE % |" : "")
      << (unadjusted ? " unadjusted rejection % | unadjusted MC SE % |" : "") << "\n|---|";
  for (size_t i = 0; i < label_columns(result).size(); ++i) out << "---|";
  out << "---|---|---|---|---|---|---|---|---|---|" << (permutation ? "---|---|" : "")
      << (unadjusted ? "---|---|" : "") << "\n";
  for (const CellResult& cell : result.cells) {
    const CellSummary& s = cell.summary;
    out << "| " << cell.scenario << " |";
    for (const GridValue& v : cell.labels) out << " " << v.label << " |";
    out << " " << kHypothesisNames.name(cell.hypothesis) << " | " << cell.sample_size << " | "
        << (cell.formula_power ? percent(*cell.formula_power) : "") << " | " << s.fitted() << " | " << s.failed
        << " | " << percent(s.rejection.rate.value) << " | " << percent(s.rejection.rate.mc_se) << " | "
        << percent(s.rejection.nominal) << " | " << (s.flag.empty() ? "" : "**" + s.flag + "**") << " | "
        << bradley_markdown(s.rejection) << " |";
    if (permutation)
      out << " " << (s.has_permutation ? percent(s.permutation.rate.value) : "") << " | "
          << (s.has_permutation ? percent(s.permutation.rate.mc_se) : "") << " |";
    if (unadjusted)
      out << " " << (s.has_unadjusted ? percent(s.rejection_unadjusted.rate.value) : "") << " | "
          << (s.has_unadjusted ? percent(s.rejection_unadjusted.rate.mc_se) : "") << " |";
    out << "\n";
  }
  for (const CellResult& cell : result.cells)  // why a cell has no numbers
    if (cell.summary.fitted() == 0)
      out << "\nScenario " << cell.scenario << ", " << kHypothesisNames.name(cell.hypothesis)
          << ": no fit succeeded (" << failure_reasons(cell.summary) << "), so its measures are NA.\n";
  return out.str();
}

namespace {

// A measure as {"value", "mc_se"} (null where undefined) with its "note" where there is one.
nlohmann::json json_pair(const Measure& m) {
  nlohmann::json entry = {{"value", json_measure(m.value)}, {"mc_se", json_measure(m.mc_se)}};
  if (!m.note.empty()) entry["note"] = m.note;
  return entry;
}

nlohmann::json json_rejections(const RejectionSummary& r) {
  nlohmann::json entry = {{"tested", r.tested},
                          {"rejections", r.rejections},
                          {"rate", json_pair(r.rate)},
                          {"nominal", r.nominal},
                          {"binomial_p_value", json_measure(r.binomial_p_value)}};
  if (r.bradley)
    entry["bradley"] = {{"liberal", {r.bradley->liberal.lower, r.bradley->liberal.upper}},
                        {"stringent", {r.bradley->stringent.lower, r.bradley->stringent.upper}},
                        {"within_liberal", r.bradley->within_liberal},
                        {"within_stringent", r.bradley->within_stringent}};
  return entry;
}

nlohmann::json json_measures(const PerformanceMeasures& m) {
  nlohmann::json entry = {{"n_sim", m.n_sim}, {"failures", m.failures}, {"non_finite", m.non_finite}};
  const std::vector<const Measure*> measures = coefficient_measures(m);
  for (size_t k = 0; k + 1 < measures.size(); ++k) entry[kCoefficientMeasureColumns[k]] = json_pair(*measures[k]);
  entry["wald_test"] = json_rejections(m.rejection);
  entry["median_estimate"] = json_measure(m.median_estimate.value);
  entry["median_se"] = json_measure(m.median_se.value);
  return entry;
}

nlohmann::json json_coefficient(const CoefficientSummary& c, const TruthValues& truth, size_t j) {
  nlohmann::json entry = {{"name", c.name}, {"truth", c.truth}};
  entry.update(json_measures(c.measures));
  if (j < truth.mc_se.size()) {
    entry["truth_mc_se"] = truth.mc_se[j];
    entry["truth_mc_subjects"] = truth.mc_subjects;
  }
  if (j < truth.simple_mean.size()) entry["truth_simple_mean"] = truth.simple_mean[j];
  if (c.unadjusted) entry["unadjusted"] = json_measures(*c.unadjusted);
  if (!std::isnan(c.measures.relative_precision.value))  // study.paired_analyses
    entry["relative_precision"] = json_pair(c.measures.relative_precision);
  return entry;
}

}  // namespace

std::string sample_size_markdown(const std::vector<SampleSizeSearch>& searches) {
  if (searches.empty()) return "";
  std::ostringstream out;
  out << "\n## Sample size by simulation\n\n| scenario | target power | N found | simulated power (MC SE) | formula N | "
         "formula power at N found |\n|---|---|---|---|---|---|\n";
  for (const SampleSizeSearch& search : searches)
    for (const PowerEstimate& e : search.curve)
      if (e.n == search.n)
        out << "| " << search.scenario << " | " << number(search.target_power) << " | " << e.n << " | "
            << number(e.power, 4) << " (" << number(e.mc_se, 2) << ") | "
            << (search.formula_n ? std::to_string(*search.formula_n) : "NA") << " | "
            << (e.formula_power ? number(*e.formula_power, 4) : "NA") << " |\n";
  return out.str();
}

nlohmann::json sample_size_json(const std::vector<SampleSizeSearch>& searches) {
  nlohmann::json out = nlohmann::json::array();
  for (const SampleSizeSearch& search : searches) {
    nlohmann::json curve = nlohmann::json::array();
    for (const PowerEstimate& e : search.curve)
      curve.push_back({{"n", e.n}, {"replicates", e.replicates}, {"fitted", e.fitted}, {"rejections", e.rejections},
                       {"simulated_power", e.power}, {"mc_se", e.mc_se},
                       {"formula_power", e.formula_power ? nlohmann::json(*e.formula_power) : nlohmann::json()}});
    nlohmann::json labels = nlohmann::json::object();
    for (const GridValue& v : search.labels) labels[v.axis] = v.label;
    out.push_back({{"scenario", search.scenario}, {"labels", labels}, {"target_power", search.target_power},
                   {"n", search.n}, {"formula_n", search.formula_n ? nlohmann::json(*search.formula_n) : nlohmann::json()},
                   {"curve", curve}});
  }
  return out;
}

nlohmann::json study_json(const StudyResult& result) {
  nlohmann::json cells = nlohmann::json::array();
  for (const CellResult& cell : result.cells) {
    const CellSummary& s = cell.summary;
    nlohmann::json labels = nlohmann::json::object();
    for (const GridValue& v : cell.labels) labels[v.axis] = v.label;
    nlohmann::json coefficients = nlohmann::json::array();
    for (size_t j = 0; j < s.coefficients.size(); ++j) coefficients.push_back(json_coefficient(s.coefficients[j], cell.truth, j));
    cells.push_back({{"scenario", cell.scenario}, {"labels", labels},
                     {"hypothesis", kHypothesisNames.name(cell.hypothesis)}, {"n_subjects", cell.sample_size},
                     {"formula_power", cell.formula_power ? nlohmann::json(*cell.formula_power) : nlohmann::json()},
                     {"decisions", cell.decisions}, {"replicates", s.replicates}, {"fitted", s.fitted()}, {"failed", s.failed},
                     {"failures_by_status", s.failures_by_status}, {"failure_reasons", failure_reasons(s)},
                     {"joint_test", json_rejections(s.rejection)}, {"flag", s.flag},
                     {"coefficients", coefficients}});
    if (result.study.target_mcse) cells.back()["replicates_for_target_mcse"] = replicates_for_target(result.study, s);
    if (s.has_permutation) {
      cells.back()["permutation"] = json_rejections(s.permutation);
      cells.back()["permutation"]["failed_reshuffles"] = s.failed_reshuffles;
    }
    if (s.has_unadjusted) cells.back()["joint_test_unadjusted"] = json_rejections(s.rejection_unadjusted);
  }
  const StudyConfig& study = result.study;
  nlohmann::json out = {{"study", study.name}, {"file", study.file}, {"seed", study.seed}, {"engine_version", MRTSIM_VERSION},
          {"backend", result.backend}, {"replicates", study.replicates},
          {"test", kJointTestNames.name(study.analysis.rules.test)}, {"alpha", study.analysis.rules.alpha}, {"cells", cells}};
  if (study.target_mcse) out["target_mcse"] = *study.target_mcse;
  if (!result.sample_size_searches.empty()) out["sample_size_searches"] = sample_size_json(result.sample_size_searches);
  return out;
}

void write_file_atomically(const std::string& path, const std::string& contents) {
  const std::string temporary = path + ".partial";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << contents;
    out.flush();
    if (!out) throw UserError(temporary + ": cannot write");
  }
  std::error_code error;
  std::filesystem::rename(temporary, path, error);
  if (error) throw UserError(path + ": cannot move the finished table into place: " + error.message());
}

void write_study_tables(const StudyResult& result, const std::string& directory) {
  std::error_code error;
  std::filesystem::create_directories(directory, error);
  if (error) throw UserError(directory + ": cannot create the output folder: " + error.message());
  const auto wants = [&](const char* format) {
    for (const auto& f : result.study.formats)
      if (f == format) return true;
    return false;
  };
  const std::filesystem::path dir(directory);
  if (wants("csv")) {
    write_file_atomically((dir / "rejection.csv").string(), rejection_csv(result));
    write_file_atomically((dir / "coefficients.csv").string(), coefficients_csv(result));
  }
  if (wants("csv")) {  // the charts of the CSV tables, next to them
    for (const auto& [hypothesis, file] : {std::pair{Hypothesis::kNull, "type1.svg"}, std::pair{Hypothesis::kAlternative, "power.svg"}}) {
      const std::string chart = rejection_chart_svg(result, hypothesis);
      if (!chart.empty()) write_file_atomically((dir / file).string(), chart);
    }
  }
  if (wants("csv") && !result.sample_size_searches.empty()) {
    write_file_atomically((dir / "sample_size.csv").string(), sample_size_csv(result));
    for (const SampleSizeSearch& search : result.sample_size_searches)
      write_file_atomically((dir / ("sample_size_" + std::to_string(search.scenario) + ".svg")).string(),
                            sample_size_chart_svg(search));
  }
  if (result.study.write_zip_plots) {
    const std::string csv = zip_plot_csv(result);
    if (!csv.empty()) write_file_atomically((dir / "zip.csv").string(), csv);
    for (const CellResult& cell : result.cells) {
      const std::string svg = zip_plot_svg(result, cell);
      if (!svg.empty())
        write_file_atomically((dir / ("zip_" + std::to_string(cell.scenario) + "_" +
                                      std::string(kHypothesisNames.name(cell.hypothesis)) + ".svg"))
                                  .string(),
                              svg);
    }
  }
  if (wants("markdown"))
    write_file_atomically((dir / "summary.md").string(), "# " + result.study.name + "\n\n" +
                                                             rejection_markdown(result) + "\n" +
                                                             coefficients_markdown(result) +
                                                             sample_size_markdown(result.sample_size_searches) +
                                                             (result.sample_size_searches.empty()
                                                                  ? ""
                                                                  : "\nEvery N evaluated, with its power and MC SE: "
                                                                    "sample_size.csv.\n"));
  if (wants("json")) write_file_atomically((dir / "results.json").string(), study_json(result).dump(2) + "\n");
  if (result.study.write_replicates) write_replicate_table(result, (dir / "replicates.csv.gz").string());
}

}  // namespace mrtsim
