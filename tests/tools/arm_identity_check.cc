// The portable kernels give the same bits on ARM as on x86-64: this program prints hashes of
// core/fast_math.h's outputs (tests/fast_math_output_hash.h) and of simulated distal replicates
// (Philox, the Qian et al. model, DCEE with and without cross-fitting, the WCLS and GEE comparators,
// both effect models from one cohort: kernels/distal_simulation.h on the one-lane policy that ARM
// builds run). scripts/check_arm_identity.sh builds it for this machine and with the aarch64 cross
// compiler, runs the second under qemu, and compares the two outputs line by line. Header-only code
// of core/, sims/ and kernels/ only, so no ARM build of the project's dependencies is needed.
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>

#include "kernels/distal_simulation.h"
#include "tests/fast_math_output_hash.h"

namespace mrtsim {
namespace {

uint64_t fast_math_hash() {
  uint64_t hash = 0;
  for (uint32_t i = 0; i < fastmath::testing::kHashInputs; ++i) hash += fastmath::testing::output_hash_term(i);
  return hash;
}

// FNV-1a over the bytes of n values.
template <class T>
void hash_values(uint64_t& hash, const T* values, size_t n) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(values);
  for (size_t k = 0; k < n * sizeof(T); ++k) hash = (hash ^ bytes[k]) * 0x100000001b3ull;
}

// The paper's model (host/config/study_config.h's QianModelConfig defaults) under the alternative.
QianModelView paper_model() {
  QianModelView m{};
  m.num_decisions = 30;
  m.availability = 0.8;
  m.time_varying_prob = true;
  m.constant_prob = 0.5;
  const double theta[3] = {-0.5, 0.5, 0.5}, zeta[3] = {-1.0, 1.0, 1.0};
  for (int j = 0; j < 3; ++j) {
    m.theta[j] = theta[j];
    m.zeta[j] = zeta[j];
  }
  m.alpha = {1.0, 3.0};
  m.beta = {1.0, 2.0};
  m.gamma = {1.0, 1.5};
  m.lambda = {-1.0, -2.0};
  m.xi = {1.0, 2.0};
  m.treatment_effect = true;
  return m;
}

// Hash of the rows (X, Z, availability, treatment, p) and distal outcomes of `subjects` simulated
// subjects: the model alone, as the host's Monte Carlo truth and learner cohorts run it.
uint64_t cohort_hash(int subjects) {
  uint64_t hash = 0xcbf29ce484222325ull;
  for (int i = 0; i < subjects; ++i) {
    const StreamKey key{20261203, 5, 0, static_cast<uint32_t>(i), StreamPurpose::kCohort};
    const double y = simulate_qian_subject(paper_model(), key, [&](const DistalRow& row) {
      const double values[5] = {row.x, row.z, double(row.available), double(row.treated), row.prob};
      hash_values(hash, values, 5);
    });
    hash_values(hash, &y, 1);
  }
  return hash;
}

// Hash of replicates 0 .. replicates - 1 of one analysis with both effect models ([Z], then []);
// `fitted` counts the replicates whose fit succeeded.
uint64_t distal_hash(DistalEstimator estimator, int folds, int replicates, int& fitted) {
  DistalSimulationTask task{};
  task.model = paper_model();
  task.analysis.estimator = estimator;
  task.analysis.num_sets = 2;
  task.analysis.set_effects[0] = 2;
  task.analysis.set_effects[1] = 1;
  task.analysis.folds = folds;
  task.analysis.zero_nuisance = false;
  task.analysis.numerator_prob = 0.5;
  task.analysis.correction = SmallSampleCorrection::kMrtAnalysis;
  task.seed = 20261203;
  task.scenario = 5;
  task.n_subjects = 45;
  const int columns = task.analysis.columns();
  std::vector<int> status(replicates), n_eff(replicates);
  std::vector<double> joint(replicates), estimates(replicates * columns), std_errors(replicates * columns);
  const ReplicateOutput out{status.data(), n_eff.data(), joint.data(), estimates.data(), std_errors.data(), nullptr,
                            nullptr};
  std::vector<DceeSubjectSums<2>> dcee(task.n_subjects);
  std::vector<WclsSubjectStats<kDistalControls + 2>> regression(task.n_subjects);
  const DistalScratch<2> scratch{dcee.data(), regression.data()};
  for (int r = 0; r < replicates; ++r)
    run_distal_replicate<2, ScalarLanes>(EmulatedWarp<>{}, task, static_cast<uint32_t>(r), r, out, scratch);
  fitted = 0;
  for (const int s : status) fitted += s == static_cast<int>(FitStatus::kOk);
  uint64_t hash = 0xcbf29ce484222325ull;
  hash_values(hash, status.data(), status.size());
  hash_values(hash, n_eff.data(), n_eff.size());
  hash_values(hash, joint.data(), joint.size());
  hash_values(hash, estimates.data(), estimates.size());
  hash_values(hash, std_errors.data(), std_errors.size());
  return hash;
}

}  // namespace
}  // namespace mrtsim

int main() {
  using mrtsim::DistalEstimator;
  std::printf("fast_math output hash %016llx\n", static_cast<unsigned long long>(mrtsim::fast_math_hash()));
  std::printf("qian2025 cohort of 1000 subjects %016llx\n", static_cast<unsigned long long>(mrtsim::cohort_hash(1000)));
  const struct {
    const char* name;
    DistalEstimator estimator;
    int folds;
  } analyses[] = {{"dcee", DistalEstimator::kDcee, 1},
                  {"dcee 5-fold cross-fit", DistalEstimator::kDcee, 5},
                  {"wcls", DistalEstimator::kWcls, 1},
                  {"gee", DistalEstimator::kGee, 1}};
  for (const auto& a : analyses) {
    int fitted = 0;
    const uint64_t hash = mrtsim::distal_hash(a.estimator, a.folds, 16, fitted);
    std::printf("distal %s: %d of 16 replicates fitted, hash %016llx\n", a.name, fitted,
                static_cast<unsigned long long>(hash));
  }
  return 0;
}
