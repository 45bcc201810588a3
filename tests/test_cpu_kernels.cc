// Bit identity of every path the per-replicate code takes (docs/fast_math.md, "Kernels on every instruction set"): the CPU
// kernels of every instruction set this CPU runs (scalar, NEON, AVX2 + FMA, AVX-512; kernels/cpu_kernels.h)
// against the scalar one-subject model, against each other, and against the CUDA warp path
// (kernels/wcls_warp.h) run on the CPU with emulated lanes at several launch shapes. Levels the CPU
// lacks are skipped (reported in the test's output): on an AVX-512 machine three run, on ARM64 two.
#include <gtest/gtest.h>

#include <boost/math/distributions/students_t.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <type_traits>
#include <vector>

#include "host/analysis/permutation_test.h"
#include "host/config/study_config.h"
#include "host/engine/cohn_scenario_plan.h"
#include "host/engine/distal_scenario_plan.h"
#include "host/engine/sample_size_plan.h"
#include "host/engine/scenario_plan.h"
#include "kernels/cpu_kernels.h"
#include "kernels/dim_dispatch.h"
#include "kernels/distal_backend.h"
#include "kernels/distal_simulation.h"
#include "kernels/emee_simulation.h"
#include "kernels/replicate_buffers.h"
#include "kernels/wcls_backend.h"
#include "kernels/wcls_warp.h"
#include "tests/heartsteps_design.h"

namespace mrtsim {
namespace {

using fastmath::SimdLevel;

// The kernels of every level this build and CPU run, scalar first.
std::vector<const CpuKernels*> available_kernels() {
  std::vector<const CpuKernels*> kernels;
  for (SimdLevel level : fastmath::kSimdLevels) {
    if (const CpuKernels* k = cpu_kernels(level)) kernels.push_back(k);
    else std::printf("[ note     ] no %s kernels on this build or CPU\n", fastmath::simd_level_name(level));
  }
  return kernels;
}

template <class T>
bool same_bits(const std::vector<T>& a, const std::vector<T>& b) {
  // memcmp on an empty vector's data() (possibly null) is undefined: compare only what is there.
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0);
}

void expect_same_bits(const ReplicateBuffers& a, const ReplicateBuffers& b, const std::string& what) {
  EXPECT_EQ(a.status, b.status) << what;
  EXPECT_EQ(a.n_eff, b.n_eff) << what;
  EXPECT_TRUE(same_bits(a.joint, b.joint)) << what;
  EXPECT_TRUE(same_bits(a.estimates, b.estimates)) << what;
  EXPECT_TRUE(same_bits(a.std_errors, b.std_errors)) << what;
  EXPECT_TRUE(same_bits(a.joint_unadjusted, b.joint_unadjusted)) << what;
  EXPECT_TRUE(same_bits(a.std_errors_unadjusted, b.std_errors_unadjusted)) << what;
  EXPECT_TRUE(same_bits(a.permutation_p, b.permutation_p)) << what;
  EXPECT_TRUE(same_bits(a.joint_permutation_p, b.joint_permutation_p)) << what;
  EXPECT_EQ(a.failed_reshuffles, b.failed_reshuffles) << what;
}

// A liao2016 study with `model_extra` added to the model (13 subjects: not a multiple of any lane
// count, so every level has a partly filled last group of lanes).
StudyConfig liao_study(const std::string& model_extra, const std::string& analysis = "controls: [day], moderators: [day]",
                       int subjects = 13, int days = 8) {
  return parse_study(R"(study: {name: lanes, seed: 5, replicates: 10}
model:
  type: liao2016
  days: )" + std::to_string(days) + R"(
  decisions_per_day: 5
  rand_prob: 0.4
  availability: {shape: constant, mean: 0.6}
  effect: {shape: quadratic, mean: 0.2, initial: 0.0, day_max: 3}
)" + model_extra + "sample_size: " + std::to_string(subjects) + "\nanalysis: {" + analysis + "}\n",
                     "lanes.yaml");
}

// Model variants covering every branch of sims/liao_model.h.
const char* const kVariants[] = {
    "  error: {type: normal}\n",
    "  error: {type: student_t, df: 3}\n",
    "  error: {type: student_t, df: 6}\n",
    "  error: {type: exponential}\n",
    "  error: {type: ar1, phi: 0.5}\n",
    "  error: {type: ar5, phi: -0.6}\n",
    "  error: {type: normal}\n  availability_feedback: {eta: -0.2, lags: 3}\n",
    "  error: {type: normal}\n  error_scale: {sd_ratio: 1.3, trend: {weekday: 0.8, weekend: 1.5}}\n",
    "  error: {type: ar1, phi: 0.3}\n  treatment_carryover: {lags: 4, eta_exposure: -0.1, eta_noise: -0.1, "
    "gamma_level: -0.2, gamma_effect: -0.1, monte_carlo_subjects: 10000}\n",
};

TEST(SimdPaths, LanesDrawTheRowsOfTheScalarSubject) {
  for (const char* variant : kVariants) {
    const StudyConfig study = liao_study(variant);
    const ScenarioPlan plan(study, study.scenarios[0], Hypothesis::kAlternative);
    const LiaoModelView model = plan.task().model;
    const int n = 13, T = model.num_decisions;
    const StreamKey first{77, 9, 4, 100, StreamPurpose::kCohort};
    std::vector<double> available(n * T), treated(n * T), outcome(n * T);
    for (int i = 0; i < n; ++i) {
      StreamKey key = first;
      key.subject += i;
      auto visit = [&](const DecisionRow& row) {
        available[i * T + row.t] = row.available;
        treated[i * T + row.t] = row.treated;
        outcome[i * T + row.t] = row.outcome;
      };
      simulate_liao_subject(model, key, visit);
    }
    for (const CpuKernels* kernels : available_kernels()) {
      std::vector<double> a(n * T, -1), z(n * T, -1), y(n * T, -1);
      kernels->liao_cohort(model, first, n, CohortTable{a.data(), z.data(), y.data(), T});
      const std::string what = std::string(fastmath::simd_level_name(kernels->level)) + ", " + variant;
      EXPECT_EQ(a, available) << what;
      EXPECT_EQ(z, treated) << what;
      EXPECT_TRUE(same_bits(y, outcome)) << what;
    }
  }
}

// sqrt(n) times the Kolmogorov-Smirnov distance of `sample` (sorted here) from `cdf`.
double scaled_ks_distance(std::vector<double> sample, const std::function<double(double)>& cdf) {
  std::sort(sample.begin(), sample.end());
  const double n = static_cast<double>(sample.size());
  double d = 0.0;
  for (size_t i = 0; i < sample.size(); ++i) {
    const double f = cdf(sample[i]);
    d = std::max({d, (i + 1) / n - f, f - i / n});
  }
  return std::sqrt(n) * d;
}

// The errors drawn by the widest lanes (null hypothesis: outcome = baseline + error on every row,
// observed or not) against their distributions: the standard normal, the centred unit exponential
// and Student's t with 5 df scaled to variance 1 (closed-form CDFs; Boost.Math for t). 2,000
// subjects x 40 decision points: KS at the 0.1% level (sqrt(n) D < 1.949), mean and variance within
// 4 standard errors (fourth moments 3, 9 and 9).
TEST(SimdPaths, WidestLanesDrawTheModelsDistributions) {
  const std::vector<const CpuKernels*> kernels = available_kernels();
  const CpuKernels& widest = *kernels.back();
  const boost::math::students_t t5(5.0);
  struct Case {
    const char* error;
    double fourth_moment;
    std::function<double(double)> cdf;
  };
  const Case cases[] = {
      {"  error: {type: normal}\n", 3.0, [](double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }},
      {"  error: {type: exponential}\n", 9.0, [](double x) { return x <= -1.0 ? 0.0 : -std::expm1(-(x + 1.0)); }},
      {"  error: {type: student_t, df: 5}\n", 9.0,
       [&](double x) { return boost::math::cdf(t5, x / std::sqrt(3.0 / 5.0)); }},
  };
  for (const Case& c : cases) {
    const int n = 2000;
    const StudyConfig study = liao_study(c.error, "controls: [day], moderators: [day]", n);
    const ScenarioPlan plan(study, study.scenarios[0], Hypothesis::kNull);
    const LiaoModelView model = plan.task().model;
    const int T = model.num_decisions;
    std::vector<double> a(n * T), z(n * T), y(n * T);
    widest.liao_cohort(model, StreamKey{2026, 1, 0, 0, StreamPurpose::kCohort}, n, CohortTable{a.data(), z.data(), y.data(), T});
    std::vector<double> errors(n * T);
    double sum = 0.0, sum_sq = 0.0;
    for (int i = 0; i < n * T; ++i) {
      errors[i] = y[i] - model.baseline[i % T];
      sum += errors[i];
      sum_sq += errors[i] * errors[i];
    }
    const double count = static_cast<double>(n * T);
    const std::string what = std::string(fastmath::simd_level_name(widest.level)) + ", " + c.error;
    EXPECT_NEAR(sum / count, 0.0, 4.0 / std::sqrt(count)) << what;
    EXPECT_NEAR(sum_sq / count, 1.0, 4.0 * std::sqrt((c.fourth_moment - 1.0) / count)) << what;
    EXPECT_LT(scaled_ks_distance(errors, c.cdf), 1.949) << what;
  }
}

// What a CUDA thread computes for an EMEE replicate (kernels/emee_backend.cu): the counts in its own
// table, each subject drawn again and its rows' terms computed in the sandwich pass, here on the CPU.
ReplicateBuffers emee_thread_path(const CohnScenarioPlan& plan, uint32_t replicates) {
  ReplicateBuffers out(replicates, plan.dim(), false, true);
  std::vector<int> counts(4 * static_cast<size_t>(plan.task().model.num_decisions));
  dispatch_dim(plan.dim(), [&](auto dim_constant) {
    const EmeeReplicateJob<decltype(dim_constant)::value> job{plan.task(), out.fits()};
    for (uint32_t s = 0; s < replicates; ++s) job(s, s, {counts.data(), 1});
  });
  return out;
}

TEST(SimdPaths, EmeeReplicatesAreIdenticalOnEveryLevelAndTheThreadPath) {
  // Every branch of sims/cohn_model.h (the violations, dropout) under both variants; 45 subjects leave
  // a partly filled last group of lanes, 13 decision points one without its pair.
  const char* const models[] = {
      "",
      "  delayed_effect: -0.3\n  serial_correlation: 0.25\n"
      "  endogenous_availability: {base: 0.5, treatment: 0.2, outcome: -0.15}\n",
      "  delayed_effect: 0.2\n  dropout: {rate_per_decision: 0.08}\n"};
  const std::vector<const CpuKernels*> kernels = available_kernels();
  for (const char* variant : {"emee", "emee2"})
    for (const char* model : models) {
      const StudyConfig study = with_planned_sample_sizes(parse_study(
          std::string("study: {name: c, seed: 9, replicates: 1}\nmodel:\n  type: cohn2023\n  decisions: 13\n"
                      "  availability: {shape: linear, mean: 0.7, amplitude: 0.2}\n"
                      "  rand_prob: {first: 0.6, last: 0.4}\n"
                      "  spnc: {shape: quadratic_theta, theta: 0.3, average: 0.3}\n"
                      "  effect: {shape: linear_theta, theta: -0.5, average: 1.3}\n") +
              model + "sample_size: 45\nanalysis: {estimator: " + variant + ", controls: [t, t^2], moderators: [t]}\n",
          "c.yaml"));
      const CohnScenarioPlan plan(study, study.scenarios[0], Hypothesis::kAlternative);
      const EmeeSimulationTask task = plan.task();
      std::vector<ReplicateBuffers> results;
      for (const CpuKernels* k : kernels) {
        ReplicateBuffers out(8, plan.dim(), false, true);
        std::vector<double> scratch(emee_scratch_bytes(plan.dim(), task) / sizeof(double) + 1);
        for (uint32_t s = 0; s < 8; ++s) k->emee_replicate(plan.dim(), task, s, s, out.fits(), scratch.data());
        results.push_back(out);
      }
      const std::string what = std::string(variant) + " " + model;
      EXPECT_EQ(results[0].status[0], static_cast<int>(FitStatus::kOk)) << what;
      for (size_t k = 1; k < kernels.size(); ++k)
        expect_same_bits(results[k], results[0], std::string(fastmath::simd_level_name(kernels[k]->level)) + what);
      expect_same_bits(emee_thread_path(plan, 8), results[0], "thread path " + what);
    }
}

ReplicateBuffers wcls_on(const CpuKernels& kernels, const ScenarioPlan& plan, uint32_t first, uint32_t count) {
  ReplicateBuffers out(count, plan.dim());
  const WclsSimulationTask task = plan.task();
  std::vector<double> scratch(wcls_scratch_bytes(task) / sizeof(double) + 1);
  for (uint32_t s = 0; s < count; ++s) kernels.wcls_replicate(plan.dim(), task, first + s, s, out.fits(), scratch.data());
  return out;
}

TEST(SimdPaths, WclsReplicatesAreIdenticalOnEveryLevel) {
  const std::vector<const CpuKernels*> kernels = available_kernels();
  for (const char* variant : kVariants) {
    for (const char* analysis : {"controls: [day], moderators: [day]",
                                 "controls: [day, day^2], moderators: [day, day^2], small_sample_correction: always",
                                 "controls: [], moderators: []"}) {
      const StudyConfig study = liao_study(variant, analysis, 37);
      const ScenarioPlan plan(study, study.scenarios[0], Hypothesis::kAlternative);
      const ReplicateBuffers reference = wcls_on(*kernels[0], plan, 3, 12);
      EXPECT_EQ(reference.status[0], static_cast<int>(FitStatus::kOk));
      for (size_t k = 1; k < kernels.size(); ++k)
        expect_same_bits(wcls_on(*kernels[k], plan, 3, 12), reference,
                         std::string(fastmath::simd_level_name(kernels[k]->level)) + ", " + variant + analysis);
    }
  }
}

TEST(SimdPaths, PermutationReplicatesAreIdenticalOnEveryLevel) {
  const std::vector<const CpuKernels*> kernels = available_kernels();
  for (const ReshuffleScheme scheme : {ReshuffleScheme::kPermute, ReshuffleScheme::kRerandomize}) {
    const StudyConfig study = liao_study(kVariants[4], "controls: [day], moderators: [day]", 21, 4);
    const ScenarioPlan plan(study, study.scenarios[0], Hypothesis::kAlternative);
    const WclsSimulationTask task = plan.task();
    const WclsPermutationSettings settings{19, scheme};
    std::vector<ReplicateBuffers> results;
    for (const CpuKernels* k : kernels) {
      ReplicateBuffers out(6, plan.dim(), true);
      std::vector<double> scratch(wcls_permutation_scratch_bytes(task) / sizeof(double) + 1);
      for (uint32_t s = 0; s < 6; ++s)
        k->wcls_permutation_replicate(plan.dim(), task, settings, 10 + s, s, out.view(), scratch.data());
      results.push_back(out);
    }
    EXPECT_EQ(results[0].failed_reshuffles[0], 0);
    for (size_t k = 1; k < kernels.size(); ++k)
      expect_same_bits(results[k], results[0], fastmath::simd_level_name(kernels[k]->level));
  }
}

// What a CUDA thread computes for a distal replicate: no scratch, so each pass of the fit simulates
// the subjects again, one at a time (kernels/distal_backend.cu), here on the CPU.
ReplicateBuffers distal_thread_path(const DistalSimulationTask& task, uint32_t replicates) {
  ReplicateBuffers out(replicates, task.analysis.columns());
  const auto run = [&](auto effects) {
    constexpr int P = decltype(effects)::value;
    for (uint32_t s = 0; s < replicates; ++s)
      run_distal_replicate<P, ScalarLanes>(EmulatedWarp<>{}, task, s, s, out.fits(), DistalScratch<P>{nullptr, nullptr});
  };
  if (task.analysis.max_effects() == 1) run(std::integral_constant<int, 1>{});
  else run(std::integral_constant<int, 2>{});
  return out;
}

TEST(SimdPaths, DistalReplicatesAreIdenticalOnEveryLevelAndTheThreadPath) {
  const std::vector<const CpuKernels*> kernels = available_kernels();
  for (const char* analysis : {"{estimator: dcee, controls: [X, Z], moderators: [Z]}",
                               "{estimator: dcee, cross_fit: 5, controls: [X, Z], moderators: []}",
                               "{estimator: wcls, numerator_prob: 0.5, controls: [X, Z], moderators: [Z]}",
                               "{estimator: gee, controls: [X, Z], moderators: []}",
                               // both effect models: the CPU fits the marginal one from the
                               // moderated one's sums, the thread path simulates each
                               "{estimator: dcee, controls: [X, Z], moderator_sets: [[Z], []]}",
                               "{estimator: gee, controls: [X, Z], moderator_sets: [[], [Z]]}"}) {
    // 45 subjects: a partly filled last group of lanes at every level; an odd T leaves the last
    // decision point without its pair.
    const StudyConfig study = parse_study(
        std::string("study: {name: d, seed: 3, replicates: 1}\nmodel: {type: qian2025, decisions: 29}\n"
                    "sample_size: 45\nhypotheses: [alternative]\nanalysis: ") + analysis + "\n",
        "d.yaml");
    const DistalSimulationTask task =
        DistalScenarioPlan(study, study.scenarios[0], Hypothesis::kAlternative, TruthValues{}).task();
    std::vector<ReplicateBuffers> results;
    for (const CpuKernels* k : kernels) {
      ReplicateBuffers out(8, task.analysis.columns());
      std::vector<double> scratch(distal_scratch_bytes(task) / sizeof(double) + 1);
      for (uint32_t s = 0; s < 8; ++s) k->distal_replicate(task, s, s, out.fits(), scratch.data());
      results.push_back(out);
    }
    EXPECT_EQ(results[0].status[0], static_cast<int>(FitStatus::kOk)) << analysis;
    for (size_t k = 1; k < kernels.size(); ++k)
      expect_same_bits(results[k], results[0], std::string(fastmath::simd_level_name(kernels[k]->level)) + analysis);
    expect_same_bits(distal_thread_path(task, 8), results[0], std::string("thread path ") + analysis);
  }
}

// The CUDA kernel's grid on the CPU: blocks of `warps_per_block` warps walk the items in grid-stride
// order (blocks taken last to first, to show that order does not matter either), each warp fitting
// its items with the emulated lanes, with or without the shared-memory subject cache.
struct LaunchShape {
  int warps_per_block;
  int blocks;
  bool cache;
};

template <int D>
void emulate_wcls_launch(const LaunchShape& shape, const std::vector<WclsSimulationTask>& tasks,
                         const std::vector<ReplicateSegment>& segments, int max_subjects, const ReplicateOutput& out) {
  const long long items = segment_items(segments), warps = static_cast<long long>(shape.blocks) * shape.warps_per_block;
  std::vector<WclsSubjectStats<D>> shared(static_cast<size_t>(max_subjects) * shape.warps_per_block);
  for (int block = shape.blocks - 1; block >= 0; --block)
    for (int w = 0; w < shape.warps_per_block; ++w) {
      WclsSubjectStats<D>* cache = shape.cache ? shared.data() + static_cast<size_t>(w) * max_subjects : nullptr;
      for (long long item = static_cast<long long>(block) * shape.warps_per_block + w; item < items; item += warps)
        run_wcls_warp_item<D>(EmulatedWarp<>{}, 0, tasks.data(), segments.data(), static_cast<int>(segments.size()),
                              item, out, cache);
    }
}

TEST(CudaWarpEmulation, AnyLaunchShapeGivesTheCpuBackendsBits) {
  // Three cells of 6 coefficients with different models and cohort sizes in one batched call.
  const StudyConfig normal = liao_study(kVariants[0], "controls: [day, day^2], moderators: [day, day^2]", 42);
  const StudyConfig ar = liao_study(kVariants[5], "controls: [day, day^2], moderators: [day, day^2]", 70);
  const StudyConfig small = liao_study(kVariants[1], "controls: [day, day^2], moderators: [day, day^2]", 12);
  const ScenarioPlan a(normal, normal.scenarios[0], Hypothesis::kAlternative);
  const ScenarioPlan b(ar, ar.scenarios[0], Hypothesis::kNull);
  const ScenarioPlan c(small, small.scenarios[0], Hypothesis::kAlternative);
  const std::vector<WclsSimulationTask> tasks{a.task(), b.task(), c.task()};
  const std::vector<WclsTaskRef> refs{{&tasks[0], &a.arena()}, {&tasks[1], &b.arena()}, {&tasks[2], &c.arena()}};
  const std::vector<ReplicateSegment> segments{{0, 5, 9, 0}, {1, 0, 7, 9}, {2, 100, 4, 16}, {0, 14, 3, 20}};
  const long long items = segment_items(segments);
  ReplicateBuffers cpu(items, 6);
  run_wcls_segments(Backend::kCpu, 2, 6, refs, segments, cpu.fits());
  for (const LaunchShape shape : {LaunchShape{1, 1, true}, LaunchShape{4, 2, true}, LaunchShape{8, 132, true},
                                  LaunchShape{2, 3, false}}) {
    ReplicateBuffers gpu_path(items, 6);
    emulate_wcls_launch<6>(shape, tasks, segments, 70, gpu_path.fits());
    expect_same_bits(gpu_path, cpu,
                     "warps per block " + std::to_string(shape.warps_per_block) + ", blocks " +
                         std::to_string(shape.blocks) + (shape.cache ? ", cache" : ", no cache"));
  }
  // Each segment's replicates are those of a plain call on its cell.
  ReplicateBuffers alone(7, 6);
  run_wcls_replicates(Backend::kCpu, 1, 6, b.task(), b.arena(), 0, 7, alone.fits());
  for (int r = 0; r < 7; ++r) EXPECT_EQ(alone.joint[r], cpu.joint[9 + r]);
}

TEST(CudaWarpEmulation, PermutationWarpGivesTheCpuBackendsBits) {
  const StudyConfig study = liao_study(kVariants[0], "controls: [day], moderators: [day]", 45, 4);
  const ScenarioPlan plan(study, study.scenarios[0], Hypothesis::kNull);
  const WclsSimulationTask task = plan.task();
  for (const ReshuffleScheme scheme : {ReshuffleScheme::kPermute, ReshuffleScheme::kRerandomize}) {
    const WclsPermutationSettings settings{9, scheme};
    ReplicateBuffers cpu(4, plan.dim(), true);
    run_wcls_permutation_replicates(Backend::kCpu, 1, plan.dim(), task, plan.arena(), settings, 2, 4, cpu.view());
    for (const bool cache : {true, false}) {
      ReplicateBuffers gpu_path(4, plan.dim(), true);
      const int T = task.model.num_decisions;
      std::vector<uint16_t> decision(kReductionLanes * T);
      std::vector<uint8_t> treated(kReductionLanes * T);
      std::vector<double> outcome(kReductionLanes * T);
      const LaneRows rows{decision.data(), treated.data(), outcome.data(), 0, kReductionLanes};
      std::vector<WclsSubjectStats<4>> shared(task.n_subjects);
      for (uint32_t s = 0; s < 4; ++s)
        run_wcls_permutation_warp_item<4>(EmulatedWarp<>{}, 0, task, settings, 2 + s, s, gpu_path.view(), rows,
                                          cache ? shared.data() : nullptr);
      expect_same_bits(gpu_path, cpu, cache ? "cache" : "no cache");
    }
  }
}

// Reshuffles first .. first + count - 1 of `task` as the CUDA kernel runs them (the grid's warps in
// grid-stride order, blocks last to first; each lane's treatment slots strided over the grid's
// lanes), here on emulated warps.
template <int D>
ReplicateBuffers emulate_data_reshuffle_launch(const LaunchShape& shape, const WclsDataTask& task, uint32_t first,
                                               uint32_t count) {
  ReplicateBuffers out(count, D);
  const long long warps = static_cast<long long>(shape.blocks) * shape.warps_per_block, lanes = warps * kReductionLanes;
  std::vector<uint8_t> slots(static_cast<size_t>(lanes) * task.max_subject_rows);
  std::vector<WclsSubjectStats<D>> shared(static_cast<size_t>(task.n_subjects) * shape.warps_per_block);
  for (int block = shape.blocks - 1; block >= 0; --block)
    for (int w = 0; w < shape.warps_per_block; ++w) {
      WclsSubjectStats<D>* cache = shape.cache ? shared.data() + static_cast<size_t>(w) * task.n_subjects : nullptr;
      const long long warp = static_cast<long long>(block) * shape.warps_per_block + w;
      for (long long slot = warp; slot < count; slot += warps)
        run_wcls_data_reshuffle<D>(EmulatedWarp<>{}, 0, task, first + static_cast<uint32_t>(slot), slot, out.fits(),
                                   LaneSlots{slots.data(), warp * kReductionLanes, lanes}, cache);
    }
  return out;
}

TEST(CudaWarpEmulation, DataReshuffleWarpGivesTheCpuBackendsBits) {
  const WclsDesign design = testing_support::heartsteps_wcls_design();
  for (const ReshuffleScheme scheme : {ReshuffleScheme::kPermute, ReshuffleScheme::kRerandomize}) {
    TaskArena arena;
    const WclsDataTask task = testing_support::reshuffle_task(design, 31, scheme, arena);
    ReplicateBuffers cpu(11, 5);
    run_wcls_data_reshuffles(Backend::kCpu, 2, 5, task, arena, 40, 11, cpu.fits());
    for (const int status : cpu.status) EXPECT_EQ(status, static_cast<int>(FitStatus::kOk));
    for (const LaunchShape shape : {LaunchShape{1, 1, true}, LaunchShape{4, 2, true}, LaunchShape{2, 3, false}})
      expect_same_bits(emulate_data_reshuffle_launch<5>(shape, task, 40, 11), cpu,
                       std::string(kReshuffleSchemeNames.name(scheme)) + ", warps per block " +
                           std::to_string(shape.warps_per_block) + ", blocks " + std::to_string(shape.blocks) +
                           (shape.cache ? ", cache" : ", no cache"));
  }
}

TEST(SimdPaths, DataReshufflesAreIdenticalOnEveryLevel) {
  const WclsDesign design = testing_support::heartsteps_wcls_design();
  TaskArena arena;
  const WclsDataTask task = testing_support::reshuffle_task(design, 32, ReshuffleScheme::kRerandomize, arena);
  std::vector<ReplicateBuffers> results;
  const std::vector<const CpuKernels*> kernels = available_kernels();
  for (const CpuKernels* k : kernels) {
    ReplicateBuffers out(6, 5);
    std::vector<double> scratch(wcls_data_scratch_bytes(task) / sizeof(double) + 1);
    for (uint32_t s = 0; s < 6; ++s) k->wcls_data_reshuffle(5, task, 100 + s, s, out.fits(), scratch.data());
    results.push_back(out);
  }
  for (size_t k = 1; k < kernels.size(); ++k)
    expect_same_bits(results[k], results[0], fastmath::simd_level_name(kernels[k]->level));
}

}  // namespace
}  // namespace mrtsim
