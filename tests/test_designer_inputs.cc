// A designer's own inputs to a liao2016 study: per-day or per-decision values (YAML lists, lists
// repeated within each day, CSV columns) for availability, randomization probability, effect and
// baseline; and attrition (dropout), after which a participant has no rows. Checked against
// independent values: the same trial written as shapes gives bit-identical tables; the share of
// participants still in the study follows the survival curve (binomial); the WCLS truth with
// dropout (a closed-form weighted projection) is what the estimates average to; the Liao formula's
// power with dropout is what the simulation delivers.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "cli_runner.h"
#include "core/user_error.h"
#include "host/config/study_config.h"
#include "host/engine/liao_design.h"
#include "host/engine/sample_size_plan.h"
#include "host/engine/scenario_plan.h"
#include "host/engine/study_runner.h"
#include "sims/liao_model.h"
#include "sims/shapes.h"

namespace mrtsim {
namespace {

// 14 days x 4 decision points; quadratic effect and linear availability, as shapes.
const char* const kShapes = R"(study: {name: designer, seed: 21, replicates: 300}
model:
  type: liao2016
  days: 14
  decisions_per_day: 4
  rand_prob: 0.5
  availability: {shape: linear, mean: 0.6, initial: 0.8}
  baseline: [1.0, 0.1, -0.004]
  effect: {shape: quadratic, mean: 0.2, initial: 0.05, day_max: 9}
  error: {type: ar1, phi: 0.3}
sample_size: 30
analysis: {controls: [day, day^2], moderators: [day, day^2]}
)";

std::string replace(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return at == std::string::npos ? text : text.replace(at, from.size(), to);
}

std::filesystem::path scratch(const std::string& name) {
  const std::filesystem::path dir = std::filesystem::path(::testing::TempDir()) / ("designer_inputs_" + name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

std::string yaml_list(const std::vector<double>& values) {
  std::ostringstream out;
  out.precision(17);
  out << "[";
  for (size_t i = 0; i < values.size(); ++i) out << (i ? ", " : "") << values[i];
  return out.str() + "]";
}

void write_column(const std::filesystem::path& path, const std::string& header, const std::vector<double>& values) {
  std::ofstream out(path);
  out.precision(17);
  out << header << "\n";
  for (double v : values) out << v << "\n";
}

std::string error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const UserError& e) {
    return e.what();
  }
  return "(no error)";
}

RunOptions quiet(int threads = 2) {
  RunOptions options;
  options.backend = "cpu";
  options.threads = threads;
  return options;
}

TEST(DesignerInputs, ValuesGivenAsListsAndCsvFilesEqualTheSameShapes) {
  const StudyConfig shaped = parse_study(kShapes, "shapes.yaml");
  const LiaoModelConfig& model = shaped.scenarios[0].model;
  const std::vector<double> tau_per_day = shape_per_day(model.availability.shape, model.days);
  const std::vector<double> effect_per_decision =
      expand_per_decision(shape_per_day(model.effect.shape, model.days), model.decisions_per_day);
  std::vector<double> alpha_per_day(model.days);
  for (int k = 0; k < model.days; ++k) alpha_per_day[k] = 1.0 + 0.1 * k - 0.004 * k * k;

  const std::filesystem::path dir = scratch("values");
  write_column(dir / "tau.csv", "day_tau", tau_per_day);
  std::string text = replace(kShapes, "{shape: linear, mean: 0.6, initial: 0.8}", "{file: tau.csv}");
  text = replace(text, "{shape: quadratic, mean: 0.2, initial: 0.05, day_max: 9}", yaml_list(effect_per_decision));
  text = replace(text, "baseline: [1.0, 0.1, -0.004]", "baseline: {values: " + yaml_list(alpha_per_day) + "}");
  text = replace(text, "rand_prob: 0.5", "rand_prob: {within_day: [0.5, 0.5, 0.5, 0.5]}");
  const StudyConfig listed = parse_study(text, (dir / "values.yaml").string());

  const LiaoDesign a = resolve_liao_design(model), b = resolve_liao_design(listed.scenarios[0].model);
  EXPECT_EQ(a.rand_prob, b.rand_prob);
  EXPECT_EQ(a.effect, b.effect);
  for (size_t t = 0; t < a.availability.size(); ++t) {
    EXPECT_DOUBLE_EQ(a.availability[t], b.availability[t]) << t;
    EXPECT_DOUBLE_EQ(a.baseline[t], b.baseline[t]) << t;
  }
  // The simulated tables: identical replicates wherever the inputs are identical to the last bit,
  // and within rounding of the inputs otherwise.
  const StudyResult from_shapes = run_study(shaped, quiet()), from_values = run_study(listed, quiet());
  ASSERT_EQ(from_shapes.cells.size(), from_values.cells.size());
  for (size_t c = 0; c < from_shapes.cells.size(); ++c) {
    const CellSummary& x = from_shapes.cells[c].summary;
    const CellSummary& y = from_values.cells[c].summary;
    EXPECT_EQ(x.rejection.rejections, y.rejection.rejections) << c;
    for (size_t j = 0; j < x.coefficients.size(); ++j) {
      EXPECT_NEAR(x.coefficients[j].measures.mean_estimate.value, y.coefficients[j].measures.mean_estimate.value, 1e-12)
          << c << " " << x.coefficients[j].name;
      EXPECT_NEAR(x.coefficients[j].truth, y.coefficients[j].truth, 1e-12) << x.coefficients[j].name;
    }
  }
  // The formula: the effect given as values is tested in the analysis' effect model (quadratic in the
  // day here, the shape's own), so N is the shape's.
  const auto formula_n = [](const std::string& yaml, const std::string& file) {
    return with_planned_sample_sizes(parse_study(replace(yaml, "sample_size: 30", "sample_size: formula"), file))
        .scenarios[0]
        .sample_size;
  };
  EXPECT_EQ(formula_n(kShapes, "shapes.yaml"), formula_n(text, (dir / "values.yaml").string()));
}

TEST(DesignerInputs, SeveralDecisionPointsPerDayWithTheirOwnProbabilities) {
  const StudyConfig study = parse_study(
      replace(kShapes, "rand_prob: 0.5", "rand_prob: {within_day: [0.3, 0.5, 0.5, 0.7]}"), "within.yaml");
  const LiaoDesign design = resolve_liao_design(study.scenarios[0].model);
  ASSERT_EQ(design.rand_prob.size(), 56u);
  for (int t = 0; t < 56; ++t) EXPECT_EQ(design.rand_prob[t], (std::vector<double>{0.3, 0.5, 0.5, 0.7})[t % 4]) << t;
  // The simulation treats at those rates: the share treated at the first and last decision point of
  // the day, over a cohort, within 4 binomial SEs.
  const ScenarioPlan plan(study, study.scenarios[0], Hypothesis::kAlternative);
  int treated[4] = {0, 0, 0, 0}, drawn[4] = {0, 0, 0, 0};
  for (uint32_t subject = 0; subject < 2000; ++subject) {
    auto count = [&](const DecisionRow& row) {
      drawn[row.t % 4] += 1;
      treated[row.t % 4] += row.treated;
    };
    simulate_liao_subject(plan.task().model, StreamKey{21, plan.stream(), 0, subject, StreamPurpose::kCohort}, count);
  }
  for (int slot = 0; slot < 4; ++slot) {
    const double p = (std::vector<double>{0.3, 0.5, 0.5, 0.7})[slot];
    EXPECT_NEAR(double(treated[slot]) / drawn[slot], p, 4 * std::sqrt(p * (1 - p) / drawn[slot])) << slot;
  }
  // And the WCLS weights follow them: the study runs and its estimates centre on the truth.
  const CellSummary cell = run_study(study, quiet()).cells[1].summary;
  for (const CoefficientSummary& c : cell.coefficients)
    EXPECT_LE(std::fabs(c.measures.bias.value), 4 * c.measures.bias.mc_se) << c.name;
}

TEST(DesignerInputs, BadValuesNameTheKeyAndTheFile) {
  const std::filesystem::path dir = scratch("bad");
  write_column(dir / "short.csv", "tau", {0.5, 0.6, 0.7});
  std::vector<double> one_too_high(14, 0.4);
  one_too_high[6] = 1.2;
  write_column(dir / "high.csv", "rho", one_too_high);
  const auto plan_error = [&](const std::string& from, const std::string& to) {
    const std::string yaml = replace(kShapes, from, to);
    return error_of([&] {
      const StudyConfig study = parse_study(yaml, (dir / "bad.yaml").string());
      resolve_liao_design(study.scenarios[0].model);
    });
  };
  const std::string wrong_length = plan_error("{shape: linear, mean: 0.6, initial: 0.8}", "{file: short.csv}");
  EXPECT_NE(wrong_length.find("bad.yaml:7: key 'model.availability' (" + (dir / "short.csv").string() +
                              "): 3 availability values; expected one per day (14) or one per decision point (56)"),
            std::string::npos)
      << wrong_length;
  const std::string outside = plan_error("rand_prob: 0.5", "rand_prob: {file: high.csv, column: rho}");
  EXPECT_NE(outside.find("key 'model.rand_prob'"), std::string::npos) << outside;
  EXPECT_NE(outside.find("randomization probability 1.2 at row 7 is outside (0, 1)"), std::string::npos) << outside;
  const std::string within = plan_error("rand_prob: 0.5", "rand_prob: {within_day: [0.3, 0.5]}");
  EXPECT_NE(within.find("key 'model.rand_prob.within_day': 2 randomization probability values; expected one per "
                        "decision point of a day (4)"),
            std::string::npos)
      << within;
  const std::string listed = plan_error("rand_prob: 0.5", "rand_prob: [0.3, 1.5]");
  EXPECT_NE(listed.find("key 'model.rand_prob': value 1.5 is out of range"), std::string::npos) << listed;
  const std::string missing = plan_error("{shape: linear, mean: 0.6, initial: 0.8}", "{file: nowhere.csv}");
  EXPECT_NE(missing.find("key 'model.availability'"), std::string::npos) << missing;
  EXPECT_NE(missing.find("nowhere.csv"), std::string::npos) << missing;
  const std::string column = plan_error("{shape: linear, mean: 0.6, initial: 0.8}", "{file: short.csv, column: p}");
  EXPECT_NE(column.find("has no column 'p'"), std::string::npos) << column;
  const std::string baseline = plan_error("baseline: [1.0, 0.1, -0.004]", "baseline: {within: [1, 2]}");
  EXPECT_NE(baseline.find("key 'model.baseline': expected polynomial coefficients"), std::string::npos) << baseline;
  // An effect given as values is tested in the analysis' effect model, which the formula needs in the day.
  std::string decision_moderated = replace(kShapes, "moderators: [day, day^2]}", "moderators: [decision]}");
  decision_moderated = replace(decision_moderated, "{shape: quadratic, mean: 0.2, initial: 0.05, day_max: 9}",
                               "{within_day: [0.1, 0.2, 0.2, 0.1]}");
  decision_moderated = replace(decision_moderated, "sample_size: 30", "sample_size: formula");
  const std::string effect_model =
      error_of([&] { with_planned_sample_sizes(parse_study(decision_moderated, "fm.yaml")); });
  EXPECT_NE(effect_model.find("fm.yaml:9: key 'model.effect.within_day'"), std::string::npos) << effect_model;
  EXPECT_NE(effect_model.find("they must be [], [day] or [day, day^2]"), std::string::npos) << effect_model;
}

// Dropout: every participant takes part on day 1; the share still in the study on day k follows S(k).
TEST(DesignerInputs, DropoutFollowsTheSurvivalCurveAndLeavesNoRows) {
  const StudyConfig study = parse_study(std::string(kShapes) + "", "d.yaml");
  StudyConfig with_dropout =
      parse_study(replace(kShapes, "  error: {type: ar1, phi: 0.3}\n",
                          "  error: {type: ar1, phi: 0.3}\n  dropout: {survival: [1, 0.95, 0.9, 0.9, 0.8, 0.8, 0.8, 0.7, "
                          "0.7, 0.6, 0.6, 0.5, 0.5, 0.5]}\n"),
                  "d.yaml");
  const std::vector<double> survival{1, 0.95, 0.9, 0.9, 0.8, 0.8, 0.8, 0.7, 0.7, 0.6, 0.6, 0.5, 0.5, 0.5};
  const ScenarioPlan plain(study, study.scenarios[0], Hypothesis::kAlternative);
  const ScenarioPlan plan(with_dropout, with_dropout.scenarios[0], Hypothesis::kAlternative);
  const int subjects = 4000;
  std::vector<int> present(14, 0);
  for (uint32_t subject = 0; subject < subjects; ++subject) {
    const StreamKey key{21, plan.stream(), 3, subject, StreamPurpose::kCohort};
    const int taken_part = liao_decisions_taken_part(plan.task().model, key);
    ASSERT_EQ(taken_part % 4, 0) << "participants leave between days";
    for (int k = 0; k < taken_part / 4; ++k) ++present[k];
    // The same draws as without dropout up to the last decision point taken part in; unavailable after.
    std::vector<DecisionRow> rows, plain_rows;
    auto keep = [&](const DecisionRow& row) { rows.push_back(row); };
    auto keep_plain = [&](const DecisionRow& row) { plain_rows.push_back(row); };
    simulate_liao_subject(plan.task().model, key, keep);
    simulate_liao_subject(plain.task().model, key, keep_plain);
    for (int t = 0; t < 56; ++t) {
      if (t < taken_part) {
        EXPECT_EQ(rows[t].available, plain_rows[t].available);
        EXPECT_EQ(rows[t].outcome, plain_rows[t].outcome);
      } else {
        EXPECT_FALSE(rows[t].available) << subject << " " << t;
      }
    }
  }
  EXPECT_EQ(present[0], subjects);
  for (int k = 1; k < 14; ++k)
    EXPECT_NEAR(double(present[k]) / subjects, survival[k], 4 * std::sqrt(survival[k] * (1 - survival[k]) / subjects))
        << "day " << k + 1;
}

// The truth with dropout: rows at t exist with probability tau_t S_t, so the marginal effect's
// probability limit is the tau_t S_t rho(1 - rho)-weighted mean of d(t), computed here directly; the
// simulated estimates average to it, and it differs from the truth without dropout.
TEST(DesignerInputs, DropoutShiftsTheMarginalTruthAndTheEstimatesFollow) {
  std::string text = replace(kShapes, "moderators: [day, day^2]}", "moderators: []}");
  text = replace(text, "  error: {type: ar1, phi: 0.3}\n", "  error: {type: ar1, phi: 0.3}\n  dropout: {rate_per_day: 0.08}\n");
  text = replace(text, "replicates: 300", "replicates: 3000");
  const StudyConfig study = parse_study(text, "truth.yaml");
  const LiaoDesign design = resolve_liao_design(study.scenarios[0].model);
  double weighted = 0.0, weights = 0.0, plain = 0.0, plain_weights = 0.0;
  for (int t = 0; t < 56; ++t) {
    const double s = std::pow(0.92, t / 4);
    weighted += design.availability[t] * s * design.effect[t];
    weights += design.availability[t] * s;
    plain += design.availability[t] * design.effect[t];
    plain_weights += design.availability[t];
  }
  const double truth = weighted / weights, truth_without = plain / plain_weights;
  const StudyResult result = run_study(study, quiet());
  const CellSummary& alternative = result.cells[1].summary;
  const CoefficientSummary& effect = alternative.coefficients.back();
  ASSERT_EQ(effect.name, "effect:(Intercept)");
  EXPECT_NEAR(effect.truth, truth, 1e-12);
  EXPECT_GT(std::fabs(truth - truth_without), 0.01);
  EXPECT_LE(std::fabs(effect.measures.mean_estimate.value - truth), 4 * effect.measures.mean_estimate.mc_se);
  EXPECT_GT(std::fabs(effect.measures.mean_estimate.value - truth_without), 4 * effect.measures.mean_estimate.mc_se);
}

// The formula with dropout (availability tau_t S_t) chooses an N whose simulated power is the
// formula's, within Monte Carlo error; the N without dropout loses power.
TEST(DesignerInputs, FormulaWithDropoutKeepsItsPowerInSimulation) {
  const std::string text = std::string(R"(study: {name: dropout_power, seed: 5, replicates: 2000}
model:
  type: liao2016
  days: 42
  decisions_per_day: 5
  rand_prob: 0.4
  availability: {shape: constant, mean: 0.5}
  effect: {shape: quadratic, mean: 0.1, initial: 0.0, day_max: 29}
  error: {type: normal}
  dropout: {rate_per_day: 0.015}
sample_size: formula
hypotheses: [alternative]
analysis: {controls: [day, day^2], moderators: [day, day^2]}
)");
  const StudyConfig study = with_planned_sample_sizes(parse_study(text, "power.yaml"));
  const ScenarioConfig& s = study.scenarios[0];
  EXPECT_GT(s.sample_size, 42);  // the same trial without dropout needs 42 (Liao 2016 Table 1B)
  const double formula_power = s.formula->predicted_power;
  const CellSummary cell = run_study(study, quiet()).cells[0].summary;
  const double se = std::sqrt(formula_power * (1 - formula_power) / cell.replicates);
  EXPECT_NEAR(cell.rejection.rate.value, formula_power, 4 * se);
  StudyConfig at_42 = study;
  at_42.scenarios[0].sample_size = 42;
  at_42.scenarios[0].formula.reset();
  const CellSummary smaller = run_study(at_42, quiet()).cells[0].summary;
  EXPECT_LT(smaller.rejection.rate.value, formula_power - 8 * se);
}

// cohn2023 with dropout per decision point. Where the working model holds (a constant relative risk)
// the formula's N (availability x survival) delivers the formula's power in simulation; with a relative
// risk that changes over t, the marginal effect's truth is the survival-weighted one, and the
// estimates centre there.
const char* const kBinaryDropout = R"(study: {name: cohn_dropout, seed: 5, replicates: 2000}
model:
  type: cohn2023
  decisions: 30
  availability: {shape: constant, mean: 0.8}
  rand_prob: 0.5
  spnc: {shape: linear_theta, theta: -0.3, average: 0.2}
  effect: {shape: constant, average: 1.3}
  dropout: {rate_per_decision: 0.03}
sample_size: formula
hypotheses: [alternative]
analysis: {estimator: emee2, controls: [t], moderators: []}
)";

TEST(DesignerInputs, BinaryOutcomeFormulaWithDropoutKeepsItsPower) {
  const StudyConfig study = with_planned_sample_sizes(parse_study(kBinaryDropout, "cohn_dropout.yaml"));
  const std::string dropout_line = "  dropout: {rate_per_decision: 0.03}\n";
  std::string without = kBinaryDropout;
  without.erase(without.find(dropout_line), dropout_line.size());
  EXPECT_GT(study.scenarios[0].sample_size,
            with_planned_sample_sizes(parse_study(without, "plain.yaml")).scenarios[0].sample_size);
  const double formula_power = study.scenarios[0].formula->predicted_power;
  const CellSummary cell = run_study(study, quiet()).cells[0].summary;
  EXPECT_NEAR(cell.rejection.rate.value, formula_power,
              4 * std::sqrt(formula_power * (1 - formula_power) / cell.replicates));
}

TEST(DesignerInputs, BinaryOutcomeDropoutShiftsTheMarginalTruth) {
  std::string text = replace(kBinaryDropout, "effect: {shape: constant, average: 1.3}",
                             "effect: {shape: linear_theta, theta: -0.5, average: 1.3}");
  text = replace(text, "sample_size: formula", "sample_size: 80");
  const std::string dropout_line = "  dropout: {rate_per_decision: 0.03}\n";
  std::string without = text;
  without.erase(without.find(dropout_line), dropout_line.size());
  const CoefficientSummary effect = run_study(parse_study(text, "d.yaml"), quiet()).cells[0].summary.coefficients.back();
  const CoefficientSummary plain = run_study(parse_study(without, "p.yaml"), quiet()).cells[0].summary.coefficients.back();
  ASSERT_EQ(effect.name, "effect:(Intercept)");
  EXPECT_GT(std::fabs(effect.truth - plain.truth), 0.01);
  EXPECT_LE(std::fabs(effect.measures.bias.value), 4 * effect.measures.bias.mc_se);
  EXPECT_GT(std::fabs(effect.measures.mean_estimate.value - plain.truth), 4 * effect.measures.mean_estimate.mc_se);
}

TEST(DesignerInputs, BadDropoutIsNamed) {
  const auto error_with = [](const std::string& dropout) {
    const std::string yaml = replace(kShapes, "  error: {type: ar1, phi: 0.3}\n",
                                     "  error: {type: ar1, phi: 0.3}\n  dropout: " + dropout + "\n");
    return error_of([&] { resolve_liao_design(parse_study(yaml, "drop.yaml").scenarios[0].model); });
  };
  EXPECT_NE(error_with("{rate_per_day: 1.5}").find("key 'model.dropout.rate_per_day'"), std::string::npos);
  EXPECT_NE(error_with("{rate_per_day: 0.1, survival: [1]}").find("give either rate_per_day"), std::string::npos);
  EXPECT_NE(error_with("{}").find("give either rate_per_day"), std::string::npos);
  const std::string first = error_with("{survival: [0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9]}");
  EXPECT_NE(first.find("key 'model.dropout.survival': survival at the first day is 0.9; it must be 1"), std::string::npos)
      << first;
  const std::string rises = error_with("{survival: [1, 0.9, 0.95, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9]}");
  EXPECT_NE(rises.find("survival rises from 0.9 at day 2 to 0.95 at day 3"), std::string::npos) << rises;
  const std::string length = error_with("{survival: [1, 0.9]}");
  EXPECT_NE(length.find("2 survival probability values; expected 14, one per day"), std::string::npos) << length;
  const std::string carryover = error_of([] {
    parse_study(replace(kShapes, "  error: {type: ar1, phi: 0.3}\n",
                        "  error: {type: normal}\n  treatment_carryover: {lags: 2, eta_exposure: 0, eta_noise: 0, gamma_level: 0, gamma_effect: 0}\n  dropout: {rate_per_day: 0.01}\n"),
                "c.yaml");
  });
  EXPECT_NE(carryover.find("cannot be combined with treatment_carryover"), std::string::npos) << carryover;
  // cohn2023 counts dropout per decision point.
  const std::string binary = error_of([] {
    parse_study(replace(kBinaryDropout, "rate_per_decision: 0.03", "rate_per_day: 0.03"), "b.yaml");
  });
  EXPECT_NE(binary.find("key 'model.dropout': give either rate_per_decision"), std::string::npos) << binary;
}

// `mrtsim samplesize` and `power` with the designer's files: per-day values equal to a shape give the
// shape's N; dropout is the availability multiplied by the survival (a file of tau (1 - r)^k gives
// the same N); options that would go unused are refused.
TEST(DesignerInputs, SampleSizeCommandTakesFilesAndDropout) {
  using testing_support::run_mrtsim;
  const std::filesystem::path dir = scratch("cli");
  const ShapeSpec effect{ShapeKind::kQuadratic, 0.1, 0.0, 29};
  write_column(dir / "effect.csv", "d", shape_per_day(effect, 42));
  std::vector<double> thinned(42);
  for (int k = 0; k < 42; ++k) thinned[k] = 0.5 * std::pow(1 - 0.01, k);
  write_column(dir / "thinned.csv", "tau", thinned);
  const std::string design = " --days 42 --decisions-per-day 5 --rand-prob 0.4 --format json";
  const std::string shape_effect = " --effect quadratic --effect-mean 0.1 --effect-initial 0 --effect-max-day 29";
  const std::string shape_availability = " --availability constant --avail-mean 0.5";
  const auto n_of = [&](const std::string& options) {
    const testing_support::CommandResult result = run_mrtsim("samplesize" + design + options);
    EXPECT_EQ(result.exit_code, 0) << options << "\n" << result.err;
    return result.exit_code == 0 ? nlohmann::json::parse(result.out)["n"].get<int>() : -1;
  };
  EXPECT_EQ(n_of(shape_effect + shape_availability), 42);  // Liao (2016) Table 1B
  EXPECT_EQ(n_of(" --effect quadratic --effect-file '" + (dir / "effect.csv").string() + "'" + shape_availability), 42);
  const int with_dropout = n_of(shape_effect + shape_availability + " --dropout-per-day 0.01");
  EXPECT_GT(with_dropout, 42);
  EXPECT_EQ(n_of(shape_effect + " --avail-file '" + (dir / "thinned.csv").string() + "'"), with_dropout);

  const testing_support::CommandResult both =
      run_mrtsim("samplesize" + design + shape_effect + " --effect-file '" + (dir / "effect.csv").string() + "'" +
                 shape_availability);
  EXPECT_NE(both.exit_code, 0);
  EXPECT_NE(both.err.find("--effect-mean does not apply with --effect-file"), std::string::npos) << both.err;
  write_column(dir / "short.csv", "d", {0.1, 0.2});
  const testing_support::CommandResult short_file = run_mrtsim(
      "power --n 40" + design + " --effect linear --effect-file '" + (dir / "short.csv").string() + "'" + shape_availability);
  EXPECT_NE(short_file.err.find("--effect-file " + (dir / "short.csv").string() +
                                ": 2 values; expected one per day (42) or one per decision point (210)"),
            std::string::npos)
      << short_file.err;
  const testing_support::CommandResult rate = run_mrtsim("power --n 40" + design + shape_effect + shape_availability +
                                                         " --dropout-per-day 1");
  EXPECT_NE(rate.err.find("--dropout-per-day must be in [0, 1) (got 1)"), std::string::npos) << rate.err;
}

}  // namespace
}  // namespace mrtsim
