#include "host/cli/analysis_options.h"

namespace mrtsim::cli {

void add_data_set_options(CLI::App* command, DataSetOptions& options, const std::string& outcome_help,
                          const std::string& controls_help) {
  command->add_option("--data", options.data_path, "CSV file, one row per subject and decision point")->required();
  command->add_option("--id", options.columns.id, "subject id column (each subject's rows contiguous)")->required();
  command->add_option("--outcome", options.columns.outcome, outcome_help)->required();
  command->add_option("--treatment", options.columns.treatment, "treatment column (0/1)")->required();
  command->add_option("--rand-prob", options.columns.rand_prob, "randomization probability: column or number")
      ->required();
  command->add_option("--availability", options.columns.availability, "availability column (0/1); default: all 1");
  command->add_option("--moderators", options.moderators, "moderator columns, comma separated (intercept always)")
      ->delimiter(',');
  command->add_option("--controls", options.controls, controls_help)->delimiter(',');
}

std::vector<std::string> column_list(const std::vector<std::string>& raw) {
  std::vector<std::string> names;
  for (const std::string& entry : raw) {
    const auto first = entry.find_first_not_of(" \t");
    if (first == std::string::npos) continue;
    names.push_back(entry.substr(first, entry.find_last_not_of(" \t") - first + 1));
  }
  return names;
}

nlohmann::ordered_json coefficients_json(const std::vector<CoefficientInference>& block) {
  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
  for (const CoefficientInference& c : block)
    rows.push_back({{"term", c.term}, {"estimate", c.estimate}, {"se", c.se}, {"lcl", c.lcl}, {"ucl", c.ucl},
                    {"p_value", c.p_value}});
  return rows;
}

nlohmann::ordered_json matrix_json(const Eigen::MatrixXd& m) {
  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
  for (Eigen::Index r = 0; r < m.rows(); ++r) {
    nlohmann::ordered_json row = nlohmann::ordered_json::array();
    for (Eigen::Index c = 0; c < m.cols(); ++c) row.push_back(m(r, c));
    rows.push_back(row);
  }
  return rows;
}

nlohmann::ordered_json joint_json(const std::optional<JointTest>& joint) {
  if (!joint) return nullptr;
  return {{"hypothesis", "all effect coefficients are 0"},
          {"form", joint->form == JointTestForm::kHotellingT2 ? "hotelling_t2" : "mrtanalysis"},
          {"reference", joint->reference},
          {"statistic", joint->statistic},
          {"f_statistic", joint->f_statistic},
          {"df1", joint->df1},
          {"df2", joint->df2},
          {"critical_value", joint->critical_value},
          {"p_value", joint->p_value}};
}

}  // namespace mrtsim::cli
