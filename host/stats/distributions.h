// Reference distributions used by the tests and tables, all from Boost.Math (host only).
#pragma once

namespace mrtsim {

// Quantile of the standard normal.
double normal_quantile(double probability);
// Quantile of Student's t with `df` degrees of freedom.
double student_t_quantile(double df, double probability);
// Two-sided p-value 2 (1 - T_df(|t|)).
double student_t_two_sided_p(double df, double t);
// Quantile and upper tail of the central F(df1, df2).
double f_quantile(double df1, double df2, double probability);
double f_upper_tail(double df1, double df2, double x);
// Upper tail of the noncentral F(df1, df2, ncp) at x (= 1 - pf(x, df1, df2, ncp) in R).
double noncentral_f_upper_tail(double df1, double df2, double ncp, double x);
// Quantile and upper tail of the chi-square distribution.
double chi_square_quantile(double df, double probability);
double chi_square_upper_tail(double df, double x);
// Two-sided exact binomial test of H0: success probability = p0 (as R's binom.test).
double binomial_two_sided_p(long successes, long trials, double p0);

}  // namespace mrtsim
