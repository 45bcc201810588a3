#include "host/io/mrt_csv.h"

#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string_view>

#include "core/user_error.h"

namespace mrtsim {
namespace {

constexpr double kMissing = std::numeric_limits<double>::quiet_NaN();

std::string trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t");
  return std::string(text.substr(first, last - first + 1));
}

// Splits one CSV line into trimmed fields; a quoted field keeps its text verbatim.
std::vector<std::string> split_csv_line(const std::string& line, const std::string& path, std::size_t line_number) {
  std::vector<std::string> fields;
  std::string field;
  bool quoted = false;
  bool was_quoted = false;
  auto finish_field = [&] {
    fields.push_back(was_quoted ? field : trim(field));
    field.clear();
    was_quoted = false;
  };
  for (std::size_t k = 0; k < line.size(); ++k) {
    const char c = line[k];
    if (quoted) {
      if (c != '"') {
        field += c;
      } else if (k + 1 < line.size() && line[k + 1] == '"') {
        field += '"';
        ++k;
      } else {
        quoted = false;
      }
    } else if (c == '"' && trim(field).empty()) {
      quoted = was_quoted = true;
      field.clear();
    } else if (c == ',') {
      finish_field();
    } else if (!was_quoted || (c != ' ' && c != '\t')) {
      if (was_quoted)
        throw UserError(path + ", line " + std::to_string(line_number) + ": text after a closing quote");
      field += c;
    }
  }
  if (quoted) throw UserError(path + ", line " + std::to_string(line_number) + ": unterminated quote");
  finish_field();
  return fields;
}

bool is_blank(const std::string& line) { return line.find_first_not_of(" \t") == std::string::npos; }

bool is_missing(const std::string& cell) { return cell.empty() || cell == "NA"; }

// Parses a whole cell as a finite number (locale independent).
bool parse_number(const std::string& cell, double* value) {
  const char* begin = cell.data();
  const char* end = begin + cell.size();
  if (begin != end && *begin == '+') ++begin;
  const auto result = std::from_chars(begin, end, *value);
  return result.ec == std::errc() && result.ptr == end && std::isfinite(*value);
}

std::string format_number(double value) {
  std::ostringstream out;
  out.precision(15);
  out << value;
  return out.str();
}

// A numeric column, NaN where missing.
std::vector<double> read_numeric(const CsvTable& table, const std::string& name, const std::string& role) {
  const std::vector<std::string>& cells = table.column(name, role);
  std::vector<double> values(cells.size(), kMissing);
  for (std::size_t row = 0; row < cells.size(); ++row) {
    if (is_missing(cells[row])) continue;
    if (!parse_number(cells[row], &values[row]))
      throw UserError(table.where(name, row) + ": '" + cells[row] + "' is not a number");
  }
  return values;
}

bool is_probability(double value) { return value > 0.0 && value < 1.0; }

// A probability column, or one number for every row when `name_or_number` is not a column but parses
// as a number.

std::vector<double> read_column_or_constant(const CsvTable& table, const std::string& name_or_number,
                                            const std::string& role) {
  double constant = 0.0;
  if (table.has_column(name_or_number) || !parse_number(name_or_number, &constant))
    return read_numeric(table, name_or_number, role);
  if (!is_probability(constant))
    throw UserError("the " + role + " " + name_or_number + " must lie strictly between 0 and 1");
  return std::vector<double>(table.num_rows(), constant);
}

std::vector<unsigned char> read_availability(const CsvTable& table, const std::string& name) {
  if (name.empty()) return std::vector<unsigned char>(table.num_rows(), 1);
  const std::vector<std::string>& cells = table.column(name, "availability");
  const std::vector<double> values = read_numeric(table, name, "availability");
  std::vector<unsigned char> available(values.size());
  for (std::size_t row = 0; row < values.size(); ++row) {
    if (values[row] != 0.0 && values[row] != 1.0)
      throw UserError(table.where(name, row) + ": availability must be 0 or 1 on every row, got '" + cells[row] + "'");
    available[row] = values[row] == 1.0;
  }
  return available;
}

// The checks MRTAnalysis makes on available rows only (on every row for DCEE); `scope` says which
// in the message.
void require_present(const CsvTable& table, const std::string& name, const std::vector<double>& values,
                     const std::vector<unsigned char>& available, const std::string& scope = "on an available row") {
  for (std::size_t row = 0; row < values.size(); ++row)
    if (available[row] && std::isnan(values[row]))
      throw UserError(table.where(name, row) + ": missing value (NA) " + scope);
}

void require_probability(const CsvTable& table, const std::string& name, const std::string& role,
                         const std::vector<double>& values, const std::vector<unsigned char>& available) {
  if (!table.has_column(name)) return;  // a constant, checked when it was read
  require_present(table, name, values, available);
  for (std::size_t row = 0; row < values.size(); ++row)
    if (available[row] && !is_probability(values[row]))
      throw UserError(table.where(name, row) + ": the " + role + " must lie strictly between 0 and 1 on available rows, got " +
                      format_number(values[row]));
}

void require_binary_outcome(const CsvTable& table, const std::string& name, const std::vector<double>& values,
                            const std::vector<unsigned char>& available) {
  for (std::size_t row = 0; row < values.size(); ++row)
    if (available[row] && values[row] != 0.0 && values[row] != 1.0)
      throw UserError(table.where(name, row) + ": a binary outcome must be 0 or 1 on available rows, got " +
                      format_number(values[row]));
}

std::vector<int> read_treatment(const CsvTable& table, const std::string& name,
                                const std::vector<unsigned char>& available, const std::string& scope) {
  const std::vector<double> values = read_numeric(table, name, "treatment");
  require_present(table, name, values, available, scope);
  std::vector<int> treatment(values.size(), 0);
  for (std::size_t row = 0; row < values.size(); ++row) {
    const bool binary = values[row] == 0.0 || values[row] == 1.0;
    if (available[row] && !binary)
      throw UserError(table.where(name, row) + ": treatment must be 0 or 1 " + scope + ", got " +
                      format_number(values[row]));
    treatment[row] = values[row] == 1.0;
  }
  return treatment;
}

// Groups rows into subjects; a subject whose rows are split by another subject's is an error, as
// MRTAnalysis finds subjects by where the id changes.
void read_subjects(const CsvTable& table, const std::string& name, MrtData* data) {
  const std::vector<std::string>& ids = table.column(name, "subject id");
  std::unordered_map<std::string, std::size_t> first_row;
  for (std::size_t row = 0; row < ids.size(); ++row) {
    if (is_missing(ids[row])) throw UserError(table.where(name, row) + ": missing subject id");
    if (row > 0 && ids[row] == ids[row - 1]) continue;
    const auto [seen, inserted] = first_row.emplace(ids[row], row);
    if (!inserted)
      throw UserError(table.where(name, row) + ": subject '" + ids[row] + "' appears again after other subjects (its rows start at data row " +
                      std::to_string(seen->second + 1) + "); each subject's rows must be contiguous: sort the data by " + name);
    data->subject_ids.push_back(ids[row]);
    data->subject_begin.push_back(row);
  }
  data->subject_begin.push_back(ids.size());
}

}  // namespace

CsvTable CsvTable::read(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw UserError("cannot open data file '" + path + "'");
  CsvTable table;
  table.path_ = path;
  std::string line;
  std::size_t line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line_number == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);  // UTF-8 byte order mark
    if (is_blank(line)) continue;
    std::vector<std::string> fields = split_csv_line(line, path, line_number);
    if (table.header_.empty()) {
      table.header_ = std::move(fields);
      table.columns_.resize(table.header_.size());
      for (std::size_t c = 0; c < table.header_.size(); ++c)
        if (!table.index_.emplace(table.header_[c], c).second)
          throw UserError(path + ", line " + std::to_string(line_number) + ": column '" + table.header_[c] + "' appears twice in the header");
      continue;
    }
    if (fields.size() != table.header_.size())
      throw UserError(path + ", line " + std::to_string(line_number) + ": " + std::to_string(fields.size()) +
                      " fields, but the header has " + std::to_string(table.header_.size()));
    for (std::size_t c = 0; c < fields.size(); ++c) table.columns_[c].push_back(std::move(fields[c]));
    table.file_lines_.push_back(line_number);
  }
  if (table.header_.empty()) throw UserError("data file '" + path + "' is empty (no header row)");
  return table;
}

const std::vector<std::string>& CsvTable::column(const std::string& name, const std::string& role) const {
  const auto found = index_.find(name);
  if (found == index_.end()) {
    std::string names;
    for (const std::string& h : header_) names += (names.empty() ? "" : ", ") + h;
    throw UserError(path_ + ": no column '" + name + "' (wanted as the " + role + "); the columns are: " + names);
  }
  return columns_[found->second];
}

std::string CsvTable::where(const std::string& column, std::size_t row) const {
  return path_ + ", column '" + column + "', data row " + std::to_string(row + 1) + " (line " +
         std::to_string(file_lines_[row]) + ")";
}

std::vector<std::vector<double>> read_numeric_columns(const CsvTable& table, const std::string& role) {
  if (table.header().empty()) throw UserError(role + " " + table.path() + ": the file is empty");
  std::vector<std::vector<double>> columns;
  for (const std::string& name : table.header()) {
    const std::vector<std::string>& cells = table.column(name, role);
    std::vector<double> values(cells.size());
    for (std::size_t row = 0; row < cells.size(); ++row)
      if (!parse_number(cells[row], &values[row]))
        throw UserError(role + " " + table.where(name, row) + ": '" + cells[row] + "' is not a number");
    columns.push_back(std::move(values));
  }
  return columns;
}

const std::vector<double>& MrtData::covariate(const std::string& name) const {
  for (std::size_t k = 0; k < covariate_names.size(); ++k)
    if (covariate_names[k] == name) return covariates[k];
  throw std::out_of_range("covariate '" + name + "' was not read from " + path);
}

MrtData read_mrt_csv(const std::string& path, const MrtColumnSpec& spec) {
  const CsvTable table = CsvTable::read(path);
  MrtData data;
  data.path = path;
  data.available = read_availability(table, spec.availability);
  read_subjects(table, spec.id, &data);
  const std::vector<unsigned char> checked_rows =
      spec.every_row_complete ? std::vector<unsigned char>(table.num_rows(), 1) : data.available;
  const std::string scope =
      spec.every_row_complete ? "on a row (" + spec.every_row_reason + ")" : "on an available row";

  data.outcome = read_numeric(table, spec.outcome, "outcome");
  require_present(table, spec.outcome, data.outcome, checked_rows, scope);
  if (spec.binary_outcome) require_binary_outcome(table, spec.outcome, data.outcome, data.available);
  data.treatment = read_treatment(table, spec.treatment, checked_rows, scope);
  data.rand_prob = read_column_or_constant(table, spec.rand_prob, "randomization probability");
  require_probability(table, spec.rand_prob, "randomization probability", data.rand_prob, data.available);
  if (spec.rand_prob_on_every_row && table.has_column(spec.rand_prob))
    require_present(table, spec.rand_prob, data.rand_prob, checked_rows, scope);
  if (!spec.numerator_prob.empty()) {
    data.numerator_prob = read_column_or_constant(table, spec.numerator_prob, "numerator probability");
    require_probability(table, spec.numerator_prob, "numerator probability", data.numerator_prob, data.available);
  }
  for (const std::string& name : spec.covariates) {
    data.covariate_names.push_back(name);
    data.covariates.push_back(read_numeric(table, name, "covariate (moderator or control)"));
    require_present(table, name, data.covariates.back(), checked_rows, scope);
  }
  return data;
}

}  // namespace mrtsim
