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
// Draws for decision point t of a subject come from Philox block 0 (and blocks 1, 2, ... for Student
// t) of the cohort stream at draw index t: word 0 -> availability, word 1 -> treatment, words 2-3 ->
// the error: normal and AR innovations share one Box-Muller pair between t = 2k and 2k + 1 (drawn from
// block 2k), exponential and Student t errors use their own block. AR errors take their stationary
// start from the subject-init stream.
#pragma once

#include <cstdint>

#include "core/device_macros.h"
#include "core/philox.h"
#include "core/random_variates.h"

namespace mrtsim {

enum class ErrorKind : int {
  kNormal = 0,
  kStudentT = 1,     // Student t with integer df >= 3, scaled to variance 1
  kExponential = 2,  // Exp(1) - 1
  kAutoregressive = 3,  // Gaussian AR(order), stationary, variance 1
};

constexpr int kMaxArOrder = 5;
constexpr int kMaxStudentTDf = 30;
constexpr int kMaxFeedbackLags = 10;

struct ErrorSpecView {
  ErrorKind kind;
  int student_df;                             // kStudentT
  double student_scale;                       // sqrt((df - 2) / df)
  int ar_order;                               // kAutoregressive
  double ar_coef[kMaxArOrder];                // eps_t = sum_j ar_coef[j] eps_{t-1-j} + sd * v_t
  double innovation_sd;
  double stationary_chol[kMaxArOrder * kMaxArOrder];  // lower Cholesky of the stationary covariance
};

// The model's per decision point arrays, of length num_decisions (host or device memory; an array
// group of kernels/task_arena.h: pointers only).
struct LiaoModelArrays {
  const double* availability;  // tau_t = E[I_t]
  const double* rand_prob;     // rho_t
  const double* baseline;      // alpha(t)
  const double* effect;        // beta(t): 0 under the null hypothesis
  const double* exposure_shift;  // shift_t = E[C_t | I_t = 1] - E[C_t]; null: no carryover in Y (Section 6.2.4)
  // Section 6.2.3: error SD sigma_{0,t} (A_t = 0) and sigma_{1,t} (A_t = 1); null: both 1.
  const double* error_sd_control;
  const double* error_sd_treated;
};

// Plain data: the arrays and the model's scalar parameters.
struct LiaoModelView : LiaoModelArrays {
  int num_decisions;
  double feedback_eta;         // eta: 0 = availability does not depend on past treatment
  int feedback_lags;           // L of S_t (and of the error average); 0 = no feedback at all
  // Section 6.2.4 (C_t model); zero when off.
  double feedback_eta_relative;  // eta_1 (multiplied by tau_t, unlike eta)
  double feedback_eta_noise;     // eta_2: availability follows the recent errors
  double carryover_level;        // gamma_1
  double carryover_effect;       // gamma_2
  ErrorSpecView error;
};

namespace detail {

MRTSIM_HD MRTSIM_INLINE double clip01(double p) { return p < 0.0 ? 0.0 : (p > 1.0 ? 1.0 : p); }

// Liao's Trunc(x): x clipped to [-1, 1], which keeps the C_t model's availability inside [0, 1].
MRTSIM_HD MRTSIM_INLINE double trunc_unit(double x) { return x < -1.0 ? -1.0 : (x > 1.0 ? 1.0 : x); }

// Decision points whose Philox blocks and normals are drawn together, starting at multiples of the
// batch size: on the CPU two groups of eight AVX2 lanes (core/philox_avx2.h); a CUDA thread keeps
// just one Box-Muller pair's two blocks in registers.
#if defined(__CUDA_ARCH__)
constexpr int kDecisionBatch = 2;
#else
constexpr int kDecisionBatch = 16;
#endif
static_assert(kDecisionBatch % 2 == 0, "a batch must hold whole Box-Muller pairs");

// Whether the error at a decision point may be needed before the rows are drawn in order: always for
// AR errors (the process runs on every t) and under availability feedback (availability depends on
// earlier rows and, in the C_t model, on earlier errors), otherwise only where the subject is available.
MRTSIM_HD MRTSIM_INLINE bool may_need_error(const LiaoModelView& model, uint32_t availability_word, int t) {
  return model.error.kind == ErrorKind::kAutoregressive || model.feedback_lags > 0 ||
         model.feedback_eta_noise != 0.0 || bernoulli(availability_word, model.availability[t]);
}

// Standard normals for decision points t = 2k and 2k + 1 come from one Box-Muller pair drawn from
// words 2-3 of block 0 at draw index 2k: the cosine half for 2k, the sine half for 2k + 1. One log,
// square root and sincos then serve two decision points. All pairs of a batch are drawn before its
// rows, so the CPU runs the libm calls back to back, away from the registers of the row loop.
template <int N>
struct BatchNormals {
  double value[N];  // value[i]: the normal of decision point first + i

  // Draws the pairs of decision points [first, first + count) of which one may need its error.
  MRTSIM_HD MRTSIM_INLINE void draw(const LiaoModelView& model, const PhiloxBatch<N>& batch, int first, int count) {
    const bool gaussian = model.error.kind == ErrorKind::kNormal || model.error.kind == ErrorKind::kAutoregressive;
    if (!gaussian) return;
    for (int i = 0; i < count; i += 2) {
      const bool needed = may_need_error(model, batch.words[0][i], first + i) ||
                          (i + 1 < count && may_need_error(model, batch.words[0][i + 1], first + i + 1));
      if (needed) {
        normal_pair(batch.words[2][i], batch.words[3][i], &value[i], &value[i + 1]);
      } else {
        value[i] = value[i + 1] = 0.0;
      }
    }
  }
};

// Error process state of one subject: the last ar_order errors for AR processes.
struct ErrorState {
  double recent[kMaxArOrder];  // recent[0] = eps_{t-1}

  MRTSIM_HD void start(const ErrorSpecView& spec, const StreamKey& key) {
    if (spec.kind != ErrorKind::kAutoregressive) return;
    const StreamKey init = key.with_purpose(StreamPurpose::kSubjectInit);
    double z[kMaxArOrder + 1];
    for (int pair = 0; 2 * pair < spec.ar_order; ++pair) {
      const Philox4x32 w = init.words(pair);
      normal_pair(w.v[0], w.v[1], &z[2 * pair], &z[2 * pair + 1]);
    }
    for (int i = 0; i < spec.ar_order; ++i) {
      double value = 0.0;
      for (int j = 0; j <= i; ++j) value += spec.stationary_chol[i * kMaxArOrder + j] * z[j];
      recent[i] = value;
    }
  }

  // The error at the decision point whose block-0 words are `w` (stream `key`, draw index t) and whose
  // shared standard normal is `normal` (normal and AR errors).
  MRTSIM_HD MRTSIM_INLINE double next(const ErrorSpecView& spec, const Philox4x32& w, const StreamKey& key,
                                      uint32_t t, double normal) {
    switch (spec.kind) {
      case ErrorKind::kNormal:
        return normal;
      case ErrorKind::kExponential:
        return exponential(w.v[2]) - 1.0;
      case ErrorKind::kStudentT:
        return student_t(spec, w, key, t);
      case ErrorKind::kAutoregressive: {
        double eps = spec.innovation_sd * normal;
        for (int j = 0; j < spec.ar_order; ++j) eps += spec.ar_coef[j] * recent[j];
        for (int j = spec.ar_order - 1; j > 0; --j) recent[j] = recent[j - 1];
        recent[0] = eps;
        return eps;
      }
    }
    return 0.0;
  }

  // z / sqrt(chi2_df / df), scaled to variance 1; the df normals of the chi-square come from the
  // sine half of block 0 and from blocks 1, 2, ... of the same draw index.
  MRTSIM_HD static double student_t(const ErrorSpecView& spec, const Philox4x32& w, const StreamKey& key,
                                    uint32_t t) {
    double z, chi_normal;
    normal_pair(w.v[2], w.v[3], &z, &chi_normal);
    double chi2 = chi_normal * chi_normal;
    int remaining = spec.student_df - 1;
    for (uint32_t block = 1; remaining > 0; ++block) {
      const Philox4x32 more = key.words(t, block);
      double a, b;
      normal_pair(more.v[0], more.v[1], &a, &b);
      chi2 += a * a + (remaining > 1 ? b * b : 0.0);
      remaining -= 2;
      if (remaining > 0) {
        normal_pair(more.v[2], more.v[3], &a, &b);
        chi2 += a * a + (remaining > 1 ? b * b : 0.0);
        remaining -= 2;
      }
    }
    return spec.student_scale * z / sqrt(chi2 / spec.student_df);
  }
};

// Sum of the last `lags` values pushed (fewer at the start of the study): the centred recent
// treatment exposure S_t of availability feedback, and the recent errors of the C_t model.
struct RecentSum {
  double recent[kMaxFeedbackLags];
  int filled;

  MRTSIM_HD void start() { filled = 0; }
  MRTSIM_HD MRTSIM_INLINE double sum(int lags) const {
    double total = 0.0;
    for (int j = 0; j < filled && j < lags; ++j) total += recent[j];
    return total;
  }
  MRTSIM_HD MRTSIM_INLINE void push(double centred, int lags) {
    for (int j = lags - 1; j > 0; --j) recent[j] = recent[j - 1];
    recent[0] = centred;
    if (filled < lags) ++filled;
  }
};

}  // namespace detail

// One decision point of a simulated subject, as the analysis sees it.
struct DecisionRow {
  int t;           // 0-based decision index
  bool available;  // I_t
  int treated;     // A_t (drawn at every decision point; it matters only when available)
  double outcome;  // Y_{t+1}; only meaningful when available
};

namespace detail {

// Decision point t of a subject from its block-0 words w and its standard normal (normal and AR
// errors): draws the row and passes it to visit.
template <class Visitor>
MRTSIM_HD MRTSIM_INLINE void simulate_liao_decision(const LiaoModelView& model, const StreamKey& key, int t,
                                                    const Philox4x32& w, double normal, ErrorState& errors,
                                                    RecentSum& feedback, RecentSum& recent_errors, Visitor& visit) {
  const bool has_feedback = model.feedback_lags > 0;
  const bool relative_feedback = model.feedback_eta_relative != 0.0 || model.feedback_eta_noise != 0.0;
  const bool noise_feedback = model.feedback_eta_noise != 0.0;
  // Independent errors are drawn only where an outcome is observed; AR errors, and errors that later
  // availability depends on, run on every t.
  const bool errors_every_t = model.error.kind == ErrorKind::kAutoregressive || noise_feedback;
  const double exposure = has_feedback ? feedback.sum(model.feedback_lags) : 0.0;  // S_t
  double tau = model.availability[t];
  if (relative_feedback) {
    const double noise =
        noise_feedback ? trunc_unit(recent_errors.sum(model.feedback_lags) / model.feedback_lags) : 0.0;
    tau = clip01(tau + model.feedback_eta * exposure +
                 tau * (model.feedback_eta_relative * exposure + model.feedback_eta_noise * noise));
  } else if (has_feedback) {
    tau = clip01(tau + model.feedback_eta * exposure);
  }
  DecisionRow row;
  row.t = t;
  row.available = bernoulli(w.v[0], tau);
  row.treated = bernoulli(w.v[1], model.rand_prob[t]) ? 1 : 0;
  row.outcome = 0.0;
  if (row.available || errors_every_t) {
    const double eps = errors.next(model.error, w, key, static_cast<uint32_t>(t), normal);
    if (noise_feedback) recent_errors.push(eps, model.feedback_lags);
    double level = model.baseline[t], beta = model.effect[t], sd = 1.0;
    if (model.exposure_shift != nullptr) {
      const double centred = exposure - model.exposure_shift[t];  // C_t - E[C_t | I_t = 1]
      level += model.carryover_level * centred;
      beta += beta * model.carryover_effect * centred;
    }
    if (model.error_sd_control != nullptr) sd = row.treated ? model.error_sd_treated[t] : model.error_sd_control[t];
    // sd = 1 multiplies exactly, so the plain model's outcomes are unchanged bit for bit.
    row.outcome = level + (row.treated - model.rand_prob[t]) * beta + sd * eps;
  }
  if (has_feedback) {
    const double exposed = (row.available && row.treated) ? 1.0 : 0.0;
    feedback.push(exposed - model.rand_prob[t] * model.availability[t], model.feedback_lags);
  }
  visit(row);
}

}  // namespace detail

// Simulates one subject and calls visit(const DecisionRow&) for every decision point in order.
template <class Visitor>
MRTSIM_HD MRTSIM_INLINE void simulate_liao_subject(const LiaoModelView& model, const StreamKey& key,
                                                   Visitor& visit) {
  detail::ErrorState errors;
  errors.start(model.error, key);
  detail::RecentSum feedback, recent_errors;
  feedback.start();
  recent_errors.start();
  constexpr int kBatch = detail::kDecisionBatch;
  for (int first = 0; first < model.num_decisions; first += kBatch) {
    const int count = model.num_decisions - first < kBatch ? model.num_decisions - first : kBatch;
    PhiloxBatch<kBatch> batch;
    key.consecutive_words(static_cast<uint32_t>(first), batch);
    detail::BatchNormals<kBatch> normals;
    normals.draw(model, batch, first, count);
    for (int i = 0; i < count; ++i)
      detail::simulate_liao_decision(model, key, first + i, batch.block(i), normals.value[i], errors, feedback,
                                     recent_errors, visit);
  }
}

}  // namespace mrtsim
