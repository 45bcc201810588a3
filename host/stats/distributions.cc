#include "host/stats/distributions.h"

#include <algorithm>
#include <cmath>

#include <boost/math/distributions/binomial.hpp>
#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/fisher_f.hpp>
#include <boost/math/distributions/non_central_f.hpp>
#include <boost/math/distributions/students_t.hpp>

namespace mrtsim {

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

// R's binom.test: sum the probabilities of all outcomes no more likely than the observed one
// (with R's relative tolerance 1 + 1e-7).
double binomial_two_sided_p(long successes, long trials, double p0) {
  if (trials <= 0) return 1.0;
  if (p0 <= 0.0) return successes == 0 ? 1.0 : 0.0;
  if (p0 >= 1.0) return successes == trials ? 1.0 : 0.0;
  const boost::math::binomial dist(static_cast<double>(trials), p0);
  const double observed = boost::math::pdf(dist, static_cast<double>(successes));
  const double bound = observed * (1.0 + 1e-7);
  double total = 0.0;
  for (long k = 0; k <= trials; ++k) {
    const double pk = boost::math::pdf(dist, static_cast<double>(k));
    if (pk <= bound) total += pk;
  }
  return std::min(1.0, total);
}

}  // namespace mrtsim
