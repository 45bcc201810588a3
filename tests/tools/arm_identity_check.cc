// The portable kernels give the same bits on ARM as on x86-64, and every lane policy the build has gives
// the one-lane path's bits: this program prints hashes of core/fast_math.h's outputs
// (tests/fast_math_output_hash.h), of a simulated Qian et al. cohort and of simulated replicates on the
// one-lane policy that a CUDA thread and the portable CPU path run: DCEE with and without cross-fitting
// and its WCLS and GEE comparators (both effect models from one cohort), WCLS on a HeartSteps-sized
// Liao et al. model (normal, Student t and AR(1) errors, dropout), its permutation test, and EMEE and
// EMEE2 on the Cohn et al. model, and the Cohn et al. scenario set-up (the success-probability curves
// solved for their averages, sims/binary_shapes.cc, the one source file it compiles besides this one).
// The same replicates are then run on every wider lane policy of the build (NEON on ARM64, AVX2 in an
// x86-64-v3 build), by the kernels' own templates for one dimension, and the program fails if any
// differs from the one-lane run. scripts/check_arm_identity.sh builds it
// for this machine, for x86-64-v3 and with the aarch64 cross compiler, runs the ARM one under qemu,
// and compares the outputs line by line. Header-only code of core/, sims/ and kernels/ and
// sims/binary_shapes.cc only, so no ARM build of the project's dependencies is needed.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <limits>
#include <string>
#include <vector>

#include "core/fast_math_batch_loops.h"
#include "kernels/distal_simulation.h"
#include "kernels/emee_simulation.h"
#include "kernels/wcls_permutation.h"
#include "kernels/wcls_simulation.h"
#include "sims/binary_shapes.h"
#include "tests/fast_math_output_hash.h"

namespace mrtsim {
namespace {

uint64_t fast_math_hash() {
  uint64_t hash = 0;
  for (uint32_t i = 0; i < fastmath::testing::kHashInputs; ++i) hash += fastmath::testing::output_hash_term(i);
  return hash;
}

constexpr uint64_t kFnvOffset = 0xcbf29ce484222325ull;

// FNV-1a over the bytes of n values.
template <class T>
void hash_values(uint64_t& hash, const T* values, size_t n) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(values);
  for (size_t k = 0; k < n * sizeof(T); ++k) hash = (hash ^ bytes[k]) * 0x100000001b3ull;
}

template <class T>
void hash_vector(uint64_t& hash, const std::vector<T>& values) {
  hash_values(hash, values.data(), values.size());
}

// The outputs of `replicates` replicates with `columns` coefficients each, and their hash.
struct Outputs {
  std::vector<int> status, n_eff, failed_reshuffles;
  std::vector<double> joint, estimates, std_errors, joint_unadjusted, std_errors_unadjusted, permutation_p,
      joint_permutation_p;

  Outputs(int replicates, int columns, int effects)
      : status(replicates),
        n_eff(replicates),
        failed_reshuffles(replicates),
        joint(replicates),
        estimates(size_t(replicates) * columns),
        std_errors(size_t(replicates) * columns),
        joint_unadjusted(replicates),
        std_errors_unadjusted(size_t(replicates) * columns),
        permutation_p(size_t(replicates) * effects),
        joint_permutation_p(replicates) {}

  ReplicateOutput fits() {
    return {status.data(),    n_eff.data(),      joint.data(), estimates.data(), std_errors.data(),
            joint_unadjusted.data(), std_errors_unadjusted.data()};
  }
  ReplicateBatchOutput with_permutation() {
    return {fits(), permutation_p.data(), joint_permutation_p.data(), failed_reshuffles.data()};
  }
  int fitted() const {
    int n = 0;
    for (const int s : status) n += s == static_cast<int>(FitStatus::kOk);
    return n;
  }
  uint64_t hash() const {
    uint64_t h = kFnvOffset;
    hash_vector(h, status);
    hash_vector(h, n_eff);
    hash_vector(h, failed_reshuffles);
    for (const auto* v : {&joint, &estimates, &std_errors, &joint_unadjusted, &std_errors_unadjusted, &permutation_p,
                          &joint_permutation_p})
      hash_vector(h, *v);
    return h;
  }
};

// One line of the report: an analysis, how many of its replicates fitted, and the hash of its outputs.
struct Result {
  std::string name;
  int replicates;
  int fitted;
  uint64_t hash;
};

// Scratch memory aligned as the CPU backend's (kernels/emee_simulation.h's layouts start on 64 bytes).
struct Scratch {
  void* bytes;
  explicit Scratch(size_t size) : bytes(std::aligned_alloc(64, (size + 63) / 64 * 64)) {}
  ~Scratch() { std::free(bytes); }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
};

// ---- Qian et al. (2025): distal outcome ----

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
  uint64_t hash = kFnvOffset;
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

// Replicates 0 .. replicates - 1 of one analysis with both effect models ([Z], then []).
template <class L>
Result distal_result(const char* name, DistalEstimator estimator, int folds, int replicates) {
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
  Outputs out(replicates, task.analysis.columns(), 0);
  std::vector<DceeSubjectSums<2>> dcee(task.n_subjects);
  std::vector<WclsSubjectStats<kDistalControls + 2>> regression(task.n_subjects);
  const DistalScratch<2> scratch{dcee.data(), regression.data()};
  ReplicateOutput fits = out.fits();
  fits.joint_statistic_unadjusted = nullptr;
  fits.std_errors_unadjusted = nullptr;
  for (int r = 0; r < replicates; ++r)
    run_distal_replicate<2, L>(EmulatedWarp<L>{}, task, static_cast<uint32_t>(r), r, fits, scratch);
  return {std::string("distal ") + name, replicates, out.fitted(), out.hash()};
}

// ---- Liao et al. (2016): continuous proximal outcome, WCLS ----

constexpr int kWclsDim = 6;  // controls and moderators (1, day, day^2)

// The HeartSteps-sized model of bench/heartsteps_workload.yaml (42 days x 5 decision points,
// availability 0.8, randomization probability 0.6) with a quadratic effect, its design, and the
// model's error and dropout variant; the arrays live as long as the object.
struct LiaoTask {
  static constexpr int kDays = 42, kPerDay = 5, kT = kDays * kPerDay;
  std::vector<double> availability, rand_prob, baseline, effect, survival, controls, numerator_prob;
  std::vector<WclsWeights> weights;
  WclsSimulationTask task{};

  LiaoTask(ErrorKind error, bool dropout, int n_subjects)
      : availability(kT, 0.8), rand_prob(kT, 0.6), baseline(kT), effect(kT), survival(kT), controls(kT * 3),
        numerator_prob(kT, 0.6), weights(kT, wcls_weights(0.6, 0.6)) {
    for (int t = 0; t < kT; ++t) {
      const double day = t / kPerDay;
      baseline[t] = 0.5 - 0.01 * day;
      effect[t] = 0.1 + 0.02 * day - 0.0005 * day * day;
      survival[t] = 1.0 - 0.3 * t / kT;
      const double terms[3] = {1.0, day, day * day};
      for (int j = 0; j < 3; ++j) controls[t * 3 + j] = terms[j];
    }
    LiaoModelView& m = task.model;
    m.availability = availability.data();
    m.rand_prob = rand_prob.data();
    m.baseline = baseline.data();
    m.effect = effect.data();
    m.survival = dropout ? survival.data() : nullptr;
    m.num_decisions = kT;
    m.error.kind = error;
    m.error.student_df = 5;
    m.error.student_scale = std::sqrt(3.0 / 5.0);
    m.error.ar_order = 1;
    m.error.ar_coef[0] = 0.5;
    m.error.innovation_sd = std::sqrt(0.75);
    m.error.stationary_chol[0] = 1.0;
    task.design.controls = controls.data();
    task.design.moderators = controls.data();
    task.design.numerator_prob = numerator_prob.data();
    task.design.weights = weights.data();
    task.design.q = 3;
    task.design.p = 3;
    task.seed = 20261203;
    task.scenario = 7;
    task.n_subjects = n_subjects;
    task.correction = SmallSampleCorrection::kAlways;
  }
};

template <class L>
Result wcls_result(const char* name, ErrorKind error, bool dropout, int replicates) {
  const LiaoTask liao(error, dropout, 45);
  Outputs out(replicates, kWclsDim, 0);
  std::vector<WclsSubjectStats<kWclsDim>> cache(liao.task.n_subjects);
  for (int r = 0; r < replicates; ++r)
    write_replicate_fit(fit_simulated_replicate<kWclsDim, L>(liao.task, static_cast<uint32_t>(r), cache.data()),
                        out.fits(), r);
  return {std::string("wcls heartsteps ") + name, replicates, out.fitted(), out.hash()};
}

template <class L>
Result permutation_result(int replicates) {
  const LiaoTask liao(ErrorKind::kNormal, false, 21);
  const WclsPermutationSettings permutation{19, ReshuffleScheme::kPermute};
  Outputs out(replicates, kWclsDim, 3);
  const Scratch scratch(PermutationScratch<kMaxWclsDim>::bytes(liao.task.n_subjects, liao.task.model.num_decisions));
  for (int r = 0; r < replicates; ++r)
    run_wcls_permutation_replicate_cpu<kWclsDim, L>(liao.task, permutation, static_cast<uint32_t>(r),
                                                     out.with_permutation(), r, scratch.bytes);
  return {"wcls permutation test, 19 reshuffles", replicates, out.fitted(), out.hash()};
}

// ---- Cohn et al. (2023): binary proximal outcome, EMEE ----

constexpr int kEmeeDim = 3;  // controls (1, t), moderator 1

template <class L>
Result emee_result(const char* name, EmeeVariant variant, bool violations, int replicates) {
  constexpr int kT = 60;
  std::vector<double> availability(kT, 0.7), rand_prob(kT), control(kT), treated(kT), survival(kT), controls(kT * 2),
      moderators(kT, 1.0), numerator_prob(kT);
  for (int t = 0; t < kT; ++t) {
    rand_prob[t] = numerator_prob[t] = 0.3 + 0.4 * (t % 3) / 2.0;
    control[t] = std::exp(-1.2 + 0.004 * t);
    treated[t] = std::exp(-1.2 + 0.004 * t + 0.25);
    survival[t] = 1.0 - 0.4 * t / kT;
    controls[t * 2] = 1.0;
    controls[t * 2 + 1] = t;
  }
  EmeeSimulationTask task{};
  task.model.availability = availability.data();
  task.model.rand_prob = rand_prob.data();
  task.model.success_control = control.data();
  task.model.success_treated = treated.data();
  task.model.survival = violations ? survival.data() : nullptr;
  task.model.num_decisions = kT;
  task.model.delayed_effect_factor = violations ? std::exp(-0.1) : 1.0;
  task.model.serial_correlation_factor = violations ? std::exp(0.2) : 1.0;
  task.model.endogenous_availability = violations;
  task.model.endogenous = {0.5, 0.1, 0.2};
  task.design.controls = controls.data();
  task.design.moderators = moderators.data();
  task.design.numerator_prob = numerator_prob.data();
  task.design.q = 2;
  task.design.p = 1;
  task.design.variant = variant;
  task.seed = 20261203;
  task.scenario = 9;
  task.n_subjects = 45;
  Outputs out(replicates, kEmeeDim, 0);
  const Scratch scratch(EmeeCpuScratchLayout<kEmeeDim>(kT, task.n_subjects).bytes);
  for (int r = 0; r < replicates; ++r) {
    LaneEmeeCohort<kEmeeDim, L> cohort(task, static_cast<uint32_t>(r), scratch.bytes);
    const EmeeFit<kEmeeDim> fit = fit_simulated_emee<kEmeeDim>(task, cohort);
    write_replicate_fit(fit, out.fits(), r);
    write_unadjusted_variance(fit, out.fits(), r);
  }
  return {name, replicates, out.fitted(), out.hash()};
}

// The Cohn et al. Section 6.2 set-up for every curve shape, theta sign, availability shape and a
// sloped randomization probability: alpha and beta (solved by root finding through sums of exps),
// and the two averages recomputed from them, whose exps the cohn2023 model's success probabilities
// are. Host code, no lanes.
uint64_t cohn_setup_hash() {
  uint64_t hash = kFnvOffset;
  const BinaryAvailabilityShape availabilities[] = {BinaryAvailabilityShape::kConstant, BinaryAvailabilityShape::kLinear,
                                                   BinaryAvailabilityShape::kSine};
  const BinaryCurveShape shapes[] = {BinaryCurveShape::kConstant, BinaryCurveShape::kLinearTheta,
                                     BinaryCurveShape::kQuadraticTheta};
  for (const auto availability : availabilities)
    for (const auto spnc : shapes)
      for (const auto effect : shapes)
        for (const double theta : {-0.3, 0.5}) {
          BinaryDesignSpec spec;
          spec.availability = {availability, 0.7, 0.2};
          spec.rand_prob = {0.6, 0.4};
          spec.spnc = {spnc, theta};
          spec.effect = {effect, -theta};
          spec.aspn = 0.3;
          spec.ate = 1.25;
          const BinaryDesign design = build_binary_design(spec);
          const double averages[] = {average_spnc(design), average_treatment_effect(design)};
          hash_values(hash, design.alpha.data(), design.alpha.size());
          hash_values(hash, design.beta.data(), design.beta.size());
          hash_values(hash, averages, 2);
        }
  return hash;
}

// Every replicate analysis above on lane policy L.
template <class L>
std::vector<Result> replicate_results() {
  return {distal_result<L>("dcee", DistalEstimator::kDcee, 1, 16),
          distal_result<L>("dcee 5-fold cross-fit", DistalEstimator::kDcee, 5, 16),
          distal_result<L>("wcls", DistalEstimator::kWcls, 1, 16),
          distal_result<L>("gee", DistalEstimator::kGee, 1, 16),
          wcls_result<L>("normal errors", ErrorKind::kNormal, false, 8),
          wcls_result<L>("student t errors, dropout", ErrorKind::kStudentT, true, 8),
          wcls_result<L>("ar(1) errors", ErrorKind::kAutoregressive, false, 8),
          permutation_result<L>(4),
          emee_result<L>("emee", EmeeVariant::kEmee, false, 8),
          emee_result<L>("emee2, all violations and dropout", EmeeVariant::kEmee2, true, 8)};
}

// core/fast_math.h's functions on lane policy L's array loops, all outputs in one vector: over the
// hash's inputs (fast_math_output_hash.h: subnormals, |x| to 2^50, random words), then the special
// values and edge words (negative, zero, infinite and NaN arguments; words 0 and 2^32 - 1), an odd
// number in all so that every lane count ends with a partly filled block.
template <class L>
std::vector<double> fast_math_outputs() {
  constexpr double kInf = HUGE_VAL, kNaN = std::numeric_limits<double>::quiet_NaN();
  const double special[] = {-1.0,   -0.0,   0.0,    kInf,   -kInf,   kNaN,    0x1p-1074, 1e-310, 0x1.fffffffffffffp1023,
                            709.78, -745.1, 710.0, -746.0, 0.25,    0.5,     1.0,       0x1p50, -0x1p50, 1e-300};
  const uint32_t edge_words[] = {0u, 1u, 0x7fffffffu, 0x80000000u, 0xfffffffeu, 0xffffffffu};
  using fastmath::testing::kHashInputs;
  std::vector<double> log_arg, exp_arg, sincos_arg;
  std::vector<uint32_t> words[3];
  for (uint32_t i = 0; i < kHashInputs; ++i) {
    const fastmath::testing::HashArguments a = fastmath::testing::hash_arguments(i);
    log_arg.push_back(a.log_arg);
    exp_arg.push_back(a.exp_arg);
    sincos_arg.push_back(a.sincos_arg);
    for (int k = 0; k < 3; ++k) words[k].push_back(a.words[k + 1]);
  }
  for (const double x : special) {
    log_arg.push_back(x);
    exp_arg.push_back(x);
    sincos_arg.push_back(std::isfinite(x) && std::fabs(x) <= 0x1p50 ? x : 0.0);  // sincospi's domain
  }
  for (size_t k = 0; k < log_arg.size() - kHashInputs; ++k)
    for (int j = 0; j < 3; ++j) words[j].push_back(edge_words[(k + j) % std::size(edge_words)]);
  const size_t n = log_arg.size();
  const fastmath::BatchFunctions* f = fastmath::detail::BatchLoops<L>::functions();
  std::vector<double> out(7 * n);
  double* part[7];
  for (int k = 0; k < 7; ++k) part[k] = out.data() + k * n;
  f->log(log_arg.data(), part[0], n);
  f->exp(exp_arg.data(), part[1], n);
  f->sincospi(sincos_arg.data(), part[2], part[3], n);
  f->normal_pairs(words[0].data(), words[1].data(), part[4], part[5], n);
  f->exponentials(words[2].data(), part[6], n);
  return out;
}

// Runs the fast-math functions and the replicates on lane policy L and counts the outputs that differ
// from the one-lane path's (`reference`: its replicates).
template <class L>
int lane_mismatches(const char* policy, const std::vector<Result>& reference) {
  const std::vector<double> lanes_math = fast_math_outputs<L>(), one_lane_math = fast_math_outputs<ScalarLanes>();
  int mismatches = std::memcmp(lanes_math.data(), one_lane_math.data(), lanes_math.size() * sizeof(double)) != 0;
  if (mismatches) std::fprintf(stderr, "%s lanes DIFFER from the one-lane path: fast-math functions\n", policy);
  const std::vector<Result> results = replicate_results<L>();
  for (size_t k = 0; k < results.size(); ++k)
    if (results[k].hash != reference[k].hash) {
      std::fprintf(stderr, "%s lanes DIFFER from the one-lane path: %s\n", policy, reference[k].name.c_str());
      ++mismatches;
    }
  std::fprintf(stderr, "%s lanes: the fast-math functions and %zu analyses compared with the one-lane path, %d differ\n",
               policy, results.size(), mismatches);
  return mismatches;
}

}  // namespace
}  // namespace mrtsim

int main() {
  std::printf("fast_math output hash %016llx\n", static_cast<unsigned long long>(mrtsim::fast_math_hash()));
  std::printf("qian2025 cohort of 1000 subjects %016llx\n", static_cast<unsigned long long>(mrtsim::cohort_hash(1000)));
  std::printf("cohn2023 set-up of 54 designs %016llx\n", static_cast<unsigned long long>(mrtsim::cohn_setup_hash()));
  const std::vector<mrtsim::Result> reference = mrtsim::replicate_results<mrtsim::ScalarLanes>();
  for (const auto& r : reference)
    std::printf("%s: %d of %d replicates fitted, hash %016llx\n", r.name.c_str(), r.fitted, r.replicates,
                static_cast<unsigned long long>(r.hash));
  int mismatches = 0;
#if defined(MRTSIM_HAVE_NEON_LANES)
  mismatches += mrtsim::lane_mismatches<mrtsim::NeonLanes>("neon", reference);
#endif
#if defined(MRTSIM_HAVE_AVX2_LANES)
  mismatches += mrtsim::lane_mismatches<mrtsim::Avx2Lanes>("avx2", reference);
#endif
#if defined(MRTSIM_HAVE_AVX512_LANES)
  mismatches += mrtsim::lane_mismatches<mrtsim::Avx512Lanes>("avx512", reference);
#endif
  return mismatches == 0 ? 0 : 1;
}
