// The one exception type for bad user input (YAML keys, CSV columns, out-of-range values, command
// line): main() prints its message as "mrtsim: error: ..." and exits with status 2.
#pragma once

#include <stdexcept>
#include <string>

namespace mrtsim {

class UserError : public std::runtime_error {
 public:
  explicit UserError(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace mrtsim
