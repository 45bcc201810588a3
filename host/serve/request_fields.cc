#include "host/serve/request_fields.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>

namespace mrtsim::serve {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string shown(const nlohmann::json& value) {
  std::string text = value.is_string() ? value.get<std::string>() : value.dump();
  if (text.size() > 40) text = text.substr(0, 40) + "...";
  return "'" + text + "'";
}

// The number a JSON value holds: a JSON number, or a string that is wholly a decimal number.
std::optional<double> as_number(const nlohmann::json& value) {
  if (value.is_number()) return value.get<double>();
  if (!value.is_string()) return std::nullopt;
  const std::string text = value.get<std::string>();
  if (text.empty() || text.size() > 64 || std::isspace(static_cast<unsigned char>(text.front()))) return std::nullopt;
  char* end = nullptr;
  errno = 0;
  const double number = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size() || errno == ERANGE) return std::nullopt;
  return number;
}

}  // namespace

RequestFields::RequestFields(const nlohmann::json& body, const std::vector<FieldSpec>& fields)
    : body_(body), fields_(fields) {
  if (!body_.is_object()) throw InvalidFields("", "the request must be a JSON object of form fields");
}

const nlohmann::json* RequestFields::value(const std::string& field) const {
  const auto found = body_.find(field);
  if (found == body_.end() || found->is_null() || (found->is_string() && found->get<std::string>().empty()))
    return nullptr;
  return &*found;
}

bool RequestFields::has(const std::string& field) const { return value(field) != nullptr; }

void RequestFields::add_problem(const std::string& field, const std::string& message) {
  for (const FieldProblem& p : problems_)
    if (p.field == field) return;  // the first problem of a field is the one to fix first
  problems_.push_back({field, message});
}

std::optional<double> RequestFields::optional_number(const std::string& field, double min, double max) {
  const nlohmann::json* raw = value(field);
  if (!raw) return std::nullopt;
  const std::optional<double> number = as_number(*raw);
  if (!number || !std::isfinite(*number)) {
    add_problem(field, label(field) + " must be a number (got " + shown(*raw) + ")");
    return kNaN;
  }
  if (*number < min || *number > max) {
    add_problem(field, label(field) + " must be between " + input_value_text(min) + " and " + input_value_text(max) + " (got " +
                           input_value_text(*number) + ")");
    return kNaN;
  }
  return number;
}

double RequestFields::number(const std::string& field, double min, double max) {
  const std::optional<double> number = optional_number(field, min, max);
  if (number) return *number;
  add_problem(field, label(field) + " is required");
  return kNaN;
}

std::optional<int> RequestFields::optional_whole_number(const std::string& field, int min, int max) {
  const std::optional<double> number = optional_number(field, min, max);
  if (!number) return std::nullopt;
  if (std::isnan(*number)) return 0;  // its problem is recorded
  if (*number != std::floor(*number)) {
    add_problem(field, label(field) + " must be a whole number (got " + input_value_text(*number) + ")");
    return 0;
  }
  return static_cast<int>(*number);
}

int RequestFields::whole_number(const std::string& field, int min, int max) {
  const std::optional<int> number = optional_whole_number(field, min, max);
  if (number) return *number;
  add_problem(field, label(field) + " is required");
  return 0;
}

std::string RequestFields::choice(const std::string& field, std::initializer_list<const char*> choices,
                                  const std::string& fallback) {
  const nlohmann::json* raw = value(field);
  if (!raw) return fallback;
  std::string expected;
  for (const char* c : choices) {
    if (raw->is_string() && raw->get<std::string>() == c) return c;
    expected += (expected.empty() ? "" : ", ") + std::string(c);
  }
  add_problem(field, label(field) + ": unknown choice " + shown(*raw) + " (expected " + expected + ")");
  return fallback;
}

std::string RequestFields::text(const std::string& field, std::size_t max_length) {
  const nlohmann::json* raw = value(field);
  if (!raw) return "";
  if (!raw->is_string()) {
    add_problem(field, label(field) + " must be text");
    return "";
  }
  const std::string& text = raw->get_ref<const std::string&>();
  if (text.size() > max_length) {
    add_problem(field, label(field) + " is longer than " + std::to_string(max_length) + " bytes");
    return "";
  }
  return text;
}

bool RequestFields::flag(const std::string& field) {
  const nlohmann::json* raw = value(field);
  if (!raw) return false;
  if (raw->is_boolean()) return raw->get<bool>();
  if (raw->is_string() && (*raw == "true" || *raw == "on")) return true;
  if (raw->is_string() && *raw == "false") return false;
  add_problem(field, label(field) + " must be true or false (got " + shown(*raw) + ")");
  return false;
}

bool RequestFields::has_problem(const std::string& field) const {
  for (const FieldProblem& p : problems_)
    if (p.field == field) return true;
  return false;
}

std::vector<FieldProblem> RequestFields::problems() const {
  std::vector<FieldProblem> problems = problems_;
  for (const auto& item : body_.items()) {
    bool known = false;
    for (const FieldSpec& spec : fields_) known = known || item.key() == spec.field;
    if (!known) problems.push_back({"", "unknown field '" + item.key().substr(0, 40) + "'"});
  }
  return problems;
}

void RequestFields::finish() const {
  std::vector<FieldProblem> all = problems();
  if (!all.empty()) throw InvalidFields(std::move(all));
}

}  // namespace mrtsim::serve
