// The generative model of Cohn, Qian & Murphy (2023), Section 6 (docs/binary.md section 4), for one
// subject of an MRT with a binary proximal outcome. Decision points t = 1..m (index t - 1 below):
//
//   I_t ~ Bernoulli(tau_t), or Bernoulli(base + gamma3 A_{t-1} + gamma4 Y_t) with endogenous availability
//   A_t ~ Bernoulli(p_t) when I_t = 1, A_t = 0 otherwise
//   Y_{t+1} ~ Bernoulli(exp(g_t' alpha + A_t f_t' beta + coef_DE A_{t-1} + coef_SC Y_t))
//
// The outcome is drawn on unavailable rows too (with A_t = 0), as in the paper's code: MRTAnalysis's
// emee2 uses those rows in its small-sample correction (kernels/emee.h). The three violations of
// the paper's working assumptions are off when their coefficients are 0 (endogenous availability:
// when `endogenous_availability` is false). Before the study, Y_1 = 0 and A_0 = 0, except that the
// delayed effect at t = 1 uses A_0 ~ Bernoulli(p_1) (the paper's dgm_DEonY); availability at t = 1 is
// `base` (the paper's dgm_endoAvail).
//
// Everything transcendental is done on the host: the kernels get the success probabilities
// exp(g_t' alpha) and exp(g_t' alpha + f_t' beta) per decision point and the factors exp(coef_DE) and
// exp(coef_SC), so a row costs one Philox block and three comparisons. The host checks that every
// success probability the model can produce is at most 1.
//
// Draws: decision point t (0-based index k = t - 1) reads Philox block 0 of the cohort stream at draw
// index k (core/philox.h): word 0 -> I_t, word 1 -> A_t, word 2 -> Y_{t+1}; word 3 of draw index 0 ->
// A_0 of the delayed effect (unused otherwise). Dropout: word 0 at draw index 0 of the subject's
// dropout stream is its uniform U; the subject has rows while U < S_t and none after (the same draws
// as without dropout, truncated). Written once over lane policies (core/simd_lanes.h), branch-free:
// the CPU simulates 4 or 8 subjects at once, a CUDA thread one, with the same bits.
#pragma once

#include <cstdint>

#include "core/device_macros.h"
#include "core/philox.h"
#include "core/simd_lanes.h"

namespace mrtsim {

// The model's per decision point arrays, of length num_decisions (an array group of
// kernels/task_arena.h: pointers only).
struct CohnModelArrays {
  const double* availability;     // tau_t = P(I_t = 1) (unused with endogenous availability)
  const double* rand_prob;        // p_t = P(A_t = 1 | I_t = 1)
  const double* success_control;  // exp(g_t' alpha): P(Y_{t+1} = 1 | A_t = 0) without violations
  const double* success_treated;  // exp(g_t' alpha + f_t' beta): the same with A_t = 1 (= control under H0)
  const double* survival;         // dropout: S_t, P(still taking part at t), non-increasing; null: nobody leaves
};

// Availability that depends on the last treatment and outcome: P(I_t = 1) = base + treatment A_{t-1} +
// outcome Y_t (the paper's .5 + gamma3 A_{t-1} + gamma4 Y_t).
struct EndogenousAvailability {
  double base;
  double treatment;  // gamma3
  double outcome;    // gamma4
};

struct CohnModelView : CohnModelArrays {
  int num_decisions;
  double delayed_effect_factor;      // exp(coef_DE): 1 = no delayed effect
  double serial_correlation_factor;  // exp(coef_SC): 1 = no serial correlation
  bool endogenous_availability;
  EndogenousAvailability endogenous;
};

// One decision point of a simulated subject, as the analysis sees it.
struct CohnRow {
  int t;           // 0-based decision index
  bool available;  // I_t
  int treated;     // A_t (0 when unavailable)
  int outcome;     // Y_{t+1}, drawn on every row
};

// Decision point t of L::kLanes subjects, one per lane (core/simd_lanes.h), as 0/1 lanes: whether the
// subject still takes part (dropout), I_t, A_t (0 when unavailable) and Y_{t+1}.
template <class V>
struct CohnLanesRow {
  int t;  // 0-based decision index
  V present, available, treated, outcome;
};

namespace detail {
// How many decision points at least one of the lanes takes part in: a lane with dropout uniform u
// takes part at t while u < S_t, and S_t does not increase, so the lane with the smallest u stays longest.
template <class L>
MRTSIM_HD MRTSIM_INLINE int cohn_decisions_taken_part(const CohnModelView& model, typename L::V dropout_uniform) {
  double u[L::kLanes];
  L::store(u, dropout_uniform);
  double smallest = u[0];
  for (int l = 1; l < L::kLanes; ++l) smallest = u[l] < smallest ? u[l] : smallest;
  int t = 0;
  while (t < model.num_decisions && smallest < model.survival[t]) ++t;
  return t;
}
}  // namespace detail

// Simulates subjects key.subject .. key.subject + L::kLanes - 1 (one per lane) and calls
// visit(const CohnLanesRow<V>&) for every decision point in order, up to the last one at which some
// lane still takes part. Branch-free over the lanes; the scalar lane type computes the same bits one
// subject at a time.
template <class L, class Visitor>
MRTSIM_HD MRTSIM_INLINE void simulate_cohn_lanes(const CohnModelView& model, const StreamKey& key, Visitor&& visit) {
  using V = typename L::V;
  using lanes::select;
  constexpr int K = L::kLanes;
  const V one(1.0), zero(0.0);
  V previous_treatment = zero, previous_outcome = zero;  // A_{t-1}, Y_t
  V delayed_treatment = zero;                            // A_{t-1} of the delayed effect
  V dropout_uniform = zero;
  int decisions = model.num_decisions;
  if (model.survival) {
    uint32_t w[4][2 * K];
    L::words(key.with_purpose(StreamPurpose::kDropout), 0, 0, w);
    dropout_uniform = L::uniform(w[0]);
    decisions = detail::cohn_decisions_taken_part<L>(model, dropout_uniform);
  }
  for (int pair = 0; pair < decisions; pair += 2) {
    uint32_t w[4][2 * K];  // block 0 of draw indices pair and pair + 1
    L::words(key, static_cast<uint32_t>(pair), 0, w);
    for (int k = 0; k < 2 && pair + k < decisions; ++k) {
      const int t = pair + k;
      if (t == 0 && model.delayed_effect_factor != 1.0)
        delayed_treatment = select(L::uniform(w[3]) < V(model.rand_prob[0]), one, zero);
      const V tau = model.endogenous_availability
                        ? V(model.endogenous.base) + V(model.endogenous.treatment) * previous_treatment +
                              V(model.endogenous.outcome) * previous_outcome
                        : V(model.availability[t]);
      CohnLanesRow<V> row;
      row.t = t;
      row.present = model.survival ? select(dropout_uniform < V(model.survival[t]), one, zero) : one;
      const auto available = L::uniform(&w[0][k * K]) < tau;
      row.available = select(available, one, zero);
      row.treated = select(available, select(L::uniform(&w[1][k * K]) < V(model.rand_prob[t]), one, zero), zero);
      V success = select(row.treated == one, V(model.success_treated[t]), V(model.success_control[t]));
      success = select(delayed_treatment == one, success * V(model.delayed_effect_factor), success);
      success = select(previous_outcome == one, success * V(model.serial_correlation_factor), success);
      row.outcome = select(L::uniform(&w[2][k * K]) < success, one, zero);
      previous_treatment = delayed_treatment = row.treated;
      previous_outcome = row.outcome;
      visit(row);
    }
  }
}

// Simulates one subject and calls visit(const CohnRow&) for every decision point at which it takes part.
template <class Visitor>
MRTSIM_HD MRTSIM_INLINE void simulate_cohn_subject(const CohnModelView& model, const StreamKey& key,
                                                   Visitor& visit) {
  simulate_cohn_lanes<ScalarLanes>(model, key, [&](const CohnLanesRow<double>& row) {
    visit(CohnRow{row.t, row.available != 0.0, row.treated != 0.0 ? 1 : 0, row.outcome != 0.0 ? 1 : 0});
  });
}

}  // namespace mrtsim
