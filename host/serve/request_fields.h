// Typed reading of a web-calculator request: a JSON object of form fields, each a number, a numeric
// string (what an HTML input holds), a choice or a text. Every problem is collected with its field and
// label, and finish() throws them all at once (InvalidFields), together with any field the request
// type does not know, so one round trip shows every mistake beside its field.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "host/serve/field_errors.h"

namespace mrtsim::serve {

class RequestFields {
 public:
  // `body` must be a JSON object (else InvalidFields for the request as a whole); `fields` lists every
  // field the request type knows, with its label for messages.
  RequestFields(const nlohmann::json& body, const std::vector<FieldSpec>& fields);

  bool has(const std::string& field) const;  // present, not null and not an empty string

  // A finite number; a problem (and NaN) when missing, not a number or outside [min, max].
  double number(const std::string& field, double min, double max);
  std::optional<double> optional_number(const std::string& field, double min, double max);
  // A whole number in [min, max].
  int whole_number(const std::string& field, int min, int max);
  std::optional<int> optional_whole_number(const std::string& field, int min, int max);
  // One of `choices`; `fallback` when absent.
  std::string choice(const std::string& field, std::initializer_list<const char*> choices, const std::string& fallback);
  // A text of at most max_length bytes ("" when absent).
  std::string text(const std::string& field, std::size_t max_length);
  // true, false, "true", "false", "on" (a checked box); false when absent.
  bool flag(const std::string& field);

  void add_problem(const std::string& field, const std::string& message);
  bool has_problem(const std::string& field) const;
  std::string label(const std::string& field) const { return field_label(fields_, field); }

  // Every problem found so far, then one per field the request type does not know.
  std::vector<FieldProblem> problems() const;
  // Throws InvalidFields when problems() is not empty.
  void finish() const;

 private:
  const nlohmann::json* value(const std::string& field) const;

  const nlohmann::json& body_;
  const std::vector<FieldSpec>& fields_;
  std::vector<FieldProblem> problems_;
};

}  // namespace mrtsim::serve
