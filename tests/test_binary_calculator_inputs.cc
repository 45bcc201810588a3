// The binary Shiny calculator's curves (host/samplesize/binary_calculator_inputs.h) against the
// calculator's own formulas (tqian/MRTSampleSizeBinary_shiny, server.R), rewritten in
// tests/data/cohn2023/formula_reference.R section 5 (output in formula_reference.out), and against the
// curves' defining values at t = 1, the end point and the vertex.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "core/user_error.h"
#include "host/samplesize/binary_calculator_inputs.h"

namespace mrtsim {
namespace {

LogCurveSpec spnc_log_linear(double initial, double final) {
  LogCurveSpec spec{"--spnc", true, LogCurveShape::kLogLinear};
  spec.initial = initial;
  spec.final = final;
  return spec;
}

LogCurveSpec log_quadratic(const std::string& option, bool probability, double initial, double change_point,
                           double change_value) {
  LogCurveSpec spec{option, probability, LogCurveShape::kLogQuadratic};
  spec.initial = initial;
  spec.change_point = change_point;
  spec.change_value = change_value;
  return spec;
}

void expect_coefficients(const LogCurve& curve, const std::vector<double>& expected) {
  ASSERT_EQ(curve.coefficients.size(), static_cast<Eigen::Index>(expected.size()));
  for (std::size_t j = 0; j < expected.size(); ++j)
    EXPECT_NEAR(curve.coefficients[j], expected[j], 1e-14 * std::max(1.0, std::fabs(expected[j]))) << j;
}

double log_value_at(const LogCurve& curve, double t) {
  double value = 0.0, power = 1.0;
  for (Eigen::Index j = 0; j < curve.coefficients.size(); ++j, power *= t) value += curve.coefficients[j] * power;
  return value;
}

void expect_error_mentions(const std::function<void()>& call, const std::vector<std::string>& parts) {
  try {
    call();
    ADD_FAILURE() << "expected a UserError mentioning " << parts.front();
  } catch (const UserError& error) {
    for (const std::string& part : parts)
      EXPECT_NE(std::string(error.what()).find(part), std::string::npos) << error.what();
  }
}

TEST(BinaryCalculatorInputs, AsTheShinyApp) {
  // Case A: SPNC log-linear .4 -> .2, RR log-quadratic 1.1 with 1.3 at t = 15; case B: SPNC
  // log-quadratic .3 with .5 at t = 10, RR log-linear 1.3 -> 1.1; m = 30.
  expect_coefficients(log_curve(spnc_log_linear(0.4, 0.2), 30), {-0.8931858258554901, -0.0231049060186648});
  expect_coefficients(log_curve(log_quadratic("--rr", false, 1.1, 15, 1.3), 30),
                      {0.070592993808244270, 0.025569502754566240, -0.000852316758485572});
  expect_coefficients(log_curve(log_quadratic("--spnc", true, 0.3, 10, 0.5), 30),
                      {-1.32379609878956361, 0.12612978364592364, -0.00630648918229626});
  LogCurveSpec rr{"--rr", false, LogCurveShape::kLogLinear};
  rr.initial = 1.3;
  rr.final = 1.1;
  expect_coefficients(log_curve(rr, 30), {0.2679327339562633, -0.0055684694887722});
  // Case D: the other end-point convention, final value at t = m.
  expect_coefficients(log_curve(spnc_log_linear(0.4, 0.2), 30, LogLinearEnd::kLast),
                      {-0.8923891049582948, -0.0239016269158602});
  expect_coefficients(log_curve(rr, 30, LogLinearEnd::kLast), {0.26812475014553128, -0.00576048567804021});
}

TEST(BinaryCalculatorInputs, CurvesPassThroughTheirValues) {
  const int m = 20;
  const LogCurve app = log_curve(spnc_log_linear(0.4, 0.2), m);
  EXPECT_NEAR(log_value_at(app, 1), std::log(0.4), 1e-15);
  EXPECT_NEAR(log_value_at(app, m + 1), std::log(0.2), 1e-14);  // the app reaches "final" after the study
  EXPECT_GT(log_value_at(app, m), std::log(0.2));
  const LogCurve last = log_curve(spnc_log_linear(0.4, 0.2), m, LogLinearEnd::kLast);
  EXPECT_NEAR(log_value_at(last, m), std::log(0.2), 1e-14);
  EXPECT_EQ(app.columns.rows(), m);
  EXPECT_EQ(app.columns(m - 1, 1), m);

  const LogCurve quadratic = log_curve(log_quadratic("--rr", false, 1.1, 7.5, 1.4), m);
  EXPECT_NEAR(log_value_at(quadratic, 1), std::log(1.1), 1e-14);
  EXPECT_NEAR(log_value_at(quadratic, 7.5), std::log(1.4), 1e-14);
  EXPECT_NEAR(quadratic.coefficients[1] + 2 * 7.5 * quadratic.coefficients[2], 0.0, 1e-15);  // the vertex

  LogCurveSpec constant{"--spnc", true, LogCurveShape::kConstant};
  constant.value = 0.25;
  const LogCurve flat = log_curve(constant, m);
  EXPECT_EQ(flat.columns.cols(), 1);
  EXPECT_DOUBLE_EQ(flat.coefficients[0], std::log(0.25));
}

TEST(BinaryCalculatorInputs, BadValuesNameTheirOption) {
  expect_error_mentions([] { log_curve(spnc_log_linear(1.2, 0.2), 30); }, {"--spnc-initial", "(0, 1)"});
  expect_error_mentions([] { log_curve(spnc_log_linear(0.4, 0.0), 30); }, {"--spnc-final", "(0, 1)"});
  expect_error_mentions([] { log_curve(log_quadratic("--rr", false, 1.1, 1.0, 1.3), 30); },
                        {"--rr-change-point", "> 1"});
  expect_error_mentions([] { log_curve(log_quadratic("--rr", false, 1.1, 10, -1.3), 30); },
                        {"--rr-change-value", "positive relative risk"});
  expect_error_mentions([] { log_curve(log_quadratic("--spnc", true, 0.3, 10, 0.5), 2); },
                        {"--spnc log-quadratic", "at least 3 decision points"});
  LogCurveSpec rr{"--rr", false, LogCurveShape::kConstant};
  rr.value = 0.0;
  expect_error_mentions([&] { log_curve(rr, 30); }, {"--rr-value"});
  expect_error_mentions([] { parse_log_curve_shape("linear", "--rr"); }, {"--rr", "log-linear"});
  expect_error_mentions([] { parse_log_linear_end("m+2", "--loglinear-final-at"); }, {"--loglinear-final-at"});
  EXPECT_EQ(parse_log_linear_end("m+1", "x"), LogLinearEnd::kAfterLast);
  EXPECT_EQ(parse_log_linear_end("m", "x"), LogLinearEnd::kLast);
}

}  // namespace
}  // namespace mrtsim
