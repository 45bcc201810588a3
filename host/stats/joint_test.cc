#include "host/stats/joint_test.h"

#include "kernels/wcls.h"

namespace mrtsim {

namespace {

// adj = d1 (d1 + d2 - 1) / d2, the multiple relating Hotelling's T^2 to F(d1, d2).
double hotelling_multiple(int d1, int d2) { return d1 * (d1 + d2 - 1.0) / d2; }

}  // namespace

JointTestScale hotelling_t2_scale(int num_effects, int dim, int n_eff) {
  const int df2 = n_eff - dim;
  return {"Hotelling", num_effects, df2, df2 > 0 ? 1.0 / hotelling_multiple(num_effects, df2) : 0.0};
}

JointTestScale mrtanalysis_scale(int num_effects, int dim, int n_eff) {
  const int df2 = n_eff - dim;
  if (n_eff > kMrtAnalysisSmallSampleLimit) return {"Wald", num_effects, df2, 1.0};
  return {"Hotelling", num_effects, df2, df2 > 0 ? hotelling_multiple(num_effects, df2) : 0.0};
}

}  // namespace mrtsim
