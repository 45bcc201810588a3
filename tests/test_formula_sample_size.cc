// `sample_size: formula` in a study: the engine chooses N per scenario with the Liao (2016) formula.
// Checked against the paper's Table 1B (availability Pattern 1 = constant) for the 4-, 6- and 8-week
// studies: 48 published sample sizes, an independent source.
#include <gtest/gtest.h>

#include <string>

#include "host/config/study_config.h"
#include "host/engine/sample_size_plan.h"
#include "host/engine/study_runner.h"
#include "core/user_error.h"

namespace mrtsim {
namespace {

// The study as the engine plans it: N chosen by the formula.
StudyConfig planned_study(const std::string& yaml, const std::string& file) {
  return with_planned_sample_sizes(parse_study(yaml, file));
}

std::string study_yaml(int days, const std::string& sample_size) {
  return "study: {name: f, seed: 1, replicates: 10}\n"
         "model:\n"
         "  type: liao2016\n"
         "  days: " + std::to_string(days) + "\n"
         "  decisions_per_day: 5\n"
         "  rand_prob: 0.4\n"
         "  availability: {shape: constant, mean: 0.5}\n"
         "  effect: {shape: quadratic, mean: 0.1, initial: 0.0, day_max: 22}\n"
         "  error: {type: normal}\n"
         "sample_size: " + sample_size + "\n"
         "analysis: {controls: [day, day^2], moderators: [day, day^2]}\n";
}

struct Table1BRow {
  int days;
  int day_max;
  int n[6];  // availability 0.5 then 0.7; average effect 0.10, 0.08, 0.06
};

// Liao et al. (2016) Table 1B, Pattern 1 rows. (Its 4-week row with the maximum on day 29 places the
// vertex after the 28-day study, which mrtsim rejects as an input error, so it is not listed.)
const Table1BRow kTable1B[] = {
    {28, 15, {59, 89, 154, 43, 65, 112}}, {28, 22, {60, 91, 158, 44, 66, 114}},
    {42, 22, {41, 61, 105, 31, 45, 76}},  {42, 29, {42, 64, 109, 32, 47, 79}},  {42, 36, {41, 62, 106, 31, 45, 77}},
    {56, 29, {32, 47, 80, 25, 35, 58}},   {56, 36, {33, 49, 84, 26, 37, 61}},   {56, 43, {33, 48, 82, 25, 36, 60}},
};

TEST(FormulaSampleSize, MatchesPaperTable1BPatternOne) {
  for (const Table1BRow& row : kTable1B) {
    StudyConfig study = planned_study(study_yaml(row.days, "formula") + R"(grid:
  - keys: [model.availability.mean, model.effect.mean]
    values: [[0.5, 0.10], [0.5, 0.08], [0.5, 0.06], [0.7, 0.10], [0.7, 0.08], [0.7, 0.06]]
  - key: model.effect.day_max
    values: [)" + std::to_string(row.day_max) + "]\n",
                                    "formula.yaml");
    ASSERT_EQ(study.scenarios.size(), 6u);
    for (int c = 0; c < 6; ++c) {
      const ScenarioConfig& s = study.scenarios[c];
      EXPECT_EQ(s.sample_size, row.n[c]) << row.days << " days, max on day " << row.day_max << ", cell " << c;
      ASSERT_TRUE(s.formula.has_value());
      EXPECT_GE(s.formula->predicted_power, 0.8);
      EXPECT_LT(s.formula->predicted_power, 0.85);
    }
  }
}

TEST(FormulaSampleSize, FormulaInputsMayDifferFromTheTrueModel) {
  // An under-estimated average effect (0.06 instead of the true 0.10) asks for the 0.06 sample size.
  const StudyConfig study = planned_study(
      study_yaml(42, "{method: formula, effect: {shape: quadratic, mean: 0.06, initial: 0.0, day_max: 22}}"),
      "formula.yaml");
  EXPECT_DOUBLE_EQ(study.scenarios[0].model.effect.shape.mean, 0.1);
  EXPECT_DOUBLE_EQ(study.scenarios[0].formula->effect.shape.mean, 0.06);
  const StudyConfig reference = planned_study(
      study_yaml(42, "formula").replace(study_yaml(42, "formula").find("mean: 0.1,"), 10, "mean: 0.06,"), "f.yaml");
  EXPECT_EQ(study.scenarios[0].sample_size, reference.scenarios[0].sample_size);
}

TEST(FormulaSampleSize, BadFormulaSettingsNameTheKey) {
  const auto message = [](const std::string& yaml) {
    try {
      planned_study(yaml, "formula.yaml");
    } catch (const UserError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message(study_yaml(42, "{method: magic}")).find("sample_size.method"), std::string::npos);
  EXPECT_NE(message(study_yaml(42, "{method: formula, power: 2}")).find("sample_size.power"), std::string::npos);
  const std::string unreachable = message(study_yaml(42, "{method: formula, max_n: 12}"));
  EXPECT_NE(unreachable.find("key 'sample_size'"), std::string::npos) << unreachable;
  EXPECT_NE(unreachable.find("formula"), std::string::npos) << unreachable;
}

TEST(FormulaSampleSize, TablesReportTheFormulaPower) {
  StudyConfig study = planned_study(study_yaml(42, "formula") + "hypotheses: [alternative]\n", "formula.yaml");
  study.replicates = 20;
  const StudyResult result = run_study(study, RunOptions{});
  ASSERT_TRUE(result.cells[0].formula_power.has_value());
  EXPECT_DOUBLE_EQ(*result.cells[0].formula_power, study.scenarios[0].formula->predicted_power);
}

}  // namespace
}  // namespace mrtsim
