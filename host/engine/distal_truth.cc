#include "host/engine/distal_truth.h"

#include <omp.h>

#include <algorithm>
#include <cmath>

#include <Eigen/Dense>

namespace mrtsim {

namespace {

constexpr int kBlocks = 32;

// Sums of one block of subjects.
struct ContrastSums {
  Eigen::Matrix2d gram = Eigen::Matrix2d::Zero();  // sum f f', f = (1, Z_t)
  Eigen::Vector2d cross = Eigen::Vector2d::Zero();  // sum f * contrast
  std::vector<double> by_z_sum, by_z_count;        // [2 t + z]: contrasts at t with Z_t = z

  explicit ContrastSums(int T) : by_z_sum(2 * T, 0.0), by_z_count(2 * T, 0.0) {}
  void add(const ContrastSums& o) {
    gram += o.gram;
    cross += o.cross;
    for (size_t k = 0; k < by_z_sum.size(); ++k) {
      by_z_sum[k] += o.by_z_sum[k];
      by_z_count[k] += o.by_z_count[k];
    }
  }
};

// The distal outcome when decision point t0 gets treatment I_t0 * value, from the state before t0.
double outcome_with_forced_treatment(const QianModelView& m, const StreamKey& key, QianState state, int t0,
                                     int value, DistalRow* row_at_t0) {
  *row_at_t0 = qian_step(m, key, t0, state, TreatmentOverride{t0, value});
  for (int t = t0 + 1; t <= m.num_decisions; ++t) qian_step(m, key, t, state);
  return qian_outcome(key, state);
}

void add_subject(const QianModelView& m, const StreamKey& key, ContrastSums& sums) {
  QianState history;
  for (int t = 1; t <= m.num_decisions; ++t) {
    // Unavailable at t: both worlds are the policy's own, and the contrast is 0.
    QianState peek = history;
    DistalRow row = qian_step(m, key, t, peek);
    double contrast = 0.0;
    if (row.available)
      contrast = outcome_with_forced_treatment(m, key, history, t, 1, &row) -
                 outcome_with_forced_treatment(m, key, history, t, 0, &row);
    const Eigen::Vector2d f(1.0, row.z);
    sums.gram.noalias() += f * f.transpose();
    sums.cross += f * contrast;
    const int z = row.z > 0.5;
    sums.by_z_sum[2 * (t - 1) + z] += contrast;
    sums.by_z_count[2 * (t - 1) + z] += 1.0;
    history = peek;  // the history continues under the MRT policy
  }
}

std::vector<double> projection_of(const ContrastSums& s, int num_effects) {
  if (num_effects == 1) return {s.cross(0) / s.gram(0, 0)};
  const Eigen::Vector2d beta = s.gram.ldlt().solve(s.cross);
  return {beta(0), beta(1)};
}

std::vector<double> simple_mean_of(const ContrastSums& s, int num_effects, int T) {
  double tau = 0.0, tau0 = 0.0, tau1 = 0.0;
  for (int t = 0; t < T; ++t) {
    const double n0 = s.by_z_count[2 * t], n1 = s.by_z_count[2 * t + 1];
    tau += (s.by_z_sum[2 * t] + s.by_z_sum[2 * t + 1]) / (n0 + n1);
    tau0 += n0 > 0 ? s.by_z_sum[2 * t] / n0 : 0.0;
    tau1 += n1 > 0 ? s.by_z_sum[2 * t + 1] / n1 : 0.0;
  }
  if (num_effects == 1) return {tau / T};
  return {tau0 / T, (tau1 - tau0) / T};
}

// Standard error of the mean of the blocks' estimates, per coefficient.
std::vector<double> batch_means_se(const std::vector<std::vector<double>>& per_block) {
  const size_t p = per_block.front().size();
  std::vector<double> se(p);
  for (size_t j = 0; j < p; ++j) {
    double mean = 0.0, ss = 0.0;
    for (const auto& b : per_block) mean += b[j] / per_block.size();
    for (const auto& b : per_block) ss += (b[j] - mean) * (b[j] - mean);
    se[j] = std::sqrt(ss / (per_block.size() - 1) / per_block.size());
  }
  return se;
}

}  // namespace

DistalTruth monte_carlo_distal_truth(const QianModelView& model, int num_effects, long long subjects, uint64_t seed,
                                     uint32_t stream, int threads) {
  const int T = model.num_decisions;
  std::vector<ContrastSums> blocks(kBlocks, ContrastSums(T));
  const int thread_count = threads > 0 ? threads : omp_get_max_threads();
#pragma omp parallel for schedule(dynamic, 1) num_threads(thread_count)
  for (int b = 0; b < kBlocks; ++b) {
    const long long begin = subjects * b / kBlocks, end = subjects * (b + 1) / kBlocks;
    for (long long i = begin; i < end; ++i) {
      const StreamKey key{seed, stream, 0, static_cast<uint32_t>(i), StreamPurpose::kTruth};
      add_subject(model, key, blocks[b]);
    }
  }
  ContrastSums all(T);
  std::vector<std::vector<double>> block_projection, block_simple;
  for (const ContrastSums& b : blocks) {
    all.add(b);
    block_projection.push_back(projection_of(b, num_effects));
    block_simple.push_back(simple_mean_of(b, num_effects, T));
  }
  DistalTruth truth;
  truth.subjects = subjects;
  truth.projection = projection_of(all, num_effects);
  truth.simple_mean = simple_mean_of(all, num_effects, T);
  truth.projection_se = batch_means_se(block_projection);
  truth.simple_mean_se = batch_means_se(block_simple);
  return truth;
}

}  // namespace mrtsim
