// Strict, position-aware reading of YAML study files: every lookup knows its dotted path and source
// line, unknown keys are errors, and typed getters check types and ranges. All failures are
// UserErrors of the form "FILE:LINE: key 'a.b.c': what is wrong".
#pragma once

#include <cstdint>
#include <initializer_list>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

namespace mrtsim {

// Parses `text` as one YAML document: a second document (after `---`), a key given twice in one map
// (block or flow style, at any depth), a key that is not a plain scalar, anchors and aliases that
// expand the document far beyond its text, control characters, and text the parser cannot place
// (on which yaml-cpp 0.7's own LoadAll never returns) are UserErrors naming FILE:LINE.
YAML::Node load_yaml_document(const std::string& text, const std::string& file);

// Values that replace or add entries of a document at dotted paths ("model.effect.mean" -> node):
// one grid scenario's settings, read through YamlMap without copying the document. The nodes keep
// their own source lines for errors.
using YamlOverrides = std::map<std::string, YAML::Node>;

class YamlMap {
 public:
  // `node` must be a map (checked); `path` is its dotted location ("" for the document root).
  // `overrides` (may be null; must outlive the map and the maps it hands out) takes precedence over
  // the document at its paths; a path below a key that the document lacks makes that key a map.
  YamlMap(const YAML::Node& node, std::string file, std::string path, const YamlOverrides* overrides = nullptr);

  bool has(const std::string& key) const;
  // The child node; throws if missing.
  YAML::Node child(const std::string& key) const;
  YamlMap map(const std::string& key) const;

  std::string get_string(const std::string& key) const;
  std::string get_string(const std::string& key, const std::string& fallback) const;
  double get_double(const std::string& key, double min, double max) const;
  double get_double(const std::string& key, double min, double max, double fallback) const;
  long long get_int(const std::string& key, long long min, long long max) const;
  long long get_int(const std::string& key, long long min, long long max, long long fallback) const;
  uint64_t get_seed(const std::string& key) const;
  bool get_bool(const std::string& key, bool fallback) const;
  std::vector<std::string> get_string_list(const std::string& key) const;
  std::vector<double> get_double_list(const std::string& key) const;
  // Every entry checked against [min, max].
  std::vector<double> get_double_list(const std::string& key, double min, double max) const;

  // The enum value named by a string (core/enum_table.h); `what` names the kind of value in errors.
  template <class Table>
  auto get_enum(const std::string& key, const Table& table, const char* what) const {
    return table.parse(get_string(key), where(key), what);
  }
  template <class Table, class Enum>
  Enum get_enum(const std::string& key, const Table& table, const char* what, Enum fallback) const {
    return has(key) ? get_enum(key, table, what) : fallback;
  }

  // Throws naming the first key not in `allowed` (call after reading, with every key the section knows).
  void reject_unknown_keys(std::initializer_list<const char*> allowed) const;

  std::string where(const std::string& key) const;  // "FILE:LINE: key 'path.key'"
  std::string where() const;                        // the map itself
  const std::string& file() const { return file_; }
  std::string path_of(const std::string& key) const;

 private:
  // The entry at `key`, from the overrides or the document (undefined when neither has it).
  YAML::Node value(const std::string& key) const;
  bool overridden_below(const std::string& path) const;

  YAML::Node node_;
  std::string file_;
  std::string path_;
  const YamlOverrides* overrides_ = nullptr;
};

// "FILE:LINE" of a node (line 1-based), or just FILE when the node has no position.
std::string yaml_position(const std::string& file, const YAML::Node& node);

// Converts a scalar node, with a UserError naming `where` if it has the wrong type or range.
double yaml_to_double(const YAML::Node& node, const std::string& where, double min, double max);
long long yaml_to_int(const YAML::Node& node, const std::string& where, long long min, long long max);

// Compact one-line rendering of a node for table labels: scalars as written, maps as "k=v k=v".
std::string yaml_label(const YAML::Node& node);

}  // namespace mrtsim
