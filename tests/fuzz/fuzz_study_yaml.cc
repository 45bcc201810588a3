// libFuzzer harness of the YAML study reader and schema (host/config): any input must give a study or
// a UserError naming what is wrong; any other exception, crash or sanitizer report is a bug. Run with
// -max_len=2048 or so: a grid of a few kilobytes can ask for millions of scenarios, which is work,
// not a bug.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/user_error.h"
#include "host/config/study_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    mrtsim::parse_study(std::string(reinterpret_cast<const char*>(data), size), "fuzz.yaml");
  } catch (const mrtsim::UserError&) {
  }
  return 0;
}
