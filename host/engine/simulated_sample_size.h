// Sample size by simulation (`sample_size: {method: simulation, power, interval: [lo, hi]}`): the
// smallest N in [lo, hi] whose simulated power (the rejection rate of the study's test under the
// alternative) reaches the target, for designs where the formula's assumptions are in doubt.
//
// Common random numbers: subject i of replicate r is drawn from the stream keyed by (seed, cell,
// r, i) whatever N is (core/philox.h), so the cohorts of every N are prefixes of one another and the
// simulated power curve is smooth in N. The search is a bisection over N; at each N it runs the
// study's replicates and, while the power lies within 2 Monte Carlo SEs of the target, four times as
// many (the same replicates and more), up to max_replicates: a decision is taken when the MC error
// allows it or the budget is spent. Deterministic: the same study and seed give the same N.
#pragma once

#include <vector>

#include "host/config/study_config.h"
#include "host/results/sample_size_search.h"

namespace mrtsim {

// Finds N for every scenario with `simulated` set, sets its sample_size (and the formula's power at
// that N as formula->predicted_power) and returns the searches in scenario order. A target that the
// highest N of the interval does not reach is a UserError naming the scenario's sample_size key.
std::vector<SampleSizeSearch> search_simulated_sample_sizes(StudyConfig& study);

}  // namespace mrtsim
