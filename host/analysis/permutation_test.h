// Permutation / re-randomization robustness check of one analysis (Pieper et al. 2024, Phase 7):
// refit the same design with reshuffled treatments many times and compare the observed statistics
// with their reshuffled distribution. The mechanism takes any estimator as a refit function; WCLS
// and EMEE/EMEE2 have adapters below.
//
// Every reshuffle is a pure function of (seed, reshuffle index): its Philox stream is
// StreamKey{seed, scenario 0, replicate = reshuffle, subject, kPermutation}, draw index = position.
// Reshuffles are fitted in parallel and stored by index, so the result does not depend on the thread
// count. WCLS reshuffles run on a backend (kernels/wcls_data_permutation.h: the CPU's kernels of its
// instruction set, or a CUDA warp per reshuffle) with the bits of the host refit; EMEE reshuffles are
// refitted on the host.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <functional>

#include "host/analysis/emee_analysis.h"
#include "host/analysis/wcls_analysis.h"
#include "host/io/mrt_csv.h"
#include "kernels/backend.h"
#include "kernels/reshuffle.h"
#include "kernels/task_arena.h"
#include "kernels/wcls_data_permutation.h"

namespace mrtsim {

// ReshuffleScheme (kernels/reshuffle.h): A = 0 at unavailable rows under kRerandomize.
// "permute" or "rerandomize"; anything else is a UserError starting with `where` (the option or
// YAML key that gave the name).

// The treatment vector (one entry per row of `data`) of reshuffle number `reshuffle`.
std::vector<int> reshuffled_treatment(const MrtData& data, ReshuffleScheme scheme, uint64_t seed, uint32_t reshuffle);

// Each reshuffle's outcome is kept until all are counted (about 100 bytes each).
constexpr uint32_t kMaxReshuffles = 10'000'000;

struct PermutationSettings {
  uint32_t reshuffles = 1000;
  ReshuffleScheme scheme = ReshuffleScheme::kPermute;
  uint64_t seed = 0;
  double alpha = 0.05;  // level of the analytic tests whose rejection share is reported
  JointTestForm joint_form = JointTestForm::kHotellingT2;
  int threads = 0;  // 0: OpenMP's default
  Backend backend = Backend::kCpu;  // where WCLS reshuffles run; EMEE's run on the CPU only
};

struct ReshuffledQuantiles {
  double q025;
  double q50;
  double q975;
};

// Permutation p-value = (1 + #{reshuffled statistic >= observed}) / (1 + completed reshuffles).
struct CoefficientPermutation {
  std::string term;
  double estimate;             // observed
  double statistic;            // observed |estimate / se|
  double p_value;              // observed, analytic
  double p_value_permutation;
  double significant_share;    // share of completed reshuffles with analytic p-value < alpha
  ReshuffledQuantiles quantiles;  // of the reshuffled estimates
};

struct JointPermutation {
  double statistic;  // observed beta' V_beta^-1 beta
  double p_value;    // observed, analytic (in settings.joint_form)
  double p_value_permutation;
  double significant_share;
};

// What the check compares: one fit's effect table and joint test of beta = 0.
struct EffectFit {
  std::vector<CoefficientInference> effect;
  std::optional<JointTest> joint;  // absent when V_beta is singular
};

// Refits the analysis with a reshuffled treatment vector (one entry per row of the data); nullopt when
// that fit fails. Called concurrently from several threads.
using ReshuffleRefit = std::function<std::optional<EffectFit>(const std::vector<int>& treatment)>;

// A reshuffle whose fit fails (singular design, undefined correction, singular V_beta; for EMEE also
// no root or a fitted probability >= 1) is counted in `failed` and left out of every count, share and
// quantile: B = completed = reshuffles - failed.
struct PermutationTestResult {
  PermutationSettings settings;
  uint32_t completed = 0;
  uint32_t failed = 0;
  std::vector<CoefficientPermutation> effect;
  std::optional<JointPermutation> joint;  // absent when the observed V_beta is singular
};

// The check on the treatments of `data`: `observed` is the fit of the observed data, `refit` refits
// with reshuffled ones.
PermutationTestResult permutation_test(const MrtData& data, const EffectFit& observed, const ReshuffleRefit& refit,
                                       const PermutationSettings& settings);

// WCLS with MRTAnalysis's correction rule and settings.joint_form (the observed fit must succeed:
// wcls_inference's UserError otherwise), the reshuffles on settings.backend. The result has the bits
// of the generic check above with a refit by fit_wcls_design and wcls_inference.
PermutationTestResult permutation_test(const WclsDesign& design, const PermutationSettings& settings);

// The design's rows and each subject's reshuffle stream in the kernels' form, its arrays in `arena`:
// what the WCLS check hands to the backend (settings: seed and scheme).
WclsDataTask wcls_data_task(const WclsDesign& design, const PermutationSettings& settings, TaskArena& arena);

// EMEE / EMEE2 (the design's variant) with intervals at `confidence_level`; the joint test is
// Hotelling's T^2 (settings.joint_form does not apply). The observed fit must succeed (emee_inference's
// UserError otherwise); settings.backend must be the CPU.
PermutationTestResult permutation_test(const EmeeDesign& design, double confidence_level,
                                       const PermutationSettings& settings);

}  // namespace mrtsim
