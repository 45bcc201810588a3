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
// as without dropout, truncated). Written once for the CPU and CUDA backends.
#pragma once

#include <cstdint>

#include "core/device_macros.h"
#include "core/philox.h"
#include "core/random_variates.h"

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

// Simulates one subject and calls visit(const CohnRow&) for every decision point in order.
template <class Visitor>
MRTSIM_HD MRTSIM_INLINE void simulate_cohn_subject(const CohnModelView& model, const StreamKey& key,
                                                   Visitor& visit) {
  int previous_treatment = 0, previous_outcome = 0;  // A_{t-1}, Y_t
  int delayed_treatment = 0;                         // A_{t-1} of the delayed effect
  const uint32_t dropout_word = model.survival ? key.with_purpose(StreamPurpose::kDropout).words(0).v[0] : 0u;
  for (int t = 0; t < model.num_decisions; ++t) {
    if (model.survival && !bernoulli(dropout_word, model.survival[t])) return;  // left: no more rows
    // Block t of the subject's stream: words 0-2 draw I_t, A_t and Y_{t+1}; word 3 of block 0 draws
    // the A_{-1} that the delayed effect of the first decision point needs.
    const Philox4x32 block = key.words(static_cast<uint32_t>(t));
    if (t == 0 && model.delayed_effect_factor != 1.0)
      delayed_treatment = bernoulli(block.v[3], model.rand_prob[0]) ? 1 : 0;
    const double tau = model.endogenous_availability
                           ? model.endogenous.base + model.endogenous.treatment * previous_treatment +
                                 model.endogenous.outcome * previous_outcome
                           : model.availability[t];
    CohnRow row;
    row.t = t;
    row.available = bernoulli(block.v[0], tau);
    row.treated = row.available && bernoulli(block.v[1], model.rand_prob[t]) ? 1 : 0;
    double success = row.treated ? model.success_treated[t] : model.success_control[t];
    if (delayed_treatment) success *= model.delayed_effect_factor;
    if (previous_outcome) success *= model.serial_correlation_factor;
    row.outcome = bernoulli(block.v[2], success) ? 1 : 0;
    previous_treatment = delayed_treatment = row.treated;
    previous_outcome = row.outcome;
    visit(row);
  }
}

}  // namespace mrtsim
