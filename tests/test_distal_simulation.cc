// The Qian et al. (2025) simulation: the generative model against the reference implementation's
// moments, the Monte Carlo truth against docs/estimators.md §3.3, the one-pass replicate estimators
// against row-by-row implementations (the real-data DCEE of host/analysis, and a dense weighted
// least-squares sandwich for the WCLS and GEE comparators), reproducibility, and DCEE's coverage in
// a reduced study.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include <Eigen/Dense>

#include "host/analysis/dcee_analysis.h"
#include "host/config/study_config.h"
#include "host/engine/distal_scenario_plan.h"
#include "host/engine/distal_truth.h"
#include "host/engine/study_runner.h"
#include "core/user_error.h"
#include "kernels/distal_backend.h"
#include "kernels/replicate_buffers.h"

namespace mrtsim {
namespace {

const char* const kStudy = R"(study: {name: qian, seed: 2025, replicates: 200}
model: {type: qian2025}
sample_size: 60
hypotheses: [alternative]
analysis: {estimator: dcee, controls: [X, Z], moderators: [], numerator_prob: 0.5,
           small_sample_correction: mrtanalysis}
truth: {method: monte_carlo, subjects: 2000}
)";

StudyConfig study_with(const std::string& grid) { return parse_study(std::string(kStudy) + grid, "qian.yaml"); }

// One replicate's cohort as rows, for the row-by-row implementations.
struct Cohort {
  std::vector<std::vector<DistalRow>> rows;
  std::vector<double> outcome;
};

Cohort simulate_cohort(const DistalSimulationTask& task, uint32_t replicate) {
  Cohort cohort;
  for (int i = 0; i < task.n_subjects; ++i) {
    const StreamKey key{task.seed, task.scenario, replicate, static_cast<uint32_t>(i), StreamPurpose::kCohort};
    std::vector<DistalRow> rows;
    cohort.outcome.push_back(simulate_qian_subject(task.model, key, [&](const DistalRow& r) { rows.push_back(r); }));
    cohort.rows.push_back(rows);
  }
  return cohort;
}

ReplicateBuffers run(const DistalSimulationTask& task, uint32_t first, uint32_t count, int threads,
                     Backend backend = Backend::kCpu) {
  ReplicateBuffers out(count, task.analysis.columns());
  run_distal_replicates(backend, threads, task, first, count, out.fits());
  return out;
}

// The qian2025 task of the first cell of a study.
DistalSimulationTask task_of(const StudyConfig& study) {
  const ScenarioConfig& scenario = study.scenarios.front();
  return DistalScenarioPlan(study, scenario, Hypothesis::kAlternative, TruthValues{}).task();
}

// ---------------------------------------------------------------------------------------------

TEST(QianModel, ObservedMomentsMatchTheReferenceImplementation) {
  // docs/estimators.md §3.1: E[Y] 102.67, SD(Y) 14.35, mean A 0.356, X -0.645, Z 0.446, p 0.445.
  const QianModelView model = make_qian_model_view(QianModelConfig{}, Hypothesis::kAlternative);
  const int subjects = 100000, T = model.num_decisions;
  double y_sum = 0, y_sq = 0, a = 0, x = 0, z = 0, p = 0;
  for (int i = 0; i < subjects; ++i) {
    const StreamKey key{99, 0, 0, static_cast<uint32_t>(i), StreamPurpose::kCohort};
    const double y = simulate_qian_subject(model, key, [&](const DistalRow& r) {
      a += r.treated;
      x += r.x;
      z += r.z;
      p += r.prob;
    });
    y_sum += y;
    y_sq += y * y;
  }
  const double rows = double(subjects) * T, mean_y = y_sum / subjects;
  const double sd_y = std::sqrt(y_sq / subjects - mean_y * mean_y);
  EXPECT_NEAR(mean_y, 102.67, 4 * sd_y / std::sqrt(subjects) + 0.005);
  EXPECT_NEAR(sd_y, 14.35, 0.15);
  EXPECT_NEAR(a / rows, 0.356, 0.005);
  EXPECT_NEAR(x / rows, -0.645, 0.01);
  EXPECT_NEAR(z / rows, 0.446, 0.005);
  EXPECT_NEAR(p / rows, 0.445, 0.005);
}

TEST(DistalTruth, MonteCarloTruthMatchesTheSpecValues) {
  // docs/estimators.md §3.3 (4e6 subjects, +-0.001): projection 1.602 | 1.190, 0.921; mean over t 1.208, 0.876.
  const QianModelView model = make_qian_model_view(QianModelConfig{}, Hypothesis::kAlternative);
  const DistalTruth marginal = monte_carlo_distal_truth(model, 1, 40000, 7, 1);
  const DistalTruth moderated = monte_carlo_distal_truth(model, 2, 40000, 7, 1);
  const auto near = [](double value, double se, double expected) {
    EXPECT_NEAR(value, expected, 4 * se + 0.002) << "MC SE " << se;
    EXPECT_GT(se, 0.0);
    EXPECT_LT(se, 0.03);
  };
  near(marginal.projection[0], marginal.projection_se[0], 1.602);
  near(marginal.simple_mean[0], marginal.simple_mean_se[0], 1.602);
  near(moderated.projection[0], moderated.projection_se[0], 1.190);
  near(moderated.projection[1], moderated.projection_se[1], 0.921);
  near(moderated.simple_mean[0], moderated.simple_mean_se[0], 1.208);
  near(moderated.simple_mean[1], moderated.simple_mean_se[1], 0.876);
}

TEST(DistalTruth, UnderTheNullEveryEffectIsExactlyZero) {
  const QianModelView model = make_qian_model_view(QianModelConfig{}, Hypothesis::kNull);
  const DistalTruth truth = monte_carlo_distal_truth(model, 2, 2000, 7, 0);
  EXPECT_EQ(truth.projection[0], 0.0);
  EXPECT_EQ(truth.projection[1], 0.0);
}

// ---------------------------------------------------------------------------------------------
// One-pass replicates against row-by-row implementations

MrtData as_mrt_data(const Cohort& cohort) {
  MrtData d;
  d.path = "simulated";
  d.covariate_names = {"X", "Z"};
  d.covariates.resize(2);
  for (size_t i = 0; i < cohort.rows.size(); ++i) {
    d.subject_ids.push_back(std::to_string(i));
    d.subject_begin.push_back(d.num_rows());
    for (const DistalRow& r : cohort.rows[i]) {
      d.outcome.push_back(cohort.outcome[i]);
      d.treatment.push_back(r.treated);
      d.rand_prob.push_back(r.prob);
      d.available.push_back(r.available);
      d.covariates[0].push_back(r.x);
      d.covariates[1].push_back(r.z);
    }
  }
  d.subject_begin.push_back(d.num_rows());
  return d;
}

class DceeReplicate : public ::testing::TestWithParam<std::tuple<int, int>> {};

TEST_P(DceeReplicate, OnePassSumsEqualTheRealDataDcee) {
  const auto [folds, moderated] = GetParam();
  const StudyConfig study = study_with("grid: [{keys: [analysis.cross_fit, analysis.moderators], values: [[" +
                                       std::to_string(folds) + ", " + (moderated ? "[Z]" : "[]") + "]]}]\n");
  const DistalSimulationTask task = task_of(study);
  const int p = task.analysis.columns();
  const ReplicateBuffers one_pass = run(task, 3, 1, 1);
  ASSERT_EQ(one_pass.status[0], 0);

  DceeModelSpec spec;
  spec.controls = {"X", "Z"};
  if (moderated) spec.moderators = {"Z"};
  const DceeDesign design = make_dcee_design(as_mrt_data(simulate_cohort(task, 3)), spec);
  std::vector<int> subject_fold;
  for (int i = 0; folds > 0 && i < task.n_subjects; ++i) subject_fold.push_back(i % folds);
  const DceeEstimate direct = fit_dcee(design, subject_fold, folds);
  for (int j = 0; j < p; ++j) {
    EXPECT_NEAR(one_pass.estimates[j], direct.beta(j), 1e-9 * (1 + std::fabs(direct.beta(j))));
    EXPECT_NEAR(one_pass.std_errors[j], std::sqrt(direct.variance(j, j)), 1e-9);
  }
}

INSTANTIATE_TEST_SUITE_P(FoldsAndEstimands, DceeReplicate,
                         ::testing::Combine(::testing::Values(0, 5), ::testing::Values(0, 1)));

// Weighted least squares of the distal Y on (1, X, Z, (A - ptilde) S) with the cluster sandwich
// (no small-sample correction), written densely: the effect block's estimates and SEs.
void dense_regression(const Cohort& cohort, bool gee, double ptilde, int p, std::vector<double>& beta,
                      std::vector<double>& se) {
  const int d = 3 + p;
  Eigen::MatrixXd bread = Eigen::MatrixXd::Zero(d, d);
  Eigen::VectorXd score = Eigen::VectorXd::Zero(d);
  std::vector<Eigen::MatrixXd> xs;
  std::vector<Eigen::VectorXd> ws;
  for (size_t i = 0; i < cohort.rows.size(); ++i) {
    const auto& rows = cohort.rows[i];
    Eigen::MatrixXd x(rows.size(), d);
    Eigen::VectorXd w(rows.size());
    for (size_t k = 0; k < rows.size(); ++k) {
      const DistalRow& r = rows[k];
      const double centred = r.treated - (gee ? 0.0 : ptilde);
      x(k, 0) = 1.0;
      x(k, 1) = r.x;
      x(k, 2) = r.z;
      x(k, 3) = centred;
      if (p > 1) x(k, 4) = centred * r.z;
      const double iptw = r.treated ? ptilde / r.prob : (1 - ptilde) / (1 - r.prob);
      w(k) = gee ? 1.0 : (r.available ? iptw : 0.0);
    }
    const Eigen::VectorXd y = Eigen::VectorXd::Constant(rows.size(), cohort.outcome[i]);
    bread += x.transpose() * w.asDiagonal() * x;
    score += x.transpose() * w.asDiagonal() * y;
    xs.push_back(x);
    ws.push_back(w);
  }
  const Eigen::VectorXd theta = bread.ldlt().solve(score);
  Eigen::MatrixXd meat = Eigen::MatrixXd::Zero(d, d);
  for (size_t i = 0; i < xs.size(); ++i) {
    const Eigen::VectorXd residual = Eigen::VectorXd::Constant(xs[i].rows(), cohort.outcome[i]) - xs[i] * theta;
    const Eigen::VectorXd u = xs[i].transpose() * ws[i].asDiagonal() * residual;
    meat += u * u.transpose();
  }
  const Eigen::MatrixXd inverse = bread.inverse();
  const Eigen::MatrixXd v = inverse * meat * inverse;
  beta.clear();
  se.clear();
  for (int j = 3; j < d; ++j) {
    beta.push_back(theta(j));
    se.push_back(std::sqrt(v(j, j)));
  }
}

TEST(DistalRegressionReplicate, WclsAndGeeEqualADenseSandwich) {
  for (const char* estimator : {"wcls", "gee"}) {
    for (const char* moderators : {"[]", "[Z]"}) {
      // n = 60 > 50: MRTAnalysis's small-sample correction is off, as in the dense version.
      const StudyConfig study = study_with(std::string("grid: [{keys: [analysis.estimator, analysis.moderators], "
                                                       "values: [[") + estimator + ", " + moderators + "]]}]\n");
      const DistalSimulationTask task = task_of(study);
      const ReplicateBuffers one_pass = run(task, 8, 1, 1);
      ASSERT_EQ(one_pass.status[0], 0) << estimator;
      std::vector<double> beta, se;
      dense_regression(simulate_cohort(task, 8), std::string(estimator) == "gee", 0.5, task.analysis.columns(),
                       beta, se);
      for (int j = 0; j < task.analysis.columns(); ++j) {
        EXPECT_NEAR(one_pass.estimates[j], beta[j], 1e-8 * (1 + std::fabs(beta[j]))) << estimator << moderators;
        EXPECT_NEAR(one_pass.std_errors[j], se[j], 1e-8 * (1 + se[j])) << estimator << moderators;
      }
    }
  }
}

TEST(DistalReplicates, SameResultsForAnyThreadCountAndRange) {
  const StudyConfig study = study_with("grid: [{keys: [analysis.cross_fit, analysis.moderators], values: [[5, [Z]]]}]\n");
  const DistalSimulationTask task = task_of(study);
  const ReplicateBuffers one = run(task, 0, 12, 1), two = run(task, 0, 12, 2), tail = run(task, 7, 5, 2);
  EXPECT_EQ(one.estimates, two.estimates);
  EXPECT_EQ(one.std_errors, two.std_errors);
  for (int j = 0; j < 5 * 2; ++j) EXPECT_EQ(tail.estimates[j], one.estimates[7 * 2 + j]);
}

TEST(DistalReplicates, CudaMatchesCpu) {
  if (!cuda_backend_available()) GTEST_SKIP() << "no CUDA device present";
  for (const char* estimator : {"dcee", "wcls", "gee"}) {
    const StudyConfig study = study_with(std::string("grid: [{keys: [analysis.estimator, analysis.moderators], "
                                                     "values: [[") + estimator + ", [Z]]]}]\n");
    const DistalSimulationTask task = task_of(study);
    const ReplicateBuffers cpu = run(task, 0, 64, 2), gpu = run(task, 0, 64, 0, Backend::kCuda);
    // Bit for bit: the same fma-written sums, core/fast_math.h's exp and no contraction by nvcc
    // (--fmad=false, CMakeLists.txt).
    EXPECT_EQ(cpu.status, gpu.status) << estimator;
    EXPECT_EQ(cpu.n_eff, gpu.n_eff) << estimator;
    EXPECT_EQ(cpu.estimates, gpu.estimates) << estimator;
    EXPECT_EQ(cpu.std_errors, gpu.std_errors) << estimator;
    EXPECT_EQ(cpu.joint, gpu.joint) << estimator;
  }
}

// ---------------------------------------------------------------------------------------------
// A reduced study: DCEE is unbiased for the projection truth and its t-intervals cover at 95%.

TEST(DistalStudy, DceeIsUnbiasedAndCoversInAReducedStudy) {
  StudyConfig study = parse_study(R"(study: {name: qian_reduced, seed: 17, replicates: 600}
model: {type: qian2025}
sample_size: 100
grid:
  - key: analysis.cross_fit
    values: [0, 5]
  - key: analysis.moderators
    values: [[], [Z]]
hypotheses: [alternative]
analysis: {estimator: dcee, controls: [X, Z], moderators: []}
truth: {method: monte_carlo, subjects: 40000}
)",
                                  "reduced.yaml");
  RunOptions options;
  options.backend = "cpu";
  const StudyResult result = run_study(study, options);
  ASSERT_EQ(result.cells.size(), 4u);
  for (const CellResult& cell : result.cells) {
    EXPECT_EQ(cell.summary.failed, 0);
    for (size_t j = 0; j < cell.summary.coefficients.size(); ++j) {
      const CoefficientSummary& c = cell.summary.coefficients[j];
      const PerformanceMeasures& m = c.measures;
      const double reps = double(cell.summary.replicates);
      // Bias within 4 MC SE of the mean (plus the truth's own MC error).
      EXPECT_NEAR(m.bias.value, 0.0, 4 * std::hypot(m.empirical_se.value / std::sqrt(reps), cell.truth.mc_se[j]))
          << cell.labels[0].label << " " << cell.labels[1].label << " " << c.name;
      EXPECT_NEAR(m.coverage.value, 0.95, 4 * std::sqrt(0.95 * 0.05 / reps)) << c.name;
      EXPECT_NEAR(m.model_se.value / m.empirical_se.value, 1.0, 0.15) << c.name;  // the sandwich SE is close to the SD
    }
  }
}

TEST(DistalStudyConfig, BadCombinationsNameTheKey) {
  const auto error_of = [](const std::string& text) {
    try {
      parse_study(text, "bad.yaml");
    } catch (const UserError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  const std::string liao = R"(study: {name: s, seed: 1, replicates: 10}
model: {type: liao2016, days: 10, decisions_per_day: 5, rand_prob: 0.4, availability: {shape: constant, mean: 0.5},
        effect: {shape: constant, mean: 0.1}, error: {type: normal}}
sample_size: 20
)";
  EXPECT_NE(error_of(liao + "analysis: {estimator: dcee, controls: [], moderators: []}\n").find("needs a distal outcome"), std::string::npos);
  EXPECT_NE(error_of(liao + "analysis: {controls: [X], moderators: []}\n").find("covariate of the qian2025 model"), std::string::npos);
  EXPECT_NE(error_of(liao + "analysis: {controls: [], moderators: []}\ntruth: {method: monte_carlo}\n").find("bad.yaml:"), std::string::npos);
  const std::string qian = "study: {name: s, seed: 1, replicates: 10}\nmodel: {type: qian2025}\nsample_size: 20\n";
  EXPECT_NE(error_of(qian + "analysis: {estimator: dcee, controls: [X], moderators: []}\n").find("controls [X, Z]"),
            std::string::npos);
  EXPECT_NE(error_of(qian + "analysis: {estimator: wcls, controls: [X, Z], moderators: [], cross_fit: 5}\n")
                .find("only for estimator dcee"),
            std::string::npos);
  EXPECT_NE(error_of(qian + "analysis: {estimator: wcls, controls: [X, Z], moderators: []}\n").find("numerator"),
            std::string::npos);
  EXPECT_NE(error_of(qian + "analysis: {estimator: dcee, controls: [X, Z], moderators: [], cross_fit: 1}\n")
                .find("bad.yaml:4"),
            std::string::npos);
  EXPECT_NE(error_of("study: {name: s, seed: 1, replicates: 10}\nmodel: {type: qian2025, theta: [1, 2]}\n"
                     "sample_size: 20\nanalysis: {estimator: dcee, controls: [X, Z], moderators: []}\n")
                .find("expected 3 numbers"),
            std::string::npos);
}

}  // namespace
}  // namespace mrtsim
