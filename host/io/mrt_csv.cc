#include "host/io/mrt_csv.h"

#include <charconv>
#include <cmath>
#include <iterator>
#include <limits>
#include <utility>
#include <sstream>
#include <stdexcept>
#include <string_view>

#include "core/text_file.h"
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

// Calls visit(index, field) for each field of one CSV line, trimmed unless quoted (a quoted field
// keeps its text verbatim); returns the number of fields.
template <class Visit>
std::size_t for_each_csv_field(std::string_view line, const std::string& path, std::size_t line_number,
                               Visit&& visit) {
  std::size_t index = 0;
  std::string field;
  bool quoted = false;
  bool was_quoted = false;
  auto finish_field = [&] {
    visit(index++, was_quoted ? std::move(field) : trim(field));
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
  return index;
}

bool is_blank(std::string_view line) { return line.find_first_not_of(" \t") == std::string_view::npos; }

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

CsvTable CsvTable::read(const std::string& path) { return parse(read_text_file(path, "data file"), path); }

CsvTable CsvTable::parse(std::string text, const std::string& label) {
  CsvTable table;
  table.path_ = label;
  table.text_ = std::move(text);
  if (table.text_.rfind("\xEF\xBB\xBF", 0) == 0) table.text_.erase(0, 3);  // UTF-8 byte order mark
  std::size_t line_number = 0;
  for (const std::string_view line : text_lines(table.text_)) {
    ++line_number;
    if (is_blank(line)) continue;
    if (table.header_.empty()) {
      for_each_csv_field(line, label, line_number, [&](std::size_t c, std::string&& name) {
        if (!table.index_.emplace(name, c).second)
          throw UserError(label + ", line " + std::to_string(line_number) + ": column '" + name +
                          "' appears twice in the header");
        table.header_.push_back(std::move(name));
      });
      continue;
    }
    const std::size_t fields = for_each_csv_field(line, label, line_number, [](std::size_t, std::string&&) {});
    if (fields != table.header_.size())
      throw UserError(label + ", line " + std::to_string(line_number) + ": " + std::to_string(fields) +
                      " fields, but the header has " + std::to_string(table.header_.size()));
    table.rows_.push_back(Row{static_cast<std::size_t>(line.data() - table.text_.data()), line.size(), line_number});
  }
  if (table.header_.empty()) throw UserError("data file '" + label + "' is empty (no header row)");
  return table;
}

const std::vector<std::string>& CsvTable::column(const std::string& name, const std::string& role) const {
  const auto found = index_.find(name);
  if (found == index_.end()) {
    std::string names;
    for (const std::string& h : header_) names += (names.empty() ? "" : ", ") + h;
    throw UserError(path_ + ": no column '" + name + "' (wanted as the " + role + "); the columns are: " + names);
  }
  const std::size_t wanted = found->second;
  const auto cached = columns_.find(wanted);
  if (cached != columns_.end()) return cached->second;
  std::vector<std::string> cells;
  cells.reserve(rows_.size());
  for (const Row& row : rows_)
    for_each_csv_field(std::string_view(text_).substr(row.begin, row.length), path_, row.line,
                       [&](std::size_t c, std::string&& cell) {
                         if (c == wanted) cells.push_back(std::move(cell));
                       });
  return columns_.emplace(wanted, std::move(cells)).first->second;
}

std::string CsvTable::where(const std::string& column, std::size_t row) const {
  return path_ + ", column '" + column + "', data row " + std::to_string(row + 1) + " (line " +
         std::to_string(rows_[row].line) + ")";
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

namespace {

// A column in two roles would make the model degenerate (the treatment as its own moderator, the
// availability as the treatment) or meaningless (the outcome as a control).
void require_distinct_roles(const MrtColumnSpec& spec) {
  const std::pair<const char*, const std::string*> roles[] = {{"--id", &spec.id},
                                                              {"--outcome", &spec.outcome},
                                                              {"--treatment", &spec.treatment},
                                                              {"--availability", &spec.availability}};
  for (std::size_t i = 0; i < std::size(roles); ++i)
    for (std::size_t j = i + 1; j < std::size(roles); ++j)
      if (!roles[j].second->empty() && *roles[i].second == *roles[j].second)
        throw UserError(std::string(roles[i].first) + " and " + roles[j].first + " both name column '" +
                        *roles[i].second + "'; each role needs its own column");
  for (const std::string& covariate : spec.covariates)
    for (const auto& [option, column] : roles)
      if (!column->empty() && covariate == *column)
        throw UserError("column '" + covariate + "' is the " + option +
                        " column; it cannot also be a moderator, control or weight");
}

// The effect of treatment is estimable only when both arms occur among the available rows.
void require_both_arms(const CsvTable& table, const MrtColumnSpec& spec, const MrtData& data) {
  std::size_t available = 0, treated = 0;
  for (std::size_t row = 0; row < data.num_rows(); ++row) {
    available += data.available[row];
    treated += data.available[row] && data.treatment[row] == 1;
  }
  const std::string availability = spec.availability.empty() ? "" : " (column '" + spec.availability + "')";
  if (available == 0) throw UserError(table.path() + ": no row is available" + availability + "; nothing to analyse");
  if (treated == 0 || treated == available)
    throw UserError(table.path() + ", column '" + spec.treatment + "': the treatment is " +
                    (treated == 0 ? "0" : "1") + " on every available row" + availability +
                    "; without both treatments no effect can be estimated");
}

}  // namespace

MrtData read_mrt_csv(const std::string& path, const MrtColumnSpec& spec) {
  return read_mrt_csv(CsvTable::read(path), spec);
}

MrtData read_mrt_csv(const CsvTable& table, const MrtColumnSpec& spec) {
  require_distinct_roles(spec);
  MrtData data;
  data.path = table.path();
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
  require_both_arms(table, spec, data);
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
