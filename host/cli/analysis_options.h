// What the real-data analysis commands (wcls, emee, permute, dcee) share: the data-set options, the
// column-list rule and the JSON rows of a coefficient table.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "host/analysis/wcls_analysis.h"
#include "host/io/mrt_csv.h"

namespace mrtsim::cli {

// The columns of one long-format data set and the model's moderator/control columns, as options.
struct DataSetOptions {
  std::string data_path;
  MrtColumnSpec columns;
  std::vector<std::string> moderators;
  std::vector<std::string> controls;
};

// --data, --id, --outcome, --treatment, --rand-prob, --availability, --moderators, --controls.
void add_data_set_options(CLI::App* command, DataSetOptions& options, const std::string& outcome_help,
                          const std::string& controls_help);

// "--moderators a,b" arrives split at commas; names are trimmed and empty entries (e.g. from
// --moderators "") mean no column.
std::vector<std::string> column_list(const std::vector<std::string>& raw);

// docs/architecture.md §5's rows {"term", "estimate", "se", "lcl", "ucl", "p_value"}.
nlohmann::ordered_json coefficients_json(const std::vector<CoefficientInference>& block);

// A matrix as an array of rows (the "variance" of the effect coefficients).
nlohmann::ordered_json matrix_json(const Eigen::MatrixXd& m);

// The joint test of beta = 0 as a JSON object; null when it is undefined.
nlohmann::ordered_json joint_json(const std::optional<JointTest>& joint);

}  // namespace mrtsim::cli
