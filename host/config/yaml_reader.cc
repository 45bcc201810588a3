#include "host/config/yaml_reader.h"

#include <cmath>
#include <sstream>

#include "core/user_error.h"

namespace mrtsim {

namespace {

std::string format_number(double value) {
  std::ostringstream out;
  out.precision(12);
  out << value;
  return out.str();
}

}  // namespace

std::string yaml_position(const std::string& file, const YAML::Node& node) {
  const YAML::Mark mark = node.Mark();
  if (mark.is_null() || mark.line < 0) return file;
  return file + ":" + std::to_string(mark.line + 1);
}

double yaml_to_double(const YAML::Node& node, const std::string& where, double min, double max) {
  double value = 0.0;
  if (!node.IsScalar() || !YAML::convert<double>::decode(node, value) || !std::isfinite(value))
    throw UserError(where + ": expected a number, got '" + yaml_label(node) + "'");
  if (value < min || value > max)
    throw UserError(where + ": " + format_number(value) + " is out of range [" + format_number(min) + ", " +
                    format_number(max) + "]");
  return value;
}

long long yaml_to_int(const YAML::Node& node, const std::string& where, long long min, long long max) {
  long long value = 0;
  if (!node.IsScalar() || !YAML::convert<long long>::decode(node, value))
    throw UserError(where + ": expected an integer, got '" + yaml_label(node) + "'");
  if (value < min || value > max)
    throw UserError(where + ": " + std::to_string(value) + " is out of range [" + std::to_string(min) + ", " +
                    std::to_string(max) + "]");
  return value;
}

std::string yaml_label(const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) return "null";
  if (node.IsScalar()) return node.Scalar();
  std::string label;
  if (node.IsSequence()) {
    for (const auto& item : node) label += (label.empty() ? "" : " ") + yaml_label(item);
    return "[" + label + "]";
  }
  for (const auto& entry : node)
    label += (label.empty() ? "" : " ") + entry.first.Scalar() + "=" + yaml_label(entry.second);
  return label;
}

YamlMap::YamlMap(const YAML::Node& node, std::string file, std::string path)
    : node_(node), file_(std::move(file)), path_(std::move(path)) {
  if (!node_.IsMap())
    throw UserError(yaml_position(file_, node_) + ": " + (path_.empty() ? "the document" : "key '" + path_ + "'") +
                    " must be a map of key: value entries");
}

std::string YamlMap::path_of(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }

std::string YamlMap::where(const std::string& key) const {
  const YAML::Node value = node_[key];
  return yaml_position(file_, value.IsDefined() ? value : node_) + ": key '" + path_of(key) + "'";
}

std::string YamlMap::where() const {
  return yaml_position(file_, node_) + (path_.empty() ? "" : ": key '" + path_ + "'");
}

bool YamlMap::has(const std::string& key) const { return node_[key].IsDefined() && !node_[key].IsNull(); }

YAML::Node YamlMap::child(const std::string& key) const {
  if (!has(key)) throw UserError(where() + ": missing required key '" + path_of(key) + "'");
  return node_[key];
}

YamlMap YamlMap::map(const std::string& key) const { return YamlMap(child(key), file_, path_of(key)); }

std::string YamlMap::get_string(const std::string& key) const {
  const YAML::Node value = child(key);
  if (!value.IsScalar()) throw UserError(where(key) + ": expected a single value, got '" + yaml_label(value) + "'");
  return value.Scalar();
}

std::string YamlMap::get_string(const std::string& key, const std::string& fallback) const {
  return has(key) ? get_string(key) : fallback;
}

double YamlMap::get_double(const std::string& key, double min, double max) const {
  return yaml_to_double(child(key), where(key), min, max);
}

double YamlMap::get_double(const std::string& key, double min, double max, double fallback) const {
  return has(key) ? get_double(key, min, max) : fallback;
}

long long YamlMap::get_int(const std::string& key, long long min, long long max) const {
  return yaml_to_int(child(key), where(key), min, max);
}

long long YamlMap::get_int(const std::string& key, long long min, long long max, long long fallback) const {
  return has(key) ? get_int(key, min, max) : fallback;
}

uint64_t YamlMap::get_seed(const std::string& key) const {
  const YAML::Node value = child(key);
  uint64_t seed = 0;
  if (!value.IsScalar() || !YAML::convert<uint64_t>::decode(value, seed))
    throw UserError(where(key) + ": expected a non-negative integer seed, got '" + yaml_label(value) + "'");
  return seed;
}

bool YamlMap::get_bool(const std::string& key, bool fallback) const {
  if (!has(key)) return fallback;
  bool value = false;
  if (!YAML::convert<bool>::decode(node_[key], value))
    throw UserError(where(key) + ": expected true or false, got '" + yaml_label(node_[key]) + "'");
  return value;
}

std::vector<std::string> YamlMap::get_string_list(const std::string& key) const {
  const YAML::Node value = child(key);
  if (!value.IsSequence()) throw UserError(where(key) + ": expected a list, got '" + yaml_label(value) + "'");
  std::vector<std::string> items;
  for (const auto& item : value) {
    if (item.IsNull()) {  // a bare `null` entry (e.g. in `hypotheses: [null, alternative]`) is the word null
      items.push_back("null");
      continue;
    }
    if (!item.IsScalar())
      throw UserError(yaml_position(file_, item) + ": key '" + path_of(key) + "': expected plain list entries");
    items.push_back(item.Scalar());
  }
  return items;
}

std::vector<double> YamlMap::get_double_list(const std::string& key) const {
  const YAML::Node value = child(key);
  if (!value.IsSequence()) throw UserError(where(key) + ": expected a list of numbers");
  std::vector<double> items;
  for (const auto& item : value)
    items.push_back(yaml_to_double(item, yaml_position(file_, item) + ": key '" + path_of(key) + "'", -HUGE_VAL,
                                   HUGE_VAL));
  return items;
}

void YamlMap::reject_unknown_keys(std::initializer_list<const char*> allowed) const {
  const std::set<std::string> known(allowed.begin(), allowed.end());
  for (const auto& entry : node_) {
    const std::string key = entry.first.Scalar();
    if (!known.count(key)) {
      std::string list;
      for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
      throw UserError(yaml_position(file_, entry.first) + ": unknown key '" + path_of(key) + "' (allowed here: " +
                      list + ")");
    }
  }
}

}  // namespace mrtsim
