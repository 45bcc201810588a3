// Planning a study's sample sizes: scenarios with `sample_size: formula` get N from their model's
// formula for their design, before any cell is planned: Liao et al. (2016) for liao2016
// (host/samplesize/liao_formula.h), Cohn et al. (2023) for cohn2023 (host/samplesize/cohn_formula.h).
#pragma once

#include <optional>

#include "host/config/study_config.h"

namespace mrtsim {

// `study` with every formula scenario's sample_size and predicted power filled in. Formula failures
// are UserErrors naming the scenario's sample_size key.
// With `sample_size: {method: simulation}` the formula (the model's own inputs) is a comparison: where
// it fails, the scenario just has no formula.
StudyConfig with_planned_sample_sizes(StudyConfig study);

// The model's formula power at N with the model's own inputs (liao2016, cohn2023); none where the
// formula has no value there.
std::optional<double> formula_power_at(const ScenarioConfig& scenario, int n);

}  // namespace mrtsim
