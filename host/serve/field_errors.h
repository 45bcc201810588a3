// Errors of the web calculator's inputs, each tied to the form field that caused it, so the page can
// show it beside that field. The engine's validators name an input by its command-line option
// ("--avail-mean must be in (0, 1] ..."); a table per calculator maps each option to its field and to
// the label the page shows, and the message is rewritten with that label.
#pragma once

#include <string>
#include <vector>

#include "core/user_error.h"

namespace mrtsim::serve {

// One problem: the field (the form control's name; "" for the request as a whole) and the message.
struct FieldProblem {
  std::string field;
  std::string message;
};

// Every problem found in one request (HTTP 400).
class InvalidFields : public UserError {
 public:
  explicit InvalidFields(std::vector<FieldProblem> problems);
  InvalidFields(const std::string& field, const std::string& message);
  const std::vector<FieldProblem>& problems() const { return problems_; }

 private:
  std::vector<FieldProblem> problems_;
};

// A form field, the label the page shows for it, and the command-line option by which the engine's
// messages name it ("" when none does).
struct FieldSpec {
  std::string field;
  std::string label;
  std::string option;
};

// The label of `field` in `fields`, or the field's name itself.
std::string field_label(const std::vector<FieldSpec>& fields, const std::string& field);

// The problem an engine message describes: its field is that of the first option the message names
// (whole option tokens: "--rand-prob-file" is not "--rand-prob"), or "" when it names none of the
// table's options; every option of the table in the message is replaced by its label.
FieldProblem attribute_engine_message(const std::string& message, const std::vector<FieldSpec>& fields);

// Runs `work`; an engine UserError it throws comes out as InvalidFields attributed by `fields`.
template <class Work>
auto with_fields(const std::vector<FieldSpec>& fields, Work&& work) -> decltype(work()) {
  try {
    return work();
  } catch (const InvalidFields&) {
    throw;
  } catch (const UserError& error) {
    throw InvalidFields({attribute_engine_message(error.what(), fields)});
  }
}

}  // namespace mrtsim::serve
