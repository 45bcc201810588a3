#include "host/analysis/permutation_test.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <utility>

#include <omp.h>

#include "core/user_error.h"
#include "core/philox.h"
#include "kernels/replicate_launch.h"

namespace mrtsim {
namespace {

// A subject's reshuffles are keyed by a 56-bit hash of its id (64-bit FNV-1a: 24 bits in the scenario
// counter, 32 in the subject counter), not by its position in the file, so that reshuffle b of a
// subject, and the whole result, do not depend on the order in which the file lists the subjects.
StreamKey reshuffle_key(uint64_t seed, uint32_t reshuffle, const std::string& subject_id) {
  uint64_t hash = 14695981039346656037ull;
  for (const unsigned char c : subject_id) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return StreamKey{seed, static_cast<uint32_t>(hash >> 40), reshuffle, static_cast<uint32_t>(hash),
                   StreamPurpose::kPermutation};
}

// Fisher-Yates over the subject's available rows; draw index k picks the row swapped into slot k.
void permute_subject(const MrtData& data, const StreamKey& key, std::size_t begin, std::size_t end,
                     std::vector<int>& treatment) {
  std::vector<std::size_t> available_rows;
  for (std::size_t row = begin; row < end; ++row)
    if (data.available[row]) available_rows.push_back(row);
  permute_positions(key, 0, static_cast<int>(available_rows.size()), [&](int slot, int pick) {
    std::swap(treatment[available_rows[slot]], treatment[available_rows[pick]]);
  });
}

// Draw index = the row's position within the subject, so a row's draw does not depend on others.
void rerandomize_subject(const MrtData& data, const StreamKey& key, std::size_t begin, std::size_t end,
                         std::vector<int>& treatment) {
  for (std::size_t row = begin; row < end; ++row)
    treatment[row] = data.available[row] &&
                     rerandomized_treatment(key, static_cast<uint32_t>(row - begin), data.rand_prob[row]);
}

// What one reshuffle contributes to the counts.
struct ReshuffleOutcome {
  bool completed = false;
  std::vector<double> estimate;
  std::vector<double> statistic;  // |t|
  std::vector<double> p_value;
  double joint_statistic = 0.0;
  double joint_p_value = 1.0;
};

double abs_t(const CoefficientInference& c) { return std::fabs(c.estimate / c.se); }

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
  require_input(settings.threads >= 0 && settings.threads <= kMaxCpuThreads,
                "threads: " + std::to_string(settings.threads) + " is outside 0 (all cores) to " +
                    std::to_string(kMaxCpuThreads));
  const int threads = settings.threads > 0 ? settings.threads : omp_get_max_threads();
  const long count = static_cast<long>(settings.reshuffles);
#pragma omp parallel for schedule(dynamic, 16) num_threads(threads)
  for (long b = 0; b < count; ++b) outcomes[b] = analyze_reshuffle(data, refit, settings, static_cast<uint32_t>(b));
  return outcomes;
}

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

CoefficientPermutation summarize_coefficient(const CoefficientInference& observed, std::size_t j,
                                             const std::vector<ReshuffleOutcome>& outcomes, double alpha) {
  const double observed_statistic = abs_t(observed);
  uint32_t at_least_observed = 0, significant = 0, completed = 0;
  std::vector<double> estimates;
  for (const ReshuffleOutcome& outcome : outcomes) {
    if (!outcome.completed) continue;
    ++completed;
    at_least_observed += outcome.statistic[j] >= observed_statistic;
    significant += outcome.p_value[j] < alpha;
    estimates.push_back(outcome.estimate[j]);
  }
  std::sort(estimates.begin(), estimates.end());
  return {observed.term,
          observed.estimate,
          observed_statistic,
          observed.p_value,
          permutation_p_value(at_least_observed, completed),
          share(significant, completed),
          {quantile(estimates, 0.025), quantile(estimates, 0.5), quantile(estimates, 0.975)}};
}

JointPermutation summarize_joint(const JointTest& observed, const std::vector<ReshuffleOutcome>& outcomes,
                                 double alpha) {
  uint32_t at_least_observed = 0, significant = 0, completed = 0;
  for (const ReshuffleOutcome& outcome : outcomes) {
    if (!outcome.completed) continue;
    ++completed;
    at_least_observed += outcome.joint_statistic >= observed.statistic;
    significant += outcome.joint_p_value < alpha;
  }
  return {observed.statistic, observed.p_value, permutation_p_value(at_least_observed, completed),
          share(significant, completed)};
}

}  // namespace

std::vector<int> reshuffled_treatment(const MrtData& data, ReshuffleScheme scheme, uint64_t seed, uint32_t reshuffle) {
  std::vector<int> treatment = data.treatment;
  for (std::size_t subject = 0; subject < data.num_subjects(); ++subject) {
    const StreamKey key = reshuffle_key(seed, reshuffle, data.subject_ids[subject]);
    const std::size_t begin = data.subject_begin[subject], end = data.subject_begin[subject + 1];
    if (scheme == ReshuffleScheme::kPermute)
      permute_subject(data, key, begin, end, treatment);
    else
      rerandomize_subject(data, key, begin, end, treatment);
  }
  return treatment;
}

PermutationTestResult permutation_test(const MrtData& data, const EffectFit& observed, const ReshuffleRefit& refit,
                                       const PermutationSettings& settings) {
  if (settings.reshuffles == 0 || settings.reshuffles > kMaxReshuffles)
    throw UserError("--reshuffles must lie between 1 and " + std::to_string(kMaxReshuffles));
  if (!(settings.alpha > 0.0 && settings.alpha < 1.0)) throw UserError("--alpha must lie strictly between 0 and 1");
  PermutationTestResult result;
  result.settings = settings;
  const std::vector<ReshuffleOutcome> outcomes = analyze_reshuffles(data, refit, settings);
  for (const ReshuffleOutcome& outcome : outcomes) result.completed += outcome.completed;
  result.failed = settings.reshuffles - result.completed;
  for (std::size_t j = 0; j < observed.effect.size(); ++j)
    result.effect.push_back(summarize_coefficient(observed.effect[j], j, outcomes, settings.alpha));
  if (observed.joint) result.joint = summarize_joint(*observed.joint, outcomes, settings.alpha);
  return result;
}

PermutationTestResult permutation_test(const WclsDesign& design, const PermutationSettings& settings) {
  const WclsAnalysis observed = analyze_wcls(design, settings.joint_form);
  auto refit = [&](const std::vector<int>& treatment) -> std::optional<EffectFit> {
    const WclsEstimate estimate = fit_wcls_design(design, treatment, SmallSampleCorrection::kMrtAnalysis);
    if (estimate.status != FitStatus::kOk) return std::nullopt;
    const WclsAnalysis analysis = wcls_inference(design, estimate, settings.joint_form);
    return EffectFit{analysis.effect, analysis.joint};
  };
  return permutation_test(design.data, EffectFit{observed.effect, observed.joint}, refit, settings);
}

PermutationTestResult permutation_test(const EmeeDesign& design, double confidence_level,
                                       const PermutationSettings& settings) {
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
