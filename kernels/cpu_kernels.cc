#include "kernels/cpu_kernels.h"

#include <cstdlib>
#include <string>

#include "core/user_error.h"
#include "kernels/dim_dispatch.h"
#include "kernels/distal_simulation.h"
#include "kernels/emee_simulation.h"
#include "kernels/wcls_data_permutation.h"
#include "kernels/wcls_permutation.h"
#include "kernels/wcls_simulation.h"

namespace mrtsim {

namespace {

bool cpu_runs(fastmath::SimdLevel level) { return fastmath::batch_functions(level) != nullptr; }

const CpuKernels* chosen_cpu_kernels() {
  const char* requested = std::getenv("MRTSIM_SIMD");
  if (requested == nullptr || *requested == '\0') return cpu_kernels(fastmath::best_simd_level());
  for (const auto level : fastmath::kSimdLevels) {
    if (std::string(requested) != fastmath::simd_level_name(level)) continue;
    if (const CpuKernels* kernels = cpu_kernels(level)) return kernels;
    throw UserError(std::string("MRTSIM_SIMD=") + requested + ": this build or this CPU has no " + requested +
                    " kernels");
  }
  std::string names;
  for (const auto level : fastmath::kSimdLevels)
    names += std::string(names.empty() ? "" : ", ") + fastmath::simd_level_name(level);
  throw UserError(std::string("MRTSIM_SIMD=") + requested + ": unknown instruction set (expected one of " + names +
                  ")");
}

}  // namespace

size_t wcls_scratch_bytes(const WclsSimulationTask& task) {
  return sizeof(WclsSubjectStats<kMaxWclsDim>) * static_cast<size_t>(task.n_subjects > 0 ? task.n_subjects : 1);
}

size_t wcls_permutation_scratch_bytes(const WclsSimulationTask& task) {
  return PermutationScratch<kMaxWclsDim>::bytes(task.n_subjects, task.model.num_decisions);
}

size_t distal_scratch_bytes(const DistalSimulationTask& task) { return distal_cache_bytes(task); }

size_t emee_scratch_bytes(int dim, const EmeeSimulationTask& task) {
  size_t bytes = 0;
  dispatch_dim(dim, [&](auto dim_constant) {
    bytes = EmeeCpuScratchLayout<decltype(dim_constant)::value>(task.model.num_decisions, task.n_subjects).bytes;
  });
  return bytes;
}

size_t wcls_data_scratch_bytes(const WclsDataTask& task) {
  return sizeof(WclsSubjectStats<kMaxWclsDim>) * static_cast<size_t>(task.n_subjects) +
         size_t(kReductionLanes) * static_cast<size_t>(task.max_subject_rows);
}

const CpuKernels* cpu_kernels(fastmath::SimdLevel level) {
  // fast_math_batch's levels and these are compiled for the same instruction sets and checked
  // against the same CPU features.
  if (!cpu_runs(level)) return nullptr;
  switch (level) {
    case fastmath::SimdLevel::kScalar:
      return detail::cpu_kernels_scalar();
    case fastmath::SimdLevel::kNeon:
      return detail::cpu_kernels_neon();
    case fastmath::SimdLevel::kAvx2:
      return detail::cpu_kernels_avx2();
    case fastmath::SimdLevel::kAvx512:
      return detail::cpu_kernels_avx512();
  }
  return nullptr;
}

const CpuKernels& active_cpu_kernels() {
  static const CpuKernels* const kernels = chosen_cpu_kernels();
  return *kernels;
}

}  // namespace mrtsim
