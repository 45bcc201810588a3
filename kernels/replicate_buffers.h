// Host arrays behind the backends' per-replicate outputs (ReplicateOutput, and the p-values of
// a permutation test in every replicate), for the study runner, `mrtsim permute`, benchmarks and tests.
#pragma once

#include <vector>

#include "kernels/wcls_backend.h"

namespace mrtsim {

struct ReplicateBuffers {
  std::vector<int> status, n_eff, failed_reshuffles;
  std::vector<double> joint, estimates, std_errors, permutation_p, joint_permutation_p;
  std::vector<double> joint_unadjusted, std_errors_unadjusted;

  // `count` replicates of `dim` coefficients; the permutation arrays only `with_permutation`, the
  // unadjusted variance's only `with_unadjusted`.
  ReplicateBuffers(long long count, int dim, bool with_permutation = false, bool with_unadjusted = false)
      : status(count),
        n_eff(count),
        failed_reshuffles(with_permutation ? count : 0),
        joint(count),
        estimates(count * dim),
        std_errors(count * dim),
        permutation_p(with_permutation ? count * dim : 0),  // p <= dim effects per replicate
        joint_permutation_p(with_permutation ? count : 0),
        joint_unadjusted(with_unadjusted ? count : 0),
        std_errors_unadjusted(with_unadjusted ? count * dim : 0) {}

  // Empty arrays give null pointers: a family writes only what is asked for.
  ReplicateOutput fits() {
    return ReplicateOutput{status.data(),    n_eff.data(),      joint.data(),
                           estimates.data(), std_errors.data(), data_or_null(joint_unadjusted),
                           data_or_null(std_errors_unadjusted)};
  }
  ReplicateBatchOutput view() {
    return ReplicateBatchOutput{fits(), permutation_p.data(), joint_permutation_p.data(), failed_reshuffles.data()};
  }

 private:
  static double* data_or_null(std::vector<double>& v) { return v.empty() ? nullptr : v.data(); }
};

}  // namespace mrtsim
