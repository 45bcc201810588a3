// The generative model of Liao et al. (2016), Section 6 and Appendix A.1, for one subject:
//
//   I_t ~ Bernoulli(tau_t [+ eta sum_{j=1..L} (A_{t-j} I_{t-j} - rho_{t-j} tau_{t-j})])   (clipped to [0,1])
//   A_t ~ Bernoulli(rho_t)
//   Y_{t+1} = alpha(t) + (A_t - rho_t) beta(t) + eps_t      observed only when I_t = 1
//
// with eps_t one of the error processes below, scaled to mean 0 and variance 1. All per decision
// point inputs are precomputed on the host (host/engine/scenario_plan.h); this file is compiled for
// both backends.
//
// Draws for decision point t of a subject come from Philox block 0 (and blocks 1, 2, ... for Student
// t) of the cohort stream at draw index t: word 0 -> availability, word 1 -> treatment, words 2-3 ->
// the error: normal and AR innovations share one Box-Muller pair between t = 2k and 2k + 1 (drawn from
// block 2k), exponential and Student t errors use their own block. AR errors take their stationary
// start from the subject-init stream.
#pragma once

#include <cstdint>

#include "kernels/device_macros.h"
#include "kernels/philox.h"
#include "kernels/random_variates.h"

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

// Plain data pointing at per decision point arrays of length num_decisions (host or device memory).
struct LiaoModelView {
  int num_decisions;
  const double* availability;  // tau_t = E[I_t]
  const double* rand_prob;     // rho_t
  const double* baseline;      // alpha(t)
  const double* effect;        // beta(t): 0 under the null hypothesis
  double feedback_eta;         // 0: availability does not depend on past treatment
  int feedback_lags;
  ErrorSpecView error;
};

namespace detail {

MRTSIM_HD MRTSIM_INLINE double clip01(double p) { return p < 0.0 ? 0.0 : (p > 1.0 ? 1.0 : p); }

// Decision points whose Philox blocks and normals are drawn together, starting at multiples of the
// batch size: on the CPU two groups of eight AVX2 lanes (kernels/philox_avx2.h); a CUDA thread keeps
// just one Box-Muller pair's two blocks in registers.
#if defined(__CUDA_ARCH__)
constexpr int kDecisionBatch = 2;
#else
constexpr int kDecisionBatch = 16;
#endif
static_assert(kDecisionBatch % 2 == 0, "a batch must hold whole Box-Muller pairs");

// Whether the error at a decision point may be needed before the rows are drawn in order: always for
// AR errors (the process runs on every t) and under availability feedback (availability depends on
// earlier rows), otherwise only where the subject is available.
MRTSIM_HD MRTSIM_INLINE bool may_need_error(const LiaoModelView& model, uint32_t availability_word, int t) {
  return model.error.kind == ErrorKind::kAutoregressive || model.feedback_lags > 0 ||
         bernoulli(availability_word, model.availability[t]);
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

// Centred recent treatment exposure for availability feedback: sum_j (A I - E[A I]) over the last lags.
struct FeedbackState {
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
                                                    FeedbackState& feedback, Visitor& visit) {
  const bool errors_carry_state = model.error.kind == ErrorKind::kAutoregressive;
  const bool has_feedback = model.feedback_lags > 0;
  double tau = model.availability[t];
  if (has_feedback) tau = clip01(tau + model.feedback_eta * feedback.sum(model.feedback_lags));
  DecisionRow row;
  row.t = t;
  row.available = bernoulli(w.v[0], tau);
  row.treated = bernoulli(w.v[1], model.rand_prob[t]) ? 1 : 0;
  row.outcome = 0.0;
  // Independent errors are drawn only where an outcome is observed; AR errors run on every t.
  if (row.available || errors_carry_state) {
    const double eps = errors.next(model.error, w, key, static_cast<uint32_t>(t), normal);
    row.outcome = model.baseline[t] + (row.treated - model.rand_prob[t]) * model.effect[t] + eps;
  }
  if (has_feedback) {
    const double exposure = (row.available && row.treated) ? 1.0 : 0.0;
    feedback.push(exposure - model.rand_prob[t] * model.availability[t], model.feedback_lags);
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
  detail::FeedbackState feedback;
  feedback.start();
  constexpr int kBatch = detail::kDecisionBatch;
  for (int first = 0; first < model.num_decisions; first += kBatch) {
    const int count = model.num_decisions - first < kBatch ? model.num_decisions - first : kBatch;
    PhiloxBatch<kBatch> batch;
    key.consecutive_words(static_cast<uint32_t>(first), batch);
    detail::BatchNormals<kBatch> normals;
    normals.draw(model, batch, first, count);
    for (int i = 0; i < count; ++i)
      detail::simulate_liao_decision(model, key, first + i, batch.block(i), normals.value[i], errors, feedback,
                                     visit);
  }
}

}  // namespace mrtsim
