#include "host/io/study_tables.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/user_error.h"
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

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

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

// The unadjusted-variance columns appear only in studies with such an estimator (EMEE), so that the
// tables of every other study keep their columns.
std::string rejection_csv(const StudyResult& result) {
  const bool unadjusted = any_unadjusted(result);
  std::ostringstream out;
  out << stamp_header() << labels_header(result)
      << ",hypothesis,n_subjects,formula_power,decisions,replicates,fitted,failed,rejections,rejection_rate,mc_se,"
         "nominal,p_value_vs_nominal,flag,permutation_tested,permutation_rejections,permutation_rejection_rate,"
         "permutation_mc_se,failed_reshuffles,failure_reasons"
      << (unadjusted ? ",rejection_rate_unadjusted,mc_se_unadjusted" : "") << "\n";
  for (const CellResult& cell : result.cells) {
    const CellSummary& s = cell.summary;
    out << stamp_row(result, cell) << labels_row(cell) << "," << kHypothesisNames.name(cell.hypothesis) << ","
        << cell.sample_size << "," << (cell.formula_power ? number(*cell.formula_power) : "") << "," << cell.decisions << "," << s.replicates << "," << s.fitted() << ","
        << s.failed << "," << s.rejections << "," << csv_measure(s.rejection_rate) << "," << csv_measure(s.rejection_mc_se)
        << "," << number(s.nominal) << "," << csv_measure(s.nominal_p_value, 4) << "," << s.flag;
    if (s.has_permutation)
      out << "," << s.permutation_tested << "," << s.permutation_rejections << "," << csv_measure(s.permutation_rejection_rate)
          << "," << csv_measure(s.permutation_mc_se) << "," << s.failed_reshuffles;
    else
      out << ",,,,,";  // no permutation test in this cell
    out << "," << failure_reasons(s);
    if (s.has_unadjusted)
      out << "," << csv_measure(s.rejection_rate_unadjusted) << "," << csv_measure(s.rejection_mc_se_unadjusted);
    else if (unadjusted)
      out << ",,";  // this cell's estimator has no unadjusted variance
    out << "\n";
  }
  return out.str();
}

std::string coefficients_csv(const StudyResult& result) {
  const bool unadjusted = any_unadjusted(result);
  std::ostringstream out;
  out << stamp_header() << labels_header(result)
      << ",hypothesis,n_subjects,replicates,coefficient,truth,truth_mc_se,truth_simple_mean,mean_estimate,bias,"
         "empirical_sd,mean_se,rmse,ci_coverage"
      << (unadjusted ? ",mean_se_unadjusted,ci_coverage_unadjusted" : "") << "\n";
  // Blank where the truth is exact / has no second definition.
  const auto optional_entry = [](const std::vector<double>& values, size_t j) {
    return j < values.size() ? number(values[j]) : std::string();
  };
  for (const CellResult& cell : result.cells) {
    for (size_t j = 0; j < cell.summary.coefficients.size(); ++j) {
      const CoefficientSummary& c = cell.summary.coefficients[j];
      out << stamp_row(result, cell) << labels_row(cell) << "," << kHypothesisNames.name(cell.hypothesis) << ","
          << cell.sample_size << "," << cell.summary.replicates << "," << csv_field(c.name) << "," << number(c.truth)
          << "," << optional_entry(cell.truth.mc_se, j) << "," << optional_entry(cell.truth.simple_mean, j) << ","
          << csv_measure(c.mean_estimate) << "," << csv_measure(c.bias) << "," << csv_measure(c.empirical_sd) << ","
          << csv_measure(c.mean_se) << "," << csv_measure(c.rmse) << "," << csv_measure(c.coverage);
      if (cell.summary.has_unadjusted)
        out << "," << csv_measure(c.mean_se_unadjusted) << "," << csv_measure(c.coverage_unadjusted);
      else if (unadjusted)
        out << ",,";
      out << "\n";
    }
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

std::string coefficients_markdown(const StudyResult& result) {
  const bool unadjusted = any_unadjusted(result);
  std::ostringstream out;
  out << "| scenario | hypothesis | coefficient | truth | mean | bias | emp. SD | mean SE | RMSE | "
      << number(100 * result.study.analysis.rules.ci_level, 3) << "% coverage |"
      << (unadjusted ? " mean SE (unadjusted) | coverage (unadjusted) |" : "")
      << "\n|---|---|---|---|---|---|---|---|---|---|" << (unadjusted ? "---|---|" : "") << "\n";
  for (const CellResult& cell : result.cells)
    for (const CoefficientSummary& c : cell.summary.coefficients) {
      out << "| " << cell.scenario << " | " << kHypothesisNames.name(cell.hypothesis) << " | " << c.name << " | "
          << number(c.truth, 4) << " | " << markdown_measure(c.mean_estimate, 4) << " | "
          << markdown_measure(c.bias, 3) << " | " << markdown_measure(c.empirical_sd, 3) << " | "
          << markdown_measure(c.mean_se, 3) << " | " << markdown_measure(c.rmse, 3) << " | "
          << markdown_measure(c.coverage, 3) << " |";
      if (unadjusted)
        out << " " << (cell.summary.has_unadjusted ? markdown_measure(c.mean_se_unadjusted, 3) : "") << " | "
            << (cell.summary.has_unadjusted ? markdown_measure(c.coverage_unadjusted, 3) : "") << " |";
      out << "\n";
    }
  return out.str();
}

}  // namespace

std::string rejection_markdown(const StudyResult& result) {
  bool permutation = false;
  for (const CellResult& cell : result.cells) permutation = permutation || cell.summary.has_permutation;
  const bool unadjusted = any_unadjusted(result);
  std::ostringstream out;
  out << markdown_stamp(result) << "| scenario |";
  for (const std::string& c : label_columns(result)) out << " " << c << " |";
  out << " hypothesis | N | formula power % | fitted | failed | rejection % | MC SE % | nominal % | flag |"
      << (permutation ? " permutation rejection % | permutation MC SE % |" : "")
      << (unadjusted ? " unadjusted rejection % | unadjusted MC SE % |" : "") << "\n|---|";
  for (size_t i = 0; i < label_columns(result).size(); ++i) out << "---|";
  out << "---|---|---|---|---|---|---|---|---|" << (permutation ? "---|---|" : "") << (unadjusted ? "---|---|" : "")
      << "\n";
  for (const CellResult& cell : result.cells) {
    const CellSummary& s = cell.summary;
    out << "| " << cell.scenario << " |";
    for (const GridValue& v : cell.labels) out << " " << v.label << " |";
    out << " " << kHypothesisNames.name(cell.hypothesis) << " | " << cell.sample_size << " | "
        << (cell.formula_power ? percent(*cell.formula_power) : "") << " | " << s.fitted() << " | " << s.failed << " | " << percent(s.rejection_rate) << " | "
        << percent(s.rejection_mc_se) << " | " << percent(s.nominal) << " | "
        << (s.flag.empty() ? "" : "**" + s.flag + "**") << " |";
    if (permutation)
      out << " " << (s.has_permutation ? percent(s.permutation_rejection_rate) : "") << " | "
          << (s.has_permutation ? percent(s.permutation_mc_se) : "") << " |";
    if (unadjusted)
      out << " " << (s.has_unadjusted ? percent(s.rejection_rate_unadjusted) : "") << " | "
          << (s.has_unadjusted ? percent(s.rejection_mc_se_unadjusted) : "") << " |";
    out << "\n";
  }
  for (const CellResult& cell : result.cells)  // why a cell has no numbers
    if (cell.summary.fitted() == 0)
      out << "\nScenario " << cell.scenario << ", " << kHypothesisNames.name(cell.hypothesis)
          << ": no fit succeeded (" << failure_reasons(cell.summary) << "), so its measures are NA.\n";
  return out.str();
}

nlohmann::json study_json(const StudyResult& result) {
  nlohmann::json cells = nlohmann::json::array();
  for (const CellResult& cell : result.cells) {
    const CellSummary& s = cell.summary;
    nlohmann::json labels = nlohmann::json::object();
    for (const GridValue& v : cell.labels) labels[v.axis] = v.label;
    nlohmann::json coefficients = nlohmann::json::array();
    for (size_t j = 0; j < s.coefficients.size(); ++j) {
      const CoefficientSummary& c = s.coefficients[j];
      nlohmann::json entry = {{"name", c.name},
                              {"truth", c.truth},
                              {"mean_estimate", json_measure(c.mean_estimate)},
                              {"bias", json_measure(c.bias)},
                              {"empirical_sd", json_measure(c.empirical_sd)},
                              {"mean_se", json_measure(c.mean_se)},
                              {"rmse", json_measure(c.rmse)},
                              {"ci_coverage", json_measure(c.coverage)}};
      if (j < cell.truth.mc_se.size()) {
        entry["truth_mc_se"] = cell.truth.mc_se[j];
        entry["truth_mc_subjects"] = cell.truth.mc_subjects;
      }
      if (j < cell.truth.simple_mean.size()) entry["truth_simple_mean"] = cell.truth.simple_mean[j];
      if (s.has_unadjusted) {
        entry["mean_se_unadjusted"] = json_measure(c.mean_se_unadjusted);
        entry["ci_coverage_unadjusted"] = json_measure(c.coverage_unadjusted);
      }
      coefficients.push_back(entry);
    }
    cells.push_back({{"scenario", cell.scenario}, {"labels", labels},
                     {"hypothesis", kHypothesisNames.name(cell.hypothesis)}, {"n_subjects", cell.sample_size},
                     {"formula_power", cell.formula_power ? nlohmann::json(*cell.formula_power) : nlohmann::json()},
                     {"decisions", cell.decisions}, {"replicates", s.replicates}, {"fitted", s.fitted()}, {"failed", s.failed},
                     {"failures_by_status", s.failures_by_status}, {"failure_reasons", failure_reasons(s)},
                     {"rejections", s.rejections},
                     {"rejection_rate", json_measure(s.rejection_rate)}, {"mc_se", json_measure(s.rejection_mc_se)},
                     {"nominal", s.nominal}, {"p_value_vs_nominal", json_measure(s.nominal_p_value)}, {"flag", s.flag},
                     {"coefficients", coefficients}});
    if (s.has_permutation)
      cells.back()["permutation"] = {{"tested", s.permutation_tested},
                                     {"rejections", s.permutation_rejections},
                                     {"rejection_rate", json_measure(s.permutation_rejection_rate)},
                                     {"mc_se", json_measure(s.permutation_mc_se)},
                                     {"failed_reshuffles", s.failed_reshuffles}};
    if (s.has_unadjusted)  // the estimator's unadjusted variance (EMEE)
      cells.back()["unadjusted"] = {{"rejections", s.rejections_unadjusted},
                                    {"rejection_rate", json_measure(s.rejection_rate_unadjusted)},
                                    {"mc_se", json_measure(s.rejection_mc_se_unadjusted)}};
  }
  const StudyConfig& study = result.study;
  return {{"study", study.name}, {"file", study.file}, {"seed", study.seed}, {"engine_version", MRTSIM_VERSION},
          {"backend", result.backend}, {"replicates", study.replicates},
          {"test", kJointTestNames.name(study.analysis.rules.test)}, {"alpha", study.analysis.rules.alpha}, {"cells", cells}};
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
  if (wants("markdown"))
    write_file_atomically((dir / "summary.md").string(), "# " + result.study.name + "\n\n" +
                                                             rejection_markdown(result) + "\n" +
                                                             coefficients_markdown(result));
  if (wants("json")) write_file_atomically((dir / "results.json").string(), study_json(result).dump(2) + "\n");
}

}  // namespace mrtsim
