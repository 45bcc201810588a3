// Simulated WCLS replicates, run on every backend present (CUDA cases skip without a GPU):
// reproducibility for any thread count, batch size and replicate range; agreement of CUDA with
// the CPU; and the statistics against independent values: type I error at alpha, power at the
// Liao formula's value, unbiasedness and 95% coverage, each within 4 Monte Carlo SEs.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "host/config/study_config.h"
#include "host/engine/scenario_plan.h"
#include "host/engine/study_runner.h"
#include "host/samplesize/liao_formula.h"
#include "kernels/wcls_backend.h"

namespace mrtsim {
namespace {

const char* const kStudy = R"(study: {name: sim, seed: 11, replicates: 2000}
model:
  type: liao2016
  days: 42
  decisions_per_day: 5
  rand_prob: 0.4
  availability: {shape: constant, mean: 0.5}
  effect: {shape: quadratic, mean: 0.1, initial: 0.0, day_max: 29}
  error: {type: normal}
sample_size: 42
analysis: {controls: [day, day^2], moderators: [day, day^2]}
)";

StudyConfig study_from(const std::string& extra = "") { return parse_study(std::string(kStudy) + extra, "sim.yaml"); }

struct Replicates {
  std::vector<int> status, n_eff;
  std::vector<double> joint, estimates, std_errors;
};

Replicates run_range(Backend backend, const ScenarioPlan& plan, uint32_t first, uint32_t count, int threads) {
  Replicates r;
  r.status.resize(count);
  r.n_eff.resize(count);
  r.joint.resize(count);
  r.estimates.resize(size_t(count) * plan.dim());
  r.std_errors.resize(size_t(count) * plan.dim());
  run_wcls_replicates(backend, threads, plan.dim(), plan.task(), plan.arena(), first, count,
                      ReplicateOutput{r.status.data(), r.n_eff.data(), r.joint.data(), r.estimates.data(),
                                          r.std_errors.data()});
  return r;
}

class WclsSimulation : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (GetParam() == Backend::kCuda && !cuda_backend_available()) GTEST_SKIP() << "no CUDA device present";
  }
  RunOptions options(int threads = 0, long long batch = 8192) const {
    RunOptions o;
    o.backend = std::string(kBackendNames.name(GetParam()));
    o.threads = threads;
    o.batch_size = batch;
    return o;
  }
};

TEST_P(WclsSimulation, ReplicatesDoNotDependOnThreadsOrRange) {
  const StudyConfig study = study_from();
  const ScenarioPlan plan(study, study.scenarios[0], Hypothesis::kAlternative);
  const Replicates all = run_range(GetParam(), plan, 0, 64, 1);
  const Replicates threaded = run_range(GetParam(), plan, 0, 64, 2);
  const Replicates slice = run_range(GetParam(), plan, 40, 8, 2);
  EXPECT_EQ(all.status, threaded.status);
  EXPECT_EQ(0, std::memcmp(all.estimates.data(), threaded.estimates.data(), all.estimates.size() * sizeof(double)));
  EXPECT_EQ(0, std::memcmp(all.std_errors.data(), threaded.std_errors.data(), all.std_errors.size() * sizeof(double)));
  EXPECT_EQ(0, std::memcmp(all.joint.data(), threaded.joint.data(), all.joint.size() * sizeof(double)));
  for (int r = 0; r < 8; ++r) {
    EXPECT_EQ(all.joint[40 + r], slice.joint[r]);
    for (int j = 0; j < plan.dim(); ++j)
      EXPECT_EQ(all.estimates[(40 + r) * plan.dim() + j], slice.estimates[r * plan.dim() + j]);
  }
}

TEST_P(WclsSimulation, TablesDoNotDependOnBatchSizeOrThreads) {
  const StudyConfig study = study_from();
  StudyConfig small = study;
  small.replicates = 300;
  const StudyResult a = run_study(small, options(1, 7));
  const StudyResult b = run_study(small, options(2, 1000));
  ASSERT_EQ(a.cells.size(), b.cells.size());
  for (size_t c = 0; c < a.cells.size(); ++c) {
    EXPECT_EQ(a.cells[c].summary.rejection.rejections, b.cells[c].summary.rejection.rejections);
    for (size_t j = 0; j < a.cells[c].summary.coefficients.size(); ++j) {
      const PerformanceMeasures& x = a.cells[c].summary.coefficients[j].measures;
      const PerformanceMeasures& y = b.cells[c].summary.coefficients[j].measures;
      EXPECT_EQ(x.mean_estimate.value, y.mean_estimate.value);
      EXPECT_EQ(x.empirical_se.value, y.empirical_se.value);
      EXPECT_EQ(x.model_se.value, y.model_se.value);
      EXPECT_EQ(x.coverage.value, y.coverage.value);
      EXPECT_EQ(x.bias_eliminated_coverage.value, y.bias_eliminated_coverage.value);
    }
  }
}

TEST_P(WclsSimulation, CudaMatchesCpu) {
  if (GetParam() != Backend::kCuda) GTEST_SKIP() << "compares the CUDA backend with the CPU backend";
  const StudyConfig study = study_from("\n");
  for (ErrorKind kind : {ErrorKind::kNormal, ErrorKind::kStudentT, ErrorKind::kAutoregressive}) {
    StudyConfig s = study;
    s.scenarios[0].model.error.kind = kind;
    s.scenarios[0].model.error.ar_order = 5;
    s.scenarios[0].model.error.phi = 0.6;
    const ScenarioPlan plan(s, s.scenarios[0], Hypothesis::kAlternative);
    const Replicates cpu = run_range(Backend::kCpu, plan, 0, 256, 0);
    const Replicates gpu = run_range(Backend::kCuda, plan, 0, 256, 0);
    // Bit for bit (kernels/lane_reduction.h, docs/fast_math.md "Kernels on every instruction set").
    EXPECT_EQ(cpu.status, gpu.status);
    EXPECT_EQ(cpu.n_eff, gpu.n_eff);
    EXPECT_EQ(0, std::memcmp(cpu.estimates.data(), gpu.estimates.data(), cpu.estimates.size() * sizeof(double)));
    EXPECT_EQ(0, std::memcmp(cpu.std_errors.data(), gpu.std_errors.data(), cpu.std_errors.size() * sizeof(double)));
    EXPECT_EQ(0, std::memcmp(cpu.joint.data(), gpu.joint.data(), cpu.joint.size() * sizeof(double)));
  }
}

// 4 Monte Carlo SEs of a proportion p over n replicates.
double four_se(double p, long long n) { return 4.0 * std::sqrt(p * (1 - p) / n); }

TEST_P(WclsSimulation, TypeOneErrorIsAlpha) {
  StudyConfig study = study_from("hypotheses: [null]\n");
  study.replicates = 4000;
  for (const char* error : {"normal", "ar1"}) {
    StudyConfig s = study;
    if (std::string(error) == "ar1") {
      s.scenarios[0].model.error.kind = ErrorKind::kAutoregressive;
      s.scenarios[0].model.error.phi = 0.6;
    }
    const CellSummary cell = run_study(s, options()).cells[0].summary;
    EXPECT_EQ(cell.failed, 0);
    EXPECT_NEAR(cell.rejection.rate.value, 0.05, four_se(0.05, cell.replicates)) << error;
  }
}

TEST_P(WclsSimulation, PowerMatchesLiaoFormula) {
  // Table 3B cells where the working assumptions hold: N from Table 1B, formula power >= 0.80.
  StudyConfig study = study_from("hypotheses: [alternative]\n");
  study.replicates = 3000;
  struct Cell {
    int day_max;
    double tau, dbar;
    int n;
  };
  for (const Cell& c : {Cell{29, 0.5, 0.10, 42}, Cell{22, 0.7, 0.08, 45}}) {
    StudyConfig s = study;
    ScenarioConfig& scenario = s.scenarios[0];
    scenario.model.effect.shape.day_max = c.day_max;
    scenario.model.effect.shape.mean = c.dbar;
    scenario.model.availability.shape.mean = c.tau;
    scenario.sample_size = c.n;
    LiaoInputs inputs;
    inputs.days = 42;
    inputs.decisions_per_day = 5;
    inputs.rand_prob = std::vector<double>(210, 0.4);
    inputs.effect = scenario.model.effect.shape;
    inputs.availability = scenario.model.availability.shape;
    const double formula_power = liao_power(inputs, c.n).power;
    ASSERT_GE(formula_power, 0.80);
    const CellSummary cell = run_study(s, options()).cells[0].summary;
    EXPECT_NEAR(cell.rejection.rate.value, formula_power, four_se(formula_power, cell.replicates)) << c.n;
  }
}

TEST_P(WclsSimulation, EstimatesAreUnbiasedAndIntervalsCover) {
  StudyConfig study = study_from("hypotheses: [alternative]\n");
  study.replicates = 3000;
  study.scenarios[0].sample_size = 60;
  study.scenarios[0].model.error.kind = ErrorKind::kExponential;  // skewed errors: still unbiased
  const CellSummary cell = run_study(study, options()).cells[0].summary;
  const double n = static_cast<double>(cell.replicates);
  for (const CoefficientSummary& c : cell.coefficients) {
    const PerformanceMeasures& m = c.measures;
    EXPECT_NEAR(m.mean_estimate.value, c.truth, 4 * m.empirical_se.value / std::sqrt(n)) << c.name;
    EXPECT_NEAR(m.coverage.value, 0.95, four_se(0.95, cell.replicates)) << c.name;
    EXPECT_NEAR(m.model_se.value / m.empirical_se.value, 1.0, 0.1) << c.name;
  }
  // The effect coefficients' truth is the quadratic's coefficients (paper: d = (0, 0.00964, -0.000172)).
  EXPECT_NEAR(cell.coefficients[3].truth, 0.0, 1e-12);
  EXPECT_NEAR(cell.coefficients[4].truth, 0.009641319943, 1e-11);
  EXPECT_NEAR(cell.coefficients[5].truth, -0.0001721664275, 1e-12);
}

INSTANTIATE_TEST_SUITE_P(Backends, WclsSimulation, ::testing::Values(Backend::kCpu, Backend::kCuda),
                         [](const ::testing::TestParamInfo<Backend>& info) { return std::string(kBackendNames.name(info.param)); });

}  // namespace
}  // namespace mrtsim
