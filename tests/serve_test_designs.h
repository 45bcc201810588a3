// Designs the web calculator's tests share (tests/test_serve_calculators.cc, tests/test_serve_app.cc).
#pragma once

#include <cmath>

#include <nlohmann/json.hpp>

namespace mrtsim::serve::testing_designs {

// MRTSampleSizeBinary's help-page example (docs/binary.md section 2): m = 10, tau = 0.8, p_t = 0.4,
// f = g = (1, t), alpha = (-0.2, -0.1), beta = (0.15, -0.01), entered as the calculator's log-linear
// curves: log SPNC(t) = -0.2 - 0.1 t runs from exp(-0.3) at t = 1 to exp(-1.3) at t = m + 1 = 11.
// N = 275 for power 0.8.
inline nlohmann::json package_example() {
  return {{"days", 10},
          {"decisions_per_day", 1},
          {"avail_shape", "constant"},
          {"avail_mean", 0.8},
          {"rand_prob_source", "constant"},
          {"rand_prob", 0.4},
          {"spnc_shape", "log-linear"},
          {"spnc_initial", std::exp(-0.3)},
          {"spnc_final", std::exp(-1.3)},
          {"rr_shape", "log-linear"},
          {"rr_initial", std::exp(0.14)},
          {"rr_final", std::exp(0.04)},
          {"loglinear_final_at", "m+1"},
          {"alpha", 0.05},
          {"allow_small_n", false},
          {"mode", "sample_size"},
          {"power", 0.8}};
}

}  // namespace mrtsim::serve::testing_designs
