#include "host/cli/emee_options.h"

#include <vector>

namespace mrtsim::cli {
namespace {

nlohmann::ordered_json block_json(const std::vector<CoefficientInference>& block,
                                  const std::vector<double>& se_unadjusted) {
  nlohmann::ordered_json rows = coefficients_json(block);
  for (std::size_t j = 0; j < block.size(); ++j) rows[j]["se_unadjusted"] = se_unadjusted[j];
  return rows;
}

}  // namespace

EmeeDesign load_emee_design(const DataSetOptions& options, EmeeVariant variant) {
  const EmeeModelSpec model{column_list(options.moderators), column_list(options.controls), variant};
  return make_emee_design(read_mrt_csv(options.data_path, emee_column_spec(options.columns, model)), model);
}

nlohmann::ordered_json emee_analysis_json(const EmeeAnalysis& analysis) {
  return {{"estimator", emee_variant_name(analysis.variant)},
          {"n_subjects", analysis.n_subjects},
          {"df", analysis.df},
          {"small_sample_correction", true},
          {"confidence_level", analysis.confidence_level},
          {"newton_iterations", analysis.iterations},
          {"effect", block_json(analysis.effect, analysis.effect_se_unadjusted)},
          {"control", block_json(analysis.control, analysis.control_se_unadjusted)},
          {"joint", joint_json(analysis.joint)}};
}

}  // namespace mrtsim::cli
