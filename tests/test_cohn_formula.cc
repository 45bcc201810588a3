// The Cohn, Qian & Murphy (2023) sample-size formula for binary outcomes
// (host/samplesize/cohn_formula.h) against the CRAN package MRTSampleSizeBinary 0.1.2: the examples
// of its help pages, vignette and tests, the Drink Less grid of the paper, a closed form for the
// constant case, its validations and warnings. Reference values come from
// tests/data/cohn2023/formula_reference.R (its output is formula_reference.out beside it): "package"
// values are mrt_binary_ss's uniroot result (default tolerance ~1.2e-4), "true root" values solve the
// package's own power equation with tol = 1e-13; R's noncentral F (pnbeta, errmax 1e-9) and Boost's
// differ by a few 1e-10 in power, which moves the root by up to about 1e-6.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "core/user_error.h"
#include "host/samplesize/cohn_formula.h"
#include "sims/binary_shapes.h"

namespace mrtsim {
namespace {

constexpr double kPowerTolerance = 2e-9;      // Boost's noncentral F against R's pnbeta
constexpr double kTrueRootTolerance = 2e-6;   // our root against R's tol = 1e-13 root of its own power
constexpr double kPackageTolerance = 1.3e-4;  // our root against uniroot's default tolerance

Eigen::VectorXd vector_of(std::initializer_list<double> values) {
  Eigen::VectorXd v(static_cast<Eigen::Index>(values.size()));
  Eigen::Index i = 0;
  for (double value : values) v[i++] = value;
  return v;
}

// The package's example data (tau_t_1, p_t_1, f_t_1, g_t_1, beta_1, alpha_1): m = 10, tau = .8,
// p_t = .4, f = g = (1, t), alpha = (-.2, -.1), beta = (.15, -.01).
CohnInputs package_example() {
  CohnInputs in;
  const int m = 10;
  in.availability = Eigen::VectorXd::Constant(m, 0.8);
  in.rand_prob = Eigen::VectorXd::Constant(m, 0.4);
  in.f = decision_point_powers(m, 2);
  in.g = decision_point_powers(m, 2);
  in.beta = vector_of({0.15, -0.01});
  in.alpha = vector_of({-0.2, -0.1});
  return in;
}

// The package tests' quadratic variants: g_new = (1, t, t^2), alpha_new = (-.2, -.1, .01);
// f_new = (1, t, t^2), beta_new = (.15, -.01, -.1).
CohnInputs with_quadratic_g(CohnInputs in) {
  in.g = decision_point_powers(10, 3);
  in.alpha = vector_of({-0.2, -0.1, 0.01});
  return in;
}

CohnInputs with_quadratic_f(CohnInputs in) {
  in.f = decision_point_powers(10, 3);
  in.beta = vector_of({0.15, -0.01, -0.1});
  return in;
}

// f = g = 1 over m decision points with constant tau and p_t: the Drink Less illustration's design.
CohnInputs constant_design(int m, double tau, double prob, double spnc, double relative_risk) {
  CohnInputs in;
  in.availability = Eigen::VectorXd::Constant(m, tau);
  in.rand_prob = Eigen::VectorXd::Constant(m, prob);
  in.f = Eigen::MatrixXd::Ones(m, 1);
  in.g = Eigen::MatrixXd::Ones(m, 1);
  in.beta = vector_of({std::log(relative_risk)});
  in.alpha = vector_of({std::log(spnc)});
  return in;
}

CohnSampleSize sample_size(const CohnInputs& in, double power = 0.8, bool exact = false, bool allow = false) {
  return cohn_sample_size(in, {power, exact, allow});
}

void expect_error_mentions(const std::function<void()>& call, const std::vector<std::string>& parts) {
  try {
    call();
    ADD_FAILURE() << "expected a UserError mentioning " << parts.front();
  } catch (const UserError& error) {
    const std::string message = error.what();
    for (const std::string& part : parts) EXPECT_NE(message.find(part), std::string::npos) << message;
  }
}

bool mentions(const std::vector<std::string>& warnings, const std::string& part) {
  for (const std::string& warning : warnings)
    if (warning.find(part) != std::string::npos) return true;
  return false;
}

TEST(CohnFormula, PackageExampleMatricesAndNoncentrality) {
  const CohnTerms terms = cohn_terms(package_example());
  EXPECT_EQ(terms.p, 2);
  EXPECT_EQ(terms.q, 2);
  const double m_ref[4] = {0.984660724887283, 4.585791277466738, 4.585791277466738, 29.055175074671116};
  const double sigma_ref[4] = {0.416654663128377, 2.371095221620974, 2.371095221620974, 16.608106101293441};
  for (int k = 0; k < 4; ++k) {
    EXPECT_NEAR(terms.m_matrix(k / 2, k % 2), m_ref[k], 1e-13 * m_ref[k]);
    EXPECT_NEAR(terms.sigma(k / 2, k % 2), sigma_ref[k], 1e-13 * sigma_ref[k]);
  }
  // compute_ncp(300, ...) on the computed M and Sigma (the help page's stored matrices are rounded to
  // 7 digits: 10.6666299327273 there).
  EXPECT_NEAR(300 * terms.ncp_per_participant, 10.6666384855301, 1e-11);
}

TEST(CohnFormula, PackageExamplePower) {
  const CohnInputs in = package_example();
  EXPECT_NEAR(cohn_power(in, 100).at_n.power, 0.363936217154288, kPowerTolerance);
  EXPECT_NEAR(cohn_power(in, 275).at_n.power, 0.801538110044366, kPowerTolerance);  // vignette: 0.8015381
  EXPECT_NEAR(cohn_power(in, 300).at_n.power, 0.837082746098636, kPowerTolerance);
  EXPECT_NEAR(cohn_power(in, 15).at_n.power, 0.0821898459696054, kPowerTolerance);  // power_vs_n_plot(15, 700)
  EXPECT_NEAR(cohn_power(in, 700).at_n.power, 0.996239003435767, kPowerTolerance);
  const CohnPowerAtN at_300 = cohn_power(in, 300).at_n;
  EXPECT_EQ(at_300.df1, 2);
  EXPECT_DOUBLE_EQ(at_300.df2, 296.0);
}

TEST(CohnFormula, PackageExampleSampleSize) {
  const CohnSampleSize exact = sample_size(package_example(), 0.8, true);
  EXPECT_NEAR(exact.n_exact, 274.005512977196, kTrueRootTolerance);
  EXPECT_NEAR(exact.n_exact, 274.005512690147, kPackageTolerance);  // the package's test: 274.0055127
  EXPECT_DOUBLE_EQ(exact.n, exact.n_exact);
  const CohnSampleSize ceiled = sample_size(package_example());
  EXPECT_EQ(ceiled.n, 275);
  EXPECT_NEAR(ceiled.at_n.power, 0.8015381, 5e-8);
  EXPECT_TRUE(ceiled.warnings.empty());
}

TEST(CohnFormula, PackageTestsSampleSizes) {
  // test-mrt_binary_ss.R: quadratic f and g; linear f with quadratic g.
  const CohnSampleSize quadratic = sample_size(with_quadratic_f(with_quadratic_g(package_example())), 0.8, true);
  EXPECT_NEAR(quadratic.n_exact, 32.0032866254145, kTrueRootTolerance);
  EXPECT_NEAR(quadratic.n_exact, 32.0032865275469, kPackageTolerance);
  const CohnInputs linear_f = with_quadratic_g(package_example());
  EXPECT_NEAR(sample_size(linear_f, 0.8, true).n_exact, 184.438236838985, kTrueRootTolerance);
  EXPECT_NEAR(sample_size(linear_f, 0.8, true).n_exact, 184.438233250598, kPackageTolerance);

  // test-mrt_binary_power.R: b = .3 and .1, and power at round(size2) close to .9.
  EXPECT_NEAR(sample_size(package_example(), 0.7, true).n_exact, 219.648679207792, kPackageTolerance);
  const double size2 = sample_size(package_example(), 0.9, true).n_exact;
  EXPECT_NEAR(size2, 358.915652186679, kPackageTolerance);
  EXPECT_NEAR(cohn_power(package_example(), std::round(size2)).at_n.power, 0.900071991713445, kPowerTolerance);

  // The two functions invert each other: N for power(50) is 50; power at N for power 1/pi.
  const double power_50 = cohn_power(linear_f, 50).at_n.power;
  EXPECT_NEAR(power_50, 0.272089482709583, kPowerTolerance);
  EXPECT_NEAR(sample_size(linear_f, power_50, true).n_exact, 50.0, 1e-8);
  const CohnSampleSize at_pi = sample_size(linear_f, 1.0 / M_PI);
  EXPECT_EQ(at_pi.n, 60);
  EXPECT_NEAR(at_pi.at_n.power, 0.323275099945257, kPowerTolerance);
}

TEST(CohnFormula, PowerSummaryAsTheVignette) {
  std::vector<double> levels;
  for (int i = 0; i <= 7; ++i) levels.push_back(std::min(0.6 + i * 0.05, 0.95));
  const std::vector<CohnPowerLevel> table = cohn_power_summary(package_example(), levels);
  const int vignette[8] = {178, 198, 220, 245, 275, 311, 359, 438};
  ASSERT_EQ(table.size(), 8u);
  for (int i = 0; i < 8; ++i) {
    EXPECT_DOUBLE_EQ(table[i].power, levels[i]);
    EXPECT_EQ(table[i].n, vignette[i]) << levels[i];
  }
  const std::vector<CohnPowerLevel> coarse = cohn_power_summary(package_example(), {0.5, 0.6, 0.7, 0.8, 0.9});
  const int coarse_ref[5] = {143, 178, 220, 275, 359};
  for (int i = 0; i < 5; ++i) EXPECT_EQ(coarse[i].n, coarse_ref[i]);
  // power_summary(..., 1e-6): the required N is <= 10 and the package stops.
  expect_error_mentions([] { cohn_power_summary(package_example(), {1e-6}); }, {"<= 10", "--allow-n-below-10"});
  expect_error_mentions([] { cohn_power_summary(package_example(), {-1e-6}); }, {"--power-levels", "(0, 1)"});
  expect_error_mentions([] { cohn_power_summary(package_example(), {100, 100000}); }, {"--power-levels", "(0, 1)"});
}

TEST(CohnFormula, SpanConditionWarnings) {
  // f = (1, t mod 2): p_t * column 2 is not in the span of g = (1, t); the package warns twice and
  // still sizes (b = .4).
  CohnInputs alternating = package_example();
  for (int t = 0; t < 10; ++t) alternating.f(t, 1) = (t % 2 == 0) ? 1.0 : 0.0;
  const CohnSampleSize result = sample_size(alternating, 0.6, true);
  EXPECT_NEAR(result.n_exact, 124.478083912082, 1e-4);
  ASSERT_EQ(result.warnings.size(), 1u);
  EXPECT_TRUE(mentions(result.warnings, "column 2 of f_t is not in the linear span of g_t"));

  // ncol(f) = 3 > ncol(g) = 2: the package warns about both and still computes power(20).
  const CohnPower wide = cohn_power(with_quadratic_f(package_example()), 20);
  EXPECT_NEAR(wide.at_n.power, 0.421914089923545, kPowerTolerance);
  EXPECT_EQ(wide.warnings.size(), 2u);
  EXPECT_TRUE(mentions(wide.warnings, "more columns (3) than g_t (2)"));
  EXPECT_TRUE(mentions(wide.warnings, "column 3 of f_t"));
}

TEST(CohnFormula, ConstantCaseClosedForm) {
  // p = q = 1, constant tau and p: lambda(n) = n m beta^2 mu0 p (1 - p) / [(1 - p) e^-beta + p - mu0].
  const int m = 30;
  const double prob = 0.5, mu0 = 0.2, beta = std::log(1.2);
  const CohnInputs in = constant_design(m, 1.0, prob, mu0, 1.2);
  const double closed = m * beta * beta * mu0 * prob * (1 - prob) / ((1 - prob) * std::exp(-beta) + prob - mu0);
  EXPECT_NEAR(cohn_terms(in).ncp_per_participant, closed, 1e-14 * closed);
  const CohnSampleSize result = sample_size(in, 0.8, true);
  EXPECT_NEAR(result.n_exact, 114.765005270741, kTrueRootTolerance);
  EXPECT_EQ(sample_size(in).n, 115);
}

TEST(CohnFormula, DrinkLessGrid) {
  // docs/binary.md section 2 (the paper's Section 7): m = 30, p_t = .6, tau = 1, f = g = 1; n_exact by
  // relative risk (rows) and average success probability .1, .3, .5, .7 (columns); true roots from R.
  const double rr[4] = {1.1, 1.2, 1.3, 1.4};
  const double aspn[4] = {0.1, 0.3, 0.5, 0.7};
  const double true_root[4][4] = {{1038.3219591999577, 267.3976241677233, 113.2295170672477, 47.1962104228825},
                                  {275.2196042866397, 71.2050207345459, 30.4672656657461, 13.1600160456044},
                                  {129.8607567572704, 34.1111136085168, 15.0983461106871, 7.2265804297846},
                                  {77.62374215285581, 20.90599342009791, 9.77827426512912, 5.32940998408067}};
  const double published[4][4] = {{1038.32, 267.40, 113.23, 47.20},
                                  {275.22, 71.21, 30.47, 13.16},
                                  {129.86, 34.11, 15.10, 7.23},
                                  {77.62, 20.91, 9.78, 5.33}};
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 4; ++j) {
      const double n_exact = sample_size(constant_design(30, 1.0, 0.6, aspn[j], rr[i]), 0.8, true, true).n_exact;
      EXPECT_NEAR(n_exact, true_root[i][j], kTrueRootTolerance) << rr[i] << " " << aspn[j];
      EXPECT_NEAR(n_exact, published[i][j], 0.005) << rr[i] << " " << aspn[j];
    }
}

TEST(CohnFormula, GuardAtTenParticipants) {
  const CohnInputs in = constant_design(30, 1.0, 0.6, 0.7, 1.4);  // n_exact 5.33
  expect_error_mentions([&] { sample_size(in); }, {"--power", "<= 10", "--allow-n-below-10"});
  const CohnSampleSize allowed = sample_size(in, 0.8, false, true);
  EXPECT_EQ(allowed.n, 6);
  EXPECT_TRUE(mentions(allowed.warnings, "<= 10"));
  // n_exact 13.16 > 10 passes the guard.
  EXPECT_EQ(sample_size(constant_design(30, 1.0, 0.6, 0.7, 1.2)).n, 14);
}

TEST(CohnFormula, ManyParametersSkipTheGuard) {
  // p = q = 5: power(10) has no denominator df and the package stops; every n it could search
  // exceeds 10, so the guard does not apply (R: true root of the package's power equation).
  const int m = 40;
  CohnInputs in;
  in.availability = Eigen::VectorXd::Constant(m, 0.9);
  in.rand_prob = Eigen::VectorXd::Constant(m, 0.5);
  in.f.resize(m, 5);
  for (int t = 0; t < m; ++t)
    for (int j = 0; j < 5; ++j) in.f(t, j) = std::pow((t + 1.0) / m, j);
  in.g = in.f;
  in.alpha = vector_of({-1.5, 0.3, -0.2, 0.1, -0.05});
  in.beta = vector_of({0.2, -0.1, 0.05, 0.02, -0.01});
  EXPECT_NEAR(sample_size(in, 0.8, true).n_exact, 142.2843540049, kTrueRootTolerance);
  EXPECT_NEAR(cohn_power(in, 300).at_n.power, 0.992060743872708, kPowerTolerance);
}

TEST(CohnFormula, PowerChecksItsN) {
  const CohnInputs in = with_quadratic_g(package_example());  // p + q = 5
  expect_error_mentions([&] { cohn_power(in, 1); }, {"--n", "n > 5"});
  expect_error_mentions([&] { cohn_power(in, -1); }, {"--n"});
  expect_error_mentions([&] { cohn_power(in, 5); }, {"--n", "0 denominator"});  // R: NaN
  expect_error_mentions([&] { cohn_power(in, 8); }, {"--n", "<= 10", "--allow-n-below-10"});
  const CohnPower small = cohn_power(in, 8, true);
  EXPECT_TRUE(mentions(small.warnings, "<= 10"));
  const CohnPower fractional = cohn_power(package_example(), 9.5, true);
  EXPECT_NEAR(fractional.at_n.power, 0.0657141220356916, kPowerTolerance);
  EXPECT_TRUE(mentions(fractional.warnings, "should be an integer"));
  EXPECT_TRUE(mentions(cohn_power(package_example(), 274.5).warnings, "should be an integer"));
  EXPECT_TRUE(cohn_power(package_example(), 275).warnings.empty());
}

TEST(CohnFormula, ValidationsNameTheInput) {
  const CohnInputs base = package_example();
  auto with = [&](const std::function<void(CohnInputs&)>& change) {
    CohnInputs in = base;
    change(in);
    return in;
  };
  auto fails = [&](const std::function<void(CohnInputs&)>& change, const std::vector<std::string>& parts) {
    const CohnInputs in = with(change);
    expect_error_mentions([&] { cohn_terms(in); }, parts);
  };
  fails([](CohnInputs& in) { in.availability = Eigen::VectorXd::Constant(2, 0.4); },
        {"agree on the number of decision points"});
  fails([](CohnInputs& in) { in.beta = vector_of({0.15, -0.01, -0.1}); }, {"f_t has 2 columns", "beta has 3"});
  fails([](CohnInputs& in) { in.alpha = vector_of({-0.2, -0.1, 0.01}); }, {"g_t has 2 columns", "alpha has 3"});
  fails([](CohnInputs& in) { in.type1 = -3; }, {"gamma", "type I error"});
  fails([](CohnInputs& in) { in.availability[3] = 0.0; }, {"avail_pattern", "decision point 4", "(0, 1]"});
  fails([](CohnInputs& in) { in.availability[0] = 1.2; }, {"avail_pattern", "decision point 1"});
  fails([](CohnInputs& in) { in.rand_prob[9] = 1.0; }, {"p_t", "decision point 10"});
  fails([](CohnInputs& in) { in.f.col(1) = 2 * in.f.col(0); }, {"f_t has linearly dependent columns"});
  fails([](CohnInputs& in) { in.g.col(1).setZero(); }, {"g_t has linearly dependent columns"});
  fails([](CohnInputs& in) { in.g = -in.g; }, {"g_t and alpha", "exp(g_t' alpha)", "(0, 1)"});  // the package test
  fails([](CohnInputs& in) { in.beta.array() += 1; }, {"f_t and beta", "under treatment"});     // the package test
  fails([](CohnInputs& in) { in.f(2, 1) = std::nan(""); }, {"f_t", "entry 3, column 2"});
  expect_error_mentions([&] { sample_size(base, 1.0); }, {"--power", "(0, 1)"});
  expect_error_mentions([&] { sample_size(base, 0.0); }, {"--power", "(0, 1)"});
  // No effect: the power stays at the type I error and no n reaches the target.
  expect_error_mentions([&] { sample_size(with([](CohnInputs& in) { in.beta.setZero(); })); },
                        {"not reached with n <= 1e6"});
  // A huge effect reaches the target already at n = p + q + 1 = 5, below the search interval.
  const CohnInputs huge = constant_design(3000, 1.0, 0.5, 0.05, 15.0);
  expect_error_mentions([&] { sample_size(huge, 0.8, false, true); }, {"n = p + q + 1 = 3", "already reaches"});
  expect_error_mentions([&] { cohn_power_curve(base, 3, 20, true); }, {"--n-range", "n > 4"});
  expect_error_mentions([&] { cohn_power_curve(base, 5, 20); }, {"--n-range", "<= 10"});
  expect_error_mentions([&] { cohn_power_curve(base, 30, 20); }, {"--n-range", "exceeds"});
}

TEST(CohnFormula, PowerCurveMatchesPointwisePower) {
  const std::vector<CohnPowerAtN> curve = cohn_power_curve(package_example(), 15, 700);
  ASSERT_EQ(curve.size(), 686u);
  EXPECT_EQ(curve.front().n, 15);
  EXPECT_NEAR(curve.front().power, 0.0821898459696054, kPowerTolerance);
  EXPECT_NEAR(curve.back().power, 0.996239003435767, kPowerTolerance);
  for (std::size_t k = 1; k < curve.size(); ++k) EXPECT_GT(curve[k].power, curve[k - 1].power);
}

}  // namespace
}  // namespace mrtsim
