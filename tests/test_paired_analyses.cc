// study.paired_analyses: scenarios that differ only in analysis.* settings analyse the same cohorts,
// and each coefficient reports its relative precision against the first of them. Checked by two
// analyses that must give identical estimates on shared cohorts (relative precision exactly 0) and
// differ without pairing, and by the relative precision of WCLS against DCEE recomputed from the
// per-replicate estimates with the formulas of Morris et al. (2019), Table 6.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "host/config/study_config.h"
#include "host/engine/study_runner.h"

namespace mrtsim {
namespace {

RunOptions cpu() {
  RunOptions options;
  options.backend = "cpu";
  options.threads = 2;
  return options;
}

const char* const kLiao = R"(study: {name: paired_liao, seed: 8, replicates: 300, paired_analyses: PAIRED}
model: {type: liao2016, days: 10, decisions_per_day: 3, rand_prob: 0.4, availability: {shape: constant, mean: 0.6},
        effect: {shape: linear, mean: 0.2, initial: 0.1}, error: {type: normal}}
sample_size: 30
grid:
  - key: model.effect.mean
    values: [0.2, 0.3]
  - key: analysis.alpha
    values: [0.05, 0.1]
analysis: {controls: [day], moderators: [day]}
)";

StudyResult run_liao(bool paired) {
  std::string text = kLiao;
  text.replace(text.find("PAIRED"), 6, paired ? "true" : "false");
  return run_study(parse_study(text, "paired.yaml"), cpu());
}

TEST(PairedAnalyses, AnalysesOfTheSameModelShareCohorts) {
  const StudyResult paired = run_liao(true);
  ASSERT_EQ(paired.cells.size(), 8u);  // 2 effects x 2 alphas x 2 hypotheses, scenario-major
  for (int scenario : {1, 3}) {        // alpha 0.1 against alpha 0.05 of the same effect
    EXPECT_EQ(paired.study.scenarios[scenario].stream_index, scenario - 1);
    for (int h = 0; h < 2; ++h) {
      const CellSummary& cell = paired.cells[2 * scenario + h].summary;
      const CellSummary& reference = paired.cells[2 * (scenario - 1) + h].summary;
      for (std::size_t j = 0; j < cell.coefficients.size(); ++j) {
        EXPECT_EQ(cell.coefficients[j].measures.mean_estimate.value, reference.coefficients[j].measures.mean_estimate.value);
        EXPECT_EQ(cell.coefficients[j].measures.relative_precision.value, 0.0);
        EXPECT_EQ(cell.coefficients[j].measures.relative_precision.mc_se, 0.0);
      }
      EXPECT_GE(cell.rejection.rate.value, reference.rejection.rate.value);  // a larger alpha rejects more
    }
  }
  // Different models are not paired; without pairing every scenario has its own cohorts.
  EXPECT_EQ(paired.study.scenarios[2].stream_index, 2);
  const StudyResult unpaired = run_liao(false);
  EXPECT_EQ(unpaired.study.scenarios[1].stream_index, 1);
  EXPECT_NE(unpaired.cells[2].summary.coefficients[0].measures.mean_estimate.value,
            unpaired.cells[0].summary.coefficients[0].measures.mean_estimate.value);
  EXPECT_TRUE(std::isnan(unpaired.cells[2].summary.coefficients[0].measures.relative_precision.value));
}

double mean(const std::vector<double>& x) {
  double total = 0.0;
  for (double v : x) total += v;
  return total / x.size();
}

TEST(PairedAnalyses, RelativePrecisionOfWclsAgainstDceeFromTheReplicates) {
  const StudyConfig study = parse_study(R"(study: {name: paired_qian, seed: 2025, replicates: 400, paired_analyses: true}
model: {type: qian2025}
sample_size: 60
grid:
  - keys: [analysis.estimator, analysis.numerator_prob]
    values: [[dcee, 0.5], [wcls, 0.5]]
hypotheses: [alternative]
analysis: {controls: [X, Z], moderators: []}
truth: {method: monte_carlo, subjects: 20000}
output: {replicates: true}
)",
                                        "paired_qian.yaml");
  const StudyResult result = run_study(study, cpu());
  ASSERT_EQ(result.cells.size(), 2u);
  const std::size_t effect = result.cells[0].summary.coefficients.size() - 1;
  std::vector<double> dcee, wcls;
  for (const ReplicateRecord& r : result.cells[0].replicates[effect]) dcee.push_back(r.estimate);
  for (const ReplicateRecord& r : result.cells[1].replicates[effect]) wcls.push_back(r.estimate);
  ASSERT_EQ(dcee.size(), 400u);
  ASSERT_EQ(wcls.size(), 400u);
  const double m_dcee = mean(dcee), m_wcls = mean(wcls);
  double var_dcee = 0.0, var_wcls = 0.0, cov = 0.0;
  for (std::size_t i = 0; i < dcee.size(); ++i) {
    var_dcee += (dcee[i] - m_dcee) * (dcee[i] - m_dcee);
    var_wcls += (wcls[i] - m_wcls) * (wcls[i] - m_wcls);
    cov += (dcee[i] - m_dcee) * (wcls[i] - m_wcls);
  }
  const double n = dcee.size(), ratio = var_dcee / var_wcls, rho = cov / std::sqrt(var_dcee * var_wcls);
  const Measure& precision = result.cells[1].summary.coefficients[effect].measures.relative_precision;
  EXPECT_NEAR(precision.value, 100.0 * (ratio - 1.0), 1e-9);
  EXPECT_NEAR(precision.mc_se, 200.0 * ratio * std::sqrt((1.0 - rho * rho) / (n - 1.0)), 1e-9);
  EXPECT_GT(rho, 0.5);  // paired: the two estimators see the same cohorts
  EXPECT_EQ(result.cells[0].summary.coefficients[effect].measures.relative_precision.value, 0.0);
}

}  // namespace
}  // namespace mrtsim
