// The joint test of H0: beta = 0 from T^2 = beta' V_beta^-1 beta, with p effect coefficients among
// dim coefficients and n_eff subjects, referred to F(p, n_eff - dim) after scaling T^2. One rule for
// simulations (host/stats/cell_decisions.h) and real-data analyses (host/analysis/wcls_analysis.h).
#pragma once

namespace mrtsim {

struct JointTestScale {
  const char* reference;  // "Hotelling" or "Wald", as MRTAnalysis labels the test
  int df1;
  int df2;                // n_eff - dim; the test is undefined when it is <= 0
  double t2_to_f;         // the F statistic is T^2 * t2_to_f
};

// Hotelling's T^2 = adj F(p, n_eff - dim) with adj = p (n_eff - q - 1) / (n_eff - q - p), q = dim - p
// (Liao et al. 2016, Eq. 6 with the multiple the right way up).
JointTestScale hotelling_t2_scale(int num_effects, int dim, int n_eff);

// MRTAnalysis summary()'s joint quirk: with n_eff <= 50 it multiplies T^2 by adj instead of dividing
// ("Hotelling"), otherwise it takes T^2 itself as the F statistic ("Wald"). Compatibility only.
JointTestScale mrtanalysis_scale(int num_effects, int dim, int n_eff);

}  // namespace mrtsim
