// Google Benchmark for core/fast_math.h: time per value of glibc's libm, of the fast scalar functions
// (as the compiler builds the loop around them) and of the array functions of every SIMD level
// (core/fast_math_batch.h), for log, exp, sin/cos of 2 pi u and Box-Muller pairs from Philox words.
// Counters: ns/value (CPU time) and cycles/value of the fastest iteration, in time-stamp-counter ticks
// (the nominal clock).
// Figures: docs/fast_math.md.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "core/fast_math.h"
#include "core/fast_math_batch.h"
#include "core/philox.h"
#include "core/random_variates.h"

#if defined(__x86_64__)
#include <x86intrin.h>
#else
#include <chrono>
#endif

namespace mrtsim::fastmath {
namespace {

// Time-stamp-counter ticks on x86-64; elsewhere nanoseconds stand in for them.
uint64_t ticks() {
#if defined(__x86_64__)
  return __rdtsc();
#else
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
#endif
}

constexpr size_t kValues = 4096;  // per iteration: stays in L1/L2 with the outputs

const std::vector<uint32_t>& words(uint32_t stream) {
  static std::vector<uint32_t> w[2];
  if (w[stream].empty()) {
    const StreamKey key{7, stream, 0, 0, StreamPurpose::kCohort};
    for (uint32_t i = 0; i < kValues; ++i) w[stream].push_back(key.words(i).v[0]);
  }
  return w[stream];
}

const std::vector<double>& uniforms() {
  static std::vector<double> u;
  if (u.empty())
    for (uint32_t w : words(0)) u.push_back(uniform_open01(w));
  return u;
}

const std::vector<double>& exp_arguments() {  // expit's range in the models
  static std::vector<double> x;
  if (x.empty())
    for (double u : uniforms()) x.push_back(detail::mul_add(40.0, u, -20.0));
  return x;
}

// Runs body() once per iteration (kValues values) and reports CPU ns per value and TSC cycles per
// value of the fastest iteration (robust to preemption on a shared machine).
template <class Body>
void run(benchmark::State& state, Body body) {
  uint64_t fastest = UINT64_MAX;
  for (auto _ : state) {
    const uint64_t start = ticks();
    body();
    fastest = std::min<uint64_t>(fastest, ticks() - start);
    benchmark::ClobberMemory();
  }
  const double values = static_cast<double>(kValues) * state.iterations();
  state.counters["ns/value"] = benchmark::Counter(values, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["cycles/value"] = static_cast<double>(fastest) / kValues;
}

std::vector<double> out0(kValues), out1(kValues);

// ---- glibc libm ----

void BM_LogLibm(benchmark::State& state) {
  run(state, [] {
    const std::vector<double>& u = uniforms();
    for (size_t i = 0; i < kValues; ++i) out0[i] = std::log(u[i]);
  });
}
BENCHMARK(BM_LogLibm);

void BM_ExpLibm(benchmark::State& state) {
  run(state, [] {
    const std::vector<double>& x = exp_arguments();
    for (size_t i = 0; i < kValues; ++i) out0[i] = std::exp(x[i]);
  });
}
BENCHMARK(BM_ExpLibm);

void BM_SinCos2PiLibm(benchmark::State& state) {  // as core/random_variates.h computes the angle
  run(state, [] {
    const std::vector<double>& u = uniforms();
    for (size_t i = 0; i < kValues; ++i) {
      const double angle = kTwoPi * u[i];
      out0[i] = std::sin(angle);
      out1[i] = std::cos(angle);
    }
  });
}
BENCHMARK(BM_SinCos2PiLibm);

void BM_NormalPairLibm(benchmark::State& state) {  // mrtsim::normal_pair of core/random_variates.h
  run(state, [] {
    const std::vector<uint32_t>&w0 = words(0), &w1 = words(1);
    for (size_t i = 0; i < kValues; ++i) mrtsim::normal_pair(w0[i], w1[i], &out0[i], &out1[i]);
  });
}
BENCHMARK(BM_NormalPairLibm);

// ---- fast scalar functions in a plain loop ----

void BM_LogFastScalar(benchmark::State& state) {
  run(state, [] {
    const std::vector<double>& u = uniforms();
    for (size_t i = 0; i < kValues; ++i) out0[i] = log(u[i]);
  });
}
BENCHMARK(BM_LogFastScalar);

void BM_ExpFastScalar(benchmark::State& state) {
  run(state, [] {
    const std::vector<double>& x = exp_arguments();
    for (size_t i = 0; i < kValues; ++i) out0[i] = exp(x[i]);
  });
}
BENCHMARK(BM_ExpFastScalar);

void BM_SinCos2PiFastScalar(benchmark::State& state) {
  run(state, [] {
    const std::vector<double>& u = uniforms();
    for (size_t i = 0; i < kValues; ++i) sincospi(2.0 * u[i], &out0[i], &out1[i]);
  });
}
BENCHMARK(BM_SinCos2PiFastScalar);

void BM_NormalPairFastScalar(benchmark::State& state) {
  run(state, [] {
    const std::vector<uint32_t>&w0 = words(0), &w1 = words(1);
    for (size_t i = 0; i < kValues; ++i) normal_pair(w0[i], w1[i], &out0[i], &out1[i]);
  });
}
BENCHMARK(BM_NormalPairFastScalar);

// ---- array functions per SIMD level ----

void register_level(SimdLevel level) {
  const BatchFunctions* f = batch_functions(level);
  if (f == nullptr) return;
  const std::string suffix = std::string("/") + simd_level_name(level);
  benchmark::RegisterBenchmark(("BM_LogBatch" + suffix).c_str(), [f](benchmark::State& state) {
    run(state, [f] { f->log(uniforms().data(), out0.data(), kValues); });
  });
  benchmark::RegisterBenchmark(("BM_ExpBatch" + suffix).c_str(), [f](benchmark::State& state) {
    run(state, [f] { f->exp(exp_arguments().data(), out0.data(), kValues); });
  });
  static std::vector<double> angles;  // 2u
  if (angles.empty())
    for (double u : uniforms()) angles.push_back(2.0 * u);
  benchmark::RegisterBenchmark(("BM_SinCos2PiBatch" + suffix).c_str(), [f](benchmark::State& state) {
    run(state, [f] { f->sincospi(angles.data(), out0.data(), out1.data(), kValues); });
  });
  benchmark::RegisterBenchmark(("BM_NormalPairBatch" + suffix).c_str(), [f](benchmark::State& state) {
    run(state, [f] { f->normal_pairs(words(0).data(), words(1).data(), out0.data(), out1.data(), kValues); });
  });
}

}  // namespace
}  // namespace mrtsim::fastmath

int main(int argc, char** argv) {
  for (const mrtsim::fastmath::SimdLevel level : mrtsim::fastmath::kSimdLevels) mrtsim::fastmath::register_level(level);
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
