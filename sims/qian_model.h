// The generative model of Qian et al. (2025), Section 4.1 (docs/estimators.md §3.1), for one subject:
// a distal outcome after T decision points with an endogenous covariate X, a binary covariate Z,
// availability, a time-varying randomization probability and a nonlinear (density) term.
//
//   X_t = th0 + th1 A_{t-1} + th2 X_{t-1} + eta_t,             eta_t ~ N(0, 1)
//   Z_t ~ Bernoulli(expit(ze0 + ze1 A_{t-1} + ze2 Z_{t-1}))
//   I_t ~ Bernoulli(avail),  p_t = clip_[0.1,0.9] expit(2 X_t / 6 + 2 (Z_t - 0.5) + 2 (t - T/2) / T)
//         (or a constant p),  A_t = I_t Bernoulli(p_t)
//   Y = sum_t xi_t (g(X_t) + Z_t) + sum_t A_t (alpha_t + beta_t X_t + gamma_t Z_t + lambda_t A_{t-1}) + eps
//
// with X_0 = Z_0 = A_0 = 0, g(x) = 6u(1 - u) for u = x/12 + 1/2 in [0, 1] (the Beta(2,2) density)
// and 0 otherwise, and each coefficient sequence linear in t from its first to its last value.
//
// Draws at decision point t (1-based) come from draw index t of the stream: block 0 words 0-1 give
// eta_t (Box-Muller, cosine half), word 2 -> Z_t, word 3 -> I_t; block 1 word 0 -> A_t. eps comes
// from draw index 0. Because every draw is keyed by its decision point, two runs of a subject that
// differ only in the treatment at one point share all other random numbers (the common random
// numbers of the Monte Carlo truth). The normals and expit use core/fast_math.h and every sum of
// products is written with fma, so every backend computes the same bits. Written once
// for the CPU and CUDA backends.
#pragma once

#include <cmath>
#include <cstdint>

#include "core/device_macros.h"
#include "core/philox.h"
#include "core/simd_lanes.h"

namespace mrtsim {

// A coefficient sequence c_t = first + (last - first)(t - 1)/(T - 1), t = 1..T.
struct LinearSequence {
  double first;
  double last;
  MRTSIM_HD MRTSIM_INLINE double at(int t, int T) const {
    return T > 1 ? first + (last - first) * (t - 1) / (T - 1) : first;
  }
};

struct QianModelView {
  int num_decisions;
  double availability;          // P(I_t = 1)
  bool time_varying_prob;       // the paper's "timevar" p_t; else constant_prob
  double constant_prob;
  double theta[3];              // X model
  double zeta[3];               // Z model
  LinearSequence alpha, beta, gamma, lambda, xi;  // outcome model (alpha..lambda: treatment terms)
  bool treatment_effect;        // false under the null hypothesis: no treatment terms in Y
};

// What the analysis sees of decision point t.
struct DistalRow {
  int t;          // 1-based
  double x;       // X_t
  double z;       // Z_t
  bool available;
  int treated;
  double prob;    // p_t (recorded on unavailable rows too)
};

namespace detail {
MRTSIM_HD MRTSIM_INLINE double expit(double v) { return 1.0 / (1.0 + fastmath::exp(-v)); }
MRTSIM_HD MRTSIM_INLINE double clip(double v, double lo, double hi) { return v < lo ? lo : (v > hi ? hi : v); }
}  // namespace detail

// The Beta(2, 2) density at x / 12 + 1/2.
MRTSIM_HD MRTSIM_INLINE double qian_density_term(double x) {
  const double u = x / 12.0 + 0.5;
  return (u < 0.0 || u > 1.0) ? 0.0 : 6.0 * u * (1.0 - u);
}

// A subject's state between decision points, so that a run can be branched (Monte Carlo truth).
struct QianState {
  double x = 0.0, z = 0.0;
  int previous_treatment = 0;
  double outcome_sum = 0.0;  // Y so far, without eps
};

// Which treatment decision point t receives: the randomized one, or forced to I_t * value.
struct TreatmentOverride {
  int t = 0;  // 0: none
  int value = 0;
};

// Advances `state` through decision point t and returns its row.
MRTSIM_HD MRTSIM_INLINE DistalRow qian_step(const QianModelView& m, const StreamKey& key, int t, QianState& state,
                                            TreatmentOverride forced = {}) {
  const Philox4x32 w = key.words(static_cast<uint32_t>(t));
  double eta, unused;
  fastmath::normal_pair(w.v[0], w.v[1], &eta, &unused);
  DistalRow row;
  row.t = t;
  const double a_prev = state.previous_treatment;
  row.x = fma(m.theta[2], state.x, fma(m.theta[1], a_prev, m.theta[0])) + eta;
  row.z = bernoulli(w.v[2], detail::expit(fma(m.zeta[2], state.z, fma(m.zeta[1], a_prev, m.zeta[0])))) ? 1.0 : 0.0;
  row.available = bernoulli(w.v[3], m.availability);
  const int T = m.num_decisions;
  // 2 X / 6 + 2 (Z - 1/2) + 2 (t - T/2) / T: the products by 2 and by 1/2 are exact.
  row.prob = m.time_varying_prob
                 ? detail::clip(detail::expit(2.0 * row.x / 6.0 + 2.0 * (row.z - 0.5) + 2.0 * (t - 0.5 * T) / T), 0.1, 0.9)
                 : m.constant_prob;
  if (forced.t == t) row.treated = row.available ? forced.value : 0;
  else row.treated = row.available && bernoulli(key.words(static_cast<uint32_t>(t), 1).v[0], row.prob);

  state.outcome_sum = fma(m.xi.at(t, T), qian_density_term(row.x) + row.z, state.outcome_sum);
  if (m.treatment_effect && row.treated)
    state.outcome_sum = state.outcome_sum + fma(m.lambda.at(t, T), a_prev,
                                                fma(m.gamma.at(t, T), row.z, fma(m.beta.at(t, T), row.x, m.alpha.at(t, T))));
  state.x = row.x;
  state.z = row.z;
  state.previous_treatment = row.treated;
  return row;
}

// The distal outcome of a finished state: the sum so far plus eps.
MRTSIM_HD MRTSIM_INLINE double qian_outcome(const StreamKey& key, const QianState& state) {
  const Philox4x32 w = key.words(0);
  double eps, unused;
  fastmath::normal_pair(w.v[0], w.v[1], &eps, &unused);
  return state.outcome_sum + eps;
}

// Simulates one subject under the MRT policy, calling on_row(row) for t = 1..T, and returns Y.
template <class RowFn>
MRTSIM_HD MRTSIM_INLINE double simulate_qian_subject(const QianModelView& m, const StreamKey& key, RowFn&& on_row) {
  QianState state;
  for (int t = 1; t <= m.num_decisions; ++t) on_row(qian_step(m, key, t, state));
  return qian_outcome(key, state);
}

}  // namespace mrtsim
