#include "host/analysis/permutation_test.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <string>
#include <utility>

#include <omp.h>

#include "core/philox.h"
#include "core/user_error.h"
#include "host/stats/distributions.h"
#include "kernels/replicate_buffers.h"
#include "kernels/replicate_launch.h"
#include "kernels/wcls_backend.h"

namespace mrtsim {
namespace {

// A subject's reshuffles are keyed by a 56-bit hash of its id (64-bit FNV-1a: 24 bits in the scenario
// counter, 32 in the subject counter), not by its position in the file, so that reshuffle b of a
// subject, and the whole result, do not depend on the order in which the file lists the subjects.
uint64_t subject_hash(const std::string& subject_id) {
  uint64_t hash = 14695981039346656037ull;
  for (const unsigned char c : subject_id) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}
uint32_t key_scenario(uint64_t hash) { return static_cast<uint32_t>(hash >> 40); }
uint32_t key_subject(uint64_t hash) { return static_cast<uint32_t>(hash); }

StreamKey reshuffle_key(uint64_t seed, uint32_t reshuffle, const std::string& subject_id) {
  const uint64_t hash = subject_hash(subject_id);
  return StreamKey{seed, key_scenario(hash), reshuffle, key_subject(hash), StreamPurpose::kPermutation};
}

void require_settings(const PermutationSettings& settings) {
  if (settings.reshuffles == 0 || settings.reshuffles > kMaxReshuffles)
    throw UserError("--reshuffles must lie between 1 and " + std::to_string(kMaxReshuffles));
  if (!(settings.alpha > 0.0 && settings.alpha < 1.0)) throw UserError("--alpha must lie strictly between 0 and 1");
  require_input(settings.threads >= 0 && settings.threads <= kMaxCpuThreads,
                "threads: " + std::to_string(settings.threads) + " is outside 0 (all cores) to " +
                    std::to_string(kMaxCpuThreads));
}

double abs_t(const CoefficientInference& c) { return std::fabs(c.estimate / c.se); }

// What the completed reshuffles add up to: per effect coefficient the count of reshuffled |t| at
// least the observed one, the count of significant analytic tests and the estimates (for their
// quantiles); the same counts for the joint statistic.
struct ReshuffleCounts {
  explicit ReshuffleCounts(const EffectFit& observed)
      : observed_statistic(observed.effect.size()),
        at_least_observed(observed.effect.size()),
        significant(observed.effect.size()),
        estimates(observed.effect.size()),
        observed_joint(observed.joint ? observed.joint->statistic : std::numeric_limits<double>::quiet_NaN()) {
    for (std::size_t j = 0; j < observed.effect.size(); ++j) observed_statistic[j] = abs_t(observed.effect[j]);
  }

  void add_effect(std::size_t j, double estimate, double statistic, bool is_significant) {
    at_least_observed[j] += statistic >= observed_statistic[j];
    significant[j] += is_significant;
    estimates[j].push_back(estimate);
  }
  void add_joint(double statistic, bool is_significant) {
    joint_at_least_observed += statistic >= observed_joint;
    joint_significant += is_significant;
  }

  uint32_t completed = 0;
  std::vector<double> observed_statistic;
  std::vector<uint32_t> at_least_observed, significant;
  std::vector<std::vector<double>> estimates;
  double observed_joint;  // NaN when the observed joint test is undefined (nothing is counted then)
  uint32_t joint_at_least_observed = 0, joint_significant = 0;
};

// ---------------------------------------------------------------------------------------------
// Refits on the host (EMEE, and any ReshuffleRefit)

// What one reshuffle contributes to the counts.
struct ReshuffleOutcome {
  bool completed = false;
  std::vector<double> estimate;
  std::vector<double> statistic;  // |t|
  std::vector<double> p_value;
  double joint_statistic = 0.0;
  double joint_p_value = 1.0;
};

// A reshuffle counts only when its fit succeeds with a defined joint test.
ReshuffleOutcome analyze_reshuffle(const MrtData& data, const ReshuffleRefit& refit,
                                   const PermutationSettings& settings, uint32_t reshuffle) {
  const std::optional<EffectFit> fit =
      refit(reshuffled_treatment(data, settings.scheme, settings.seed, reshuffle));
  ReshuffleOutcome outcome;
  if (!fit || !fit->joint) return outcome;
  outcome.completed = true;
  for (const CoefficientInference& c : fit->effect) {
    outcome.estimate.push_back(c.estimate);
    outcome.statistic.push_back(abs_t(c));
    outcome.p_value.push_back(c.p_value);
  }
  outcome.joint_statistic = fit->joint->statistic;
  outcome.joint_p_value = fit->joint->p_value;
  return outcome;
}

std::vector<ReshuffleOutcome> analyze_reshuffles(const MrtData& data, const ReshuffleRefit& refit,
                                                 const PermutationSettings& settings) {
  std::vector<ReshuffleOutcome> outcomes(settings.reshuffles);
  const int threads = settings.threads > 0 ? settings.threads : omp_get_max_threads();
  const long count = static_cast<long>(settings.reshuffles);
#pragma omp parallel for schedule(dynamic, 16) num_threads(threads)
  for (long b = 0; b < count; ++b) outcomes[b] = analyze_reshuffle(data, refit, settings, static_cast<uint32_t>(b));
  return outcomes;
}

void count_outcomes(const std::vector<ReshuffleOutcome>& outcomes, double alpha, ReshuffleCounts& counts) {
  for (const ReshuffleOutcome& outcome : outcomes) {
    if (!outcome.completed) continue;
    ++counts.completed;
    for (std::size_t j = 0; j < outcome.estimate.size(); ++j)
      counts.add_effect(j, outcome.estimate[j], outcome.statistic[j], outcome.p_value[j] < alpha);
    counts.add_joint(outcome.joint_statistic, outcome.joint_p_value < alpha);
  }
}

// ---------------------------------------------------------------------------------------------
// WCLS reshuffles on a backend

// Whether an analytic test rejects at level alpha, p(statistic) < alpha, for a p-value that falls as
// its statistic grows. The p-value (a Boost.Math tail, microseconds) is computed only for statistics
// within kBand (relative) of the critical value; beyond it the comparison with the critical value
// decides, which is the answer of the p-value itself: moving the statistic by kBand moves p by far
// more than the p-value's and the quantile's rounding errors (about 1e-15 relative). So the counts
// are those of computing every p-value, and 10^7 reshuffles do not wait for 10^7 tail integrals.
class RejectionRule {
 public:
  RejectionRule(std::function<double(double)> p_value, double critical, double alpha)
      : p_value_(std::move(p_value)), critical_(critical), alpha_(alpha) {}

  bool rejects(double statistic) const {
    if (statistic > critical_ * (1.0 + kBand)) return true;
    if (statistic < critical_ * (1.0 - kBand)) return false;
    return p_value_(statistic) < alpha_;
  }

 private:
  static constexpr double kBand = 1e-6;
  std::function<double(double)> p_value_;
  double critical_;
  double alpha_;
};

// The rules of one n_eff: t tests with n_eff - dim degrees of freedom (as wcls_inference) and the
// joint test in `form` (as joint_test).
struct WclsRejectionRules {
  RejectionRule effect;
  RejectionRule joint;
};

WclsRejectionRules wcls_rejection_rules(const WclsDesign& design, JointTestForm form, int n_eff, double alpha) {
  const double df = n_eff - design.dim();
  const JointTestScale scale = joint_test_scale(form, design.num_effects(), design.dim(), n_eff);
  return {RejectionRule([df](double t) { return student_t_two_sided_p(df, t); },
                        student_t_quantile(df, 1.0 - alpha / 2), alpha),
          RejectionRule([scale](double t2) { return f_upper_tail(scale.df1, scale.df2, t2 * scale.t2_to_f); },
                        f_quantile(scale.df1, scale.df2, 1.0 - alpha) / scale.t2_to_f, alpha)};
}

// Reshuffles handed to the backend at a time: bounds the host buffers (2 * dim doubles per reshuffle).
constexpr uint32_t kReshuffleBatch = 1u << 18;

// Fits the reshuffles on settings.backend, batch by batch, and counts the completed ones (fit status
// kOk: wcls_inference then has every p-value and the joint test) in reshuffle order.
void count_wcls_reshuffles(const WclsDesign& design, const PermutationSettings& settings, ReshuffleCounts& counts) {
  TaskArena arena;
  const WclsDataTask task = wcls_data_task(design, settings, arena);
  const int dim = design.dim(), first_effect = design.num_controls();
  std::map<int, WclsRejectionRules> rules;  // by n_eff, which reshuffles almost never change
  for (uint32_t first = 0; first < settings.reshuffles; first += kReshuffleBatch) {
    const uint32_t count = std::min(kReshuffleBatch, settings.reshuffles - first);
    ReplicateBuffers fits(count, dim);
    run_wcls_data_reshuffles(settings.backend, settings.threads, dim, task, arena, first, count, fits.fits());
    for (uint32_t s = 0; s < count; ++s) {
      if (fits.status[s] != static_cast<int>(FitStatus::kOk)) continue;
      auto rule = rules.find(fits.n_eff[s]);
      if (rule == rules.end())
        rule = rules.emplace(fits.n_eff[s], wcls_rejection_rules(design, settings.joint_form, fits.n_eff[s],
                                                                 settings.alpha)).first;
      ++counts.completed;
      for (int j = 0; j < design.num_effects(); ++j) {
        const std::size_t at = std::size_t(s) * dim + first_effect + j;
        const double statistic = std::fabs(fits.estimates[at] / fits.std_errors[at]);
        counts.add_effect(j, fits.estimates[at], statistic, rule->second.effect.rejects(statistic));
      }
      counts.add_joint(fits.joint[s], rule->second.joint.rejects(fits.joint[s]));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The result

double share(uint32_t hits, uint32_t completed) {
  return completed == 0 ? std::numeric_limits<double>::quiet_NaN() : static_cast<double>(hits) / completed;
}

// R's default (type 7) quantile: linear interpolation between order statistics.
double quantile(const std::vector<double>& sorted, double probability) {
  if (sorted.empty()) return std::numeric_limits<double>::quiet_NaN();
  const double position = probability * static_cast<double>(sorted.size() - 1);
  const std::size_t below = static_cast<std::size_t>(std::floor(position));
  const std::size_t above = std::min(below + 1, sorted.size() - 1);
  return sorted[below] + (position - static_cast<double>(below)) * (sorted[above] - sorted[below]);
}

PermutationTestResult summarize(const EffectFit& observed, ReshuffleCounts& counts,
                                const PermutationSettings& settings) {
  PermutationTestResult result;
  result.settings = settings;
  result.completed = counts.completed;
  result.failed = settings.reshuffles - counts.completed;
  for (std::size_t j = 0; j < observed.effect.size(); ++j) {
    std::vector<double>& estimates = counts.estimates[j];
    std::sort(estimates.begin(), estimates.end());
    const CoefficientInference& c = observed.effect[j];
    result.effect.push_back({c.term,
                             c.estimate,
                             counts.observed_statistic[j],
                             c.p_value,
                             permutation_p_value(counts.at_least_observed[j], counts.completed),
                             share(counts.significant[j], counts.completed),
                             {quantile(estimates, 0.025), quantile(estimates, 0.5), quantile(estimates, 0.975)}});
  }
  if (observed.joint)
    result.joint = JointPermutation{observed.joint->statistic, observed.joint->p_value,
                                    permutation_p_value(counts.joint_at_least_observed, counts.completed),
                                    share(counts.joint_significant, counts.completed)};
  return result;
}

}  // namespace

std::vector<int> reshuffled_treatment(const MrtData& data, ReshuffleScheme scheme, uint64_t seed, uint32_t reshuffle) {
  std::vector<int> treatment = data.treatment;
  std::vector<uint8_t> slots;
  for (std::size_t subject = 0; subject < data.num_subjects(); ++subject) {
    const std::size_t begin = data.subject_begin[subject], end = data.subject_begin[subject + 1];
    slots.resize(end - begin);
    reshuffled_available_treatments(scheme, reshuffle_key(seed, reshuffle, data.subject_ids[subject]),
                                    static_cast<int>(end - begin), &data.available[begin], &data.treatment[begin],
                                    &data.rand_prob[begin], slots.data(), 1);
    int k = 0;
    for (std::size_t row = begin; row < end; ++row) {
      if (data.available[row]) treatment[row] = slots[k++];
      else if (scheme == ReshuffleScheme::kRerandomize) treatment[row] = 0;
    }
  }
  return treatment;
}

WclsDataTask wcls_data_task(const WclsDesign& design, const PermutationSettings& settings, TaskArena& arena) {
  const MrtData& data = design.data;
  require_input(data.num_rows() <= static_cast<std::size_t>(std::numeric_limits<int>::max()),
                data.path + ": " + std::to_string(data.num_rows()) + " rows; the permutation check takes at most " +
                    std::to_string(std::numeric_limits<int>::max()));
  WclsDataTask task{};
  task.n_subjects = static_cast<int>(data.num_subjects());
  task.n_controls = design.num_controls();
  task.n_effects = design.num_effects();
  task.seed = settings.seed;
  task.scheme = settings.scheme;
  task.correction = SmallSampleCorrection::kMrtAnalysis;
  std::vector<int> subject_begin;
  std::vector<uint32_t> scenario_words, subject_words;
  for (std::size_t i = 0; i < data.num_subjects(); ++i) {
    subject_begin.push_back(static_cast<int>(data.subject_begin[i]));
    task.max_subject_rows =
        std::max(task.max_subject_rows, static_cast<int>(data.subject_begin[i + 1] - data.subject_begin[i]));
    const uint64_t hash = subject_hash(data.subject_ids[i]);
    scenario_words.push_back(key_scenario(hash));
    subject_words.push_back(key_subject(hash));
  }
  subject_begin.push_back(static_cast<int>(data.num_rows()));
  std::vector<WclsWeights> weights;
  for (std::size_t row = 0; row < data.num_rows(); ++row)
    weights.push_back(wcls_weights(data.numerator_prob[row], data.rand_prob[row]));
  const auto matrix = [](const RowMajorMatrix& m) { return std::vector<double>(m.data(), m.data() + m.size()); };
  WclsDataArrays& a = task.rows;
  a.controls = arena.add(matrix(design.controls));
  a.moderators = arena.add(matrix(design.moderators));
  a.numerator_prob = arena.add(data.numerator_prob);
  a.rand_prob = arena.add(data.rand_prob);
  a.weights = arena.add(weights);
  a.outcome = arena.add(data.outcome);
  a.available = arena.add(std::vector<uint8_t>(data.available.begin(), data.available.end()));
  a.treatment = arena.add(std::vector<uint8_t>(data.treatment.begin(), data.treatment.end()));
  a.subject_begin = arena.add(subject_begin);
  a.key_scenario = arena.add(scenario_words);
  a.key_subject = arena.add(subject_words);
  return task;
}

PermutationTestResult permutation_test(const MrtData& data, const EffectFit& observed, const ReshuffleRefit& refit,
                                       const PermutationSettings& settings) {
  require_settings(settings);
  ReshuffleCounts counts(observed);
  count_outcomes(analyze_reshuffles(data, refit, settings), settings.alpha, counts);
  return summarize(observed, counts, settings);
}

PermutationTestResult permutation_test(const WclsDesign& design, const PermutationSettings& settings) {
  require_settings(settings);
  const WclsAnalysis analysis = analyze_wcls(design, settings.joint_form);
  const EffectFit observed{analysis.effect, analysis.joint};
  ReshuffleCounts counts(observed);
  count_wcls_reshuffles(design, settings, counts);
  return summarize(observed, counts, settings);
}

PermutationTestResult permutation_test(const EmeeDesign& design, double confidence_level,
                                       const PermutationSettings& settings) {
  if (settings.backend != Backend::kCpu)
    throw UserError("--backend " + std::string(kBackendNames.name(settings.backend)) +
                    ": EMEE reshuffles are refitted on the CPU only (--backend cuda runs --estimator wcls)");
  const EmeeAnalysis observed = analyze_emee(design, confidence_level);
  auto refit = [&](const std::vector<int>& treatment) -> std::optional<EffectFit> {
    const EmeeEstimate estimate = fit_emee_design(design, treatment);
    if (estimate.status != FitStatus::kOk) return std::nullopt;
    const EmeeAnalysis analysis = emee_inference(design, estimate, confidence_level);
    return EffectFit{analysis.effect, analysis.joint};
  };
  return permutation_test(design.data, EffectFit{observed.effect, observed.joint}, refit, settings);
}

}  // namespace mrtsim
