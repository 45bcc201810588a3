// The CPU kernels of kernels/cpu_kernels.h as templates over a lane policy, instantiated by
// kernels/cpu_kernels_scalar.cc, cpu_kernels_avx2.cc and cpu_kernels_avx512.cc only (see there).
#pragma once

// Every function these files compile must be inlined into the per-instruction-set kernels or carry the
// lane policy in its name (kernels/cpu_kernels.h): a copy of, say, an Eigen assignment compiled with
// -mavx512f that the linker merged with the portable one would run on every CPU. Eigen's small
// functions are only `inline` on GCC; here they are always inlined. scripts/check_isa_symbols.sh (a
// test) lists any function that escapes.
#define EIGEN_STRONG_INLINE inline __attribute__((always_inline))

#include <type_traits>
#include <utility>

#include "kernels/cpu_kernels.h"
#include "kernels/distal_simulation.h"
#include "kernels/emee_simulation.h"
#include "kernels/wcls_data_permutation.h"
#include "kernels/wcls_permutation.h"
#include "kernels/wcls_simulation.h"

namespace mrtsim::cpu_impl {

// fn(std::integral_constant<int, D>) for D = dim, 1 <= dim <= kMaxWclsDim (checked by the caller; no
// exceptions here).
template <class Fn, int... Ds>
MRTSIM_INLINE void with_dim(int dim, Fn&& fn, std::integer_sequence<int, Ds...>) {
  (void)((dim == Ds + 1 ? (fn(std::integral_constant<int, Ds + 1>{}), true) : false) || ...);
}

template <class L>
void wcls_replicate(int dim, const WclsSimulationTask& task, uint32_t replicate, long long slot,
                    const ReplicateOutput& out, void* scratch) {
  with_dim(
      dim,
      [&](auto dim_constant) {
        constexpr int D = decltype(dim_constant)::value;
        auto* cache = static_cast<WclsSubjectStats<D>*>(scratch);
        write_replicate_fit(fit_simulated_replicate<D, L>(task, replicate, cache), out, slot);
      },
      std::make_integer_sequence<int, kMaxWclsDim>{});
}

template <class L>
void wcls_permutation_replicate(int dim, const WclsSimulationTask& task, const WclsPermutationSettings& permutation,
                                uint32_t replicate, long long slot, const ReplicateBatchOutput& out, void* scratch) {
  with_dim(
      dim,
      [&](auto dim_constant) {
        run_wcls_permutation_replicate_cpu<decltype(dim_constant)::value, L>(task, permutation, replicate, out, slot,
                                                                            scratch);
      },
      std::make_integer_sequence<int, kMaxWclsDim>{});
}

template <class L>
void distal_replicate(const DistalSimulationTask& task, uint32_t replicate, long long slot, const ReplicateOutput& out,
                      void* scratch) {
  const auto run = [&](auto effects_constant) {
    constexpr int P = decltype(effects_constant)::value;
    const DistalScratch<P> cache{static_cast<DceeSubjectSums<P>*>(scratch),
                                 static_cast<WclsSubjectStats<kDistalControls + P>*>(scratch)};
    run_distal_replicate<P, L>(EmulatedWarp<L>{}, task, replicate, slot, out, cache);
  };
  if (task.analysis.max_effects() == 1) run(std::integral_constant<int, 1>{});
  else run(std::integral_constant<int, 2>{});
}

template <class L>
void emee_replicate(int dim, const EmeeSimulationTask& task, uint32_t replicate, long long slot,
                    const ReplicateOutput& out, void* scratch) {
  with_dim(
      dim,
      [&](auto dim_constant) {
        constexpr int D = decltype(dim_constant)::value;
        LaneEmeeCohort<D, L> cohort(task, replicate, scratch);
        const EmeeFit<D> fit = fit_simulated_emee<D>(task, cohort);
        write_replicate_fit(fit, out, slot);
        write_unadjusted_variance(fit, out, slot);
      },
      std::make_integer_sequence<int, kMaxWclsDim>{});
}

// The thread's scratch: the subjects' statistics (the fit's cache), then the 32 lanes' treatment slots.
template <class L>
void wcls_data_reshuffle(int dim, const WclsDataTask& task, uint32_t reshuffle, long long slot,
                         const ReplicateOutput& out, void* scratch) {
  with_dim(
      dim,
      [&](auto dim_constant) {
        constexpr int D = decltype(dim_constant)::value;
        auto* cache = static_cast<WclsSubjectStats<D>*>(scratch);
        auto* slots = reinterpret_cast<uint8_t*>(static_cast<char*>(scratch) +
                                                 sizeof(WclsSubjectStats<kMaxWclsDim>) * task.n_subjects);
        run_wcls_data_reshuffle<D>(EmulatedWarp<L>{}, 0, task, reshuffle, slot, out,
                                   LaneSlots{slots, 0, kReductionLanes}, cache);
      },
      std::make_integer_sequence<int, kMaxWclsDim>{});
}

template <class L>
void liao_cohort(const LiaoModelView& model, const StreamKey& key, int n_subjects, const CohortTable& out) {
  for (int first = 0; first < n_subjects; first += L::kLanes) {
    StreamKey lanes_key = key;
    lanes_key.subject += static_cast<uint32_t>(first);
    CohortRecorder<L> record{out, first, n_subjects - first < L::kLanes ? n_subjects - first : L::kLanes};
    simulate_liao_lanes<L>(model, lanes_key, record);
  }
}

template <class L>
const CpuKernels* make_cpu_kernels(fastmath::SimdLevel level) {
  static const CpuKernels table{level, &wcls_replicate<L>, &wcls_permutation_replicate<L>, &distal_replicate<L>,
                                &emee_replicate<L>, &wcls_data_reshuffle<L>,
                                &liao_cohort<L>};
  return &table;
}

}  // namespace mrtsim::cpu_impl
