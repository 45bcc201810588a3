// The generative model of Liao et al. (2016), Section 6 and Appendix A, for one subject:
//
//   S_t = sum_{j=1..L} (A_{t-j} I_{t-j} - rho_{t-j} tau_{t-j})            = C_t - E[C_t]
//   I_t ~ Bernoulli(tau_t + eta S_t + tau_t (eta_1 S_t + eta_2 Trunc((1/L) sum_{j=1..L} eps_{t-j})))
//                                                                          (clipped to [0,1])
//   A_t ~ Bernoulli(rho_t)
//   Y_{t+1} = alpha(t) + gamma_1 c_t + (A_t - rho_t) beta(t) (1 + gamma_2 c_t) + sigma_{A_t,t} eps_t
//             observed only when I_t = 1, with c_t = C_t - E[C_t | I_t = 1] = S_t - shift_t
//
// with eps_t one of the error processes below, scaled to mean 0 and variance 1. eta is the absolute
// availability feedback of Appendix A.1 (Table 5B); eta_1, eta_2, gamma_1, gamma_2 and shift_t the
// "C_t model" of Section 6.2.4 (Table V / 11B); sigma_{a,t} the treatment- and time-dependent error
// SDs of Section 6.2.3 (Table IV / 10B; also sigma* of the C_t model). Every extension is off (and
// the draws and arithmetic are those of the plain model) when its parameters are zero / null. All
// per decision point inputs are precomputed on the host (host/engine/scenario_plan.h); this file is
// compiled for both backends.
//
// The random numbers (docs/fast_math.md, "Kernels on every instruction set"). The draws of decision point t
// of a subject come from the cohort stream (core/philox.h) at draw index t, Philox block 0:
//   word 0 -> I_t:  uniform_open01(word 0) < tau_t (after feedback);
//   word 1 -> A_t:  uniform_open01(word 1) < rho_t;
//   words 2-3 -> the error:
//     normal and AR innovations: one Box-Muller pair (core/fast_math.h's normal_pair: radius from
//       word 2, angle from word 3) drawn at t = 2k serves 2k (cosine half) and 2k + 1 (sine half),
//       so words 2-3 of odd draw indices are unused;
//     exponential: -log(uniform_open01(word 2)) - 1;
//     Student t with df degrees of freedom: the pair of words 2-3 gives z (cosine half) and the first
//       chi-square normal (sine half); blocks 1, 2, ... at the same draw index give the other df - 1,
//       two pairs per block (words 0-1, then 2-3), the last sine half unused when df is even.
// AR errors take their stationary start from the subject-init stream: the pair of words 0-1 at draw
// index k gives the standard normals 2k and 2k + 1 of the start.
// Dropout: word 0 at draw index 0 of the subject's dropout stream is its uniform U; the subject takes
// part at t while U < S_t (so the decision points it takes part in are a prefix) and is unavailable,
// with no row, after; every other draw is unchanged, so a model with dropout draws the same cohort
// as without, truncated.
// Every variate is computed by core/fast_math.h and every sum with explicit fma, so every backend and
// instruction set gives the same bits (mrtsim 0.1 used libm's log and sincos, whose last bits differ
// between libraries and backends). The code is written once over lane policies (core/simd_lanes.h):
// simulate_liao_lanes runs L::kLanes consecutive subjects at once, one per lane, decision points in
// pairs (t, t + 1) that share one Philox call; availability and treatment are masks, not branches.
#pragma once

#include <cstdint>

#include "core/device_macros.h"
#include "core/philox.h"
#include "core/simd_lanes.h"

namespace mrtsim {

enum class ErrorKind : int {
  kNormal = 0,
  kStudentT = 1,        // Student t with integer df >= 3, scaled to variance 1
  kExponential = 2,     // Exp(1) - 1
  kAutoregressive = 3,  // Gaussian AR(order), stationary, variance 1
};

constexpr int kMaxArOrder = 5;
constexpr int kMaxStudentTDf = 30;
constexpr int kMaxFeedbackLags = 10;

struct ErrorSpecView {
  ErrorKind kind;
  int student_df;               // kStudentT
  double student_scale;         // sqrt((df - 2) / df)
  int ar_order;                 // kAutoregressive
  double ar_coef[kMaxArOrder];  // eps_t = sum_j ar_coef[j] eps_{t-1-j} + sd * v_t
  double innovation_sd;
  double stationary_chol[kMaxArOrder * kMaxArOrder];  // lower Cholesky of the stationary covariance
};

// The model's per decision point arrays, of length num_decisions (host or device memory; an array
// group of kernels/task_arena.h: pointers only).
struct LiaoModelArrays {
  const double* availability;    // tau_t = E[I_t]
  const double* rand_prob;       // rho_t
  const double* baseline;        // alpha(t)
  const double* effect;          // beta(t): 0 under the null hypothesis
  const double* exposure_shift;  // shift_t = E[C_t | I_t = 1] - E[C_t]; null: no carryover in Y (Section 6.2.4)
  // Section 6.2.3: error SD sigma_{0,t} (A_t = 0) and sigma_{1,t} (A_t = 1); null: both 1.
  const double* error_sd_control;
  const double* error_sd_treated;
  // Dropout: S_t, the probability of still taking part at t (non-increasing); null: nobody leaves.
  const double* survival;
};

// Plain data: the arrays and the model's scalar parameters.
struct LiaoModelView : LiaoModelArrays {
  int num_decisions;
  double feedback_eta;  // eta: 0 = availability does not depend on past treatment
  int feedback_lags;    // L of S_t (and of the error average); 0 = no feedback at all
  // Section 6.2.4 (C_t model); zero when off.
  double feedback_eta_relative;  // eta_1 (multiplied by tau_t, unlike eta)
  double feedback_eta_noise;     // eta_2: availability follows the recent errors
  double carryover_level;        // gamma_1
  double carryover_effect;       // gamma_2
  ErrorSpecView error;
};

namespace detail {

template <class V>
MRTSIM_HD MRTSIM_INLINE V clip01(V p) {
  return lanes::clip(p, 0.0, 1.0);
}

// Liao's Trunc(x): x clipped to [-1, 1], which keeps the C_t model's availability inside [0, 1].
template <class V>
MRTSIM_HD MRTSIM_INLINE V trunc_unit(V x) {
  return lanes::clip(x, -1.0, 1.0);
}

// Sum of the last `lags` values pushed (fewer at the start of the study): the centred recent
// treatment exposure S_t of availability feedback, and the recent errors of the C_t model. Every
// lane pushes at every decision point, so the fill level is shared.
template <class V>
struct RecentSum {
  V recent[kMaxFeedbackLags];
  int filled;

  MRTSIM_HD MRTSIM_INLINE void start() { filled = 0; }
  MRTSIM_HD MRTSIM_INLINE V sum(int lags) const {
    V total(0.0);
    for (int j = 0; j < filled && j < lags; ++j) total = total + recent[j];
    return total;
  }
  MRTSIM_HD MRTSIM_INLINE void push(V centred, int lags) {
    for (int j = lags - 1; j > 0; --j) recent[j] = recent[j - 1];
    recent[0] = centred;
    if (filled < lags) ++filled;
  }
};

// The error process of the lanes' subjects: the standard variates of a pair of decision points
// (draw), then per decision point the error itself (next: the AR recursion for AR errors).
template <class L>
struct ErrorLanes {
  using V = typename L::V;
  static constexpr int K = L::kLanes;
  V recent[kMaxArOrder];  // AR: recent[0] = eps_{t-1}

  // The stationary start of AR errors: eps_{-1..-order} = chol * z with z from the subject-init stream.
  MRTSIM_HD MRTSIM_INLINE void start(const ErrorSpecView& spec, const StreamKey& key) {
    if (spec.kind != ErrorKind::kAutoregressive) return;
    const StreamKey init = key.with_purpose(StreamPurpose::kSubjectInit);
    V z[kMaxArOrder + 1];
    for (int pair = 0; 2 * pair < spec.ar_order; pair += 2) {
      uint32_t w[4][2 * K];
      L::words(init, static_cast<uint32_t>(pair), 0, w);
      for (int k = 0; k < 2 && 2 * (pair + k) < spec.ar_order; ++k)
        L::normal_pair(L::uniform(&w[0][k * K]), L::uniform(&w[1][k * K]), &z[2 * (pair + k)], &z[2 * (pair + k) + 1]);
    }
    using lanes::mul_add;
    for (int i = 0; i < spec.ar_order; ++i) {
      V value(0.0);
      for (int j = 0; j <= i; ++j) value = mul_add(V(spec.stationary_chol[i * kMaxArOrder + j]), z[j], value);
      recent[i] = value;
    }
  }

  // standard[k]: the standard variate of decision point t + k (k = 0, 1) from the block-0 words w of
  // draw indices t and t + 1 (and further blocks of the same draw indices for Student t).
  MRTSIM_HD MRTSIM_INLINE void draw(const ErrorSpecView& spec, const StreamKey& key, uint32_t t,
                                    const uint32_t (*w)[2 * K], V* standard) const {
    switch (spec.kind) {
      case ErrorKind::kNormal:
      case ErrorKind::kAutoregressive:
        L::normal_pair(L::uniform(w[2]), L::uniform(w[3]), &standard[0], &standard[1]);
        return;
      case ErrorKind::kExponential:
        for (int k = 0; k < 2; ++k) standard[k] = L::exponential(L::uniform(&w[2][k * K])) - V(1.0);
        return;
      case ErrorKind::kStudentT:
        student_t(spec, key, t, w, standard);
        return;
    }
  }

  // z / sqrt(chi2_df / df), scaled to variance 1, for both decision points of the pair; the squares
  // of the chi-square are added by fma in the order the normals are drawn.
  MRTSIM_HD MRTSIM_INLINE static void student_t(const ErrorSpecView& spec, const StreamKey& key, uint32_t t,
                                                const uint32_t (*w)[2 * K], V* standard) {
    using lanes::mul_add;
    V z[2], chi2[2];
    for (int k = 0; k < 2; ++k) {
      V chi_normal;
      L::normal_pair(L::uniform(&w[2][k * K]), L::uniform(&w[3][k * K]), &z[k], &chi_normal);
      chi2[k] = chi_normal * chi_normal;
    }
    int remaining = spec.student_df - 1;
    for (uint32_t block = 1; remaining > 0; ++block) {
      uint32_t more[4][2 * K];
      L::words(key, t, block, more);
      for (int half = 0; half < 2 && remaining > 0; ++half, remaining -= 2) {
        for (int k = 0; k < 2; ++k) {
          V a, b;
          L::normal_pair(L::uniform(&more[2 * half][k * K]), L::uniform(&more[2 * half + 1][k * K]), &a, &b);
          chi2[k] = mul_add(a, a, chi2[k]);
          if (remaining > 1) chi2[k] = mul_add(b, b, chi2[k]);
        }
      }
    }
    for (int k = 0; k < 2; ++k)
      standard[k] = V(spec.student_scale) * z[k] / sqrt(chi2[k] / V(static_cast<double>(spec.student_df)));
  }

  // The error at a decision point whose standard variate is `standard`.
  MRTSIM_HD MRTSIM_INLINE V next(const ErrorSpecView& spec, V standard) {
    using lanes::mul_add;
    if (spec.kind != ErrorKind::kAutoregressive) return standard;
    V eps = V(spec.innovation_sd) * standard;
    for (int j = 0; j < spec.ar_order; ++j) eps = mul_add(V(spec.ar_coef[j]), recent[j], eps);
    for (int j = spec.ar_order - 1; j > 0; --j) recent[j] = recent[j - 1];
    recent[0] = eps;
    return eps;
  }
};

// The lanes' dropout uniforms U: word 0 at draw index 0 of each subject's dropout stream.
template <class L>
MRTSIM_HD MRTSIM_INLINE typename L::V dropout_uniforms(const StreamKey& key) {
  uint32_t w[4][2 * L::kLanes];
  L::words(key.with_purpose(StreamPurpose::kDropout), 0, 0, w);
  return L::uniform(w[0]);
}

// The per-subject state of the lanes and the step through one decision point.
template <class L>
struct LiaoLanes {
  using V = typename L::V;
  const LiaoModelView& model;
  ErrorLanes<L> errors;
  RecentSum<V> feedback, recent_errors;
  V stay;  // dropout: the lanes' uniforms U (unused without dropout)

  // Decision point t with uniforms u_available, u_treated and standard error variate `standard`:
  // calls visit(t, available, treated, outcome) with the masks I_t, A_t and Y_{t+1} of every lane
  // (the outcome of unavailable rows is computed too: it is unobserved, and finite).
  template <class Visitor>
  MRTSIM_HD MRTSIM_INLINE void step(int t, V u_available, V u_treated, V standard, Visitor& visit) {
    using lanes::mul_add;
    using lanes::select;
    const bool has_feedback = model.feedback_lags > 0;
    const bool noise_feedback = model.feedback_eta_noise != 0.0;
    const bool relative_feedback = model.feedback_eta_relative != 0.0 || noise_feedback;
    const int lags = model.feedback_lags;
    const V exposure = has_feedback ? feedback.sum(lags) : V(0.0);  // S_t
    const double tau_base = model.availability[t], rho = model.rand_prob[t];
    V tau(tau_base);
    if (relative_feedback) {
      const V noise = noise_feedback ? trunc_unit(recent_errors.sum(lags) / V(static_cast<double>(lags))) : V(0.0);
      const V relative = mul_add(V(model.feedback_eta_noise), noise, V(model.feedback_eta_relative) * exposure);
      tau = clip01(mul_add(tau, relative, mul_add(V(model.feedback_eta), exposure, tau)));
    } else if (has_feedback) {
      tau = clip01(mul_add(V(model.feedback_eta), exposure, tau));
    }
    if (model.survival != nullptr) tau = select(stay < V(model.survival[t]), tau, V(0.0));
    const auto available = u_available < tau;
    const auto treated = u_treated < V(rho);
    const V eps = errors.next(model.error, standard);
    if (noise_feedback) recent_errors.push(eps, lags);
    V level(model.baseline[t]), beta(model.effect[t]);
    if (model.exposure_shift != nullptr) {
      const V centred = exposure - V(model.exposure_shift[t]);  // C_t - E[C_t | I_t = 1]
      level = mul_add(V(model.carryover_level), centred, level);
      beta = mul_add(beta * V(model.carryover_effect), centred, beta);
    }
    const V a = select(treated, V(1.0), V(0.0));
    // sd = 1 multiplies exactly, so the plain model's outcomes are (level + (A - rho) beta) + eps.
    const V sd = model.error_sd_control == nullptr
                     ? V(1.0)
                     : select(treated, V(model.error_sd_treated[t]), V(model.error_sd_control[t]));
    const V outcome = mul_add(sd, eps, mul_add(a - V(rho), beta, level));
    if (has_feedback) feedback.push(mul_add(V(-rho), V(tau_base), select(available, a, V(0.0))), lags);
    visit(t, available, treated, outcome);
  }
};

}  // namespace detail

// Simulates subjects key.subject .. key.subject + L::kLanes - 1 (one per lane) and calls
// visit(t, available, treated, outcome) for every decision point in order: masks I_t and A_t and the
// outcomes Y_{t+1} of the lanes.
template <class L, class Visitor>
MRTSIM_HD MRTSIM_INLINE void simulate_liao_lanes(const LiaoModelView& model, const StreamKey& key, Visitor& visit) {
  using V = typename L::V;
  constexpr int K = L::kLanes;
  detail::LiaoLanes<L> state{model, {}, {}, {}, V(0.0)};
  if (model.survival != nullptr) state.stay = detail::dropout_uniforms<L>(key);
  state.errors.start(model.error, key);
  state.feedback.start();
  state.recent_errors.start();
  for (int t = 0; t < model.num_decisions; t += 2) {
    uint32_t w[4][2 * K];
    L::words(key, static_cast<uint32_t>(t), 0, w);
    V standard[2] = {V(0.0), V(0.0)};
    state.errors.draw(model.error, key, static_cast<uint32_t>(t), w, standard);
    state.step(t, L::uniform(w[0]), L::uniform(w[1]), standard[0], visit);
    if (t + 1 < model.num_decisions) state.step(t + 1, L::uniform(&w[0][K]), L::uniform(&w[1][K]), standard[1], visit);
  }
}

// The number of decision points the subject of `key` takes part in (all of them without dropout):
// the rows it has in a data set; simulate_liao_lanes makes it unavailable after them.
MRTSIM_HD MRTSIM_INLINE int liao_decisions_taken_part(const LiaoModelView& model, const StreamKey& key) {
  if (model.survival == nullptr) return model.num_decisions;
  const double stay = detail::dropout_uniforms<ScalarLanes>(key);
  int t = 0;
  while (t < model.num_decisions && stay < model.survival[t]) ++t;
  return t;
}

// One decision point of a simulated subject, as the analysis sees it.
struct DecisionRow {
  int t;           // 0-based decision index
  bool available;  // I_t
  int treated;     // A_t (drawn at every decision point; it matters only when available)
  double outcome;  // Y_{t+1}; observed only when available
};

// Simulates one subject and calls visit(const DecisionRow&) for every decision point in order.
template <class Visitor>
MRTSIM_HD MRTSIM_INLINE void simulate_liao_subject(const LiaoModelView& model, const StreamKey& key, Visitor& visit) {
  auto to_row = [&](int t, bool available, bool treated, double outcome) {
    const DecisionRow row{t, available, treated ? 1 : 0, outcome};
    visit(row);
  };
  simulate_liao_lanes<ScalarLanes>(model, key, to_row);
}

}  // namespace mrtsim
