#include "host/learners/r_sample.h"

#include <cmath>
#include <random>
#include <sstream>
#include <stdexcept>

namespace mrtsim {
namespace {

constexpr int kMtStateWords = 624;

// R's Mersenne-Twister is the standard MT19937; only its seeding differs. set.seed scrambles the seed
// with 50 steps of the congruential generator s -> 69069 s + 1 (mod 2^32), then fills the 625-word
// .Random.seed with further steps: word 0 is the position (reset to 624, "regenerate first") and
// words 1..624 are the state. A standard engine read from that state (textual representation
// X_{i-624} .. X_{i-1}) continues exactly as R does.
std::mt19937 r_seeded_mersenne_twister(uint32_t seed) {
  for (int j = 0; j < 50; ++j) seed = 69069u * seed + 1u;
  seed = 69069u * seed + 1u;  // word 0, the position, which set.seed overwrites
  std::ostringstream state;
  for (int j = 0; j < kMtStateWords; ++j) {
    seed = 69069u * seed + 1u;
    state << seed << ' ';
  }
  std::mt19937 engine;
  std::istringstream in(state.str());
  in >> engine;
  return engine;
}

// unif_rand(): 32 random bits times 2^-32, kept off 0 as R's fixup() does.
double r_unif_rand(std::mt19937& engine) {
  constexpr double kTwoToMinus32 = 2.3283064365386963e-10;
  const double u = static_cast<double>(engine()) * kTwoToMinus32;
  return u <= 0.0 ? 0.5 * 2.328306437080797e-10 : u;
}

// R_unif_index(n) with sample.kind = "Rejection": uniform on 0..n-1 from ceil(log2 n) random bits,
// assembled 16 bits per uniform, rejecting values >= n.
int r_unif_index(std::mt19937& engine, int n) {
  if (n <= 0) return 0;
  const int bits = static_cast<int>(std::ceil(std::log2(static_cast<double>(n))));
  while (true) {
    int64_t v = 0;
    for (int drawn = 0; drawn <= bits; drawn += 16)
      v = 65536 * v + static_cast<int64_t>(std::floor(r_unif_rand(engine) * 65536));
    const int64_t value = v & ((int64_t{1} << bits) - 1);
    if (value < n) return static_cast<int>(value);
  }
}

}  // namespace

std::vector<int> r_sample_without_replacement(int population, int size, uint32_t seed) {
  if (size < 0 || size > population || population > 10000000)
    throw std::invalid_argument("r_sample_without_replacement: size must lie in 0..population <= 1e7");
  std::mt19937 engine = r_seeded_mersenne_twister(seed);
  // R's partial Fisher-Yates: draw a position among those left, move the last one into its place.
  std::vector<int> left(population);
  for (int i = 0; i < population; ++i) left[i] = i;
  std::vector<int> sample(size);
  int remaining = population;
  for (int i = 0; i < size; ++i) {
    const int j = r_unif_index(engine, remaining);
    sample[i] = left[j] + 1;
    left[j] = left[--remaining];
  }
  return sample;
}

}  // namespace mrtsim
