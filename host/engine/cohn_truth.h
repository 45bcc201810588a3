// The true values of a cohn2023 cell's coefficients: the probability limit theta* of EMEE or EMEE2
// under the generative model (sims/cohn_model.h) with the analysis' working design, computed exactly.
//
// theta* solves the population estimating equation sum_t E[U_t(theta)] = 0 (docs/estimators.md §4).
// U_t depends on a subject's history only through (I_t, A_t, Y_{t+1}) and is linear in Y_{t+1}, so
// E[U_t] needs only P(I_t = 1, A_t = a) and E[Y_{t+1} | I_t = 1, A_t = a] for a = 0, 1. Under the
// model with its violations, (A_{t-1}, Y_t) is a Markov chain on four states (availability, the
// delayed effect and the serial correlation depend on nothing else), so these follow from a forward
// recursion over t without simulation. The equation is then solved by the kernel's own Newton
// iteration (kernels/emee.h), each row weighted by its probability and with its mean outcome.
//
// When the working model is right (no violations, log SPNC in the span of the controls, log RR in
// the span of the moderators), theta* is the model's: beta* = beta; alpha* = alpha for EMEE, and for
// EMEE2 g_t' alpha* = g_t' alpha + p_t f_t' beta (its baseline is the outcome's mean with the
// treatment centred at p_t, which the span condition makes linear in g_t). Under violations theta*
// is what the estimator converges to, the only truth its bias and coverage can be measured against:
// e.g. the delayed effect shifts the baseline by E[exp(coef_DE A_{t-1})], and endogenous availability
// changes which decision points carry weight.
#pragma once

#include <vector>

#include "kernels/emee_simulation.h"

namespace mrtsim {

// theta* for the task's model and design (host arrays), coefficients in fit order (alpha, beta).
// Throws std::runtime_error when the population equation has no root Newton's method finds (the
// working model cannot describe the generative one).
std::vector<double> cohn_emee_truth(const EmeeSimulationTask& task);

// What the forward recursion gives per decision point t (row t): P(I_t = 1), and for a = 0, 1
// P(I_t = 1, A_t = a) and E[Y_{t+1} | I_t = 1, A_t = a]; the largest success probability any history
// reaches (at most 1 for a valid model).
struct CohnRowMoments {
  std::vector<double> available;                      // [t]
  std::vector<double> available_treated[2];           // [a][t]
  std::vector<double> outcome_mean[2];                // [a][t]
  double max_success = 0.0;
};
CohnRowMoments cohn_row_moments(const CohnModelView& model);

}  // namespace mrtsim
