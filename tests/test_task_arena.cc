// The device-copy mechanism of kernels/task_arena.h, checked on the CPU for every task family: a
// task relocated into a packed copy of its arena, with the original arrays overwritten, gives
// bit-identical replicates (so every array the kernels read was relocated: the CUDA backend copies
// tasks exactly this way), and a pointer outside the arena is refused.
#include <gtest/gtest.h>

#include <cstddef>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "host/analysis/permutation_test.h"
#include "host/config/study_config.h"
#include "host/engine/cohn_scenario_plan.h"
#include "host/engine/distal_scenario_plan.h"
#include "host/engine/scenario_plan.h"
#include "kernels/distal_backend.h"
#include "kernels/emee_backend.h"
#include "kernels/replicate_buffers.h"
#include "kernels/task_arena.h"
#include "kernels/wcls_backend.h"
#include "tests/heartsteps_design.h"

namespace mrtsim {
namespace {

constexpr uint32_t kCount = 6;

// A liao2016 study with the model extension `extension`; between them, the extensions turn on every
// optional array of the model (error SDs with error_scale; exposure shift and SDs with the C_t model).
std::string liao_study(const std::string& extension) {
  return R"(study: {name: arena, seed: 5, replicates: 10}
model:
  type: liao2016
  days: 14
  decisions_per_day: 3
  rand_prob: 0.4
  availability: {shape: linear, mean: 0.6, initial: 0.8}
  effect: {shape: quadratic, mean: 0.2, initial: 0.0, day_max: 8}
  error: {type: ar1, phi: 0.3}
  )" + extension + R"(
sample_size: 25
analysis: {controls: [day], moderators: [day], numerator_prob: 0.5}
)";
}

bool bit_identical(const ReplicateBuffers& a, const ReplicateBuffers& b) {
  const auto same = [](const auto& x, const auto& y) {
    return x.size() == y.size() && std::memcmp(x.data(), y.data(), x.size() * sizeof(x[0])) == 0;
  };
  return same(a.status, b.status) && same(a.estimates, b.estimates) && same(a.std_errors, b.std_errors) &&
         same(a.joint, b.joint);
}

class RelocatedWclsTask : public ::testing::TestWithParam<std::string> {};

TEST_P(RelocatedWclsTask, ReadsNothingOfTheOriginalArrays) {
  const StudyConfig study = parse_study(liao_study(GetParam()), "arena.yaml");
  const ScenarioPlan plan(study, study.scenarios[0], Hypothesis::kAlternative);
  ReplicateBuffers direct(kCount, plan.dim()), relocated(kCount, plan.dim());
  run_wcls_replicates(Backend::kCpu, 1, plan.dim(), plan.task(), plan.arena(), 0, kCount, direct.fits());

  std::vector<std::byte> packed(plan.arena().packed_bytes());
  plan.arena().pack(packed.data());
  const WclsSimulationTask moved = relocate_task(plan.task(), plan.arena(), packed.data());
  // Deliberately damage the plan's own arrays: a pointer that was not relocated now reads NaN.
  const_cast<TaskArena&>(plan.arena()).poison();
  run_wcls_replicates(Backend::kCpu, 1, plan.dim(), moved, plan.arena(), 0, kCount, relocated.fits());
  EXPECT_TRUE(bit_identical(direct, relocated));
  for (int status : relocated.status) EXPECT_EQ(status, static_cast<int>(FitStatus::kOk));
}

INSTANTIATE_TEST_SUITE_P(
    TaskArena, RelocatedWclsTask,
    ::testing::Values("error_scale: {sd_ratio: 1.5, trend: {weekday: 1.0, weekend: 1.4}}",
                      "treatment_carryover: {lags: 3, eta_exposure: -0.1, eta_noise: 0.1, gamma_level: 0.2, "
                      "gamma_effect: 0.3, monte_carlo_subjects: 10000}"),
    [](const ::testing::TestParamInfo<std::string>& info) { return info.index == 0 ? "ErrorScale" : "Carryover"; });

// The cohn2023 model's arrays (availability, randomization and success probabilities) and the EMEE
// design's (controls, moderators, numerator probability), with EMEE so that the numerator is read.
TEST(TaskArena, RelocatedEmeeTaskReadsNothingOfTheOriginalArrays) {
  const StudyConfig study = parse_study(R"(study: {name: arena, seed: 5, replicates: 10}
model:
  type: cohn2023
  decisions: 10
  availability: {shape: sine, mean: 0.7, amplitude: 0.2}
  rand_prob: {first: 0.6, last: 0.4}
  spnc: {shape: linear_theta, theta: 0.3, average: 0.3}
  effect: {shape: linear_theta, theta: -0.2, average: 1.3}
sample_size: 40
analysis: {estimator: emee, controls: [t], moderators: [t], numerator_prob: 0.5}
)",
                                        "arena.yaml");
  const CohnScenarioPlan plan(study, study.scenarios[0], Hypothesis::kAlternative);
  ReplicateBuffers direct(kCount, plan.dim(), false, true), relocated(kCount, plan.dim(), false, true);
  run_emee_replicates(Backend::kCpu, 1, plan.dim(), plan.task(), plan.arena(), 0, kCount, direct.fits());

  std::vector<std::byte> packed(plan.arena().packed_bytes());
  plan.arena().pack(packed.data());
  const EmeeSimulationTask moved = relocate_task(plan.task(), plan.arena(), packed.data());
  const_cast<TaskArena&>(plan.arena()).poison();
  run_emee_replicates(Backend::kCpu, 1, plan.dim(), moved, plan.arena(), 0, kCount, relocated.fits());
  EXPECT_TRUE(bit_identical(direct, relocated));
  EXPECT_TRUE(direct.std_errors_unadjusted == relocated.std_errors_unadjusted);
  for (int status : relocated.status) EXPECT_EQ(status, static_cast<int>(FitStatus::kOk));
}

// `mrtsim permute`'s data task: the rows, the design matrices and the subjects' stream keys.
TEST(TaskArena, RelocatedDataReshuffleTaskReadsNothingOfTheOriginalArrays) {
  const WclsDesign design = testing_support::heartsteps_wcls_design();
  for (const ReshuffleScheme scheme : {ReshuffleScheme::kPermute, ReshuffleScheme::kRerandomize}) {
    TaskArena arena;
    const WclsDataTask task = testing_support::reshuffle_task(design, 8, scheme, arena);
    ReplicateBuffers direct(kCount, design.dim()), relocated(kCount, design.dim());
    run_wcls_data_reshuffles(Backend::kCpu, 1, design.dim(), task, arena, 0, kCount, direct.fits());

    std::vector<std::byte> packed(arena.packed_bytes());
    arena.pack(packed.data());
    const WclsDataTask moved = relocate_task(task, arena, packed.data());
    arena.poison();
    run_wcls_data_reshuffles(Backend::kCpu, 1, design.dim(), moved, arena, 0, kCount, relocated.fits());
    EXPECT_TRUE(bit_identical(direct, relocated));
    for (int status : relocated.status) EXPECT_EQ(status, static_cast<int>(FitStatus::kOk));
  }
}

TEST(TaskArena, DistalTasksHaveNoArraysToMove) {
  const StudyConfig study = parse_study(R"(study: {name: d, seed: 3, replicates: 10}
model: {type: qian2025}
sample_size: 40
analysis: {estimator: dcee, controls: [X, Z], moderators: [Z]}
)",
                                        "d.yaml");
  const DistalScenarioPlan plan(study, study.scenarios[0], Hypothesis::kAlternative, TruthValues{});
  const TaskArena empty;
  const DistalSimulationTask moved = relocate_task(plan.task(), empty, nullptr);
  EXPECT_EQ(std::memcmp(&moved, &plan.task(), sizeof(moved)), 0);
}

// A task with one array group of two arrays.
struct TwoArrays {
  const double* inside;
  const double* outside;
};
struct TwoArrayTask {
  TwoArrays arrays;
  template <class F>
  void for_each_array_group(F&& f) {
    f(arrays);
  }
};

TEST(TaskArena, APointerOutsideTheArenaIsRefused) {
  using Task = TwoArrayTask;
  TaskArena arena;
  const std::vector<double> elsewhere{1.0, 2.0};
  Task task{{arena.add(std::vector<double>{3.0, 4.0}), elsewhere.data()}};
  std::vector<std::byte> packed(arena.packed_bytes());
  EXPECT_THROW(relocate_task(task, arena, packed.data()), std::logic_error);
  task.arrays.outside = nullptr;  // an optional array that is off stays null
  const Task moved = relocate_task(task, arena, packed.data());
  EXPECT_EQ(reinterpret_cast<const std::byte*>(moved.arrays.inside), packed.data());
  EXPECT_EQ(moved.arrays.outside, nullptr);
}

}  // namespace
}  // namespace mrtsim
