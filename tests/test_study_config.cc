// Study YAML parsing: the grid's cross product and linked keys, and that every bad input gives an
// error naming the file, line and key.
#include <gtest/gtest.h>

#include <string>

#include "host/config/study_config.h"
#include "host/engine/liao_design.h"
#include "core/user_error.h"

namespace mrtsim {
namespace {

const char* const kBase = R"(study:
  name: t
  seed: 7
  replicates: 10
model:
  type: liao2016
  days: 42
  decisions_per_day: 5
  rand_prob: 0.4
  availability: {shape: constant, mean: 0.5}
  effect: {shape: quadratic, mean: 0.1, initial: 0.0, day_max: 29}
  error: {type: normal}
sample_size: 42
analysis:
  controls: [day, day^2]
  moderators: [day, day^2]
)";

std::string error_of(const std::string& yaml) {
  try {
    parse_study(yaml, "study.yaml");
  } catch (const UserError& e) {
    return e.what();
  }
  return "no error";
}

std::string replace(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return text.replace(at, from.size(), to);
}

TEST(StudyConfig, GridIsCrossProductWithLinkedKeys) {
  const std::string yaml = std::string(kBase) + R"(grid:
  - key: model.error
    values: [{type: normal}, {type: ar1, phi: 0.3}, {type: student_t}]
  - keys: [model.effect.mean, sample_size]
    values: [[0.1, 42], [0.06, 109]]
)";
  const StudyConfig study = parse_study(yaml, "study.yaml");
  ASSERT_EQ(study.scenarios.size(), 6u);
  const ScenarioConfig& last = study.scenarios[5];
  EXPECT_EQ(last.model.error.kind, ErrorKind::kStudentT);
  EXPECT_EQ(last.model.error.student_df, 3);
  EXPECT_DOUBLE_EQ(last.model.effect.shape.mean, 0.06);
  EXPECT_EQ(last.sample_size, 109);
  const ScenarioConfig& second = study.scenarios[1];
  EXPECT_EQ(second.model.error.kind, ErrorKind::kNormal);
  EXPECT_EQ(second.sample_size, 109);
  ASSERT_EQ(second.labels.size(), 3u);
  EXPECT_EQ(second.labels[0].axis, "model.error");
  EXPECT_EQ(second.labels[0].label, "type=normal");
  EXPECT_EQ(study.scenarios[2].labels[0].label, "type=ar1 phi=0.3");
  EXPECT_EQ(study.analysis.controls.size(), 3u);  // the intercept is always included
  EXPECT_EQ(study.hypotheses.size(), 2u);
}

TEST(StudyConfig, HypothesesAcceptBareNull) {
  const StudyConfig study = parse_study(std::string(kBase) + "hypotheses: [null]\n", "study.yaml");
  ASSERT_EQ(study.hypotheses.size(), 1u);
  EXPECT_EQ(study.hypotheses[0], Hypothesis::kNull);
}

TEST(StudyConfig, UnknownKeyNamesKeyAndLine) {
  const std::string message = error_of(replace(kBase, "  rand_prob: 0.4\n", "  rand_prob: 0.4\n  rand_prop: 1\n"));
  EXPECT_NE(message.find("study.yaml:10"), std::string::npos) << message;
  EXPECT_NE(message.find("model.rand_prop"), std::string::npos) << message;
}

TEST(StudyConfig, WrongTypeNamesKeyAndLine) {
  const std::string message = error_of(replace(kBase, "replicates: 10", "replicates: many"));
  EXPECT_NE(message.find("study.yaml:4"), std::string::npos) << message;
  EXPECT_NE(message.find("study.replicates"), std::string::npos) << message;
  EXPECT_NE(message.find("integer"), std::string::npos) << message;
}

TEST(StudyConfig, OutOfRangeValuesAreRejected) {
  EXPECT_NE(error_of(replace(kBase, "rand_prob: 0.4", "rand_prob: 1.5")).find("model.rand_prob"), std::string::npos);
  EXPECT_NE(error_of(replace(kBase, "day_max: 29", "day_max: 50")).find("after the last day"), std::string::npos);
  const std::string quadratic =
      error_of(replace(kBase, "{shape: constant, mean: 0.5}", "{shape: quadratic, mean: 0.5, initial: 0.9, change_day: 20}"));
  EXPECT_NE(quadratic.find("outside [0, 1]"), std::string::npos) << quadratic;
  EXPECT_NE(error_of(replace(kBase, "{type: normal}", "{type: ar1, phi: 1.2}")).find("model.error.phi"),
            std::string::npos);
  EXPECT_NE(error_of(replace(kBase, "{type: normal}", "{type: cauchy}")).find("unknown error type"),
            std::string::npos);
  EXPECT_NE(error_of(replace(kBase, "[day, day^2]\n", "[day, week]\n")).find("unknown term 'week'"),
            std::string::npos);
}

// replicates: auto plans the replicates that give each cell's rejection rate the target MC SE at its
// nominal rate: p (1 - p) / MCSE^2 (docs/performance_measures.md), the largest over the hypotheses.
TEST(StudyConfig, AutomaticReplicatesReachTheTargetMonteCarloSe) {
  const std::string automatic = replace(kBase, "  replicates: 10\n", "  replicates: auto\n  target_mcse: 0.005\n");
  EXPECT_EQ(parse_study(automatic, "study.yaml").replicates, 6400);  // power 0.8: 0.16 / 0.005^2
  const StudyConfig null_only = parse_study(automatic + "hypotheses: [null]\n", "study.yaml");
  EXPECT_EQ(null_only.replicates, 1900);  // alpha 0.05: 0.0475 / 0.005^2
  EXPECT_DOUBLE_EQ(*null_only.target_mcse, 0.005);
  const StudyConfig fixed = parse_study(replace(kBase, "  replicates: 10\n", "  replicates: 10\n  target_mcse: 0.01\n"),
                                        "study.yaml");
  EXPECT_EQ(fixed.replicates, 10);  // a count stays; the tables report what the target needs

  const std::string without_target = error_of(replace(kBase, "replicates: 10", "replicates: auto"));
  EXPECT_NE(without_target.find("study.yaml:4"), std::string::npos) << without_target;
  EXPECT_NE(without_target.find("needs study.target_mcse"), std::string::npos) << without_target;
  const std::string zero = error_of(replace(kBase, "  replicates: 10\n", "  replicates: 10\n  target_mcse: 0\n"));
  EXPECT_NE(zero.find("study.target_mcse"), std::string::npos) << zero;
  const std::string unit = error_of(replace(kBase, "  replicates: 10\n", "  replicates: 10\n  replicates_per_unit: 100001\n"));
  EXPECT_NE(unit.find("study.replicates_per_unit"), std::string::npos) << unit;
}

TEST(StudyConfig, BadGridsAreRejected) {
  const std::string wrong_arity = error_of(std::string(kBase) + R"(grid:
  - keys: [model.effect.mean, sample_size]
    values: [[0.1, 42], [0.06]]
)");
  EXPECT_NE(wrong_arity.find("study.yaml:19"), std::string::npos) << wrong_arity;
  EXPECT_NE(wrong_arity.find("2 values"), std::string::npos) << wrong_arity;
  const std::string bad_value = error_of(std::string(kBase) + R"(grid:
  - key: model.rand_prob
    values: [0.4, 2.0]
)");
  EXPECT_NE(bad_value.find("model.rand_prob"), std::string::npos) << bad_value;
  EXPECT_NE(bad_value.find("out of range"), std::string::npos) << bad_value;
  const std::string study_axis = error_of(std::string(kBase) + R"(grid:
  - key: study.seed
    values: [1, 2]
)");
  EXPECT_NE(study_axis.find("cannot be varied"), std::string::npos) << study_axis;
  const std::string analysis_value = error_of(std::string(kBase) + R"(grid:
  - key: analysis.alpha
    values: [0.05, 0.9]
)");
  EXPECT_NE(analysis_value.find("analysis.alpha"), std::string::npos) << analysis_value;
}

// A study written as one flow map (as the R package writes it, JSON-like) is a study like any other.
TEST(StudyConfig, FlowMapDocumentIsAStudy) {
  const StudyConfig study = parse_study(
      R"({"study": {"name": "t", "seed": 7, "replicates": 10}, "model": {"type": "liao2016", "days": 42,
          "decisions_per_day": 5, "rand_prob": 0.4, "availability": {"shape": "constant", "mean": 0.5},
          "effect": {"shape": "quadratic", "mean": 0.1, "initial": 0.0, "day_max": 29}, "error": {"type": "normal"}},
          "sample_size": 42, "analysis": {"controls": ["day", "day^2"], "moderators": ["day", "day^2"]}})",
      "study.yaml");
  EXPECT_EQ(study.replicates, 10);
  EXPECT_EQ(study.scenarios.at(0).sample_size, 42);
}

TEST(StudyConfig, MissingFileAndInvalidYamlAreUserErrors) {
  EXPECT_THROW(load_study("/nonexistent/study.yaml"), UserError);
  EXPECT_NE(error_of("study: [unclosed\n").find("invalid YAML"), std::string::npos);
}

// rand_prob as one number, one per day or one per decision point (the web calculator's uploads); an
// availability that turns after the last day, as the sample-size formula allows.
TEST(StudyConfig, RandomizationProbabilityPerDayOrDecisionPoint) {
  const std::string days2 = replace(replace(kBase, "days: 42", "days: 2"), "day_max: 29", "day_max: 2");
  const auto rho = [](const std::string& yaml) {
    return resolve_liao_design(parse_study(yaml, "study.yaml").scenarios[0].model).rand_prob;
  };
  EXPECT_EQ(rho(replace(days2, "rand_prob: 0.4", "rand_prob: [0.3, 0.6]")),
            (std::vector<double>{0.3, 0.3, 0.3, 0.3, 0.3, 0.6, 0.6, 0.6, 0.6, 0.6}));
  EXPECT_DOUBLE_EQ(rho(replace(days2, "rand_prob: 0.4", "rand_prob: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.5]"))[8],
                   0.9);
  EXPECT_EQ(rho(kBase), std::vector<double>(210, 0.4));
  try {
    rho(replace(days2, "rand_prob: 0.4", "rand_prob: [0.3, 0.6, 0.5]"));
    ADD_FAILURE() << "a list of 3 probabilities for 2 days of 5 decision points was accepted";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("key 'model.rand_prob': 3 randomization probability values; expected one per "
                                         "day (2) or one per decision point (10)"),
              std::string::npos)
        << e.what();
  }
  const std::string outside = error_of(replace(days2, "rand_prob: 0.4", "rand_prob: [0.3, 1.0]"));
  EXPECT_NE(outside.find("key 'model.rand_prob': value 1 is out of range"), std::string::npos) << outside;
  const StudyConfig turning_late = parse_study(
      replace(kBase, "{shape: constant, mean: 0.5}", "{shape: quadratic, mean: 0.5, initial: 0.7, change_day: 60}"),
      "study.yaml");
  EXPECT_EQ(turning_late.scenarios[0].model.availability.shape.day_max, 60);
}

}  // namespace
}  // namespace mrtsim
