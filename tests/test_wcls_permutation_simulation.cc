// The permutation test inside simulated WCLS replicates (kernels/wcls_permutation.h), run on every
// backend present (CUDA cases skip without a GPU): the reshuffle helper's schemes, uniform null
// p-values and the permutation test's level, power under a strong effect, reproducibility for any
// thread count and replicate range, the observed fit against run_wcls_replicates, and the p-values
// against a straightforward host implementation on the materialized cohort.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "host/analysis/wcls_analysis.h"
#include "host/config/study_config.h"
#include "host/engine/scenario_plan.h"
#include "host/stats/distributions.h"
#include "kernels/wcls_backend.h"
#include "kernels/wcls_permutation.h"

namespace mrtsim {
namespace {

// Small cohorts (20 subjects x 30 decision points, 4 coefficients) keep hundreds of replicates with
// 99 reshuffles each cheap. The rand prob is constant and availability has no feedback, so under the
// null both schemes give exactly uniform p-values on {1, ..., B + 1} / (B + 1).
const char* const kStudy = R"(study: {name: perm, seed: 17, replicates: 100}
model:
  type: liao2016
  days: 6
  decisions_per_day: 5
  rand_prob: 0.4
  availability: {shape: constant, mean: 0.7}
  effect: {shape: constant, mean: 0.8}
  error: {type: normal}
sample_size: 20
analysis: {controls: [day], moderators: [day], small_sample_correction: mrtanalysis}
)";

StudyConfig small_study() { return parse_study(kStudy, "perm.yaml"); }

struct PermutationReplicates {
  std::vector<int> status, n_eff, failed;
  std::vector<double> joint, estimates, std_errors, p_values, joint_p;
};

PermutationReplicates run_permutation(Backend backend, const ScenarioPlan& plan,
                                      const WclsPermutationSettings& settings, uint32_t first, uint32_t count,
                                      int threads) {
  PermutationReplicates r;
  r.status.resize(count);
  r.n_eff.resize(count);
  r.failed.resize(count);
  r.joint.resize(count);
  r.joint_p.resize(count);
  r.estimates.resize(size_t(count) * plan.dim());
  r.std_errors.resize(size_t(count) * plan.dim());
  r.p_values.resize(size_t(count) * plan.num_effects());
  const ReplicateBatchOutput out{
      {r.status.data(), r.n_eff.data(), r.joint.data(), r.estimates.data(), r.std_errors.data()},
      r.p_values.data(),
      r.joint_p.data(),
      r.failed.data()};
  run_wcls_permutation_replicates(backend, threads, plan.dim(), plan.task(), plan.arena(), settings, first, count, out);
  return r;
}

template <class T>
bool bit_identical(const std::vector<T>& a, const std::vector<T>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0;
}

void expect_identical(const PermutationReplicates& a, const PermutationReplicates& b) {
  EXPECT_EQ(a.status, b.status);
  EXPECT_EQ(a.n_eff, b.n_eff);
  EXPECT_EQ(a.failed, b.failed);
  EXPECT_TRUE(bit_identical(a.joint, b.joint));
  EXPECT_TRUE(bit_identical(a.estimates, b.estimates));
  EXPECT_TRUE(bit_identical(a.std_errors, b.std_errors));
  EXPECT_TRUE(bit_identical(a.p_values, b.p_values));
  EXPECT_TRUE(bit_identical(a.joint_p, b.joint_p));
}

// ---------------------------------------------------------------------------------------------
// The reshuffle helper on one subject's rows

struct RowsBuffer {
  std::vector<uint16_t> decision;
  std::vector<uint8_t> treated;
  std::vector<double> outcome;
  SubjectRows rows() { return SubjectRows{decision.data(), treated.data(), outcome.data(), 1, int(decision.size())}; }
};

// 40 available rows at decision points 0, 2, 4, ... with 14 treated (every third).
RowsBuffer subject_with_14_of_40_treated() {
  RowsBuffer b;
  for (int k = 0; k < 40; ++k) {
    b.decision.push_back(static_cast<uint16_t>(2 * k));
    b.treated.push_back(k % 3 == 0 ? 1 : 0);
    b.outcome.push_back(0.5 * k);
  }
  return b;
}

const StreamKey kSubjectKey{99, 3, 7, 5, StreamPurpose::kPermutation};

TEST(SimulatedReshuffle, PermuteKeepsTheCountAndSpreadsItUniformly) {
  const RowsBuffer original = subject_with_14_of_40_treated();
  constexpr int kReshuffles = 4000;
  std::vector<int> treated_at(40);
  bool moved = false;
  for (uint32_t b = 0; b < kReshuffles; ++b) {
    RowsBuffer shuffled = original;
    SubjectRows rows = shuffled.rows();
    reshuffle_treatments(ReshuffleScheme::kPermute, kSubjectKey, b, nullptr, rows);
    int count = 0;
    for (int k = 0; k < 40; ++k) {
      count += shuffled.treated[k];
      treated_at[k] += shuffled.treated[k];
    }
    ASSERT_EQ(count, 14) << "reshuffle " << b;
    ASSERT_EQ(shuffled.decision, original.decision);
    ASSERT_EQ(shuffled.outcome, original.outcome);
    moved |= shuffled.treated != original.treated;
  }
  EXPECT_TRUE(moved);
  // A uniform permutation treats each row with probability 14/40; 5 SEs over 40 rows.
  const double p = 14.0 / 40, se = std::sqrt(p * (1 - p) / kReshuffles);
  for (int k = 0; k < 40; ++k) EXPECT_NEAR(treated_at[k] / double(kReshuffles), p, 5 * se) << "row " << k;
}

TEST(SimulatedReshuffle, RerandomizeDrawsFromTheRandProbs) {
  const std::vector<double> probabilities = {0.1, 0.5, 0.85};
  std::vector<double> rand_prob(80);
  for (int t = 0; t < 80; ++t) rand_prob[t] = probabilities[(t / 2) % 3];
  const RowsBuffer original = subject_with_14_of_40_treated();
  constexpr int kReshuffles = 3000;
  std::vector<double> treated(3), draws(3);
  for (uint32_t b = 0; b < kReshuffles; ++b) {
    RowsBuffer drawn = original;
    SubjectRows rows = drawn.rows();
    reshuffle_treatments(ReshuffleScheme::kRerandomize, kSubjectKey, b, rand_prob.data(), rows);
    ASSERT_EQ(drawn.outcome, original.outcome);
    for (int k = 0; k < 40; ++k) {
      const int group = (drawn.decision[k] / 2) % 3;
      treated[group] += drawn.treated[k];
      draws[group] += 1;
    }
  }
  for (int g = 0; g < 3; ++g) {
    const double p = probabilities[g], se = std::sqrt(p * (1 - p) / draws[g]);
    EXPECT_NEAR(treated[g] / draws[g], p, 5 * se) << "rho = " << p;
  }
}

// ---------------------------------------------------------------------------------------------
// Whole replicates on every backend

class WclsPermutationSimulation : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (GetParam() == Backend::kCuda && !cuda_backend_available()) GTEST_SKIP() << "no CUDA device present";
  }
};

constexpr WclsPermutationSettings kPermute99{99, ReshuffleScheme::kPermute};
constexpr WclsPermutationSettings kRerandomize99{99, ReshuffleScheme::kRerandomize};

double four_se(double p, long long n) { return 4.0 * std::sqrt(p * (1 - p) / n); }

// With B = 99 and no failed reshuffle, each decile bin of the null p-values has probability exactly
// 0.1: a chi-square test at level 1e-5 (6 of them per backend) and the level at 0.05 within 4 SEs.
void expect_uniform(const std::vector<double>& p_values, const std::string& what) {
  std::vector<int> bins(10);
  int rejected = 0;
  for (double p : p_values) {
    ++bins[static_cast<int>(std::ceil(p * 10 - 1e-9)) - 1];
    rejected += p <= 0.05;
  }
  const double expected = p_values.size() / 10.0;
  double chi_square = 0;
  for (int count : bins) chi_square += (count - expected) * (count - expected) / expected;
  EXPECT_GT(chi_square_upper_tail(9, chi_square), 1e-5) << what << ": chi-square " << chi_square;
  EXPECT_NEAR(rejected / double(p_values.size()), 0.05, four_se(0.05, p_values.size())) << what;
}

TEST_P(WclsPermutationSimulation, NullPValuesAreUniform) {
  const StudyConfig study = small_study();
  const ScenarioPlan plan(study, study.scenarios[0], Hypothesis::kNull);
  constexpr uint32_t kReplicates = 500;
  for (const WclsPermutationSettings& settings : {kPermute99, kRerandomize99}) {
    const std::string scheme = settings.scheme == ReshuffleScheme::kPermute ? "permute" : "rerandomize";
    const PermutationReplicates r = run_permutation(GetParam(), plan, settings, 0, kReplicates, 0);
    for (uint32_t i = 0; i < kReplicates; ++i) {
      ASSERT_EQ(r.status[i], static_cast<int>(FitStatus::kOk)) << i;
      ASSERT_EQ(r.failed[i], 0) << i;
    }
    const int p = plan.num_effects();
    for (int j = 0; j < p; ++j) {
      std::vector<double> coefficient;
      for (uint32_t i = 0; i < kReplicates; ++i) coefficient.push_back(r.p_values[i * p + j]);
      expect_uniform(coefficient, scheme + " effect " + std::to_string(j));
    }
    expect_uniform(r.joint_p, scheme + " joint");
  }
}

TEST_P(WclsPermutationSimulation, StrongEffectIsRejected) {
  const StudyConfig study = small_study();
  const ScenarioPlan plan(study, study.scenarios[0], Hypothesis::kAlternative);
  constexpr uint32_t kReplicates = 100;
  for (const WclsPermutationSettings& settings : {kPermute99, kRerandomize99}) {
    const PermutationReplicates r = run_permutation(GetParam(), plan, settings, 0, kReplicates, 0);
    int rejected = 0;
    for (double p : r.joint_p) rejected += p <= 0.05;
    EXPECT_GT(rejected, 90) << static_cast<int>(settings.scheme);
  }
}

TEST_P(WclsPermutationSimulation, ResultsDoNotDependOnThreadsOrRange) {
  const StudyConfig study = small_study();
  const ScenarioPlan plan(study, study.scenarios[0], Hypothesis::kAlternative);
  const WclsPermutationSettings settings{19, ReshuffleScheme::kPermute};
  const PermutationReplicates one = run_permutation(GetParam(), plan, settings, 0, 16, 1);
  const PermutationReplicates two = run_permutation(GetParam(), plan, settings, 0, 16, 2);
  expect_identical(one, two);
  const PermutationReplicates slice = run_permutation(GetParam(), plan, settings, 5, 6, 2);
  const int d = plan.dim(), p = plan.num_effects();
  for (int r = 0; r < 6; ++r) {
    EXPECT_EQ(one.failed[5 + r], slice.failed[r]);
    EXPECT_EQ(one.joint_p[5 + r], slice.joint_p[r]);
    for (int j = 0; j < p; ++j) EXPECT_EQ(one.p_values[(5 + r) * p + j], slice.p_values[r * p + j]);
    for (int j = 0; j < d; ++j) EXPECT_EQ(one.estimates[(5 + r) * d + j], slice.estimates[r * d + j]);
  }
}

TEST_P(WclsPermutationSimulation, ObservedFitIsRunWclsReplicates) {
  const StudyConfig study = small_study();
  const ScenarioPlan plan(study, study.scenarios[0], Hypothesis::kAlternative);
  constexpr uint32_t kCount = 12;
  const PermutationReplicates permuted =
      run_permutation(GetParam(), plan, {5, ReshuffleScheme::kRerandomize}, 3, kCount, 0);
  PermutationReplicates plain;
  plain.status.assign(kCount, -1);
  plain.n_eff.assign(kCount, -1);
  plain.joint.assign(kCount, 0.0);
  plain.estimates.assign(kCount * plan.dim(), 0.0);
  plain.std_errors.assign(kCount * plan.dim(), 0.0);
  run_wcls_replicates(GetParam(), 0, plan.dim(), plan.task(), plan.arena(), 3, kCount,
                      ReplicateOutput{plain.status.data(), plain.n_eff.data(), plain.joint.data(),
                                          plain.estimates.data(), plain.std_errors.data()});
  EXPECT_EQ(permuted.status, plain.status);
  EXPECT_EQ(permuted.n_eff, plain.n_eff);
  EXPECT_TRUE(bit_identical(permuted.joint, plain.joint));
  EXPECT_TRUE(bit_identical(permuted.estimates, plain.estimates));
  EXPECT_TRUE(bit_identical(permuted.std_errors, plain.std_errors));
}

TEST_P(WclsPermutationSimulation, CudaMatchesCpu) {
  if (GetParam() != Backend::kCuda) GTEST_SKIP() << "compares the CUDA backend with the CPU backend";
  const StudyConfig study = small_study();
  const ScenarioPlan plan(study, study.scenarios[0], Hypothesis::kAlternative);
  for (const WclsPermutationSettings& settings : {kPermute99, kRerandomize99}) {
    const PermutationReplicates cpu = run_permutation(Backend::kCpu, plan, settings, 0, 64, 0);
    const PermutationReplicates gpu = run_permutation(Backend::kCuda, plan, settings, 0, 64, 0);
    EXPECT_EQ(cpu.status, gpu.status);
    EXPECT_EQ(cpu.failed, gpu.failed);
    // Rounding differences could flip a count only at a near-tie of two continuous statistics.
    EXPECT_EQ(cpu.p_values, gpu.p_values);
    EXPECT_EQ(cpu.joint_p, gpu.joint_p);
  }
}

TEST_P(WclsPermutationSimulation, LimitsAreClearErrors) {
  StudyConfig study = small_study();
  const ScenarioPlan plan(study, study.scenarios[0], Hypothesis::kNull);
  EXPECT_THROW(run_permutation(GetParam(), plan, {0, ReshuffleScheme::kPermute}, 0, 1, 1), std::invalid_argument);
  EXPECT_THROW(run_permutation(GetParam(), plan, {kMaxSimulatedReshuffles + 1, ReshuffleScheme::kPermute}, 0, 1, 1),
               std::invalid_argument);
  study.scenarios[0].model.days = kMaxPermutationDecisions / 5 + 1;
  const ScenarioPlan long_plan(study, study.scenarios[0], Hypothesis::kNull);
  EXPECT_THROW(run_permutation(GetParam(), long_plan, kPermute99, 0, 1, 1), std::invalid_argument);
}

// ---------------------------------------------------------------------------------------------
// Independent check: the cohort materialized on the host, reshuffled by a plain implementation of
// the documented key layout (draw index reshuffle << 12 | position), fitted by host/analysis.

struct CollectRows {
  std::vector<DecisionRow>& rows;
  void operator()(const DecisionRow& row) { rows.push_back(row); }
};

WclsDesign materialized_cohort(const ScenarioPlan& plan, uint32_t replicate) {
  const WclsSimulationTask task = plan.task();
  const int q = task.design.q, p = task.design.p, T = task.model.num_decisions;
  WclsDesign design;
  MrtData& data = design.data;
  for (int i = 0; i < task.n_subjects; ++i) {
    std::vector<DecisionRow> rows;
    CollectRows collect{rows};
    const StreamKey key{task.seed, task.scenario, replicate, uint32_t(i), StreamPurpose::kCohort};
    simulate_liao_subject(task.model, key, collect);
    data.subject_ids.push_back(std::to_string(i));
    data.subject_begin.push_back(data.num_rows());
    for (const DecisionRow& row : rows) {
      data.outcome.push_back(row.outcome);
      data.treatment.push_back(row.treated);
      data.available.push_back(row.available);
      data.rand_prob.push_back(task.model.rand_prob[row.t]);
      data.numerator_prob.push_back(task.design.numerator_prob[row.t]);
    }
  }
  data.subject_begin.push_back(data.num_rows());
  const std::vector<std::string>& names = plan.coefficient_names();
  design.control_terms.assign(names.begin(), names.begin() + q);
  design.effect_terms.assign(names.begin() + q, names.end());
  design.controls.resize(data.num_rows(), q);
  design.moderators.resize(data.num_rows(), p);
  for (size_t row = 0; row < data.num_rows(); ++row) {
    const int t = static_cast<int>(row % T);
    for (int j = 0; j < q; ++j) design.controls(row, j) = task.design.controls[t * q + j];
    for (int j = 0; j < p; ++j) design.moderators(row, j) = task.design.moderators[t * p + j];
  }
  return design;
}

uint32_t plain_draw_word(const StreamKey& key, uint32_t reshuffle, uint32_t position, int word) {
  return key.words((reshuffle << 12) | position).v[word];
}

std::vector<int> plainly_reshuffled(const MrtData& data, const WclsSimulationTask& task, uint32_t replicate,
                                    ReshuffleScheme scheme, uint32_t reshuffle) {
  std::vector<int> treatment = data.treatment;
  for (size_t i = 0; i < data.num_subjects(); ++i) {
    const StreamKey key{task.seed, task.scenario, replicate, uint32_t(i), StreamPurpose::kPermutation};
    std::vector<size_t> available;
    for (size_t row = data.subject_begin[i]; row < data.subject_begin[i + 1]; ++row)
      if (data.available[row]) available.push_back(row);
    if (scheme == ReshuffleScheme::kPermute) {
      for (size_t k = available.size(); k > 1; --k) {
        const size_t slot = k - 1;
        const uint64_t bits = (uint64_t(plain_draw_word(key, reshuffle, slot, 0)) << 32) |
                              plain_draw_word(key, reshuffle, slot, 1);
        const size_t pick = size_t((static_cast<unsigned __int128>(bits) * (slot + 1)) >> 64);
        std::swap(treatment[available[slot]], treatment[available[pick]]);
      }
    } else {
      for (size_t row : available) {
        const uint32_t t = uint32_t(row - data.subject_begin[i]);
        const double uniform = (plain_draw_word(key, reshuffle, t, 0) + 0.5) / 4294967296.0;
        treatment[row] = uniform < data.rand_prob[row];
      }
    }
  }
  return treatment;
}

double abs_t(const WclsEstimate& fit, int j) { return std::fabs(fit.theta(j) / std::sqrt(fit.variance(j, j))); }

// Under the null the reshuffled statistics straddle the observed ones, so the counts are informative.
TEST_P(WclsPermutationSimulation, PValuesMatchAPlainHostImplementation) {
  const StudyConfig study = small_study();
  const ScenarioPlan plan(study, study.scenarios[0], Hypothesis::kNull);
  const WclsSimulationTask task = plan.task();
  const int d = plan.dim(), p = plan.num_effects();
  constexpr uint32_t kFirst = 7, kCount = 3, kReshuffles = 49;
  for (ReshuffleScheme scheme : {ReshuffleScheme::kPermute, ReshuffleScheme::kRerandomize}) {
    const PermutationReplicates engine =
        run_permutation(GetParam(), plan, {kReshuffles, scheme}, kFirst, kCount, 1);
    for (uint32_t r = 0; r < kCount; ++r) {
      const WclsDesign design = materialized_cohort(plan, kFirst + r);
      const WclsEstimate observed = fit_wcls_design(design, design.data.treatment, task.correction);
      ASSERT_EQ(observed.status, FitStatus::kOk);
      EXPECT_NEAR(observed.theta(d - 1), engine.estimates[r * d + d - 1], 1e-12);
      std::vector<int> at_least(p);
      int joint_at_least = 0, completed = 0;
      for (uint32_t b = 0; b < kReshuffles; ++b) {
        const WclsEstimate fit =
            fit_wcls_design(design, plainly_reshuffled(design.data, task, kFirst + r, scheme, b), task.correction);
        if (fit.status != FitStatus::kOk) continue;
        ++completed;
        for (int j = 0; j < p; ++j) at_least[j] += abs_t(fit, d - p + j) >= abs_t(observed, d - p + j);
        joint_at_least += fit.joint_statistic >= observed.joint_statistic;
      }
      EXPECT_EQ(engine.failed[r], int(kReshuffles) - completed);
      for (int j = 0; j < p; ++j)
        EXPECT_EQ(engine.p_values[r * p + j], (1.0 + at_least[j]) / (1.0 + completed)) << r << ", " << j;
      EXPECT_EQ(engine.joint_p[r], (1.0 + joint_at_least) / (1.0 + completed)) << "replicate " << r;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, WclsPermutationSimulation, ::testing::Values(Backend::kCpu, Backend::kCuda),
                         [](const ::testing::TestParamInfo<Backend>& info) { return std::string(kBackendNames.name(info.param)); });

}  // namespace
}  // namespace mrtsim
