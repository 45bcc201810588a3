// Permutation / re-randomization check (host/analysis/permutation_test.h) and `mrtsim permute`.
#include <sys/wait.h>

#include <cmath>
#include <cstring>
#include <cstdio>
#include <iterator>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "tests/cli_runner.h"
#include "tests/heartsteps_design.h"
#include <nlohmann/json.hpp>

#include "host/analysis/permutation_test.h"
#include "host/stats/distributions.h"

namespace mrtsim {
namespace {

const std::string kHeartSteps = testing_support::heartsteps_csv();

// A small MRT with one control x: y = 1 + 0.5 x + effect * A + N(0, 1), A ~ Bernoulli(rand_prob)
// at available points (availability ~ Bernoulli(0.8)), A = 0 elsewhere.
MrtData simulated_mrt(std::mt19937_64& rng, double effect, int subjects = 30, int points = 40,
                      std::vector<double> rand_probs = {0.5}) {
  std::normal_distribution<double> normal;
  std::uniform_real_distribution<double> uniform;
  MrtData data;
  data.covariate_names = {"x"};
  data.covariates.resize(1);
  for (int i = 0; i < subjects; ++i) {
    data.subject_ids.push_back(std::to_string(i));
    data.subject_begin.push_back(data.num_rows());
    for (int t = 0; t < points; ++t) {
      const double p = rand_probs[t % rand_probs.size()];
      const bool available = uniform(rng) < 0.8;
      const int treated = available && uniform(rng) < p;
      const double x = normal(rng);
      data.available.push_back(available);
      data.rand_prob.push_back(p);
      data.treatment.push_back(treated);
      data.covariates[0].push_back(x);
      data.outcome.push_back(1.0 + 0.5 * x + effect * treated + normal(rng));
    }
  }
  data.subject_begin.push_back(data.num_rows());
  return data;
}

WclsDesign simulated_design(std::mt19937_64& rng, double effect) {
  WclsModelSpec model;
  model.controls = {"x"};
  return make_wcls_design(simulated_mrt(rng, effect), model);
}

PermutationSettings settings(uint32_t reshuffles, ReshuffleScheme scheme, uint64_t seed) {
  PermutationSettings s;
  s.reshuffles = reshuffles;
  s.scheme = scheme;
  s.seed = seed;
  return s;
}

int treated_available(const MrtData& data, const std::vector<int>& treatment, std::size_t subject) {
  int count = 0;
  for (std::size_t row = data.subject_begin[subject]; row < data.subject_begin[subject + 1]; ++row)
    count += data.available[row] && treatment[row];
  return count;
}

TEST(PermutationScheme, PermuteKeepsCountsAndMovesOnlyAvailablePoints) {
  std::mt19937_64 rng(11);
  const MrtData data = simulated_mrt(rng, 0.0);
  bool moved = false;
  for (uint32_t b = 0; b < 50; ++b) {
    const std::vector<int> shuffled = reshuffled_treatment(data, ReshuffleScheme::kPermute, 7, b);
    for (std::size_t i = 0; i < data.num_subjects(); ++i)
      ASSERT_EQ(treated_available(data, shuffled, i), treated_available(data, data.treatment, i));
    for (std::size_t row = 0; row < data.num_rows(); ++row) {
      if (!data.available[row]) {
        ASSERT_EQ(shuffled[row], data.treatment[row]) << "row " << row;
      }
      moved |= shuffled[row] != data.treatment[row];
    }
  }
  EXPECT_TRUE(moved);
}

TEST(PermutationScheme, RerandomizeDrawsFromTheDesignProbabilities) {
  std::mt19937_64 rng(12);
  const std::vector<double> probabilities = {0.2, 0.5, 0.8};
  constexpr int kPoints = 30;
  const MrtData data = simulated_mrt(rng, 0.0, 20, kPoints, probabilities);
  std::vector<double> treated(probabilities.size()), draws(probabilities.size());
  for (uint32_t b = 0; b < 400; ++b) {
    const std::vector<int> drawn = reshuffled_treatment(data, ReshuffleScheme::kRerandomize, 8, b);
    for (std::size_t row = 0; row < data.num_rows(); ++row) {
      if (!data.available[row]) {
        ASSERT_EQ(drawn[row], 0) << "unavailable row " << row << " treated";
        continue;
      }
      const std::size_t group = (row % kPoints) % probabilities.size();  // as simulated_mrt assigns them
      treated[group] += drawn[row];
      draws[group] += 1;
    }
  }
  for (std::size_t g = 0; g < probabilities.size(); ++g) {
    const double p = probabilities[g];
    const double mc_se = std::sqrt(p * (1 - p) / draws[g]);
    EXPECT_NEAR(treated[g] / draws[g], p, 4.5 * mc_se) << "p = " << p;
  }
}

TEST(PermutationTest, ResultDoesNotDependOnThreads) {
  std::mt19937_64 rng(13);
  const WclsDesign design = simulated_design(rng, 0.2);
  PermutationSettings one = settings(64, ReshuffleScheme::kPermute, 5);
  one.threads = 1;
  PermutationSettings two = one;
  two.threads = 2;
  const PermutationTestResult a = permutation_test(design, one), b = permutation_test(design, two);
  ASSERT_EQ(a.effect.size(), b.effect.size());
  EXPECT_EQ(a.effect[0].p_value_permutation, b.effect[0].p_value_permutation);
  EXPECT_EQ(a.effect[0].significant_share, b.effect[0].significant_share);
  EXPECT_EQ(a.effect[0].quantiles.q50, b.effect[0].quantiles.q50);
  EXPECT_EQ(a.joint->p_value_permutation, b.joint->p_value_permutation);
}

// Under no treatment effect the permutation p-value (1 + k) / (1 + B) is uniform on {1..B+1}/(B+1),
// so with B = 99 each decile bin holds exactly 10 of its 100 values.
void expect_uniform_null_p_values(ReshuffleScheme scheme) {
  constexpr int kDataSets = 200;
  constexpr uint32_t kReshuffles = 99;
  std::mt19937_64 rng(2024);
  std::vector<int> bins(10);
  int rejected = 0;
  for (int d = 0; d < kDataSets; ++d) {
    const WclsDesign design = simulated_design(rng, 0.0);
    const double p = permutation_test(design, settings(kReshuffles, scheme, 100 + d)).effect[0].p_value_permutation;
    ++bins[std::min(9, static_cast<int>(std::ceil(p * 10 - 1e-9)) - 1)];
    rejected += p <= 0.05;
  }
  double chi_square = 0;
  for (int count : bins) chi_square += (count - kDataSets / 10.0) * (count - kDataSets / 10.0) / (kDataSets / 10.0);
  EXPECT_GT(chi_square_upper_tail(9, chi_square), 1e-4) << "chi-square " << chi_square;
  const double mc_se = std::sqrt(0.05 * 0.95 / kDataSets);
  EXPECT_NEAR(rejected / static_cast<double>(kDataSets), 0.05, 4 * mc_se);
}

TEST(PermutationTest, NullPValuesAreUniformWhenPermuting) { expect_uniform_null_p_values(ReshuffleScheme::kPermute); }

TEST(PermutationTest, NullPValuesAreUniformWhenRerandomizing) {
  expect_uniform_null_p_values(ReshuffleScheme::kRerandomize);
}

TEST(PermutationTest, StrongEffectIsRejected) {
  std::mt19937_64 rng(14);
  const WclsDesign design = simulated_design(rng, 1.0);
  const PermutationTestResult result = permutation_test(design, settings(199, ReshuffleScheme::kPermute, 3));
  EXPECT_EQ(result.completed + result.failed, 199u);
  EXPECT_EQ(result.effect[0].p_value_permutation, 1.0 / 200);
  EXPECT_EQ(result.joint->p_value_permutation, 1.0 / 200);
  EXPECT_LT(result.effect[0].significant_share, 0.2);
  EXPECT_LT(result.effect[0].quantiles.q025, 0.0);
  EXPECT_GT(result.effect[0].quantiles.q975, 0.0);
}

// ---------------------------------------------------------------------------------------------
// WCLS reshuffles on a backend (kernels/wcls_data_permutation.h) against the host refit

// The generic check with every reshuffle refitted on the host: reshuffled_treatment's treatments,
// fit_wcls_design and wcls_inference's p-values (the path of mrtsim 0.5.0 and earlier).
PermutationTestResult host_refit_check(const WclsDesign& design, const PermutationSettings& settings) {
  const WclsAnalysis observed = analyze_wcls(design, settings.joint_form);
  auto refit = [&](const std::vector<int>& treatment) -> std::optional<EffectFit> {
    const WclsEstimate estimate = fit_wcls_design(design, treatment, SmallSampleCorrection::kMrtAnalysis);
    if (estimate.status != FitStatus::kOk) return std::nullopt;
    const WclsAnalysis analysis = wcls_inference(design, estimate, settings.joint_form);
    return EffectFit{analysis.effect, analysis.joint};
  };
  return permutation_test(design.data, EffectFit{observed.effect, observed.joint}, refit, settings);
}

// Equal bits in every number (NaN quantiles, when nothing completed, equal too).
void expect_same_result(const PermutationTestResult& a, const PermutationTestResult& b, const std::string& what) {
  const auto same = [](double x, double y) { return std::memcmp(&x, &y, sizeof x) == 0; };
  EXPECT_EQ(a.completed, b.completed) << what;
  EXPECT_EQ(a.failed, b.failed) << what;
  ASSERT_EQ(a.effect.size(), b.effect.size()) << what;
  for (std::size_t j = 0; j < a.effect.size(); ++j) {
    const CoefficientPermutation &x = a.effect[j], &y = b.effect[j];
    EXPECT_EQ(x.term, y.term) << what;
    for (const auto& [u, v] : {std::pair{x.estimate, y.estimate}, {x.statistic, y.statistic}, {x.p_value, y.p_value},
                               {x.p_value_permutation, y.p_value_permutation},
                               {x.significant_share, y.significant_share}, {x.quantiles.q025, y.quantiles.q025},
                               {x.quantiles.q50, y.quantiles.q50}, {x.quantiles.q975, y.quantiles.q975}})
      EXPECT_TRUE(same(u, v)) << what << ", " << x.term << ": " << u << " vs " << v;
  }
  ASSERT_EQ(a.joint.has_value(), b.joint.has_value()) << what;
  if (!a.joint) return;
  EXPECT_TRUE(same(a.joint->statistic, b.joint->statistic)) << what;
  EXPECT_TRUE(same(a.joint->p_value_permutation, b.joint->p_value_permutation)) << what;
  EXPECT_TRUE(same(a.joint->significant_share, b.joint->significant_share)) << what;
}

// Designs that cover the kernel's paths: a control; a moderator with row-varying randomization and
// numerator probabilities under MRTAnalysis's joint rule; and 5 subjects of 4 points with
// randomization probability 0.1, where re-randomizing often treats no point or one subject's only
// (a singular design or leave-one-out design), so that failed reshuffles must be left out alike.
struct BackendCase {
  std::string name;
  WclsDesign design;
  JointTestForm form;
};

std::vector<BackendCase> backend_cases() {
  std::mt19937_64 rng(41);
  std::vector<BackendCase> cases;
  cases.push_back({"control", simulated_design(rng, 0.2), JointTestForm::kHotellingT2});
  MrtData varying = simulated_mrt(rng, 0.3, 33, 25, {0.2, 0.5, 0.8});
  for (std::size_t row = 0; row < varying.num_rows(); ++row) varying.numerator_prob.push_back(row % 2 ? 0.4 : 0.6);
  WclsModelSpec moderated;
  moderated.moderators = {"x"};
  cases.push_back({"moderator", make_wcls_design(varying, moderated), JointTestForm::kMrtAnalysis});
  MrtData tiny = simulated_mrt(rng, 0.0, 5, 4, {0.1});
  for (std::size_t row = 0; row < tiny.num_rows(); ++row) {
    tiny.available[row] = 1;
    tiny.treatment[row] = row % 4 == 0;  // one treated point per subject
  }
  WclsModelSpec control;
  control.controls = {"x"};
  cases.push_back({"tiny", make_wcls_design(tiny, control), JointTestForm::kHotellingT2});
  return cases;
}

class WclsReshufflesOnBackend : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (GetParam() == Backend::kCuda && !cuda_backend_available()) GTEST_SKIP() << "no CUDA device present";
  }
};

TEST_P(WclsReshufflesOnBackend, HaveTheBitsOfTheHostRefit) {
  bool some_failed = false;
  for (const BackendCase& c : backend_cases())
    for (const ReshuffleScheme scheme : {ReshuffleScheme::kPermute, ReshuffleScheme::kRerandomize}) {
      PermutationSettings host = settings(300, scheme, 17);
      host.joint_form = c.form;
      host.threads = 2;
      const PermutationTestResult expected = host_refit_check(c.design, host);
      some_failed |= expected.failed > 0;
      for (const int threads : {1, 2}) {
        PermutationSettings on_backend = host;
        on_backend.backend = GetParam();
        on_backend.threads = threads;
        expect_same_result(permutation_test(c.design, on_backend), expected,
                           c.name + ", " + kReshuffleSchemeNames.name(scheme) + ", " + std::to_string(threads) +
                               " threads");
      }
    }
  EXPECT_TRUE(some_failed) << "no case had a failed reshuffle";
}

// The rejection counts compare statistics with the critical value and compute the p-value only near
// it: with alpha equal to one reshuffle's own p-value that reshuffle sits exactly at the critical
// value, where only the p-value can say that it does not reject (p < alpha is false).
TEST_P(WclsReshufflesOnBackend, CountRejectionsAtTheCriticalValueAsThePValueDoes) {
  std::mt19937_64 rng(43);
  const WclsDesign design = simulated_design(rng, 0.1);
  const std::vector<int> treatment = reshuffled_treatment(design.data, ReshuffleScheme::kPermute, 19, 0);
  const WclsAnalysis reshuffle_0 = wcls_inference(
      design, fit_wcls_design(design, treatment, SmallSampleCorrection::kMrtAnalysis), JointTestForm::kHotellingT2);
  for (const double alpha : {reshuffle_0.effect[0].p_value, reshuffle_0.joint->p_value}) {
    PermutationSettings s = settings(200, ReshuffleScheme::kPermute, 19);
    s.alpha = alpha;
    const PermutationTestResult expected = host_refit_check(design, s);
    s.backend = GetParam();
    expect_same_result(permutation_test(design, s), expected, "alpha " + std::to_string(alpha));
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, WclsReshufflesOnBackend, ::testing::Values(Backend::kCpu, Backend::kCuda),
                         [](const ::testing::TestParamInfo<Backend>& info) {
                           return std::string(kBackendNames.name(info.param));
                         });

// The HeartSteps check as mrtsim 0.5.0 printed it (host refits; `mrtsim permute --data
// tests/data/data_mimicHeartSteps.csv --id userid --outcome logstep_30min --treatment intervention
// --rand-prob rand_prob --availability avail --moderators logstep_pre30min --controls
// logstep_pre30min,logstep_30min_lag1 --scheme permute --reshuffles 3000 --seed 3 --alpha 0.1`): the
// reshuffle streams and the counts stay what they were.
TEST(PermutationTest, HeartStepsCheckIsThatOfVersion050) {
  const WclsDesign design = testing_support::heartsteps_wcls_design();
  PermutationSettings s = settings(3000, ReshuffleScheme::kPermute, 3);
  s.alpha = 0.1;
  const PermutationTestResult r = permutation_test(design, s);
  EXPECT_EQ(r.completed, 3000u);
  ASSERT_EQ(r.effect.size(), 2u);
  EXPECT_EQ(r.effect[0].p_value_permutation, 0.08630456514495169);
  EXPECT_EQ(r.effect[0].significant_share, 0.09933333333333333);
  EXPECT_EQ(r.effect[0].quantiles.q025, -0.1506315402221408);
  EXPECT_EQ(r.effect[0].quantiles.q50, 0.013487494043336065);
  EXPECT_EQ(r.effect[0].quantiles.q975, 0.1766657096091926);
  EXPECT_EQ(r.effect[1].p_value_permutation, 0.6301232922359213);
  EXPECT_EQ(r.effect[1].significant_share, 0.08766666666666667);
  EXPECT_EQ(r.effect[1].quantiles.q50, -0.0015789380997841328);
  EXPECT_EQ(r.joint->p_value_permutation, 0.04498500499833389);
  EXPECT_EQ(r.joint->significant_share, 0.09366666666666666);
}

// ---------------------------------------------------------------------------------------------
// Command line, end to end

using testing_support::CommandResult;
using testing_support::run_mrtsim;

const std::string kHeartStepsPermute = "permute --data '" + kHeartSteps +
                                       "' --id userid --outcome logstep_30min --treatment intervention"
                                       " --rand-prob 0.6 --numerator-prob 0.6 --availability avail"
                                       " --controls logstep_pre30min --format json";

TEST(PermutationCli, HeartStepsJson) {
  const CommandResult r = run_mrtsim(kHeartStepsPermute + " --reshuffles 200 --scheme rerandomize --seed 1");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["reshuffles"], 200);
  EXPECT_EQ(j["scheme"], "rerandomize");
  EXPECT_EQ(j["seed"], 1);
  EXPECT_EQ(j["completed_reshuffles"].get<int>() + j["failed_reshuffles"].get<int>(), 200);
  ASSERT_EQ(j["effect"].size(), 1u);
  const nlohmann::json& beta = j["effect"][0];
  EXPECT_EQ(beta["term"], "(Intercept)");
  EXPECT_NEAR(beta["estimate"].get<double>() / 0.1574444, 1.0, 1e-6);
  EXPECT_NEAR(j["observed"]["effect"][0]["estimate"].get<double>() / 0.1574444, 1.0, 1e-6);
  for (const char* key : {"p_value", "p_value_permutation", "significant_share"}) EXPECT_TRUE(beta[key].is_number()) << key;
  for (const char* key : {"q2.5", "q50", "q97.5"}) EXPECT_TRUE(beta["quantiles"][key].is_number()) << key;
  for (const char* key : {"statistic", "p_value", "p_value_permutation", "significant_share"})
    EXPECT_TRUE(j["joint"][key].is_number()) << key;
  EXPECT_EQ(j["significant_share"], j["joint"]["significant_share"]);
}

TEST(PermutationCli, SameSeedSameOutputForAnyThreadCount) {
  const std::string common = kHeartStepsPermute + " --reshuffles 100 --scheme permute";
  const CommandResult one = run_mrtsim(common + " --seed 9 --threads 1");
  const CommandResult two = run_mrtsim(common + " --seed 9 --threads 2");
  const CommandResult other = run_mrtsim(common + " --seed 10 --threads 2");
  ASSERT_EQ(one.exit_code, 0) << one.err;
  EXPECT_EQ(one.out, two.out);
  EXPECT_NE(one.out, other.out);
}

// Where the reshuffles are fitted does not change a digit; --backend cuda without a GPU says why.
TEST(PermutationCli, BackendDoesNotChangeTheOutput) {
  const std::string common = kHeartStepsPermute + " --reshuffles 100 --scheme rerandomize --seed 4 --backend ";
  const CommandResult cpu = run_mrtsim(common + "cpu");
  ASSERT_EQ(cpu.exit_code, 0) << cpu.err;
  EXPECT_EQ(run_mrtsim(common + "auto").out, cpu.out);
  const CommandResult cuda = run_mrtsim(common + "cuda");
  if (cuda_backend_available()) {
    EXPECT_EQ(cuda.out, cpu.out);
  } else {
    EXPECT_NE(cuda.exit_code, 0);
    EXPECT_NE(cuda.err.find("--backend cuda"), std::string::npos) << cuda.err;
  }
  const CommandResult unknown = run_mrtsim(common + "tpu");
  EXPECT_NE(unknown.exit_code, 0);
  EXPECT_NE(unknown.err.find("--backend"), std::string::npos) << unknown.err;
}

TEST(PermutationCli, BadOptionsNameTheOption) {
  const CommandResult zero = run_mrtsim(kHeartStepsPermute + " --reshuffles 0 --seed 1");
  EXPECT_NE(zero.exit_code, 0);
  EXPECT_NE(zero.err.find("--reshuffles"), std::string::npos) << zero.err;
  const CommandResult scheme = run_mrtsim(kHeartStepsPermute + " --reshuffles 10 --scheme shuffle --seed 1");
  EXPECT_NE(scheme.exit_code, 0);
  EXPECT_NE(scheme.err.find("--scheme"), std::string::npos) << scheme.err;
}

}  // namespace
}  // namespace mrtsim
