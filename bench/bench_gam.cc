// Google Benchmark for the gam nuisance learner (host/learners/gam.h): one fit of the Qian et al. (2025)
// DCEE nuisance model y ~ s(X, bs = "cr") + Z (k = 10) at the sizes a DCEE replicate fits it on
// (n x T = 50 x 30 = 1,500 and 500 x 30 = 15,000 rows per arm and fold, docs/gam.md), mgcv's default
// s(X) + Z, and predictions. Counters report fits/s (or predicted rows/s).
#include <benchmark/benchmark.h>

#include <cmath>
#include <random>
#include <vector>

#include "host/learners/gam.h"

namespace mrtsim {
namespace {

// DCEE-like data: X continuous (all values distinct), Z binary, a distal outcome around 100.
struct Workload {
  std::vector<double> x, z, y;
  explicit Workload(std::size_t rows) : x(rows), z(rows), y(rows) {
    std::mt19937_64 engine(20250301);
    std::normal_distribution<double> normal;
    std::bernoulli_distribution coin(0.45);
    for (std::size_t i = 0; i < rows; ++i) {
      x[i] = -0.6 + 1.2 * normal(engine);
      z[i] = coin(engine);
      const double u = std::clamp(x[i] / 12 + 0.5, 0.0, 1.0);
      y[i] = 100 + 30 * 6 * u * (1 - u) + 2 * z[i] + 5 * normal(engine);
    }
  }
  GamData data() const { return GamData(x.size()).add("X", x).add("Z", z); }
};

void fit_benchmark(benchmark::State& state, const char* formula_text) {
  const Workload w(static_cast<std::size_t>(state.range(0)));
  const GamFormula formula = parse_gam_formula(formula_text);
  for (auto _ : state) {
    const GamModel model = GamModel::fit(formula, w.data(), w.y.data());
    benchmark::DoNotOptimize(model.gcv_score());
  }
  state.counters["fits/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void BM_GamFitCubicRegression(benchmark::State& state) { fit_benchmark(state, "s(X, bs = \"cr\") + Z"); }
BENCHMARK(BM_GamFitCubicRegression)->Arg(1500)->Arg(15000)->Unit(benchmark::kMillisecond);

void BM_GamFitThinPlate(benchmark::State& state) { fit_benchmark(state, "s(X) + Z"); }
BENCHMARK(BM_GamFitThinPlate)->Arg(1500)->Arg(15000)->Unit(benchmark::kMillisecond);

void BM_GamPredictCubicRegression(benchmark::State& state) {
  const Workload w(static_cast<std::size_t>(state.range(0)));
  const GamModel model = GamModel::fit(parse_gam_formula("s(X, bs = \"cr\") + Z"), w.data(), w.y.data());
  for (auto _ : state) benchmark::DoNotOptimize(model.predict(w.data()).sum());
  state.counters["rows/s"] =
      benchmark::Counter(static_cast<double>(state.iterations() * state.range(0)), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_GamPredictCubicRegression)->Arg(15000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace mrtsim

BENCHMARK_MAIN();
