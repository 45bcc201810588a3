// Planning a study's sample sizes: scenarios with `sample_size: formula` get N from their model's
// formula for their design, before any cell is planned: Liao et al. (2016) for liao2016
// (host/samplesize/liao_formula.h), Cohn et al. (2023) for cohn2023 (host/samplesize/cohn_formula.h).
#pragma once

#include "host/config/study_config.h"

namespace mrtsim {

// `study` with every formula scenario's sample_size and predicted power filled in. Formula failures
// are UserErrors naming the scenario's sample_size key.
StudyConfig with_planned_sample_sizes(StudyConfig study);

}  // namespace mrtsim
