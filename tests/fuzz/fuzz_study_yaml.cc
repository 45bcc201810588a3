// libFuzzer harness of the YAML study reader and schema (host/config): any input must give a study or
// a UserError naming what is wrong; any other exception, crash or sanitizer report is a bug. A grid of
// a few hundred bytes can ask for millions of scenarios, which is work (linear in the scenarios), not a
// bug: inputs whose grid asks for more than kMaxFuzzedScenarios are skipped, so that a time-out always
// means a real slowness.
#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "core/user_error.h"
#include "host/config/study_config.h"
#include "host/config/yaml_reader.h"

namespace {

constexpr double kMaxFuzzedScenarios = 1e4;

// The product of the grid axes' value counts as written (before any check of the schema).
double written_grid_size(const std::string& text) {
  try {
    const YAML::Node grid = mrtsim::load_yaml_document(text, "fuzz.yaml")["grid"];
    double scenarios = 1.0;
    if (grid.IsSequence())
      for (const YAML::Node& axis : grid)
        if (axis.IsMap() && axis["values"].IsSequence()) scenarios *= static_cast<double>(axis["values"].size());
    return scenarios;
  } catch (const YAML::Exception&) {
    return 1.0;  // not a YAML map: the study reader names the problem
  } catch (const mrtsim::UserError&) {
    return 1.0;  // not a study's YAML: the same
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  if (written_grid_size(text) > kMaxFuzzedScenarios) return 0;
  try {
    mrtsim::parse_study(text, "fuzz.yaml");
  } catch (const mrtsim::UserError&) {
  }
  return 0;
}
