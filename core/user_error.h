// The one exception type for bad user input (YAML keys, CSV columns, out-of-range values, command
// line): main() prints its message as "mrtsim: error: ..." and exits with status 2.
#pragma once

#include <cstdio>
#include <stdexcept>
#include <string>

namespace mrtsim {

class UserError : public std::runtime_error {
 public:
  explicit UserError(const std::string& message) : std::runtime_error(message) {}
};

// The one-line form of an input check: throws UserError(message) unless `condition` holds.
inline void require_input(bool condition, const std::string& message) {
  if (!condition) throw UserError(message);
}

// A number as input errors quote it: up to 10 significant digits, no trailing zeros.
inline std::string input_value_text(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.10g", value);
  return text;
}

}  // namespace mrtsim
