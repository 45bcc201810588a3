// R's sample(1:n, size) without replacement under R's default generator, so that mgcv's thin plate
// knot subsample (set.seed(1) inside smooth.construct.tp.smooth.spec, docs/gam.md) can be drawn
// exactly: RNGkind "Mersenne-Twister" seeded by set.seed's linear congruential scrambling, uniforms
// as unif_rand() makes them, and sample.kind = "Rejection" (R >= 3.6.0).
#pragma once

#include <cstdint>
#include <vector>

namespace mrtsim {

// The values of set.seed(seed); sample(population, size) in R (population <= 1e7, where R does not
// switch to its hashing sampler): `size` distinct integers in 1..population, in R's order.
std::vector<int> r_sample_without_replacement(int population, int size, uint32_t seed);

}  // namespace mrtsim
