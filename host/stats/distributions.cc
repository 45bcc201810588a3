#include "host/stats/distributions.h"

#include <algorithm>
#include <cmath>

#include <boost/math/distributions/binomial.hpp>
#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/fisher_f.hpp>
#include <boost/math/distributions/non_central_f.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>

namespace mrtsim {

double normal_quantile(double probability) {
  return boost::math::quantile(boost::math::normal_distribution<double>(), probability);
}

double student_t_quantile(double df, double probability) {
  return boost::math::quantile(boost::math::students_t(df), probability);
}

double student_t_two_sided_p(double df, double t) {
  return 2.0 * boost::math::cdf(boost::math::complement(boost::math::students_t(df), std::fabs(t)));
}

double f_quantile(double df1, double df2, double probability) {
  return boost::math::quantile(boost::math::fisher_f(df1, df2), probability);
}

double f_upper_tail(double df1, double df2, double x) {
  if (x <= 0) return 1.0;
  return boost::math::cdf(boost::math::complement(boost::math::fisher_f(df1, df2), x));
}

double noncentral_f_upper_tail(double df1, double df2, double ncp, double x) {
  if (x <= 0) return 1.0;
  // Boost 1.74's complement of the noncentral F returns -cdf (e.g. -0.95) when ncp is exactly 0.
  if (ncp == 0) return f_upper_tail(df1, df2, x);
  return boost::math::cdf(boost::math::complement(boost::math::non_central_f(df1, df2, ncp), x));
}

double chi_square_quantile(double df, double probability) {
  return boost::math::quantile(boost::math::chi_squared(df), probability);
}

double chi_square_upper_tail(double df, double x) {
  if (x <= 0) return 1.0;
  return boost::math::cdf(boost::math::complement(boost::math::chi_squared(df), x));
}

// R's binom.test: the probability of all outcomes no more likely than the observed one (with R's
// relative tolerance 1 + 1e-7). The pmf rises to its mode and falls after it, so those outcomes are
// the observed tail plus the far tail beyond the first outcome on the other side of the mode that is
// no more likely: two CDF evaluations and a binary search instead of a sum over all n + 1 outcomes.
double binomial_two_sided_p(long successes, long trials, double p0) {
  if (trials <= 0) return 1.0;
  if (p0 <= 0.0) return successes == 0 ? 1.0 : 0.0;
  if (p0 >= 1.0) return successes == trials ? 1.0 : 0.0;
  const boost::math::binomial dist(static_cast<double>(trials), p0);
  const auto pmf = [&](long k) { return boost::math::pdf(dist, static_cast<double>(k)); };
  const double bound = pmf(successes) * (1.0 + 1e-7);
  const long mode = std::min(trials, static_cast<long>(std::floor((trials + 1) * p0)));
  if (successes == mode) return 1.0;
  if (successes < mode) {
    // First k in [mode, trials] with pmf(k) <= bound (pmf decreases there); trials + 1 if none.
    long low = mode, high = trials + 1;
    while (low < high) {
      const long middle = low + (high - low) / 2;
      if (pmf(middle) <= bound) high = middle;
      else low = middle + 1;
    }
    const double far = low > trials ? 0.0 : boost::math::cdf(boost::math::complement(dist, low - 1.0));
    return std::min(1.0, boost::math::cdf(dist, static_cast<double>(successes)) + far);
  }
  // Last k in [0, mode] with pmf(k) <= bound (pmf increases there); -1 if none.
  long low = -1, high = mode;
  while (low < high) {
    const long middle = high - (high - low) / 2;
    if (pmf(middle) <= bound) low = middle;
    else high = middle - 1;
  }
  const double far = low < 0 ? 0.0 : boost::math::cdf(dist, static_cast<double>(low));
  return std::min(1.0, far + boost::math::cdf(boost::math::complement(dist, successes - 1.0)));
}

}  // namespace mrtsim
