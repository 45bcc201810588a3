// Sample size by simulation (host/engine/simulated_sample_size.h): where the formula's assumptions
// hold, the N found lands within the Monte Carlo tolerance of the formula's N; the curve and the
// choice are consistent; bad settings are named.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <string>

#include "cli_runner.h"
#include "core/user_error.h"
#include "host/config/study_config.h"
#include "host/engine/study_runner.h"

namespace mrtsim {
namespace {

// Liao et al. (2016)'s working assumptions hold: the formula gives N = 42 (Table 1B's setting).
const char* const kLiao = R"(study: {name: liao_n, seed: 5, replicates: 400}
model:
  type: liao2016
  days: 42
  decisions_per_day: 5
  rand_prob: 0.4
  availability: {shape: constant, mean: 0.5}
  baseline: [2.5, 0.727, -8.66e-4]
  effect: {shape: quadratic, mean: 0.1, initial: 0.0, day_max: 29}
  error: {type: normal}
sample_size: {method: simulation, power: 0.8, interval: [10, 200]}
analysis: {controls: [day, day^2], moderators: [day, day^2]}
)";

// Cohn et al. (2023) Section 6.2's working assumptions: a constant effect and SPNC.
const char* const kCohn = R"(study: {name: cohn_n, seed: 9, replicates: 400}
model: {type: cohn2023, decisions: 30, availability: 1, rand_prob: 0.5, spnc: 0.2, effect: 1.2}
sample_size: {method: simulation, power: 0.8, interval: [10, 200]}
analysis: {estimator: emee2, controls: [], moderators: [], test: hotelling}
)";

RunOptions options() {
  RunOptions o;
  o.threads = 2;
  return o;
}

// The N found is the smallest evaluated N whose simulated power reaches the target, the next smaller
// one evaluated does not, and the study runs at it.
void expect_consistent_search(const StudyResult& result) {
  ASSERT_EQ(result.sample_size_searches.size(), 1u);
  const SampleSizeSearch& search = result.sample_size_searches[0];
  const PowerEstimate* chosen = nullptr;
  const PowerEstimate* below = nullptr;
  for (const PowerEstimate& e : search.curve) {
    if (e.n == search.n) chosen = &e;
    if (e.n < search.n && (!below || e.n > below->n)) below = &e;
  }
  ASSERT_NE(chosen, nullptr);
  EXPECT_GE(chosen->power, search.target_power);
  if (below) {
    EXPECT_LT(below->power, search.target_power);
  }
  EXPECT_EQ(result.cells[0].sample_size, search.n);
}

// The slope of the power curve near N = 42 is about 1.2 points per subject; the search refines with
// up to 16 x 400 replicates where the power is within 2 MC SEs of 0.8 (MC SE 0.005 there): the N
// found is within a few subjects of the formula's.
TEST(SimulatedSampleSize, Liao2016FindsTheFormulasNWhereItsAssumptionsHold) {
  const StudyResult result = run_study(parse_study(kLiao, "liao.yaml"), options());
  expect_consistent_search(result);
  const SampleSizeSearch& search = result.sample_size_searches[0];
  ASSERT_TRUE(search.formula_n.has_value());
  EXPECT_EQ(*search.formula_n, 42);
  EXPECT_LE(std::abs(search.n - 42), 4) << search.n;
  ASSERT_TRUE(result.cells[0].formula_power.has_value());  // the formula's power at the N used
  EXPECT_NEAR(*result.cells[0].formula_power, 0.8, 0.05);
}

TEST(SimulatedSampleSize, Cohn2023FindsTheFormulasNWhereItsAssumptionsHold) {
  const StudyResult result = run_study(parse_study(kCohn, "cohn.yaml"), options());
  expect_consistent_search(result);
  const SampleSizeSearch& search = result.sample_size_searches[0];
  ASSERT_TRUE(search.formula_n.has_value());
  EXPECT_LE(std::abs(search.n - *search.formula_n), std::max(3, *search.formula_n / 10))
      << search.n << " vs formula " << *search.formula_n;
}

// `mrtsim samplesize --simulate STUDY.yaml` finds the same N as the study's run, without running it.
TEST(SimulatedSampleSize, SamplesizeCommandFindsTheStudysN) {
  const std::string path = ::testing::TempDir() + "/simulated_n_cli.yaml";
  std::ofstream(path) << kLiao;
  const testing_support::CommandResult json = testing_support::run_mrtsim("samplesize --simulate '" + path + "' --format json");
  ASSERT_EQ(json.exit_code, 0) << json.err;
  const StudyResult study = run_study(parse_study(kLiao, "liao.yaml"), options());
  const nlohmann::json searches = nlohmann::json::parse(json.out);
  ASSERT_EQ(searches.size(), 1u);
  EXPECT_EQ(searches[0]["n"], study.sample_size_searches[0].n);
  EXPECT_EQ(searches[0]["formula_n"], 42);
  EXPECT_EQ(searches[0]["curve"].size(), study.sample_size_searches[0].curve.size());
  const testing_support::CommandResult none = testing_support::run_mrtsim("samplesize --simulate '" + std::string(MRTSIM_SOURCE_DIR) +
                                                                          "/configs/quickstart.yaml'");
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("no scenario has sample_size: {method: simulation"), std::string::npos) << none.err;
}

TEST(SimulatedSampleSize, UnreachableTargetsAndBadIntervalsAreNamed) {
  std::string low(kLiao);
  low.replace(low.find("interval: [10, 200]"), 19, "interval: [10, 20]");
  try {
    run_study(parse_study(low, "liao.yaml"), options());
    ADD_FAILURE() << "no error";
  } catch (const UserError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("liao.yaml:11"), std::string::npos) << message;
    EXPECT_NE(message.find("simulated power at N = 20"), std::string::npos) << message;
  }
  for (const char* interval : {"interval: [200, 10]", "interval: [10]", "interval: [10.5, 20]"}) {
    std::string bad(kLiao);
    bad.replace(bad.find("interval: [10, 200]"), 19, interval);
    try {
      parse_study(bad, "liao.yaml");
      ADD_FAILURE() << interval;
    } catch (const UserError& e) {
      EXPECT_NE(std::string(e.what()).find("sample_size.interval"), std::string::npos) << e.what();
    }
  }
  std::string unknown(kLiao);
  unknown.replace(unknown.find("power: 0.8,"), 11, "power: 0.8, budget: 3,");
  EXPECT_THROW(parse_study(unknown, "liao.yaml"), UserError);
}

}  // namespace
}  // namespace mrtsim
