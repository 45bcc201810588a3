// Turning Philox words into the variates the generative models need. Each function documents how
// many 32-bit words it consumes so a model can lay out its draws per decision point.
#pragma once

#include <cmath>
#include <cstdint>

#include "core/device_macros.h"

namespace mrtsim {

constexpr double kTwoPi = 6.283185307179586476925286766559;

// Uniform on the open interval (0, 1) from one word: (w + 1/2) / 2^32, never 0 or 1, so log() and
// quantile transforms are always finite.
MRTSIM_HD MRTSIM_INLINE double uniform_open01(uint32_t w) {
  return (static_cast<double>(w) + 0.5) * 2.3283064365386962890625e-10;
}

// Bernoulli(p) from one word.
MRTSIM_HD MRTSIM_INLINE bool bernoulli(uint32_t w, double p) { return uniform_open01(w) < p; }

// A pair of independent standard normals from two words (Box-Muller).
MRTSIM_HD MRTSIM_INLINE void normal_pair(uint32_t w0, uint32_t w1, double* z0, double* z1) {
  const double radius = sqrt(-2.0 * log(uniform_open01(w0)));
  double s, c;
#if defined(__CUDA_ARCH__)
  sincos(kTwoPi * uniform_open01(w1), &s, &c);
#else
  const double angle = kTwoPi * uniform_open01(w1);
  s = std::sin(angle);
  c = std::cos(angle);
#endif
  *z0 = radius * c;
  *z1 = radius * s;
}

// Standard exponential from one word.
MRTSIM_HD MRTSIM_INLINE double exponential(uint32_t w) { return -log(uniform_open01(w)); }

}  // namespace mrtsim
