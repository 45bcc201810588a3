#include "host/learners/gam_terms.h"

#include <algorithm>
#include <cctype>

#include "core/user_error.h"

namespace mrtsim {
namespace {

std::string trim(const std::string& text) {
  const auto first = std::find_if_not(text.begin(), text.end(), [](unsigned char c) { return std::isspace(c); });
  const auto last = std::find_if_not(text.rbegin(), text.rend(), [](unsigned char c) { return std::isspace(c); });
  return first < last.base() ? std::string(first, last.base()) : std::string();
}

// Splits `text` at every separator character that is outside parentheses and quotes.
std::vector<std::string> split_top_level(const std::string& text, const std::string& separators,
                                         const std::string& context) {
  std::vector<std::string> parts(1);
  int depth = 0;
  char quote = 0;
  for (char c : text) {
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '(') {
      ++depth;
    } else if (c == ')') {
      if (--depth < 0) throw UserError(context + ": unbalanced ')'");
    } else if (depth == 0 && separators.find(c) != std::string::npos) {
      parts.emplace_back();
      continue;
    }
    parts.back() += c;
  }
  if (quote) throw UserError(context + ": unterminated quote");
  if (depth != 0) throw UserError(context + ": unbalanced '('");
  for (std::string& part : parts) part = trim(part);
  return parts;
}

bool is_column_name(const std::string& name) {
  return !name.empty() && !std::isdigit(static_cast<unsigned char>(name[0])) &&
         std::all_of(name.begin(), name.end(), [](unsigned char c) { return std::isalnum(c) || c == '_' || c == '.'; });
}

std::string unquote(const std::string& value) {
  if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front())
    return value.substr(1, value.size() - 2);
  return value;
}

SmoothBasisType parse_basis(const std::string& value, const std::string& term) {
  const std::string name = unquote(value);
  if (name == "tp") return SmoothBasisType::kThinPlate;
  if (name == "cr") return SmoothBasisType::kCubicRegression;
  throw UserError("gam term '" + term + "': bs = " + value +
                  " is not supported (the gam learner has bs = \"tp\", the default, and bs = \"cr\")");
}

void require_k_at_least_minimum(int k, const std::string& term) {
  if (k < kMinBasisDimension)
    throw UserError("gam term '" + term + "': k = " + std::to_string(k) +
                    " is too small (a smooth of one covariate needs k >= " + std::to_string(kMinBasisDimension) + ")");
}

int parse_k(const std::string& value, const std::string& term) {
  const bool digits = !value.empty() && value.size() <= 6 &&
                      std::all_of(value.begin(), value.end(), [](unsigned char c) { return std::isdigit(c); });
  if (!digits) throw UserError("gam term '" + term + "': k = " + value + " is not a whole number");
  const int k = std::stoi(value);
  require_k_at_least_minimum(k, term);
  return k;
}

// `inside` is the text between the parentheses of s(...).
SmoothTerm parse_smooth(const std::string& inside, const std::string& term) {
  const std::vector<std::string> arguments = split_top_level(inside, ",", "gam term '" + term + "'");
  SmoothTerm smooth;
  smooth.column = arguments[0];
  if (!is_column_name(smooth.column))
    throw UserError("gam term '" + term + "': the first argument of s() must be a column name");
  bool have_basis = false;
  bool have_k = false;
  for (std::size_t i = 1; i < arguments.size(); ++i) {
    const std::size_t equals = arguments[i].find('=');
    if (equals == std::string::npos)
      throw UserError("gam term '" + term + "': '" + arguments[i] +
                      "' is not an option of the form name = value (s() takes one column, then bs and k)");
    const std::string key = trim(arguments[i].substr(0, equals));
    const std::string value = trim(arguments[i].substr(equals + 1));
    if (key == "bs" && !have_basis) {
      smooth.basis = parse_basis(value, term);
      have_basis = true;
    } else if (key == "k" && !have_k) {
      smooth.k = parse_k(value, term);
      have_k = true;
    } else if (key == "bs" || key == "k") {
      throw UserError("gam term '" + term + "': option " + key + " is given twice");
    } else {
      throw UserError("gam term '" + term + "': unknown option '" + key + "' (s() takes bs and k)");
    }
  }
  return smooth;
}

// The text inside s( ... ) when `term` is a smooth, or nothing.
bool smooth_arguments(const std::string& term, std::string* inside) {
  if (term.size() < 2 || term[0] != 's') return false;
  const std::string rest = trim(term.substr(1));
  if (rest.empty() || rest.front() != '(') return false;
  if (rest.back() != ')') throw UserError("gam term '" + term + "': text after the closing ')' of s()");
  *inside = rest.substr(1, rest.size() - 2);
  return true;
}

}  // namespace

const char* basis_name(SmoothBasisType type) {
  return type == SmoothBasisType::kThinPlate ? "tp" : "cr";
}

std::string SmoothTerm::label() const { return "s(" + column + ")"; }

void require_valid_basis_dimension(const SmoothTerm& term) { require_k_at_least_minimum(term.k, term.label()); }

std::vector<std::string> GamFormula::columns() const {
  std::vector<std::string> names = linear;
  for (const SmoothTerm& smooth : smooths) names.push_back(smooth.column);
  return names;
}

std::string GamFormula::to_string() const {
  std::vector<std::string> terms;
  for (const SmoothTerm& smooth : smooths) {
    std::string text = "s(" + smooth.column;
    if (smooth.basis != SmoothBasisType::kThinPlate) text += std::string(", bs = \"") + basis_name(smooth.basis) + "\"";
    if (smooth.k != kDefaultBasisDimension) text += ", k = " + std::to_string(smooth.k);
    terms.push_back(text + ")");
  }
  terms.insert(terms.end(), linear.begin(), linear.end());
  if (terms.empty()) return "1";
  std::string joined = terms[0];
  for (std::size_t i = 1; i < terms.size(); ++i) joined += " + " + terms[i];
  return joined;
}

std::vector<std::string> split_gam_terms(const std::string& text) {
  const std::string trimmed = trim(text);
  if (trimmed.empty()) return {};
  return split_top_level(trimmed, "+,", "gam formula '" + trimmed + "'");
}

std::string join_gam_terms(const std::vector<std::string>& terms) {
  if (terms.empty()) return "1";
  std::string joined = terms[0];
  for (std::size_t i = 1; i < terms.size(); ++i) joined += " + " + terms[i];
  return joined;
}

GamFormula parse_gam_formula(const std::string& text) {
  GamFormula formula;
  const std::string trimmed = trim(text);
  if (trimmed.empty() || trimmed == "1") return formula;
  for (const std::string& term : split_top_level(trimmed, "+,", "gam formula '" + trimmed + "'")) {
    std::string inside;
    if (term.empty()) throw UserError("gam formula '" + trimmed + "': empty term");
    if (term == "1") continue;  // the intercept is always there
    if (smooth_arguments(term, &inside)) {
      formula.smooths.push_back(parse_smooth(inside, term));
    } else if (is_column_name(term)) {
      formula.linear.push_back(term);
    } else {
      throw UserError("gam term '" + term + "' is neither a column name nor s(column, ...)");
    }
  }
  std::vector<std::string> names = formula.columns();
  std::sort(names.begin(), names.end());
  const auto twice = std::adjacent_find(names.begin(), names.end());
  if (twice != names.end())
    throw UserError("gam formula '" + trimmed + "': column '" + *twice +
                    "' appears in two terms (each column may be one linear term or one smooth)");
  return formula;
}

}  // namespace mrtsim
