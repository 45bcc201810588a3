// A per-decision quantity of a model given as values rather than as a shape: a YAML list (also
// written {values: [...]}), a list repeated every day ({within_day: [...]}) or a column of a CSV file
// ({file: F, column: C}). Read
// here (syntax, and the range of values written in YAML); resolved to one value per decision point
// when the study is planned (host/engine/resolved_decision_values.h), where files are read and
// lengths checked against the model's days and decision points.
#pragma once

#include <string>
#include <vector>

#include "host/config/yaml_reader.h"

namespace mrtsim {

struct DecisionValues {
  std::string where;           // "FILE:LINE: key 'model.availability'", for errors found when resolving
  std::vector<double> values;  // the YAML list
  bool within_day = false;     // `values` hold one value per decision point of a day, the same every day
  std::string file;            // the CSV file, relative paths taken from the study file's folder
  std::string column;          // the column of `file`; empty when the file has exactly one

  bool given() const { return !values.empty() || !file.empty(); }
};

// Reads parent[key] when it is a list, {values: list}, {within_day: list} (only where `allow_within_day`) or
// {file: PATH, column: NAME} into `out` and returns true; returns false (leaving `out.where` set) for
// anything else, which the caller parses as a number or a shape. Listed values outside [min, max]
// are a UserError naming the key.
bool read_decision_values(const YamlMap& parent, const std::string& key, double min, double max,
                          bool allow_within_day, DecisionValues& out);

// Attrition: participant i takes part while U_i < S, U_i uniform per participant and S the
// probability of still taking part (1 at the start, non-increasing), per day (liao2016) or per
// decision point (cohn2023); once out, a participant has no rows.
struct DropoutConfig {
  double rate = 0.0;        // S = (1 - rate)^k at the k-th day or decision point (0-based); when no survival
  DecisionValues survival;  // S itself, as a list or a CSV column
};

// `dropout: {RATE_KEY: r}` or `dropout: {survival: list or {file, column}}`; `unit` ("day", "decision
// point") words the errors.
DropoutConfig parse_dropout(const YamlMap& m, const char* rate_key, const char* unit);

}  // namespace mrtsim
