// Reshuffled treatments for permutation / re-randomization tests, written once for the real-data
// command (host/analysis/permutation_test) and the per-replicate test of simulations
// (kernels/wcls_permutation.h). Every draw comes from one subject's kPermutation stream at a draw
// index the caller chooses (the callers' layouts are in core/philox.h).
#pragma once

#include <cstdint>

#include "core/device_macros.h"
#include "core/enum_table.h"
#include "core/philox.h"
#include "core/random_variates.h"

namespace mrtsim {

enum class ReshuffleScheme : int {
  kPermute = 0,      // within each subject, permute the observed treatments among its available rows
  kRerandomize = 1,  // redraw A ~ Bernoulli(rand_prob) at available rows
};
inline constexpr auto kReshuffleSchemeNames = make_enum_table<ReshuffleScheme>(
    {{ReshuffleScheme::kPermute, "permute"}, {ReshuffleScheme::kRerandomize, "rerandomize"}});

// Uniform integer in [0, bound) from 64 random bits (words 0-1) by multiply-shift; the bias, at most
// bound / 2^64, is far below anything a test of 10^7 reshuffles could see.
MRTSIM_HD MRTSIM_INLINE uint32_t uniform_below(const Philox4x32& words, uint32_t bound) {
  const uint64_t bits = (static_cast<uint64_t>(words.v[0]) << 32) | words.v[1];
#if defined(__CUDA_ARCH__)
  return static_cast<uint32_t>(__umul64hi(bits, bound));
#else
  return static_cast<uint32_t>((static_cast<unsigned __int128>(bits) * bound) >> 64);
#endif
}

// Fisher-Yates over `count` positions: for slot k = count - 1 down to 1, draw index first_draw + k
// picks the position swap(k, pick) exchanges with slot k. Every permutation has probability 1/count!.
template <class SwapFn>
MRTSIM_HD MRTSIM_INLINE void permute_positions(const StreamKey& key, uint32_t first_draw, int count,
                                               SwapFn&& swap) {
  for (int slot = count - 1; slot > 0; --slot) {
    const uint32_t pick = uniform_below(key.words(first_draw + static_cast<uint32_t>(slot)), slot + 1u);
    swap(slot, static_cast<int>(pick));
  }
}

// A ~ Bernoulli(prob) from word 0 of draw index `draw`.
MRTSIM_HD MRTSIM_INLINE int rerandomized_treatment(const StreamKey& key, uint32_t draw, double prob) {
  return bernoulli(key.words(draw).v[0], prob) ? 1 : 0;
}

// One subject's treatments at its available rows, in row order, under one reshuffle of a real data
// set (`mrtsim permute`): slot k at slots[k * stride] (stride: the lanes sharing a CUDA buffer, 1 on
// the CPU). Row r of the subject's n_rows rows has availability available[r], observed treatment
// treatment[r] and randomization probability rand_prob[r]. kPermute: Fisher-Yates over the available
// rows' observed treatments, draw indices 1 .. count - 1; kRerandomize: A ~ Bernoulli(rand_prob[r])
// from draw index r. Returns the number of slots written (the available rows).
template <class Flag, class Treatment>
MRTSIM_HD MRTSIM_INLINE int reshuffled_available_treatments(ReshuffleScheme scheme, const StreamKey& key, int n_rows,
                                                            const Flag* available, const Treatment* treatment,
                                                            const double* rand_prob, uint8_t* slots,
                                                            long long stride) {
  int count = 0;
  for (int r = 0; r < n_rows; ++r) {
    if (!available[r]) continue;
    slots[count++ * stride] = static_cast<uint8_t>(
        scheme == ReshuffleScheme::kPermute ? treatment[r] : rerandomized_treatment(key, r, rand_prob[r]));
  }
  if (scheme == ReshuffleScheme::kPermute)
    permute_positions(key, 0, count, [&](int slot, int pick) {
      const uint8_t kept = slots[slot * stride];
      slots[slot * stride] = slots[pick * stride];
      slots[pick * stride] = kept;
    });
  return count;
}

// Permutation p-value: (1 + #{reshuffled statistic >= observed}) / (1 + completed reshuffles).
MRTSIM_HD MRTSIM_INLINE double permutation_p_value(uint32_t at_least_observed, uint32_t completed) {
  return (1.0 + at_least_observed) / (1.0 + completed);
}

}  // namespace mrtsim
