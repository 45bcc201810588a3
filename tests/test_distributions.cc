// The exact two-sided binomial test behind every cell's high/low flag, against R's binom.test: its
// definition summed outcome by outcome (a second computation), an exact closed form, and the
// example of R's help page.
#include <gtest/gtest.h>

#include <boost/math/distributions/binomial.hpp>

#include "host/stats/distributions.h"

namespace mrtsim {
namespace {

// R's definition: sum the probabilities of all outcomes no more likely than the observed one.
double binomial_two_sided_by_definition(long x, long n, double p) {
  const boost::math::binomial dist(static_cast<double>(n), p);
  const double bound = boost::math::pdf(dist, static_cast<double>(x)) * (1.0 + 1e-7);
  double total = 0.0;
  for (long k = 0; k <= n; ++k) {
    const double pk = boost::math::pdf(dist, static_cast<double>(k));
    if (pk <= bound) total += pk;
  }
  return std::min(1.0, total);
}

TEST(BinomialTest, MatchesDefinitionOnAGrid) {
  for (long n : {1L, 2L, 7L, 10L, 11L, 40L, 400L, 1000L})
    for (double p : {0.05, 0.2, 0.5, 0.8, 0.95})
      for (long x = 0; x <= n; x += n > 50 ? 7 : 1)
        EXPECT_NEAR(binomial_two_sided_p(x, n, p), binomial_two_sided_by_definition(x, n, p), 1e-12)
            << "x " << x << " n " << n << " p " << p;
}

TEST(BinomialTest, ClosedFormsAndRHelpExample) {
  EXPECT_DOUBLE_EQ(binomial_two_sided_p(3, 10, 0.5), 352.0 / 1024.0);  // P(X <= 3) + P(X >= 7)
  EXPECT_DOUBLE_EQ(binomial_two_sided_p(7, 10, 0.5), 352.0 / 1024.0);
  EXPECT_DOUBLE_EQ(binomial_two_sided_p(5, 10, 0.5), 1.0);
  EXPECT_DOUBLE_EQ(binomial_two_sided_p(4, 9, 0.5), 1.0);  // two equal modes, 4 and 5
  EXPECT_NEAR(binomial_two_sided_p(682, 925, 0.75), 0.3825, 5e-5);  // ?binom.test: p-value = 0.3825
}

}  // namespace
}  // namespace mrtsim
