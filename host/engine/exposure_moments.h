// Monte Carlo moments of the recent treatment exposure C_t = sum_{j=1..L} A_{t-j} I_{t-j} among
// available decision points, for the "C_t model" of Liao et al. (2016) Section 6.2.4, where the
// outcome is centred at E[C_t | I_t = 1] and the error SD sigma* makes the average variance 1. The
// paper computes both by Monte Carlo; so does mrtsim, once per scenario before any replicate, by
// running the model's own per-subject code (sims/liao_model.h) over many subjects.
//
// Stream: the study seed, the scenario's null-hypothesis stream index 2s (so both hypotheses of a
// scenario share one estimate), replicate index kPrepassReplicate (2^31, which no replicate uses:
// replicates are < 2^31), subject i = 0..subjects-1, purpose kCohort. All sums are integers, so the
// result does not depend on the thread count.
#pragma once

#include <cstdint>
#include <vector>

#include "sims/liao_model.h"

namespace mrtsim {

constexpr uint32_t kPrepassReplicate = 1u << 31;

struct ExposureMoments {
  long long subjects = 0;
  std::vector<double> expected;          // E[C_t] = sum_{j<=min(L,t)} rho_{t-j} tau_{t-j} (closed form)
  std::vector<double> mean_available;    // E[C_t | I_t = 1] (Monte Carlo)
  std::vector<double> var_available;     // Var(C_t | I_t = 1) (Monte Carlo)
  std::vector<double> availability;      // E[I_t] (Monte Carlo; the model keeps it at tau_t)
};

// `model` must have feedback_lags = L; its outcome parameters do not matter (I_t and C_t do not depend
// on them).
ExposureMoments estimate_exposure_moments(const LiaoModelView& model, uint64_t seed, uint32_t stream,
                                          long long subjects);

// sigma* with (1/T) sum_t E[Var(Y_{t+1} | I_t = 1, A_t)] = 1, where
// Var(Y_{t+1} | I_t = 1, A_t) = (gamma_1 + (A_t - rho_t) beta_t gamma_2)^2 Var(C_t | I_t = 1) + sigma*^2
// (A_t is independent of C_t and I_t, eps_t of both). Throws UserError if no sigma* > 0 exists.
double carryover_error_sd(const ExposureMoments& moments, double gamma_level, double gamma_effect,
                          const std::vector<double>& rand_prob, const std::vector<double>& effect);

}  // namespace mrtsim
