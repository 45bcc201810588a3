#include "host/config/decision_values.h"

#include <filesystem>

#include "core/user_error.h"

namespace mrtsim {
namespace {

std::vector<double> checked_list(const YamlMap& parent, const std::string& key, double min, double max) {
  const std::vector<double> values = parent.get_double_list(key);
  const std::string where = parent.where(key);
  if (values.empty()) throw UserError(where + ": expected a non-empty list of per-decision values");
  for (double v : values)
    if (!(v >= min && v <= max))
      throw UserError(where + ": value " + input_value_text(v) + " is out of range [" + input_value_text(min) + ", " +
                      input_value_text(max) + "]");
  return values;
}

}  // namespace

bool read_decision_values(const YamlMap& parent, const std::string& key, double min, double max, bool allow_within_day,
                          DecisionValues& out) {
  const YAML::Node node = parent.child(key);
  out.where = parent.where(key);
  if (node.IsSequence()) {
    out.values = checked_list(parent, key, min, max);
    return true;
  }
  if (!node.IsMap()) return false;
  for (const char* list_key : {"values", "within_day"}) {
    if (!node[list_key].IsDefined() || (!allow_within_day && std::string(list_key) == "within_day")) continue;
    const YamlMap listed = parent.map(key);
    out.values = checked_list(listed, list_key, min, max);
    out.within_day = std::string(list_key) == "within_day";
    out.where = listed.where(list_key);
    listed.reject_unknown_keys({list_key});
    return true;
  }
  if (node["file"].IsDefined()) {
    const YamlMap file = parent.map(key);
    std::filesystem::path path = file.get_string("file");
    if (path.is_relative()) path = std::filesystem::path(parent.file()).parent_path() / path;
    out.file = path.lexically_normal().string();
    out.column = file.get_string("column", "");
    file.reject_unknown_keys({"file", "column"});
    return true;
  }
  return false;
}

DropoutConfig parse_dropout(const YamlMap& m, const char* rate_key, const char* unit) {
  DropoutConfig d;
  if (m.has("survival") == m.has(rate_key))
    throw UserError(m.where() + ": give either " + rate_key + " (a constant rate) or survival (one per " + unit + ")");
  if (m.has(rate_key)) {
    d.rate = m.get_double(rate_key, 0.0, 0.99);
  } else if (!read_decision_values(m, "survival", 0.0, 1.0, false, d.survival)) {
    throw UserError(m.where("survival") + ": expected a list with the probability of still taking part at each " +
                    unit + ", or {file: F.csv, column: NAME}");
  }
  m.reject_unknown_keys({rate_key, "survival"});
  return d;
}

}  // namespace mrtsim
