#include "host/cli/wcls_options.h"

namespace mrtsim::cli {

nlohmann::ordered_json wcls_analysis_json(const WclsAnalysis& analysis) {
  return {{"estimator", "wcls"},
          {"n_subjects", analysis.n_subjects},
          {"n_eff", analysis.n_eff},
          {"df", analysis.df},
          {"small_sample_correction", analysis.small_sample_correction},
          {"confidence_level", kWclsConfidenceLevel},
          {"effect", coefficients_json(analysis.effect)},
          {"control", coefficients_json(analysis.control)},
          {"variance", matrix_json(analysis.effect_variance)},
          {"joint", joint_json(analysis.joint)}};
}

void add_wcls_data_options(CLI::App* command, WclsDataOptions& options) {
  add_data_set_options(command, options.data, "proximal outcome column",
                       "control columns, comma separated (intercept always)");
  command->add_option("--numerator-prob", options.data.columns.numerator_prob,
                      "numerator probability p~: column or number; default 0.5");
  command->add_flag("--mrtanalysis-joint-test", options.mrtanalysis_joint_test,
                    "joint test of beta = 0 with MRTAnalysis summary's inverted Hotelling multiple "
                    "(default: the correct Hotelling T^2)");
}

WclsDesign load_wcls_design(WclsDataOptions options) {
  const WclsModelSpec model{column_list(options.data.moderators), column_list(options.data.controls)};
  options.data.columns.covariates = wcls_control_columns(model);
  return make_wcls_design(read_mrt_csv(options.data.data_path, options.data.columns), model);
}

}  // namespace mrtsim::cli
