// What `mrtsim emee` and `mrtsim permute --estimator emee|emee2` share: loading the EMEE design the
// data-set options describe and the emee JSON object.
#pragma once

#include <nlohmann/json.hpp>

#include "host/analysis/emee_analysis.h"
#include "host/cli/analysis_options.h"

namespace mrtsim::cli {

// Reads the CSV with the checks of `variant` and builds the design (--numerator-prob is in
// options.columns).
EmeeDesign load_emee_design(const DataSetOptions& options, EmeeVariant variant);

// docs/architecture.md §5's object for emee / emee2; each coefficient row also carries "se_unadjusted" (the
// sandwich without the small-sample correction).
nlohmann::ordered_json emee_analysis_json(const EmeeAnalysis& analysis);

}  // namespace mrtsim::cli
