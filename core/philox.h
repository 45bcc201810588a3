// Philox4x32-10 counter-based generator (Salmon et al. 2011, Random123) and mrtsim's key layout.
//
// Every random number in mrtsim is a pure function of logical coordinates, never of a thread id,
// batch or process, so any replicate can be recomputed alone and results do not depend on the
// thread count, batch size, backend or number of processes.
//
//   key  = 64-bit study seed                     (k0 = low 32 bits, k1 = high 32 bits)
//   ctr0 = draw index within the stream          (decision point t for cohort draws)
//   ctr1 = subject index                         (0-based)
//   ctr2 = replicate index                       (0-based, per scenario)
//   ctr3 = scenario << 8 | purpose << 4 | block  (scenario < 2^24; block = which 4-word
//                                                 block of the same draw, 0..15)
//
// Purposes separate independent streams of the same (scenario, replicate, subject).
//
// Draw indices of the kPermutation purpose (kernels/reshuffle.h):
//   - real-data command (host/analysis/permutation_test): scenario and subject = 24 + 32 bits of a
//     hash of the subject's id, replicate = reshuffle index, draw index = position (Fisher-Yates
//     slot, or row within the subject when re-randomizing);
//   - simulated replicates (kernels/wcls_permutation.h): the replicate's own (scenario, replicate,
//     subject), draw index = reshuffle << 12 | position (position = Fisher-Yates slot or decision
//     point t, < 2^12), so reshuffles 0 .. 2^20 - 1 of one subject never share a counter.
#pragma once

#include <cstdint>

#include "core/device_macros.h"

namespace mrtsim {

struct Philox4x32 {
  uint32_t v[4];
};

enum class StreamPurpose : uint32_t {
  kCohort = 0,       // per decision point draws of the generative model
  kSubjectInit = 1,  // per subject draws made once (e.g. the stationary start of AR errors)
  kPermutation = 2,  // reshuffles of treatments
  kFold = 3,         // cross-fitting fold assignment
  kTruth = 4,        // Monte Carlo truth: simulated subjects of the excursion policies
  kForest = 5,       // random-forest learner: the XGBoost seed of each chunk of trees
  kLearner = 6,      // nuisance learners: the seed of each fit, subject slot = 2 * fold + arm
                     // (host/analysis/dcee_analysis.h, nuisance_learner_seed)
  kDropout = 7,      // the participant's uniform that sets when it leaves the study (sims/liao_model.h,
                     // sims/cohn_model.h)
};

namespace detail {

constexpr uint32_t kPhiloxM0 = 0xD2511F53u;
constexpr uint32_t kPhiloxM1 = 0xCD9E8D57u;
constexpr uint32_t kPhiloxW0 = 0x9E3779B9u;
constexpr uint32_t kPhiloxW1 = 0xBB67AE85u;

MRTSIM_HD MRTSIM_INLINE uint32_t mul_hi_lo(uint32_t a, uint32_t b, uint32_t* hi) {
#if defined(__CUDA_ARCH__)
  *hi = __umulhi(a, b);
  return a * b;
#else
  const uint64_t product = static_cast<uint64_t>(a) * b;
  *hi = static_cast<uint32_t>(product >> 32);
  return static_cast<uint32_t>(product);
#endif
}

MRTSIM_HD MRTSIM_INLINE void philox_round(uint32_t c[4], uint32_t k0, uint32_t k1) {
  uint32_t hi0, hi1;
  const uint32_t lo0 = mul_hi_lo(kPhiloxM0, c[0], &hi0);
  const uint32_t lo1 = mul_hi_lo(kPhiloxM1, c[2], &hi1);
  const uint32_t n0 = hi1 ^ c[1] ^ k0;
  const uint32_t n2 = hi0 ^ c[3] ^ k1;
  c[0] = n0;
  c[1] = lo1;
  c[2] = n2;
  c[3] = lo0;
}

}  // namespace detail
}  // namespace mrtsim

#include "core/philox_avx2.h"
#include "core/philox_avx512.h"
#include "core/philox_neon.h"

namespace mrtsim {

// The raw Philox4x32-10 bijection: 4 counter words and 2 key words to 4 random words.
MRTSIM_HD MRTSIM_INLINE Philox4x32 philox4x32_10(const uint32_t ctr[4], uint32_t k0, uint32_t k1) {
  uint32_t c[4] = {ctr[0], ctr[1], ctr[2], ctr[3]};
MRTSIM_UNROLL
  for (int round = 0; round < 10; ++round) {
    if (round > 0) {
      k0 += detail::kPhiloxW0;
      k1 += detail::kPhiloxW1;
    }
    detail::philox_round(c, k0, k1);
  }
  return Philox4x32{{c[0], c[1], c[2], c[3]}};
}

// Identifies one stream of draws: the study seed plus the logical coordinates of the layout above.
struct StreamKey {
  uint64_t seed;
  uint32_t scenario;
  uint32_t replicate;
  uint32_t subject;
  StreamPurpose purpose;

  // Four random words for draw index `draw` and block `block` of this stream.
  MRTSIM_HD MRTSIM_INLINE Philox4x32 words(uint32_t draw, uint32_t block = 0) const {
    const uint32_t ctr[4] = {draw, subject, replicate, counter3(block)};
    return philox4x32_10(ctr, static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32));
  }

  MRTSIM_HD MRTSIM_INLINE uint32_t counter3(uint32_t block) const {
    return (scenario << 8) | (static_cast<uint32_t>(purpose) << 4) | (block & 15u);
  }

  MRTSIM_HD MRTSIM_INLINE StreamKey with_purpose(StreamPurpose p) const {
    StreamKey k = *this;
    k.purpose = p;
    return k;
  }
};

constexpr uint32_t kMaxScenarios = 1u << 24;

}  // namespace mrtsim
