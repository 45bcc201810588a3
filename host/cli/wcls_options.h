// What `mrtsim wcls` and the commands that re-run its analysis (`mrtsim permute`) share: the data
// and model options, loading the design they describe, and the wcls JSON object.
#pragma once

#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "host/analysis/wcls_analysis.h"
#include "host/cli/analysis_options.h"

namespace mrtsim::cli {

struct WclsDataOptions {
  DataSetOptions data;
  bool mrtanalysis_joint_test = false;

  JointTestForm joint_form() const {
    return mrtanalysis_joint_test ? JointTestForm::kMrtAnalysis : JointTestForm::kHotellingT2;
  }
};

// --data, --id, --outcome, --treatment, --rand-prob, --availability, --numerator-prob, --moderators,
// --controls and --mrtanalysis-joint-test.
void add_wcls_data_options(CLI::App* command, WclsDataOptions& options);

// Reads the CSV and builds the WCLS design the options describe.
WclsDesign load_wcls_design(WclsDataOptions options);

// docs/architecture.md §5's wcls object.
nlohmann::ordered_json wcls_analysis_json(const WclsAnalysis& analysis);

}  // namespace mrtsim::cli
