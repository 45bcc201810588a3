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
// products is written with fma, so every backend computes the same bits. Written once over lane
// policies (core/simd_lanes.h), branch-free: the CPU simulates 4 or 8 subjects at once, a CUDA thread
// and the truth one subject, with the same bits.
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

// A subject's state between decision points, so that a run can be branched (Monte Carlo truth); on
// lanes, one subject per lane (core/simd_lanes.h).
template <class V>
struct QianLanesState {
  V x = V(0.0), z = V(0.0);
  V previous_treatment = V(0.0);  // A_{t-1}: 0 or 1
  V outcome_sum = V(0.0);         // Y so far, without eps
};
using QianState = QianLanesState<double>;

// The uniforms decision point t draws: block 0 words 0-1 (eta_t by Box-Muller), 2 (Z_t) and 3 (I_t)
// and block 1 word 0 (A_t) of draw index t.
template <class V>
struct QianStepUniforms {
  V eta_radius, eta_angle, z, available, treatment;
};

// Decision point t as the analysis sees it, on lanes: available and treated are 0 or 1.
template <class V>
struct QianLanesRow {
  V x, z, prob, available, treated;
};

// Which treatment decision point t receives: the randomized one, or forced to I_t * value.
struct TreatmentOverride {
  int t = 0;  // 0: none
  int value = 0;
};

namespace detail {
template <class L>
MRTSIM_HD MRTSIM_INLINE typename L::V expit(typename L::V v) {
  using V = typename L::V;
  return V(1.0) / (V(1.0) + L::exp(-v));
}
// The Beta(2, 2) density at x / 12 + 1/2.
template <class V>
MRTSIM_HD MRTSIM_INLINE V density_term(V x) {
  using lanes::select;
  const V u = x / V(12.0) + V(0.5);
  return select(u < V(0.0), V(0.0), select(u > V(1.0), V(0.0), V(6.0) * u * (V(1.0) - u)));
}
}  // namespace detail

// Advances `state` through decision point t (every lane) with the point's uniforms and returns its
// row. Branch-free over the lanes; the scalar lane type computes the same bits one subject at a time.
template <class L>
MRTSIM_HD MRTSIM_INLINE QianLanesRow<typename L::V> qian_step_lanes(const QianModelView& m, int t,
                                                                    const QianStepUniforms<typename L::V>& u,
                                                                    QianLanesState<typename L::V>& state,
                                                                    TreatmentOverride forced = {}) {
  using V = typename L::V;
  using lanes::mul_add;
  using lanes::select;
  V eta, unused;
  L::normal_pair(u.eta_radius, u.eta_angle, &eta, &unused);
  QianLanesRow<V> row;
  const V a_prev = state.previous_treatment;
  row.x = mul_add(V(m.theta[2]), state.x, mul_add(V(m.theta[1]), a_prev, V(m.theta[0]))) + eta;
  const V z_prob = detail::expit<L>(mul_add(V(m.zeta[2]), state.z, mul_add(V(m.zeta[1]), a_prev, V(m.zeta[0]))));
  row.z = select(u.z < z_prob, V(1.0), V(0.0));
  const auto available = u.available < V(m.availability);
  row.available = select(available, V(1.0), V(0.0));
  const int T = m.num_decisions;
  // 2 X / 6 + 2 (Z - 1/2) + 2 (t - T/2) / T: the products by 2 and by 1/2 are exact.
  const double time_term = 2.0 * (t - 0.5 * T) / T;
  row.prob = m.time_varying_prob
                 ? lanes::clip(detail::expit<L>(V(2.0) * row.x / V(6.0) + V(2.0) * (row.z - V(0.5)) + V(time_term)), 0.1, 0.9)
                 : V(m.constant_prob);
  const V assigned = forced.t == t ? V(static_cast<double>(forced.value)) : select(u.treatment < row.prob, V(1.0), V(0.0));
  row.treated = select(available, assigned, V(0.0));

  state.outcome_sum = mul_add(V(m.xi.at(t, T)), detail::density_term(row.x) + row.z, state.outcome_sum);
  if (m.treatment_effect) {
    const V effect = mul_add(V(m.lambda.at(t, T)), a_prev,
                             mul_add(V(m.gamma.at(t, T)), row.z, mul_add(V(m.beta.at(t, T)), row.x, V(m.alpha.at(t, T)))));
    state.outcome_sum = select(row.treated == V(1.0), state.outcome_sum + effect, state.outcome_sum);
  }
  state.x = row.x;
  state.z = row.z;
  state.previous_treatment = row.treated;
  return row;
}

// The lanes' distal outcomes once their states are finished: the sums plus eps (draw index 0).
template <class L>
MRTSIM_HD MRTSIM_INLINE typename L::V qian_outcome_lanes(const StreamKey& key, const QianLanesState<typename L::V>& state) {
  using V = typename L::V;
  uint32_t w[4][2 * L::kLanes];
  L::words(key, 0, 0, w);
  V eps, unused;
  L::normal_pair(L::uniform(w[0]), L::uniform(w[1]), &eps, &unused);
  return state.outcome_sum + eps;
}

// Simulates subjects key.subject .. key.subject + L::kLanes - 1 (one per lane) under the MRT policy,
// calling visit(row) for t = 1..T with the lanes' QianLanesRow, and returns their Y.
template <class L, class Visitor>
MRTSIM_HD MRTSIM_INLINE typename L::V simulate_qian_lanes(const QianModelView& m, const StreamKey& key, Visitor&& visit) {
  using V = typename L::V;
  constexpr int K = L::kLanes;
  QianLanesState<V> state;
  for (int t = 1; t <= m.num_decisions; t += 2) {
    uint32_t w[4][2 * K], w1[4][2 * K];  // draw indices t and t + 1, blocks 0 and 1
    L::words(key, static_cast<uint32_t>(t), 0, w);
    L::words(key, static_cast<uint32_t>(t), 1, w1);
    for (int k = 0; k < 2 && t + k <= m.num_decisions; ++k) {
      const QianStepUniforms<V> u{L::uniform(&w[0][k * K]), L::uniform(&w[1][k * K]), L::uniform(&w[2][k * K]),
                                  L::uniform(&w[3][k * K]), L::uniform(&w1[0][k * K])};
      visit(qian_step_lanes<L>(m, t + k, u, state));
    }
  }
  return qian_outcome_lanes<L>(key, state);
}

// What the analysis sees of decision point t, one subject.
struct DistalRow {
  int t;          // 1-based
  double x;       // X_t
  double z;       // Z_t
  bool available;
  int treated;
  double prob;    // p_t (recorded on unavailable rows too)
};

MRTSIM_HD MRTSIM_INLINE DistalRow distal_row(int t, const QianLanesRow<double>& row) {
  return DistalRow{t, row.x, row.z, row.available != 0.0, row.treated != 0.0 ? 1 : 0, row.prob};
}

// Advances `state` through decision point t and returns its row (one subject).
MRTSIM_HD MRTSIM_INLINE DistalRow qian_step(const QianModelView& m, const StreamKey& key, int t, QianState& state,
                                            TreatmentOverride forced = {}) {
  const Philox4x32 w = key.words(static_cast<uint32_t>(t));
  QianStepUniforms<double> u{uniform_open01(w.v[0]), uniform_open01(w.v[1]), uniform_open01(w.v[2]),
                             uniform_open01(w.v[3]), 1.0};
  // Block 1 only where the randomization uses it: the Monte Carlo truth branches every subject at
  // every decision point, and this saves a Philox block per step of its forced and unavailable rows.
  if (forced.t != t && u.available < m.availability) u.treatment = uniform_open01(key.words(static_cast<uint32_t>(t), 1).v[0]);
  return distal_row(t, qian_step_lanes<ScalarLanes>(m, t, u, state, forced));
}

// The distal outcome of a finished state (one subject).
MRTSIM_HD MRTSIM_INLINE double qian_outcome(const StreamKey& key, const QianState& state) {
  return qian_outcome_lanes<ScalarLanes>(key, state);
}

// Simulates one subject under the MRT policy, calling on_row(row) for t = 1..T, and returns Y.
template <class RowFn>
MRTSIM_HD MRTSIM_INLINE double simulate_qian_subject(const QianModelView& m, const StreamKey& key, RowFn&& on_row) {
  int t = 0;
  return simulate_qian_lanes<ScalarLanes>(m, key, [&](const QianLanesRow<double>& row) { on_row(distal_row(++t, row)); });
}

}  // namespace mrtsim
