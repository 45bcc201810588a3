#include "host/config/yaml_reader.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>

#include <cmath>
#include <cstdio>
#include <sstream>
#include <unordered_map>

#include "core/user_error.h"

namespace mrtsim {

namespace {

std::string format_number(double value) {
  std::ostringstream out;
  out.precision(12);
  out << value;
  return out.str();
}

std::string mark_position(const std::string& file, const YAML::Mark& mark) {
  if (mark.is_null() || mark.line < 0) return file;
  return file + ":" + std::to_string(mark.line + 1);
}

// Walks a document, aliases included (so that their expansion is bounded too), checking that every
// map has distinct plain-scalar keys: yaml-cpp keeps a repeated key and its lookups find the first,
// so a repeated key would silently drop the value the user wrote last.
class KeyChecker {
 public:
  KeyChecker(const std::string& file, size_t max_nodes) : file_(file), max_nodes_(max_nodes) {}

  void check(const YAML::Node& node, const std::string& path) {
    if (++visited_ > max_nodes_)
      throw UserError(file_ + ": anchors and aliases expand this document to more than " + std::to_string(max_nodes_) +
                      " values; write the repeated parts out");
    if (node.IsSequence()) {
      size_t index = 0;
      for (const auto& item : node) check(item, path + "[" + std::to_string(index++) + "]");
      return;
    }
    if (!node.IsMap()) return;
    std::unordered_map<std::string, int> first_line;
    for (const auto& entry : node) {
      if (!entry.first.IsScalar())
        throw UserError(yaml_position(file_, entry.first) + ": " + (path.empty() ? "a key" : "a key in '" + path + "'") +
                        " must be a plain name, got '" + yaml_label(entry.first) + "'");
      const std::string& key = entry.first.Scalar();
      const std::string key_path = path.empty() ? key : path + "." + key;
      const auto [seen, inserted] = first_line.emplace(key, entry.first.Mark().line + 1);
      if (!inserted)
        throw UserError(yaml_position(file_, entry.first) + ": key '" + key_path + "' is given twice in the same map" +
                        (seen->second > 0 ? " (first on line " + std::to_string(seen->second) + ")" : "") +
                        "; give each key once");
      check(entry.second, key_path);
    }
  }

 private:
  const std::string& file_;
  size_t max_nodes_;
  size_t visited_ = 0;
};

// Where each document of `text` starts, up to the second: yaml-cpp's events, without building nodes.
// yaml-cpp 0.7's YAML::LoadAll never returns when its parser stops consuming input at some token (a
// stray ',' after a document's root, for example: its memory grows until the process is killed;
// yaml-cpp issue 1040, found here by tests/fuzz/fuzz_study_yaml.cc): such input reads as one document
// after another starting at the same place, so counting stops at two and never loops.
class DocumentStarts : public YAML::EventHandler {
 public:
  static std::vector<YAML::Mark> of(const std::string& text) {
    std::istringstream in(text);
    YAML::Parser parser(in);
    DocumentStarts starts;
    while (starts.marks_.size() < 2 && parser.HandleNextDocument(starts)) {
    }
    return starts.marks_;
  }
  void OnDocumentStart(const YAML::Mark& mark) override { marks_.push_back(mark); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}

 private:
  std::vector<YAML::Mark> marks_;
};

// Line `line` (0-based) of `text`.
std::string line_of(const std::string& text, int line) {
  std::istringstream lines(text);
  std::string content;
  for (int k = 0; k <= line && std::getline(lines, content); ++k) {
  }
  return content;
}

// The error for a second document starting at `mark`: a `---` marker on that line starts a real one;
// anything else is text the parser could not place in the first document.
std::string second_document_error(const std::string& text, const std::string& file, const YAML::Mark& mark) {
  if (line_of(text, mark.line).rfind("---", 0) == 0)
    return mark_position(file, mark) + ": a second YAML document starts here ('---'); a study file holds exactly one";
  return mark_position(file, mark) + ": invalid YAML: unexpected text at column " + std::to_string(mark.column + 1) +
         " (a stray ',' or ']', or text after the document's end)";
}

// YAML text is printable: of the C0 control characters only tab, line feed and carriage return may
// appear (YAML 1.2, section 5.1); yaml-cpp skips a NUL byte. Refused, naming the line.
void refuse_control_characters(const std::string& text, const std::string& file) {
  int line_number = 1;
  for (unsigned char c : text) {
    if (c == '\n') ++line_number;
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) {
      char code[8];
      std::snprintf(code, sizeof code, "%02X", c);
      throw UserError(file + ":" + std::to_string(line_number) + ": invalid YAML: control character U+00" + code +
                      " (a study file is text)");
    }
  }
}

}  // namespace

YAML::Node load_yaml_document(const std::string& text, const std::string& file) {
  refuse_control_characters(text, file);
  YAML::Node document;
  try {
    const std::vector<YAML::Mark> starts = DocumentStarts::of(text);
    if (starts.size() > 1) throw UserError(second_document_error(text, file, starts[1]));
    if (starts.empty()) return YAML::Node();
    document = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw UserError(mark_position(file, e.mark) + ": invalid YAML: " + e.msg);
  }
  // Without aliases a document has fewer values than its text has bytes; allow generous reuse.
  KeyChecker(file, 8 * text.size() + 10000).check(document, "");
  return document;
}

std::string yaml_position(const std::string& file, const YAML::Node& node) {
  return mark_position(file, node.Mark());
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

YamlMap::YamlMap(const YAML::Node& node, std::string file, std::string path, const YamlOverrides* overrides)
    : node_(node), file_(std::move(file)), path_(std::move(path)), overrides_(overrides) {
  if (!node_.IsMap())
    throw UserError(yaml_position(file_, node_) + ": " + (path_.empty() ? "the document" : "key '" + path_ + "'") +
                    " must be a map of key: value entries");
}

std::string YamlMap::path_of(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }

bool YamlMap::overridden_below(const std::string& path) const {
  const std::string prefix = path + ".";
  const auto next = overrides_->lower_bound(prefix);
  return next != overrides_->end() && next->first.compare(0, prefix.size(), prefix) == 0;
}

YAML::Node YamlMap::value(const std::string& key) const {
  const YAML::Node& document = node_;  // const lookups never insert into the document
  if (!overrides_) return document[key];
  const std::string path = path_of(key);
  const auto replaced = overrides_->find(path);
  if (replaced != overrides_->end()) return replaced->second;
  const YAML::Node own = document[key];
  if (!overridden_below(path)) return own;
  if (!own.IsDefined() || own.IsNull()) return YAML::Node(YAML::NodeType::Map);
  if (!own.IsMap())
    throw UserError(yaml_position(file_, own) + ": key '" + path + "' is not a map, but the grid varies keys inside it");
  return own;
}

std::string YamlMap::where(const std::string& key) const {
  const YAML::Node entry = value(key);
  return yaml_position(file_, entry.IsDefined() && !entry.Mark().is_null() ? entry : node_) + ": key '" +
         path_of(key) + "'";
}

std::string YamlMap::where() const {
  return yaml_position(file_, node_) + (path_.empty() ? "" : ": key '" + path_ + "'");
}

bool YamlMap::has(const std::string& key) const {
  const YAML::Node entry = value(key);
  return entry.IsDefined() && !entry.IsNull();
}

YAML::Node YamlMap::child(const std::string& key) const {
  if (!has(key)) throw UserError(where() + ": missing required key '" + path_of(key) + "'");
  return value(key);
}

YamlMap YamlMap::map(const std::string& key) const { return YamlMap(child(key), file_, path_of(key), overrides_); }

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
  bool flag = false;
  if (!YAML::convert<bool>::decode(value(key), flag))
    throw UserError(where(key) + ": expected true or false, got '" + yaml_label(value(key)) + "'");
  return flag;
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
  return get_double_list(key, -HUGE_VAL, HUGE_VAL);
}

std::vector<double> YamlMap::get_double_list(const std::string& key, double min, double max) const {
  const YAML::Node list = child(key);
  if (!list.IsSequence()) throw UserError(where(key) + ": expected a list of numbers");
  std::vector<double> items;
  for (const auto& item : list)
    items.push_back(yaml_to_double(item, yaml_position(file_, item) + ": key '" + path_of(key) + "'", min, max));
  return items;
}

void YamlMap::reject_unknown_keys(std::initializer_list<const char*> allowed) const {
  const std::set<std::string> known(allowed.begin(), allowed.end());
  const auto reject_unless_known = [&](const std::string& key, const YAML::Node& at) {
    if (known.count(key)) return;
    std::string list;
    for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
    throw UserError(yaml_position(file_, at) + ": unknown key '" + path_of(key) + "' (allowed here: " + list + ")");
  };
  for (const auto& entry : node_) reject_unless_known(entry.first.Scalar(), entry.first);
  if (!overrides_) return;
  const std::string prefix = path_.empty() ? "" : path_ + ".";
  for (auto it = overrides_->lower_bound(prefix); it != overrides_->end(); ++it) {
    if (it->first.compare(0, prefix.size(), prefix) != 0) break;
    const std::string rest = it->first.substr(prefix.size());
    reject_unless_known(rest.substr(0, rest.find('.')), it->second);
  }
}

}  // namespace mrtsim
