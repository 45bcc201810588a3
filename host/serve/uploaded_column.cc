#include "host/serve/uploaded_column.h"

#include <cmath>
#include <cstdlib>
#include <sstream>

#include "core/user_error.h"
#include "host/serve/sizing_common.h"
#include "sims/shapes.h"

namespace mrtsim::serve {
namespace {

std::string trimmed(const std::string& text) {
  const char* blanks = " \t\r\n";
  const auto first = text.find_first_not_of(blanks);
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(blanks) - first + 1);
}

// The cell without the quotes a spreadsheet may put around it.
std::string unquoted(const std::string& cell) {
  if (cell.size() >= 2 && cell.front() == '"' && cell.back() == '"') return cell.substr(1, cell.size() - 2);
  return cell;
}

bool parse_number(const std::string& text, double& value) {
  if (text.empty()) return false;
  char* end = nullptr;
  value = std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size() && std::isfinite(value);
}

}  // namespace

std::vector<double> parse_uploaded_column(const std::string& text, const std::string& file_name) {
  std::vector<double> values;
  std::istringstream lines(text);
  std::string line;
  bool first_content = true;
  for (int number = 1; std::getline(lines, line); ++number) {
    const std::string cell = unquoted(trimmed(line));
    if (cell.empty()) continue;
    const std::string where = file_name + " line " + std::to_string(number) + ": ";
    require_input(cell.find(',') == std::string::npos && cell.find(';') == std::string::npos,
                  where + "expected one value per line (one column), got '" + cell.substr(0, 40) + "'");
    double value = 0.0;
    const bool is_number = parse_number(cell, value);
    if (!is_number && first_content) {  // a header
      first_content = false;
      continue;
    }
    first_content = false;
    require_input(is_number, where + "'" + cell.substr(0, 40) + "' is not a number");
    values.push_back(value);
  }
  require_input(!values.empty(), file_name + ": the file holds no values");
  return values;
}

std::vector<double> read_uploaded_column(RequestFields& fields, const std::string& name, const std::string& what,
                                         std::string& file_name) {
  file_name = fields.text(name + "_file_name", 200);
  if (file_name.empty()) file_name = "the uploaded file";
  const std::string text = fields.text(name + "_file_text", kMaxUploadBytes);
  if (text.empty()) {
    if (!fields.has_problem(name + "_file_text")) fields.add_problem(name + "_file", "choose a file of " + what);
    return {};
  }
  try {
    return parse_uploaded_column(text, file_name);
  } catch (const UserError& error) {
    fields.add_problem(name + "_file", error.what());
    return {};
  }
}

}  // namespace mrtsim::serve
