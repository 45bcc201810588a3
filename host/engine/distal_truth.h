// True distal causal excursion effects of the Qian et al. (2025) model by Monte Carlo, the paper's
// Appendix F approach (docs/estimators.md §3.3): for every simulated subject and decision point t, the
// subject is run on from its history at t twice, with A_t forced to I_t and to 0, using common
// random numbers (sims/qian_model.h keys every draw by its decision point), and the difference in
// the distal outcome is that subject's contrast at t. Two summaries of the contrasts:
//   - projection: the estimator's probability limit with omega = 1/T (docs/estimators.md §2.6),
//     beta = [sum_t E f_t f_t']^-1 sum_t E[f_t I_t tau_t], f_t = (1) or (1, Z_t);
//   - simple mean (PAPER compute_truth.R): beta_0 = mean_t tau_t(0), beta_1 = mean_t tau_t(1) - beta_0.
// Coverage is measured against the projection. Monte Carlo SEs come from batch means over 32
// blocks of subjects; blocks are summed in a fixed order, so results do not depend on threads.
#pragma once

#include <cstdint>
#include <vector>

#include "sims/qian_model.h"

namespace mrtsim {

struct DistalTruth {
  std::vector<double> projection, projection_se;    // per effect coefficient
  std::vector<double> simple_mean, simple_mean_se;
  long long subjects = 0;
};

// `stream` separates the truth runs of different scenarios (StreamPurpose::kTruth, replicate 0).
DistalTruth monte_carlo_distal_truth(const QianModelView& model, int num_effects, long long subjects, uint64_t seed,
                                     uint32_t stream, int threads = 0);

}  // namespace mrtsim
