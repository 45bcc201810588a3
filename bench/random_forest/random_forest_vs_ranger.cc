// Data for bench/random_forest/compare_with_ranger.R (docs/random_forest.md): one cohort of the
// Qian et al. (2025) model (sims/qian_model.h, the paper's settings), mrtsim's random-forest DCEE
// nuisance fits Y ~ X + Z per arm (host/learners/random_forest.h, default parameters), and the true
// conditional means E[Y | X_t = x, Z_t = z, A_t = a] pooled over t as the nuisance regressions pool
// them, from a large Monte Carlo sample (a Gaussian-kernel smooth of fine bins of X).
//
//   random_forest_vs_ranger SUBJECTS SEED OUT.csv [TRUTH_SUBJECTS]
//   random_forest_vs_ranger --xgboost-nthread-check SUBJECTS SEED
//
// The second form fits one 500-tree XGBoost booster per arm with the learner's parameters but
// XGBoost's own threading (nthread 1, 2, 4) and says whether the predictions are bitwise identical.
#include <xgboost/c_api.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "host/engine/distal_scenario_plan.h"
#include "host/learners/random_forest.h"
#include "sims/qian_model.h"

namespace mrtsim {
namespace {

// The paper's settings (QianModelConfig's defaults) with the treatment effects on.
QianModelView paper_model() { return make_qian_model_view(QianModelConfig{}, Hypothesis::kAlternative); }

struct Row {
  int id;
  DistalRow r;
  double y;
};

std::vector<Row> cohort(const QianModelView& m, int subjects, uint64_t seed, uint32_t replicate) {
  std::vector<Row> rows;
  for (int i = 0; i < subjects; ++i) {
    const StreamKey key{seed, 0, replicate, static_cast<uint32_t>(i), StreamPurpose::kCohort};
    std::vector<DistalRow> own;
    const double y = simulate_qian_subject(m, key, [&](const DistalRow& r) { own.push_back(r); });
    for (const DistalRow& r : own) rows.push_back({i + 1, r, y});
  }
  return rows;
}

// E[Y | X = x, Z = z, A = a] over the rows of `truth_subjects` simulated subjects: sums in bins of
// width kBin, smoothed with a Gaussian kernel of SD kBandwidth.
class TrueMean {
 public:
  TrueMean(const QianModelView& m, int truth_subjects, uint64_t seed) {
    for (const Row& row : cohort(m, truth_subjects, seed, 1)) {
      const int b = bin(row.r.x);
      if (b < 0) continue;
      Cell& c = cells_[row.r.treated][static_cast<int>(row.r.z)][b];
      c.count += 1;
      c.sum += row.y;
    }
  }
  double operator()(int a, int z, double x) const {
    double weight = 0, sum = 0;
    const int centre = bin(x), reach = static_cast<int>(4 * kBandwidth / kBin);
    for (int b = std::max(0, centre - reach); b <= std::min(kBins - 1, centre + reach); ++b) {
      const double u = (kLow + (b + 0.5) * kBin - x) / kBandwidth, k = std::exp(-0.5 * u * u);
      weight += k * cells_[a][z][b].count;
      sum += k * cells_[a][z][b].sum;
    }
    return weight > 0 ? sum / weight : NAN;
  }

 private:
  static constexpr double kLow = -8.0, kBin = 0.01, kBandwidth = 0.05;
  static constexpr int kBins = 1600;
  struct Cell {
    double count = 0, sum = 0;
  };
  static int bin(double x) {
    const int b = static_cast<int>(std::floor((x - kLow) / kBin));
    return b >= 0 && b < kBins ? b : -1;
  }
  std::vector<Cell> cells_[2][2] = {{std::vector<Cell>(kBins), std::vector<Cell>(kBins)},
                                    {std::vector<Cell>(kBins), std::vector<Cell>(kBins)}};
};

RowMajorMatrix covariates(const std::vector<Row>& rows) {
  RowMajorMatrix x(rows.size(), 2);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    x(i, 0) = rows[i].r.x;
    x(i, 1) = rows[i].r.z;
  }
  return x;
}

std::vector<std::size_t> arm_rows(const std::vector<Row>& rows, int arm) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < rows.size(); ++i)
    if (rows[i].r.treated == arm) out.push_back(i);
  return out;
}

int write_comparison(int subjects, uint64_t seed, const char* path, int truth_subjects) {
  const QianModelView m = paper_model();
  const std::vector<Row> rows = cohort(m, subjects, seed, 0);
  const RowMajorMatrix x = covariates(rows);
  std::vector<double> y;
  for (const Row& row : rows) y.push_back(row.y);
  std::vector<std::size_t> every(rows.size());
  for (std::size_t i = 0; i < every.size(); ++i) every[i] = i;
  RandomForestParams params;
  params.seed = seed;
  params.threads = 2;
  std::vector<double> mu[2];
  for (int a = 0; a < 2; ++a) mu[a] = random_forest_predict(x, y, arm_rows(rows, a), every, params);
  const TrueMean truth(m, truth_subjects, seed);
  std::ofstream out(path);
  out << "id,t,X,Z,avail,A,prob,Y,mu0_rf,mu1_rf,mu0_true,mu1_true\n";
  char line[512];
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const DistalRow& r = rows[i].r;
    std::snprintf(line, sizeof line, "%d,%d,%.17g,%g,%d,%d,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g\n", rows[i].id, r.t, r.x,
                  r.z, r.available ? 1 : 0, r.treated, r.prob, rows[i].y, mu[0][i], mu[1][i],
                  truth(0, static_cast<int>(r.z), r.x), truth(1, static_cast<int>(r.z), r.x));
    out << line;
  }
  return 0;
}

#define XGB_CHECK(call)                                        \
  if ((call) != 0) {                                           \
    std::fprintf(stderr, "XGBoost: %s\n", XGBGetLastError()); \
    return {};                                                 \
  }

// One booster of 500 trees with the learner's parameters but XGBoost's own threads.
std::vector<float> one_booster(const std::vector<float>& fit_x, const std::vector<float>& labels, int nthread) {
  DMatrixHandle d = nullptr;
  XGB_CHECK(XGDMatrixCreateFromMat(fit_x.data(), labels.size(), 2, NAN, &d));
  XGB_CHECK(XGDMatrixSetFloatInfo(d, "label", labels.data(), labels.size()));
  BoosterHandle b = nullptr;
  XGB_CHECK(XGBoosterCreate(&d, 1, &b));
  for (const auto& [name, value] : xgboost_forest_parameters(RandomForestParams{}, 2, labels.size(), 500, 12345))
    XGB_CHECK(XGBoosterSetParam(b, name.c_str(), name == "nthread" ? std::to_string(nthread).c_str() : value.c_str()));
  XGB_CHECK(XGBoosterUpdateOneIter(b, 0, d));
  bst_ulong length = 0;
  const float* out = nullptr;
  XGB_CHECK(XGBoosterPredict(b, d, 0, 0, 0, &length, &out));
  std::vector<float> predictions(out, out + length);
  XGBoosterFree(b);
  XGDMatrixFree(d);
  return predictions;
}

int nthread_check(int subjects, uint64_t seed) {
  const std::vector<Row> rows = cohort(paper_model(), subjects, seed, 0);
  for (int a = 0; a < 2; ++a) {
    std::vector<float> fit_x, labels;
    double mean = 0;
    for (const std::size_t i : arm_rows(rows, a)) mean += rows[i].y;
    mean /= arm_rows(rows, a).size();
    for (const std::size_t i : arm_rows(rows, a)) {
      fit_x.push_back(static_cast<float>(rows[i].r.x));
      fit_x.push_back(static_cast<float>(rows[i].r.z));
      labels.push_back(static_cast<float>(rows[i].y - mean));
    }
    const std::vector<float> single = one_booster(fit_x, labels, 1);
    for (const int nthread : {2, 4}) {
      const std::vector<float> multi = one_booster(fit_x, labels, nthread);
      int differing = 0;
      for (std::size_t i = 0; i < single.size(); ++i) differing += single[i] != multi[i];
      std::printf("subjects %d seed %llu arm %d: nthread %d vs 1: %d of %zu predictions differ\n", subjects,
                  static_cast<unsigned long long>(seed), a, nthread, differing, single.size());
    }
  }
  return 0;
}

}  // namespace
}  // namespace mrtsim

int main(int argc, char** argv) {
  if (argc >= 4 && std::string(argv[1]) == "--xgboost-nthread-check")
    return mrtsim::nthread_check(std::atoi(argv[2]), std::strtoull(argv[3], nullptr, 10));
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s SUBJECTS SEED OUT.csv [TRUTH_SUBJECTS] | --xgboost-nthread-check SUBJECTS SEED\n", argv[0]);
    return 2;
  }
  return mrtsim::write_comparison(std::atoi(argv[1]), std::strtoull(argv[2], nullptr, 10), argv[3],
                                  argc > 4 ? std::atoi(argv[4]) : 300000);
}
