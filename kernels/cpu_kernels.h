// The CPU backend's per-replicate kernels, compiled once per instruction set and chosen at run time by
// CPU features, so that one binary runs on any x86-64 CPU and uses AVX2 + FMA or AVX-512 where the CPU
// has them (ARM64 builds: NEON). Every set gives the same bits (core/simd_lanes.h).
//
// kernels/cpu_kernels_scalar.cc (the build's own flags), cpu_kernels_neon.cc (ARM64 only),
// cpu_kernels_avx2.cc (-mavx2 -mfma) and cpu_kernels_avx512.cc (-mavx512f) each instantiate
// kernels/cpu_kernels_impl.h for their lane policy.
// Nothing else may call into those files: the functions they contain exist once per instruction set,
// and every one of them is a template over the lane policy (or always inlined), so the linker never
// merges a copy compiled for AVX-512 with one that must run on any CPU.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/fast_math_batch.h"
#include "kernels/replicate_output.h"

namespace mrtsim {

struct WclsSimulationTask;
struct WclsPermutationSettings;
struct DistalSimulationTask;
struct EmeeSimulationTask;
struct WclsDataTask;
struct LiaoModelView;
struct StreamKey;
struct CohortTable;

struct CpuKernels {
  fastmath::SimdLevel level;

  // WCLS replicate `replicate` of `task` (dim = q + p coefficients) into slot `slot` of `out`.
  // `scratch`: wcls_scratch(task) bytes.
  void (*wcls_replicate)(int dim, const WclsSimulationTask& task, uint32_t replicate, long long slot,
                         const ReplicateOutput& out, void* scratch);
  // The same with a permutation test of `permutation` (kernels/wcls_permutation.h) into `out`;
  // `scratch`: wcls_permutation_scratch(task) bytes.
  void (*wcls_permutation_replicate)(int dim, const WclsSimulationTask& task, const WclsPermutationSettings& permutation,
                                     uint32_t replicate, long long slot, const ReplicateBatchOutput& out,
                                     void* scratch);
  // A distal-outcome replicate (kernels/distal_simulation.h); `scratch`: distal_scratch(task) bytes.
  void (*distal_replicate)(const DistalSimulationTask& task, uint32_t replicate, long long slot,
                           const ReplicateOutput& out, void* scratch);
  // An EMEE / EMEE2 replicate (kernels/emee_simulation.h) with dim = q + p coefficients, its adjusted
  // and (where `out` has room) unadjusted variance; `scratch`: emee_scratch_bytes(dim, task) bytes.
  void (*emee_replicate)(int dim, const EmeeSimulationTask& task, uint32_t replicate, long long slot,
                         const ReplicateOutput& out, void* scratch);
  // The WCLS fit of reshuffle `reshuffle` of a real data set (kernels/wcls_data_permutation.h) with
  // dim = q + p coefficients into slot `slot` of `out`; `scratch`: wcls_data_scratch_bytes(task) bytes.
  void (*wcls_data_reshuffle)(int dim, const WclsDataTask& task, uint32_t reshuffle, long long slot,
                              const ReplicateOutput& out, void* scratch);
  // Simulates subjects key.subject .. key.subject + n_subjects - 1 of the Liao model and records their
  // rows in `out` (row i * T + t: the i-th of them), as the permutation kernel does: for tests and
  // benchmarks of the lanes against simulate_liao_subject.
  void (*liao_cohort)(const LiaoModelView& model, const StreamKey& key, int n_subjects, const CohortTable& out);
};

size_t wcls_scratch_bytes(const WclsSimulationTask& task);
size_t wcls_permutation_scratch_bytes(const WclsSimulationTask& task);
size_t distal_scratch_bytes(const DistalSimulationTask& task);
size_t emee_scratch_bytes(int dim, const EmeeSimulationTask& task);
size_t wcls_data_scratch_bytes(const WclsDataTask& task);

// The kernels of `level`, or nullptr where this build lacks them or this CPU cannot run them.
const CpuKernels* cpu_kernels(fastmath::SimdLevel level);

// The kernels the CPU backend uses: the widest level this CPU runs, or the level named by the
// environment variable MRTSIM_SIMD (scalar, neon, avx2 or avx512; for comparisons and benchmarks), chosen
// once per process. A MRTSIM_SIMD level that this build or CPU lacks is a UserError.
const CpuKernels& active_cpu_kernels();

namespace detail {
// Defined by the per-instruction-set files: their tables, or nullptr where the build does not
// compile that set.
const CpuKernels* cpu_kernels_scalar();
const CpuKernels* cpu_kernels_neon();
const CpuKernels* cpu_kernels_avx2();
const CpuKernels* cpu_kernels_avx512();
}  // namespace detail

}  // namespace mrtsim
