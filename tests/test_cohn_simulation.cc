// Simulation studies with a binary proximal outcome: the Cohn, Qian & Murphy (2023) model
// (sims/cohn_model.h) with EMEE / EMEE2 on every replicate (kernels/emee_simulation.h).
//   - the model's moments against closed forms (E[I_t] = tau_t, P(Y = 1 | I = 1, A = a) =
//     exp(g'alpha + a f'beta), P(Y = 1 | I = 0) = exp(g'alpha)) and, with the paper's violations,
//     against the exact forward recursion of host/engine/cohn_truth.h;
//   - the truth (the estimators' probability limit) against its closed form when the working model
//     holds, and against one very large simulated cohort under violations;
//   - a replicate's fit against a second computation path: the replicate's rows written to a CSV file
//     and analysed by the real-data `mrtsim emee` code (host/analysis/emee_analysis.h);
//   - identical replicates for any thread count and replicate range; CUDA against the CPU (skipped
//     without a GPU);
//   - type I error and power of the paper's Section 6.2 at a few settings against the paper's table
//     (bench/cohn2023/reference/cohn2023_binary_ss_sec6_2_simulation.csv), and N from the formula;
//   - every new YAML key's bad values: errors naming the file, line and key.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/user_error.h"
#include "host/analysis/emee_analysis.h"
#include "host/config/study_config.h"
#include "host/engine/cohn_scenario_plan.h"
#include "host/engine/cohn_truth.h"
#include "host/engine/sample_size_plan.h"
#include "host/engine/study_runner.h"
#include "host/io/mrt_csv.h"
#include "kernels/emee_backend.h"
#include "kernels/replicate_buffers.h"

namespace mrtsim {
namespace {

// A small model with every kind of input: linear availability, linear p_t, a quadratic SPNC and a
// linear relative risk (both in the analysis' span).
std::string study_text(const std::string& model_extra = "", const std::string& analysis = "emee2",
                       const std::string& sample_size = "60") {
  return R"(study: {name: cohn, seed: 7, replicates: 40}
model:
  type: cohn2023
  decisions: 12
  availability: {shape: linear, mean: 0.7, amplitude: 0.2}
  rand_prob: {first: 0.6, last: 0.4}
  spnc: {shape: quadratic_theta, theta: 0.3, average: 0.3}
  effect: {shape: linear_theta, theta: -0.5, average: 1.3}
)" + model_extra +
         "sample_size: " + sample_size + "\nanalysis: {estimator: " + analysis +
         ", controls: [t, t^2], moderators: [t]}\n";
}

StudyConfig study_of(const std::string& text) { return with_planned_sample_sizes(parse_study(text, "cohn.yaml")); }

ReplicateBuffers run(const CohnScenarioPlan& plan, uint32_t first, uint32_t count, int threads,
                     Backend backend = Backend::kCpu) {
  ReplicateBuffers out(count, plan.dim(), false, true);
  run_emee_replicates(backend, threads, plan.dim(), plan.task(), plan.arena(), first, count, out.fits());
  return out;
}

template <class T>
bool same_bits(const std::vector<T>& a, const std::vector<T>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0;
}

bool bit_identical(const ReplicateBuffers& a, const ReplicateBuffers& b) {
  return same_bits(a.status, b.status) && same_bits(a.n_eff, b.n_eff) && same_bits(a.joint, b.joint) &&
         same_bits(a.estimates, b.estimates) && same_bits(a.std_errors, b.std_errors) &&
         same_bits(a.joint_unadjusted, b.joint_unadjusted) && same_bits(a.std_errors_unadjusted, b.std_errors_unadjusted);
}

// One simulated subject's rows.
std::vector<CohnRow> subject_rows(const EmeeSimulationTask& task, uint32_t replicate, int subject) {
  std::vector<CohnRow> rows;
  auto keep = [&](const CohnRow& row) { rows.push_back(row); };
  simulate_cohn_subject(task.model, emee_subject_key(task, replicate, subject), keep);
  return rows;
}

// ---------------------------------------------------------------------------------------------
// The model

TEST(CohnModel, MomentsMatchTheClosedForms) {
  const StudyConfig study = study_of(study_text());
  const CohnScenarioPlan plan(study, study.scenarios[0], Hypothesis::kAlternative);
  const EmeeSimulationTask task = plan.task();
  const int m = task.model.num_decisions, subjects = 60000;
  std::vector<double> available(m), treated(m), treated_success(m), control(m), control_success(m),
      unavailable(m), unavailable_success(m);
  for (int i = 0; i < subjects; ++i)
    for (const CohnRow& row : subject_rows(task, 0, i)) {
      if (!row.available) {
        EXPECT_EQ(row.treated, 0);
        unavailable[row.t] += 1;
        unavailable_success[row.t] += row.outcome;
        continue;
      }
      available[row.t] += 1;
      (row.treated ? treated : control)[row.t] += 1;
      (row.treated ? treated_success : control_success)[row.t] += row.outcome;
    }
  const CohnCurves& c = plan.curves();
  // Each proportion within 4.5 binomial SEs of its closed form.
  const auto expect_proportion = [](double hits, double n, double p, const std::string& what) {
    EXPECT_NEAR(hits / n, p, 4.5 * std::sqrt(p * (1 - p) / n)) << what;
  };
  for (int t = 0; t < m; ++t) {
    const std::string at = " at t = " + std::to_string(t + 1);
    expect_proportion(available[t], subjects, c.availability[t], "E[I_t] = tau_t" + at);
    expect_proportion(treated[t], available[t], c.rand_prob[t], "P(A_t = 1 | I_t = 1) = p_t" + at);
    expect_proportion(treated_success[t], treated[t], std::exp(c.log_spnc[t] + c.log_rr[t]),
                      "P(Y = 1 | I = 1, A = 1) = exp(g'alpha + f'beta)" + at);
    expect_proportion(control_success[t], control[t], std::exp(c.log_spnc[t]), "P(Y = 1 | I = 1, A = 0)" + at);
    expect_proportion(unavailable_success[t], unavailable[t], std::exp(c.log_spnc[t]), "P(Y = 1 | I = 0)" + at);
  }
}

// With the violations, the forward recursion's P(I_t = 1), P(I_t = 1, A_t = a) and
// E[Y_{t+1} | I_t = 1, A_t = a] against the simulated frequencies.
TEST(CohnModel, ViolationsMatchTheForwardRecursion) {
  const std::string violations =
      "  delayed_effect: -0.3\n  serial_correlation: 0.25\n"
      "  endogenous_availability: {base: 0.5, treatment: 0.2, outcome: -0.15}\n";
  const StudyConfig study = study_of(study_text(violations));
  const CohnScenarioPlan plan(study, study.scenarios[0], Hypothesis::kAlternative);
  const EmeeSimulationTask task = plan.task();
  const CohnRowMoments exact = cohn_row_moments(task.model);
  const int m = task.model.num_decisions, subjects = 60000;
  std::vector<double> available(m), treated[2] = {std::vector<double>(m), std::vector<double>(m)},
                                    success[2] = {std::vector<double>(m), std::vector<double>(m)};
  for (int i = 0; i < subjects; ++i)
    for (const CohnRow& row : subject_rows(task, 3, i)) {
      if (!row.available) continue;
      available[row.t] += 1;
      treated[row.treated][row.t] += 1;
      success[row.treated][row.t] += row.outcome;
    }
  for (int t = 0; t < m; ++t) {
    const double p = exact.available[t];
    EXPECT_NEAR(available[t] / subjects, p, 4.5 * std::sqrt(p * (1 - p) / subjects)) << "t = " << t + 1;
    for (int a = 0; a <= 1; ++a) {
      const double q = exact.available_treated[a][t], y = exact.outcome_mean[a][t];
      EXPECT_NEAR(treated[a][t] / subjects, q, 4.5 * std::sqrt(q * (1 - q) / subjects)) << "t = " << t + 1;
      EXPECT_NEAR(success[a][t] / treated[a][t], y, 4.5 * std::sqrt(y * (1 - y) / treated[a][t]))
          << "t = " << t + 1 << ", a = " << a;
    }
  }
  // The violations move the moments away from the plain model's.
  EXPECT_GT(std::fabs(exact.available[5] - 0.5), 0.01);
}

TEST(CohnModel, SuccessProbabilityAboveOneIsAnErrorNamingTheModel) {
  const StudyConfig study = study_of(study_text("  serial_correlation: 2.0\n"));
  try {
    CohnScenarioPlan plan(study, study.scenarios[0], Hypothesis::kAlternative);
    FAIL() << "expected an error";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("cohn.yaml:3: key 'model'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("> 1"), std::string::npos) << e.what();
  }
}

// ---------------------------------------------------------------------------------------------
// The truth

// Without violations and with the curves in the analysis' span: beta* = beta; EMEE's alpha* = alpha,
// EMEE2's alpha* solves g_t' alpha* = g_t' alpha + p_t f_t' beta (docs: host/engine/cohn_truth.h).
TEST(CohnTruth, IsTheModelsCoefficientsWhenTheWorkingModelHolds) {
  for (const std::string variant : {"emee", "emee2"}) {
    const StudyConfig study = study_of(study_text("", variant));
    const CohnScenarioPlan plan(study, study.scenarios[0], Hypothesis::kAlternative);
    const CohnCurves& c = plan.curves();
    const int m = static_cast<int>(c.availability.size());
    Eigen::MatrixXd g(m, 3), f(m, 2);
    for (int t = 1; t <= m; ++t) {
      g.row(t - 1) << 1.0, t, double(t) * t;
      f.row(t - 1) << 1.0, t;
    }
    const Eigen::VectorXd beta = f.colPivHouseholderQr().solve(c.log_rr);
    Eigen::VectorXd baseline = c.log_spnc;
    if (variant == "emee2") baseline += c.rand_prob.cwiseProduct(c.log_rr);
    const Eigen::VectorXd alpha = g.colPivHouseholderQr().solve(baseline);
    ASSERT_LT((g * alpha - baseline).norm(), 1e-10) << "the span condition holds for this design";
    const std::vector<double>& truth = plan.truth_values().value;
    ASSERT_EQ(truth.size(), 5u);
    for (int j = 0; j < 3; ++j) EXPECT_NEAR(truth[j], alpha[j], 1e-9 * (1 + std::fabs(alpha[j]))) << variant << j;
    for (int j = 0; j < 2; ++j) EXPECT_NEAR(truth[3 + j], beta[j], 1e-9 * (1 + std::fabs(beta[j]))) << variant << j;
    const CohnScenarioPlan null_plan(study, study.scenarios[0], Hypothesis::kNull);
    for (int j = 3; j < 5; ++j) EXPECT_NEAR(null_plan.truth_values().value[j], 0.0, 1e-12);
  }
}

// Under violations: one cohort of 40,000 subjects estimates theta* within 4 of its SEs.
TEST(CohnTruth, IsWhereALargeCohortsEstimateLies) {
  const std::string violations =
      "  delayed_effect: 0.3\n  serial_correlation: -0.4\n"
      "  endogenous_availability: {base: 0.6, treatment: -0.2, outcome: 0.2}\n";
  for (const std::string variant : {"emee", "emee2"}) {
    StudyConfig study = study_of(study_text(violations, variant, "40000"));
    const CohnScenarioPlan plan(study, study.scenarios[0], Hypothesis::kAlternative);
    const ReplicateBuffers fit = run(plan, 0, 1, 0);
    ASSERT_EQ(fit.status[0], static_cast<int>(FitStatus::kOk));
    const std::vector<double>& truth = plan.truth_values().value;
    for (int j = 0; j < plan.dim(); ++j)
      EXPECT_NEAR(fit.estimates[j], truth[j], 4 * fit.std_errors[j]) << variant << ", coefficient " << j;
  }
}

// ---------------------------------------------------------------------------------------------
// The replicates

// The replicate's rows as a long CSV file (id, t, t2, I, A, Y, p) for the real-data analysis.
std::string write_replicate_csv(const EmeeSimulationTask& task, uint32_t replicate, const std::string& name) {
  const std::filesystem::path path = std::filesystem::temp_directory_path() / name;
  std::ofstream out(path);
  out.precision(17);
  out << "id,t,t2,I,A,Y,p\n";
  for (int i = 0; i < task.n_subjects; ++i)
    for (const CohnRow& row : subject_rows(task, replicate, i)) {
      const int t = row.t + 1;
      out << i << "," << t << "," << t * t << "," << row.available << "," << row.treated << "," << row.outcome << ","
          << task.model.rand_prob[row.t] << "\n";
    }
  return path.string();
}

// Also with dropout: the materialized cohort then has fewer rows for the subjects who left, which the
// real-data fit takes as they are, and the kernel must skip those rows too (emee2's correction uses
// the unavailable rows that exist, not the ones after leaving).
TEST(EmeeReplicates, EqualTheRealDataFitOfTheMaterializedCohort) {
  for (const std::string variant : {"emee", "emee2"})
  for (const std::string dropout : {"", "  dropout: {rate_per_decision: 0.05}\n"}) {
    const StudyConfig study = study_of(study_text("  delayed_effect: 0.2\n" + dropout, variant, "45"));
    const CohnScenarioPlan plan(study, study.scenarios[0], Hypothesis::kAlternative);
    const ReplicateBuffers replicates = run(plan, 0, 6, 1);
    for (uint32_t r = 0; r < 6; ++r) {
      const std::string file = write_replicate_csv(plan.task(), r, "mrtsim_cohn_" + variant + ".csv");
      MrtColumnSpec columns;
      columns.id = "id";
      columns.outcome = "Y";
      columns.treatment = "A";
      columns.rand_prob = "p";
      columns.availability = "I";
      columns.numerator_prob = "p";  // the study's default numerator probability: the rand prob
      EmeeModelSpec model{{"t"}, {"t", "t2"}, variant == "emee" ? EmeeVariant::kEmee : EmeeVariant::kEmee2};
      const EmeeDesign design = make_emee_design(read_mrt_csv(file, emee_column_spec(columns, model)), model);
      const EmeeEstimate direct = fit_emee_design(design, design.data.treatment);
      std::filesystem::remove(file);
      ASSERT_EQ(static_cast<int>(direct.status), replicates.status[r]) << variant << " replicate " << r;
      if (direct.status != FitStatus::kOk) continue;
      EXPECT_EQ(replicates.n_eff[r], 45);
      const int D = plan.dim();
      for (int j = 0; j < D; ++j) {
        const double se = std::sqrt(direct.variance(j, j)), se_plain = std::sqrt(direct.variance_unadjusted(j, j));
        EXPECT_NEAR(replicates.estimates[r * D + j], direct.theta[j], 1e-9 * (1 + std::fabs(direct.theta[j])));
        EXPECT_NEAR(replicates.std_errors[r * D + j], se, 1e-9 * se) << variant << " replicate " << r << " " << j;
        EXPECT_NEAR(replicates.std_errors_unadjusted[r * D + j], se_plain, 1e-9 * se_plain);
      }
      EXPECT_NEAR(replicates.joint[r], direct.joint_statistic, 1e-8 * direct.joint_statistic);
      const int q = design.num_controls(), p = design.num_effects();
      const Eigen::VectorXd beta = direct.theta.tail(p);
      const double plain_joint =
          beta.dot(direct.variance_unadjusted.bottomRightCorner(p, p).ldlt().solve(beta));
      EXPECT_NEAR(replicates.joint_unadjusted[r], plain_joint, 1e-8 * plain_joint) << q;
    }
  }
}

class EmeeSimulation : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (GetParam() == Backend::kCuda && !cuda_backend_available()) GTEST_SKIP() << "no CUDA device present";
  }
};

TEST_P(EmeeSimulation, ReplicatesDoNotDependOnThreadsOrRange) {
  const StudyConfig study = study_of(study_text("  serial_correlation: 0.2\n"));
  const CohnScenarioPlan plan(study, study.scenarios[0], Hypothesis::kAlternative);
  const ReplicateBuffers one = run(plan, 0, 48, 1, GetParam());
  const ReplicateBuffers two = run(plan, 0, 48, 2, GetParam());
  EXPECT_TRUE(bit_identical(one, two));
  const ReplicateBuffers slice = run(plan, 30, 7, 2, GetParam());
  const int D = plan.dim();
  for (int r = 0; r < 7; ++r) {
    EXPECT_EQ(slice.status[r], one.status[30 + r]);
    EXPECT_EQ(slice.joint[r], one.joint[30 + r]);
    EXPECT_EQ(slice.joint_unadjusted[r], one.joint_unadjusted[30 + r]);
    for (int j = 0; j < D; ++j) EXPECT_EQ(slice.std_errors[r * D + j], one.std_errors[(30 + r) * D + j]);
  }
}

TEST_P(EmeeSimulation, CudaMatchesCpu) {
  if (GetParam() != Backend::kCuda) GTEST_SKIP() << "compares the CUDA backend with the CPU backend";
  for (const std::string variant : {"emee", "emee2"}) {
    const StudyConfig study = study_of(study_text("  delayed_effect: 0.2\n  serial_correlation: 0.1\n", variant));
    const CohnScenarioPlan plan(study, study.scenarios[0], Hypothesis::kAlternative);
    const ReplicateBuffers cpu = run(plan, 0, 300, 0, Backend::kCpu);
    const ReplicateBuffers gpu = run(plan, 0, 300, 0, Backend::kCuda);
    // Bit for bit: core/fast_math.h's exp on both backends (kernels/emee.h), the same written-out sums
    // and no contraction by nvcc (--fmad=false, CMakeLists.txt).
    EXPECT_EQ(cpu.status, gpu.status) << variant;
    EXPECT_TRUE(bit_identical(cpu, gpu)) << variant;
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, EmeeSimulation, ::testing::Values(Backend::kCpu, Backend::kCuda),
                         [](const ::testing::TestParamInfo<Backend>& info) {
                           return std::string(kBackendNames.name(info.param));
                         });

// ---------------------------------------------------------------------------------------------
// The paper's Section 6.2 at a few settings

// Rows of bench/cohn2023/reference/cohn2023_binary_ss_sec6_2_simulation.csv: the setting, the
// formula's n, and the published rejection rates over 2,000 replicates.
struct PaperSetting {
  int row;
  std::string grid_value;  // as configs/cohn2023/make_sec6_2.py writes it
  int n;
  double power_adj, type1_adj, power_unadj, type1_unadj;
};

const std::vector<PaperSetting> kPaperSettings = {
    {572, "[{shape: constant, mean: 1}, 0.5, {shape: constant, average: 0.4}, {shape: constant, average: 1.3}, [], []]",
     21, 0.806, 0.035, 0.8275, 0.0505},
    {555,
     "[{shape: constant, mean: 1}, 0.5, {shape: linear_theta, theta: -0.3, average: 0.4}, {shape: linear_theta, "
     "theta: 0.5, average: 1.3}, [t], [t]]",
     22, 0.7855, 0.0335, 0.834, 0.0455},
    {573,
     "[{shape: constant, mean: 1}, 0.5, {shape: quadratic_theta, theta: 0.3, average: 0.4}, {shape: "
     "quadratic_theta, theta: -0.5, average: 1.3}, [t, t^2], [t, t^2]]",
     24, 0.8005, 0.025, 0.8435, 0.0345},
    {575,
     "[{shape: constant, mean: 1}, {first: 0.6, last: 0.4}, {shape: quadratic_theta, theta: 0.3, average: 0.4}, "
     "{shape: linear_theta, theta: -0.5, average: 1.3}, [t, t^2], [t]]",
     23, 0.7955, 0.0305, 0.829, 0.041},
};

std::string paper_study(int replicates) {
  std::string text = "study: {name: sec6_2, seed: 20230, replicates: " + std::to_string(replicates) + R"(}
model: {type: cohn2023, decisions: 30, availability: 1, rand_prob: 0.5, spnc: 0.2, effect: 1.2}
sample_size: {method: formula, power: 0.8}
analysis: {estimator: emee2, controls: [], moderators: []}
grid:
  - keys: [model.availability, model.rand_prob, model.spnc, model.effect, analysis.controls, analysis.moderators]
    values:
)";
  for (const PaperSetting& s : kPaperSettings) text += "      - " + s.grid_value + "\n";
  return text;
}

TEST(CohnStudy, FormulaSampleSizesAreThePapers) {
  const StudyConfig study = study_of(paper_study(10));
  for (size_t k = 0; k < kPaperSettings.size(); ++k) {
    EXPECT_EQ(study.scenarios[k].sample_size, kPaperSettings[k].n) << "row " << kPaperSettings[k].row;
    EXPECT_NEAR(study.scenarios[k].formula->predicted_power, 0.8, 0.05);
  }
}

// Adjusted and unadjusted type I error and power within 4 combined Monte Carlo SEs of the paper's
// (2,000 replicates on each side).
TEST(CohnStudy, RejectionRatesMatchThePapersSection6_2) {
  RunOptions options;
  options.backend = "cpu";
  const StudyResult result = run_study(parse_study(paper_study(2000), "sec6_2.yaml"), options);
  ASSERT_EQ(result.cells.size(), 2 * kPaperSettings.size());
  for (const CellResult& cell : result.cells) {
    const PaperSetting& paper = kPaperSettings[cell.scenario];
    const bool h1 = cell.hypothesis == Hypothesis::kAlternative;
    const CellSummary& s = cell.summary;
    EXPECT_EQ(cell.sample_size, paper.n);
    // At N of about 20 with six coefficients, some H1 replicates' fitted success probability reaches 1
    // (the truth's peak is near 0.7): counted failures, as MRTAnalysis refuses such a fit. Nothing else
    // fails.
    EXPECT_LE(s.failed, s.replicates / 10) << "row " << paper.row;
    EXPECT_EQ(s.failed, s.failures_by_status[static_cast<int>(FitStatus::kFittedProbabilityAtLeastOne)]);
    EXPECT_TRUE(s.has_unadjusted);
    const auto expect_agrees = [&](double ours, double theirs, const char* what) {
      const double se = std::sqrt(ours * (1 - ours) / (s.replicates - s.failed) + theirs * (1 - theirs) / 2000);
      EXPECT_NEAR(ours, theirs, 4 * se) << "row " << paper.row << ": " << what;
    };
    expect_agrees(s.rejection.rate.value, h1 ? paper.power_adj : paper.type1_adj, h1 ? "power (adjusted)" : "type I (adjusted)");
    expect_agrees(s.rejection_unadjusted.rate.value, h1 ? paper.power_unadj : paper.type1_unadj,
                  h1 ? "power (unadjusted)" : "type I (unadjusted)");
  }
}

// ---------------------------------------------------------------------------------------------
// Bad input

// The error of parsing (and planning) `text`, which must name `where` and contain `what`.
void expect_error(const std::string& text, const std::string& where, const std::string& what) {
  try {
    const StudyConfig study = study_of(text);
    StudyPlan plan(study);
    ADD_FAILURE() << "no error; expected " << where << " ... " << what;
  } catch (const UserError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find(where), std::string::npos) << message;
    EXPECT_NE(message.find(what), std::string::npos) << message;
  }
}

std::string with_model_line(const std::string& key, const std::string& value) {
  std::string text = study_text();
  const size_t at = text.find("  " + key + ":");
  if (at == std::string::npos) return study_text("  " + key + ": " + value + "\n");
  const size_t end = text.find('\n', at);
  return text.substr(0, at) + "  " + key + ": " + value + text.substr(end);
}

TEST(CohnConfig, BadModelInputsNameFileLineAndKey) {
  expect_error(with_model_line("decisions", "0"), "cohn.yaml:4: key 'model.decisions'", "out of range");
  expect_error(with_model_line("availability", "{shape: cubic, mean: 0.5}"),
               "key 'model.availability.shape'", "unknown availability shape 'cubic'");
  expect_error(with_model_line("availability", "{shape: sine, mean: 0.9, amplitude: 0.2}"),
               "cohn.yaml:5: key 'model.availability'", "outside [0, 1]");
  expect_error(with_model_line("availability", "1.5"), "cohn.yaml:5: key 'model.availability'", "out of range");
  expect_error(with_model_line("availability", "[0.5, 0.6]"), "cohn.yaml:5: key 'model.availability'",
               "2 availability values; expected 12, one per decision point");
  expect_error(with_model_line("availability", "[0.5, 1.6]"), "key 'model.availability'", "out of range");
  expect_error(with_model_line("availability", "{file: no_such_file.csv}"), "key 'model.availability'",
               "no_such_file.csv");
  expect_error(with_model_line("availability", "{file: a.csv, colum: tau}"), "key 'model.availability.colum'",
               "unknown key");
  expect_error(with_model_line("rand_prob", "{first: 0.6, last: 1.0}"), "cohn.yaml:6: key 'model.rand_prob.last'",
               "out of range");
  expect_error(with_model_line("rand_prob", "{first: 0.6}"), "key 'model.rand_prob'", "missing required key");
  expect_error(with_model_line("spnc", "{shape: linear_theta, theta: 2, average: 0.3}"),
               "cohn.yaml:7: key 'model.spnc.theta'", "out of range");
  expect_error(with_model_line("spnc", "{shape: constant, average: 1.2}"), "key 'model.spnc.average'",
               "out of range");
  expect_error(with_model_line("spnc", "{shape: constant, theta: 0.2, average: 0.2}"), "key 'model.spnc.theta'",
               "unknown key");
  expect_error(with_model_line("effect", "{shape: quadratic_theta, average: -1}"), "key 'model.effect.average'",
               "out of range");
  expect_error(with_model_line("effect", "[1.1, 1.2]"), "key 'model.effect'", "2 relative risk values");
  expect_error(with_model_line("delayed_effect", "x"), "key 'model.delayed_effect'", "expected a number");
  expect_error(with_model_line("serial_correlation", "20"), "key 'model.serial_correlation'", "out of range");
  expect_error(with_model_line("endogenous_availability", "{base: 0.5, treatment: 0.4, outcome: 0.3}"),
               "key 'model.endogenous_availability'", "outside [0, 1]");
  expect_error(with_model_line("endogenous_availability", "{treatment: 0.1}"),
               "key 'model.endogenous_availability'", "missing required key 'model.endogenous_availability.outcome'");
  expect_error(with_model_line("tau", "0.5"), "key 'model.tau'", "unknown key");
  // A relative risk that pushes a success probability above 1.
  expect_error(with_model_line("effect", "{shape: constant, average: 4}"), "key 'model'", "> 1");
}

TEST(CohnConfig, PerDecisionCsvFilesAreReadAndChecked) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "mrtsim_cohn_csv";
  std::filesystem::create_directories(dir);
  {
    std::ofstream one(dir / "tau.csv");
    one << "tau\n";
    for (int t = 1; t <= 12; ++t) one << 0.9 - 0.03 * t << "\n";
    std::ofstream two(dir / "two.csv");
    two << "a,b\n";
    for (int t = 1; t <= 12; ++t) two << 0.5 << "," << 0.4 << "\n";
  }
  const auto study_in_dir = [&](const std::string& availability) {
    std::string text = with_model_line("availability", availability);
    return with_planned_sample_sizes(parse_study(text, (dir / "cohn.yaml").string()));
  };
  const StudyConfig from_file = study_in_dir("{file: tau.csv}");
  const CohnScenarioPlan plan(from_file, from_file.scenarios[0], Hypothesis::kAlternative);
  for (int t = 1; t <= 12; ++t) EXPECT_DOUBLE_EQ(plan.curves().availability[t - 1], 0.9 - 0.03 * t);
  const StudyConfig from_list = study_in_dir("[0.87, 0.84, 0.81, 0.78, 0.75, 0.72, 0.69, 0.66, 0.63, 0.6, 0.57, 0.54]");
  const CohnScenarioPlan listed(from_list, from_list.scenarios[0], Hypothesis::kAlternative);
  EXPECT_TRUE(listed.curves().availability.isApprox(plan.curves().availability, 1e-12));
  const StudyConfig named = study_in_dir("{file: two.csv, column: b}");
  EXPECT_DOUBLE_EQ(CohnScenarioPlan(named, named.scenarios[0], Hypothesis::kNull).curves().availability[3], 0.4);
  const auto expect_plan_error = [&](const std::string& availability, const std::string& what) {
    const StudyConfig study = study_in_dir(availability);
    try {
      CohnScenarioPlan failing(study, study.scenarios[0], Hypothesis::kNull);
      ADD_FAILURE() << "no error for " << availability;
    } catch (const UserError& e) {
      EXPECT_NE(std::string(e.what()).find("cohn.yaml:5: key 'model.availability'"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(what), std::string::npos) << e.what();
    }
  };
  expect_plan_error("{file: two.csv}", "name the one to use with 'column'");
  expect_plan_error("{file: two.csv, column: c}", "has no column 'c'");
  std::filesystem::remove_all(dir);
}

TEST(CohnConfig, BadAnalysisAndSampleSizeNameFileLineAndKey) {
  expect_error(study_text("", "wcls"), "key 'analysis.estimator'", "emee or emee2 (got wcls)");
  expect_error(study_text("", "emee2, small_sample_correction: never"), "key 'analysis.small_sample_correction'",
               "EMEE reports both variances");
  expect_error(study_text("", "emee2, numerator_prob: 0.5"), "key 'analysis.numerator_prob'", "numerator_prob is for emee");
  expect_error(study_text("", "emee, permutation: {reshuffles: 9}"), "key 'analysis.permutation'",
               "only for estimator wcls");
  std::string day_term = study_text();
  day_term.replace(day_term.find("moderators: [t]"), 15, "moderators: [day]");
  expect_error(day_term, "key 'analysis.moderators'", "is not a term of the cohn2023 model");
  std::string bad_term = study_text();
  bad_term.replace(bad_term.find("moderators: [t]"), 15, "moderators: [s^2]");
  expect_error(bad_term, "key 'analysis.moderators'", "unknown term 's^2'");
  expect_error(study_text("", "emee2", "{method: formula, max_n: 100}"), "key 'sample_size.max_n'", "unknown key");
  expect_error(study_text("", "emee2", "{method: formula, spnc: {shape: constant, average: 0}}"),
               "key 'sample_size.spnc.average'", "out of range");
  // The formula's own checks: an effect the design cannot detect below 1e6 subjects.
  expect_error(study_text("", "emee2", "{method: formula, effect: {shape: constant, average: 1.0000001}}"),
               "key 'sample_size'", "the sample-size formula failed");
  // The liao2016 model has no binary outcome; the qian2025 model no proximal one.
  const std::string liao = R"(study: {name: l, seed: 1, replicates: 10}
model: {type: liao2016, days: 5, decisions_per_day: 2, rand_prob: 0.5, availability: {shape: constant, mean: 0.5},
        effect: {shape: constant, mean: 0.1}, error: {type: normal}}
sample_size: 20
analysis: {estimator: emee2, controls: [], moderators: []}
)";
  expect_error(liao, "key 'analysis.estimator'", "needs a binary outcome (model type cohn2023)");
}

// The binary formula's inputs in sample_size replace the model's: a smaller assumed effect needs more
// subjects (the paper's Section 6.5-6.7 studies).
TEST(CohnConfig, FormulaInputsMayDifferFromTheTruth) {
  const StudyConfig truth = study_of(study_text("", "emee2", "formula"));
  const StudyConfig smaller = study_of(study_text(
      "", "emee2", "{method: formula, effect: {shape: linear_theta, theta: -0.5, average: 1.2}, availability: 0.5}"));
  EXPECT_GT(smaller.scenarios[0].sample_size, truth.scenarios[0].sample_size);
  // N equals the formula's for the same inputs given directly.
  const int m = 12;
  CohnDesignConfig design = truth.scenarios[0].binary_model.design;
  const CohnCurves curves = resolve_cohn_design(design, m);
  const CohnInputs inputs =
      cohn_formula_inputs(curves, decision_term_matrix(truth.scenarios[0].analysis.control_terms(), m),
                          decision_term_matrix(truth.scenarios[0].analysis.moderators, m), 0.05);
  CohnSampleSizeOptions options;
  options.allow_n_at_most_10 = true;
  EXPECT_EQ(truth.scenarios[0].sample_size, static_cast<int>(cohn_sample_size(inputs, options).n));
}

}  // namespace
}  // namespace mrtsim
