#include "host/engine/exposure_moments.h"

#include <cmath>
#include <string>


#include "core/user_error.h"

namespace mrtsim {

namespace {

// Per decision point integer sums over subjects: n_t = sum I_t, s_t = sum C_t I_t, q_t = sum C_t^2 I_t.
struct ExposureSums {
  std::vector<long long> available, exposure, exposure_sq;
  explicit ExposureSums(int T) : available(T, 0), exposure(T, 0), exposure_sq(T, 0) {}
  void add(const ExposureSums& other) {
    for (size_t t = 0; t < available.size(); ++t) {
      available[t] += other.available[t];
      exposure[t] += other.exposure[t];
      exposure_sq[t] += other.exposure_sq[t];
    }
  }
};

// Counts C_t from the rows themselves (independently of the kernel's centred running sum).
struct ExposureCounter {
  ExposureSums& sums;
  int lags;
  int recent[kMaxFeedbackLags] = {};  // A I at t-1, t-2, ...

  void operator()(const DecisionRow& row) {
    int exposure = 0;
    for (int j = 0; j < lags; ++j) exposure += recent[j];
    if (row.available) {
      sums.available[row.t] += 1;
      sums.exposure[row.t] += exposure;
      sums.exposure_sq[row.t] += exposure * exposure;
    }
    for (int j = lags - 1; j > 0; --j) recent[j] = recent[j - 1];
    recent[0] = row.available && row.treated;
  }
};

}  // namespace

ExposureMoments estimate_exposure_moments(const LiaoModelView& model, uint64_t seed, uint32_t stream,
                                          long long subjects) {
  const int T = model.num_decisions, lags = model.feedback_lags;
  ExposureSums total(T);
#pragma omp parallel
  {
    ExposureSums mine(T);
#pragma omp for schedule(static)
    for (long long i = 0; i < subjects; ++i) {
      const StreamKey key{seed, stream, kPrepassReplicate, static_cast<uint32_t>(i), StreamPurpose::kCohort};
      ExposureCounter counter{mine, lags};
      simulate_liao_subject(model, key, counter);
    }
#pragma omp critical
    total.add(mine);
  }
  ExposureMoments m;
  m.subjects = subjects;
  m.expected.assign(T, 0.0);
  m.mean_available.assign(T, 0.0);
  m.var_available.assign(T, 0.0);
  m.availability.assign(T, 0.0);
  for (int t = 0; t < T; ++t) {
    for (int j = 1; j <= lags && j <= t; ++j) m.expected[t] += model.rand_prob[t - j] * model.availability[t - j];
    const double n = static_cast<double>(total.available[t]);
    m.availability[t] = n / static_cast<double>(subjects);
    if (n == 0) continue;
    const double mean = total.exposure[t] / n;
    m.mean_available[t] = mean;
    m.var_available[t] = total.exposure_sq[t] / n - mean * mean;
  }
  return m;
}

double carryover_error_sd(const ExposureMoments& moments, double gamma_level, double gamma_effect,
                          const std::vector<double>& rand_prob, const std::vector<double>& effect) {
  const size_t T = moments.var_available.size();
  double carried = 0.0;  // (1/T) sum_t E_A[(gamma_1 + (A - rho) beta gamma_2)^2] Var(C_t | I_t = 1)
  for (size_t t = 0; t < T; ++t) {
    const double rho = rand_prob[t], slope = effect[t] * gamma_effect;
    carried += (gamma_level * gamma_level + rho * (1 - rho) * slope * slope) * moments.var_available[t];
  }
  carried /= static_cast<double>(T);
  if (!(carried < 1.0))
    throw UserError("treatment_carryover: the carried-over exposure alone has average variance " +
                    std::to_string(carried) + " >= 1, so no error SD sigma* makes the average variance 1");
  return std::sqrt(1.0 - carried);
}

}  // namespace mrtsim
