// Philox4x32-10 against the Random123 known-answer vectors, and the key layout's independence
// properties.
#include <gtest/gtest.h>

#include <set>

#include "core/philox.h"
#include "core/random_variates.h"

namespace mrtsim {
namespace {

void expect_kat(uint32_t c0, uint32_t c1, uint32_t c2, uint32_t c3, uint32_t k0, uint32_t k1,
                const uint32_t expected[4]) {
  const uint32_t ctr[4] = {c0, c1, c2, c3};
  const Philox4x32 out = philox4x32_10(ctr, k0, k1);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(out.v[i], expected[i]) << "word " << i;
}

TEST(Philox, Random123KnownAnswerZero) {
  const uint32_t expected[4] = {0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u};
  expect_kat(0, 0, 0, 0, 0, 0, expected);
}

TEST(Philox, Random123KnownAnswerOnes) {
  const uint32_t expected[4] = {0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu};
  expect_kat(0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, expected);
}

TEST(Philox, Random123KnownAnswerPi) {
  const uint32_t expected[4] = {0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u};
  expect_kat(0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u, 0xa4093822u, 0x299f31d0u, expected);
}

TEST(Philox, StreamKeyCoordinatesGiveDistinctWords) {
  const StreamKey base{12345, 3, 7, 11, StreamPurpose::kCohort};
  std::set<uint32_t> first_words;
  StreamKey k = base;
  first_words.insert(k.words(0).v[0]);
  k.subject = 12;
  first_words.insert(k.words(0).v[0]);
  k = base;
  k.replicate = 8;
  first_words.insert(k.words(0).v[0]);
  k = base;
  k.scenario = 4;
  first_words.insert(k.words(0).v[0]);
  first_words.insert(base.with_purpose(StreamPurpose::kPermutation).words(0).v[0]);
  first_words.insert(base.words(1).v[0]);
  first_words.insert(base.words(0, 1).v[0]);
  k = base;
  k.seed = 12346;
  first_words.insert(k.words(0).v[0]);
  EXPECT_EQ(first_words.size(), 8u);
}

TEST(RandomVariates, UniformStaysInsideOpenInterval) {
  EXPECT_GT(uniform_open01(0u), 0.0);
  EXPECT_LT(uniform_open01(0xffffffffu), 1.0);
}

}  // namespace
}  // namespace mrtsim
