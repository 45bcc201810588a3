// The Section 6.2 design shapes of Cohn, Qian & Murphy (2023) (sims/binary_shapes.h) and the
// sample-size formula on them, against the paper's published table of all 1,372 settings
// (bench/cohn2023/reference/cohn2023_binary_ss_sec6_2_simulation.csv, from the authors' simulation
// repository): the solved alpha and beta (their R code: uniroot with tol = 1e-12), the formula's N
// (exact), n_exact (to 1e-4, R's uniroot default tolerance; three settings lie within 1e-3 of an
// integer) and its power at N. Plus the shapes' defining properties (ratio r, targets) as closed forms.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "core/user_error.h"
#include "host/io/mrt_csv.h"
#include "host/samplesize/cohn_formula.h"
#include "sims/binary_shapes.h"

namespace mrtsim {
namespace {

const std::string kSection62 =
    std::string(MRTSIM_SOURCE_DIR) + "/bench/cohn2023/reference/cohn2023_binary_ss_sec6_2_simulation.csv";

// The paper's code solves each free scale with uniroot(tol = 1e-12); a coefficient is that scale times
// up to about (m + 1)^2 / 4 = 240.
constexpr double kCoefficientTolerance = 1e-9;

double number(const CsvTable& table, const std::string& column, std::size_t row) {
  return std::stod(table.column(column, "reference")[row]);
}

std::string text(const CsvTable& table, const std::string& column, std::size_t row) {
  return table.column(column, "reference")[row];
}

// One row of the table as a design spec; the shape names are the paper's (utility.R).
BinaryDesignSpec section62_spec(const CsvTable& table, std::size_t row) {
  BinaryDesignSpec spec;
  spec.m = static_cast<int>(number(table, "m", row));
  const std::string rand_prob = text(table, "pt_shape", row);
  EXPECT_TRUE(rand_prob == "constant 0.5" || rand_prob == "linear 0.5 pm 0.1") << rand_prob;
  spec.rand_prob = rand_prob == "constant 0.5" ? BinaryRandProbSpec{0.5, 0.5} : BinaryRandProbSpec{0.6, 0.4};
  const std::string availability = text(table, "tau_t_shape", row);
  spec.availability.mean = number(table, "AvgTau_t", row);
  spec.availability.amplitude = 0.2;
  spec.availability.shape = availability == "constant"        ? BinaryAvailabilityShape::kConstant
                            : availability == "linear pm 0.2" ? BinaryAvailabilityShape::kLinear
                                                              : BinaryAvailabilityShape::kSine;
  EXPECT_TRUE(availability == "constant" || availability == "linear pm 0.2" || availability == "sin pm 0.2");
  spec.spnc = {parse_binary_curve_shape(text(table, "gt_t_shape", row), "gt_t_shape"),
               number(table, "gt_t_theta", row)};
  spec.effect = {parse_binary_curve_shape(text(table, "ft_t_shape", row), "ft_t_shape"),
                 number(table, "ft_t_theta", row)};
  spec.aspn = number(table, "ASPNC_t", row);
  spec.ate = number(table, "ATE_t", row);
  return spec;
}

TEST(BinaryShapes, Section62AllSettings) {
  const CsvTable table = CsvTable::read(kSection62);
  ASSERT_EQ(table.num_rows(), 1372u);
  int n_matches = 0, near_integer = 0;
  for (std::size_t row = 0; row < table.num_rows(); ++row) {
    SCOPED_TRACE("data row " + std::to_string(row + 1));
    const BinaryDesign design = build_binary_design(section62_spec(table, row));
    ASSERT_EQ(design.alpha.size(), number(table, "q", row));
    ASSERT_EQ(design.beta.size(), number(table, "p", row));
    for (Eigen::Index j = 0; j < design.alpha.size(); ++j)
      EXPECT_NEAR(design.alpha[j], number(table, "alpha_t" + std::to_string(j), row), kCoefficientTolerance);
    for (Eigen::Index j = 0; j < design.beta.size(); ++j)
      EXPECT_NEAR(design.beta[j], number(table, "beta_t" + std::to_string(j), row), kCoefficientTolerance);

    // The formula with the working inputs equal to the truth (less_than_10_possible = TRUE).
    CohnInputs inputs;
    inputs.availability = design.availability;
    inputs.rand_prob = design.rand_prob;
    inputs.f = design.f;
    inputs.beta = design.beta;
    inputs.g = design.g;
    inputs.alpha = design.alpha;
    inputs.type1 = number(table, "gamma", row);
    const CohnSampleSize result = cohn_sample_size(inputs, {1.0 - number(table, "b", row), false, true});
    const double n_exact = number(table, "n_exact", row);
    EXPECT_NEAR(result.n_exact, n_exact, 1e-4);  // R's uniroot stops within ~1.2e-4 of the root
    EXPECT_NEAR(result.at_n.power, number(table, "formula_power_at_n", row), 1e-8);
    n_matches += result.n == number(table, "n", row);
    near_integer += std::fabs(n_exact - std::round(n_exact)) < 1e-3;
    // The paper ran with options(warn = 2): every kept setting satisfies the span condition.
    EXPECT_TRUE(result.warnings.empty()) << result.warnings.front();
  }
  EXPECT_EQ(n_matches, 1372);
  EXPECT_EQ(near_integer, 3);  // docs/binary.md section 4; N matches there too
}

TEST(BinaryShapes, TargetsAndRatios) {
  const int m = 30;
  for (double theta : {-1.0, -0.5, -0.3, 0.0, 0.3, 0.5, 1.0}) {
    SCOPED_TRACE("theta " + std::to_string(theta));
    BinaryDesignSpec spec;
    spec.m = m;
    spec.availability = {BinaryAvailabilityShape::kSine, 0.7, 0.2};
    spec.rand_prob = {0.6, 0.4};
    spec.spnc = {BinaryCurveShape::kQuadraticTheta, theta * 0.6};
    spec.aspn = 0.3;
    spec.effect = {BinaryCurveShape::kLinearTheta, theta};
    spec.ate = 1.3;
    const BinaryDesign linear = build_binary_design(spec);
    EXPECT_NEAR(average_spnc(linear), 0.3, 1e-12);
    EXPECT_NEAR(average_treatment_effect(linear), 1.3, 1e-12);
    // linear_theta: MEE(1) / MEE(m) = r = (1 + theta) / (1 - theta).
    const Eigen::VectorXd mee = linear.f * linear.beta;
    if (theta < 1.0) {
      EXPECT_NEAR(mee[0] / mee[m - 1], (1 + theta) / (1 - theta), 1e-9);
    } else {
      EXPECT_NEAR(mee[m - 1], 0.0, 1e-14);  // r infinite: no effect at t = m
    }

    spec.effect = {BinaryCurveShape::kQuadraticTheta, theta};
    const BinaryDesign quadratic = build_binary_design(spec);
    EXPECT_NEAR(average_treatment_effect(quadratic), 1.3, 1e-12);
    // quadratic_theta: vertex at (m + 1) / 2 (beta1 = -(m + 1) beta2), MEE(vertex) / MEE(1) = r.
    const Eigen::VectorXd& beta = quadratic.beta;
    const double vertex = (m + 1) / 2.0;
    const double at_vertex = beta[0] + beta[1] * vertex + beta[2] * vertex * vertex;
    const double at_first = beta[0] + beta[1] + beta[2];
    if (theta == 0.0) {
      EXPECT_EQ(beta[1], 0.0);  // constant
      EXPECT_EQ(beta[2], 0.0);
    } else {
      EXPECT_NEAR(beta[1], -(m + 1) * beta[2], 1e-12 * std::fabs(beta[1]));
    }
    if (theta < 1.0) {
      EXPECT_NEAR(at_vertex / at_first, (1 + theta) / (1 - theta), 1e-9);
    } else {
      EXPECT_NEAR(at_first, 0.0, 1e-14);  // r infinite: no effect at t = 1 (and t = m)
    }
  }
}

TEST(BinaryShapes, ConstantShapesAreLogsOfTheTargets) {
  BinaryDesignSpec spec;
  spec.m = 12;
  spec.availability = {BinaryAvailabilityShape::kLinear, 0.6, 0.3};
  spec.aspn = 0.25;
  spec.ate = 1.4;
  const BinaryDesign design = build_binary_design(spec);
  EXPECT_NEAR(design.alpha[0], std::log(0.25), 1e-15);
  EXPECT_NEAR(design.beta[0], std::log(1.4), 1e-15);
  EXPECT_EQ(design.f.cols(), 1);
}

TEST(BinaryShapes, AvailabilityAndRandomizationAsTheirRCode) {
  // seq(avg + .2, avg - .2, length = m); avg + .2 sin(t); seq(.6, .4, length = m).
  const Eigen::VectorXd linear = binary_availability({BinaryAvailabilityShape::kLinear, 0.5, 0.2}, 5);
  const double seq[5] = {0.7, 0.6, 0.5, 0.4, 0.3};
  for (int t = 0; t < 5; ++t) EXPECT_NEAR(linear[t], seq[t], 1e-15);
  const Eigen::VectorXd sine = binary_availability({BinaryAvailabilityShape::kSine, 0.8, 0.2}, 30);
  for (int t = 1; t <= 30; ++t) EXPECT_DOUBLE_EQ(sine[t - 1], 0.8 + 0.2 * std::sin(t));
  const Eigen::VectorXd prob = binary_rand_prob({0.6, 0.4}, 30);
  EXPECT_DOUBLE_EQ(prob[0], 0.6);
  EXPECT_DOUBLE_EQ(prob[29], 0.4);
  EXPECT_NEAR(prob[15], 0.6 - 15 * 0.2 / 29, 1e-15);
  EXPECT_EQ(binary_curve_basis(BinaryCurveShape::kQuadraticTheta, 4)(3, 2), 16.0);
}

TEST(BinaryShapes, BadInputsFail) {
  EXPECT_THROW(binary_availability({BinaryAvailabilityShape::kLinear, 1.0, 0.2}, 30), UserError);  // tau 1.2
  EXPECT_THROW(binary_availability({BinaryAvailabilityShape::kConstant, 0.0, 0.2}, 30), UserError);
  EXPECT_THROW(binary_rand_prob({0.6, 1.0}, 30), UserError);
  EXPECT_THROW(parse_binary_curve_shape("quadratic", "ft_shape"), UserError);
  EXPECT_THROW(parse_binary_availability_shape("sin pm 0.2", "tau_shape"), UserError);
  const Eigen::VectorXd weights = Eigen::VectorXd::Ones(30);
  EXPECT_THROW(solve_binary_curve({BinaryCurveShape::kLinearTheta, 1.5}, 30, weights, 1.2, "effect"), UserError);
  EXPECT_THROW(solve_binary_curve({BinaryCurveShape::kQuadraticTheta, 0.3}, 2, weights.head(2), 1.2, "effect"),
               UserError);
  // linear_theta with theta = 1 is 0 at t = m whatever its scale, so exp(curve) = 1 there and the
  // average cannot fall below 1/m: an ASPN of 0.01 is out of reach.
  EXPECT_THROW(solve_binary_curve({BinaryCurveShape::kLinearTheta, 1.0}, 30, weights, 0.01, "spnc"), UserError);
  BinaryDesignSpec spec;
  spec.aspn = 1.0;
  EXPECT_THROW(build_binary_design(spec), UserError);
}

}  // namespace
}  // namespace mrtsim
