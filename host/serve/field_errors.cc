#include "host/serve/field_errors.h"

#include <cctype>
#include <utility>

namespace mrtsim::serve {
namespace {

std::string joined_messages(const std::vector<FieldProblem>& problems) {
  std::string text;
  for (const FieldProblem& p : problems) text += (text.empty() ? "" : "; ") + p.message;
  return text;
}

bool is_option_character(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-'; }

const FieldSpec* spec_of_option(const std::vector<FieldSpec>& fields, const std::string& option) {
  for (const FieldSpec& spec : fields)
    if (option == spec.option) return &spec;
  return nullptr;
}

}  // namespace

InvalidFields::InvalidFields(std::vector<FieldProblem> problems)
    : UserError(joined_messages(problems)), problems_(std::move(problems)) {}

InvalidFields::InvalidFields(const std::string& field, const std::string& message)
    : InvalidFields(std::vector<FieldProblem>{{field, message}}) {}

std::string field_label(const std::vector<FieldSpec>& fields, const std::string& field) {
  for (const FieldSpec& spec : fields)
    if (field == spec.field) return spec.label;
  return field;
}

FieldProblem attribute_engine_message(const std::string& message, const std::vector<FieldSpec>& fields) {
  FieldProblem problem;
  for (std::size_t i = 0; i < message.size();) {
    const bool starts_option = message.compare(i, 2, "--") == 0 && (i == 0 || !is_option_character(message[i - 1]));
    if (!starts_option) {
      problem.message += message[i++];
      continue;
    }
    std::size_t end = i + 2;
    while (end < message.size() && is_option_character(message[end])) ++end;
    const std::string option = message.substr(i, end - i);
    const FieldSpec* spec = spec_of_option(fields, option);
    if (spec && problem.field.empty()) problem.field = spec->field;
    problem.message += spec ? std::string(spec->label) : option;
    i = end;
  }
  return problem;
}

}  // namespace mrtsim::serve
