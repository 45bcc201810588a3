// The gam learner (host/learners/) against mgcv 1.8-41: bases and penalties against smoothCon, the
// knot subsample against R's sample(), fits (fitted values, smoothing parameters, EDF, GCV score,
// magic's iteration count) and predictions against gam()/predict.gam on data made by
// tests/data/gam_reference.R; the Lanczos eigen-solver against a dense one; the GCV derivatives
// against finite differences; the term parser and the errors. Tolerances: docs/gam.md.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/user_error.h"
#include "host/io/mrt_csv.h"
#include "host/learners/gam.h"
#include "host/learners/gam_terms.h"
#include "host/learners/gcv_smoothing.h"
#include "host/learners/lanczos_eigen.h"
#include "host/learners/r_sample.h"
#include "host/learners/smooth_basis.h"
#include "host/learners/spline_bases.h"

namespace mrtsim {
namespace {

const std::string kDataDir = std::string(MRTSIM_SOURCE_DIR) + "/tests/data/";

const nlohmann::json& reference() {
  static const nlohmann::json json = [] {
    std::ifstream in(kDataDir + "gam_reference.json");
    return nlohmann::json::parse(in);
  }();
  return json;
}

// A numeric CSV file, column by column.
struct Table {
  std::map<std::string, std::vector<double>> columns;
  std::size_t num_rows = 0;

  GamData view() const {
    GamData data(num_rows);
    for (const auto& [name, values] : columns) data.add(name, values);
    return data;
  }
};

const Table& table(const std::string& file) {
  static std::map<std::string, Table> cache;
  auto found = cache.find(file);
  if (found != cache.end()) return found->second;
  const CsvTable csv = CsvTable::read(kDataDir + file);
  Table t;
  t.num_rows = csv.num_rows();
  for (const std::string& name : csv.header()) {
    std::vector<double> values;
    for (const std::string& cell : csv.column(name, "test")) values.push_back(std::strtod(cell.c_str(), nullptr));
    t.columns[name] = values;
  }
  return cache[file] = t;
}

Eigen::MatrixXd matrix(const nlohmann::json& rows) {
  Eigen::MatrixXd m(rows.size(), rows.empty() ? 0 : rows[0].size());
  for (std::size_t i = 0; i < rows.size(); ++i)
    for (std::size_t j = 0; j < rows[i].size(); ++j) m(i, j) = rows[i][j].get<double>();
  return m;
}

// jsonlite writes a length-one vector as a number.
Eigen::VectorXd vector(const nlohmann::json& values) {
  if (values.is_number()) return Eigen::VectorXd::Constant(1, values.get<double>());
  Eigen::VectorXd v(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) v[i] = values[i].get<double>();
  return v;
}

template <class Index>
std::vector<Index> indices(const nlohmann::json& values) {
  std::vector<Index> out;
  for (const auto& v : values) out.push_back(v.get<Index>());
  return out;
}

// Largest |a - b| relative to the largest |b| (matrices compared as a whole).
double relative_difference(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
  return (a - b).cwiseAbs().maxCoeff() / b.cwiseAbs().maxCoeff();
}

// mgcv's tp basis functions are eigenvectors, defined up to sign: flips a's columns to match b's.
Eigen::VectorXd column_signs(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
  Eigen::VectorXd signs(a.cols());
  for (Eigen::Index c = 0; c < a.cols(); ++c) signs[c] = a.col(c).dot(b.col(c)) < 0 ? -1.0 : 1.0;
  return signs;
}

// ---------------------------------------------------------------------------------------------
// Terms

TEST(GamTerms, ParsesSmoothsAndLinearColumns) {
  const GamFormula f = parse_gam_formula("s(X) + s(Y, bs = \"cr\"), s(W, k = 5) + s(V, bs = 'cr', k = 8) + Z");
  ASSERT_EQ(f.smooths.size(), 4u);
  EXPECT_EQ(f.smooths[0].column, "X");
  EXPECT_EQ(f.smooths[0].basis, SmoothBasisType::kThinPlate);
  EXPECT_EQ(f.smooths[0].k, 10);
  EXPECT_EQ(f.smooths[1].basis, SmoothBasisType::kCubicRegression);
  EXPECT_EQ(f.smooths[2].k, 5);
  EXPECT_EQ(f.smooths[3].basis, SmoothBasisType::kCubicRegression);
  EXPECT_EQ(f.smooths[3].k, 8);
  EXPECT_EQ(f.linear, std::vector<std::string>{"Z"});
  EXPECT_EQ(f.to_string(), "s(X) + s(Y, bs = \"cr\") + s(W, k = 5) + s(V, bs = \"cr\", k = 8) + Z");
  EXPECT_EQ(parse_gam_formula(f.to_string()).to_string(), f.to_string());
  EXPECT_TRUE(parse_gam_formula("").smooths.empty());
  EXPECT_TRUE(parse_gam_formula(" 1 ").linear.empty());
  EXPECT_EQ(parse_gam_formula("s(X,bs=cr,k=4)").smooths[0].k, 4);
}

void expect_user_error(const std::string& text, const std::string& fragment) {
  try {
    parse_gam_formula(text);
    ADD_FAILURE() << "no error for '" << text << "'";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

TEST(GamTerms, RejectsWhatMgcvWouldNotFitAsAsked) {
  expect_user_error("s(X, m = 2)", "unknown option 'm'");
  expect_user_error("s(X, bs = \"ps\")", "bs = \"ps\" is not supported");
  expect_user_error("s(X, k = 2)", "k = 2 is too small");
  expect_user_error("s(X, k = 4.5)", "k = 4.5 is not a whole number");
  expect_user_error("s(X, k = 4, k = 5)", "option k is given twice");
  expect_user_error("s(X, 5)", "'5' is not an option");
  expect_user_error("s(X) + X", "column 'X' appears in two terms");
  expect_user_error("s(X + Z)", "must be a column name");
  expect_user_error("s(X", "unbalanced '('");
  expect_user_error("X +", "empty term");
  expect_user_error("log(X)", "neither a column name nor s(column, ...)");
}

// ---------------------------------------------------------------------------------------------
// R's sample() and the Lanczos eigen-solver

TEST(GamKnots, RSampleMatchesR) {
  const nlohmann::json& r = reference()["r_sample"];
  EXPECT_EQ(r_sample_without_replacement(r["population"], r["size"], r["seed"]), indices<int>(r["values"]));
}

// A random symmetric matrix with decaying entries (fast convergence) and one without (more steps than
// the first allocation of Lanczos vectors).
TEST(GamKnots, LanczosMatchesDenseEigenSolver) {
  std::mt19937 engine(7);
  std::uniform_real_distribution<double> uniform(-1, 1);
  for (const auto& [n, decay] : {std::pair<int, bool>{60, true}, std::pair<int, bool>{300, false}}) {
    Eigen::MatrixXd a(n, n);
    for (int i = 0; i < n; ++i)
      for (int j = 0; j <= i; ++j) a(i, j) = a(j, i) = uniform(engine) / (decay ? 1 + i + j : 1);
    const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> dense(a);
    const LanczosEigenpairs top = lanczos_largest_magnitude(a, 8, std::pow(DBL_EPSILON, 0.7));
    if (!decay) {
      EXPECT_GT(top.iterations, 64);
    }
    // The 8 largest |eigenvalues| of the dense solution, in decreasing algebraic order.
    std::vector<int> order(n);
    for (int i = 0; i < n; ++i) order[i] = i;
    std::sort(order.begin(), order.end(),
              [&](int x, int y) { return std::fabs(dense.eigenvalues()[x]) > std::fabs(dense.eigenvalues()[y]); });
    order.resize(8);
    std::sort(order.begin(), order.end(), [&](int x, int y) { return dense.eigenvalues()[x] > dense.eigenvalues()[y]; });
    for (int c = 0; c < 8; ++c) {
      EXPECT_NEAR(top.values[c], dense.eigenvalues()[order[c]], 1e-10 * dense.eigenvalues().cwiseAbs().maxCoeff());
      EXPECT_NEAR(std::fabs(top.vectors.col(c).dot(dense.eigenvectors().col(order[c]))), 1.0, 1e-8);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Bases against smoothCon(..., absorb.cons = FALSE / TRUE)

// Same basis up to parameterisation: ours = mgcv's R for some R on the rows given (same span), and the
// same penalty functional: R' S_mgcv R = S_ours, both undivided by S.scale. Returns the larger of the two
// relative differences.
double reparameterisation_difference(const Eigen::MatrixXd& ours, const Eigen::MatrixXd& ours_penalty,
                                     const Eigen::MatrixXd& mgcv, const Eigen::MatrixXd& mgcv_penalty) {
  const Eigen::MatrixXd r = mgcv.colPivHouseholderQr().solve(ours);
  return std::max(relative_difference(mgcv * r, ours),
                  relative_difference(r.transpose() * mgcv_penalty * r, ours_penalty));
}

TEST(GamBasis, MatchesSmoothCon) {
  for (const auto& ref : reference()["bases"]) {
    const std::string term_text = ref["term"];
    SCOPED_TRACE(ref["data"].get<std::string>() + ": " + term_text);
    const SmoothTerm term = parse_gam_formula(term_text).smooths.at(0);
    const std::vector<double>& x = table(ref["data"]).columns.at(term.column);
    const BuiltBasis<SmoothBasis> built = SmoothBasis::build(term, x);
    const SmoothBasis& basis = built.basis;
    const double mgcv_scale = ref["S_scale"];
    const std::vector<Eigen::Index> rows = indices<Eigen::Index>(ref["rows"]);
    std::vector<double> x_rows;
    Eigen::MatrixXd model(rows.size(), built.model_matrix.cols());
    for (std::size_t i = 0; i < rows.size(); ++i) {
      x_rows.push_back(x[rows[i]]);
      model.row(i) = built.model_matrix.row(rows[i]);
    }
    // Unconstrained: at the rows as new data (for tp through eta(x - knots)); constrained: the fitting
    // model matrix. Penalties divided by S.scale, as smoothCon returns them.
    const Eigen::MatrixXd raw_model = basis.unconstrained_model_matrix(x_rows);
    const Eigen::MatrixXd mgcv_raw_model = matrix(ref["X_raw"]), mgcv_raw_penalty = matrix(ref["S_raw"]);
    const Eigen::MatrixXd mgcv_model = matrix(ref["X"]), mgcv_penalty = matrix(ref["S"]);

    EXPECT_LT(reparameterisation_difference(raw_model, basis.unconstrained_penalty() * basis.penalty_scale(),
                                            mgcv_raw_model, mgcv_raw_penalty * mgcv_scale), 1e-8);
    EXPECT_LT(reparameterisation_difference(model, basis.penalty() * basis.penalty_scale(), mgcv_model,
                                            mgcv_penalty * mgcv_scale), 1e-8);
    if (!ref["exact"].get<bool>()) continue;

    // mgcv's parameterisation itself, up to the signs of tp eigenvectors.
    EXPECT_NEAR(basis.penalty_scale(), mgcv_scale, 1e-9 * mgcv_scale);
    const Eigen::VectorXd raw_signs = column_signs(raw_model, mgcv_raw_model);
    EXPECT_LT(relative_difference(raw_model * raw_signs.asDiagonal(), mgcv_raw_model), 1e-9);
    EXPECT_LT(relative_difference(raw_signs.asDiagonal() * basis.unconstrained_penalty() * raw_signs.asDiagonal(),
                                  mgcv_raw_penalty), 1e-9);
    const Eigen::VectorXd signs = column_signs(model, mgcv_model);
    EXPECT_LT(relative_difference(model * signs.asDiagonal(), mgcv_model), 1e-9);
    EXPECT_LT(relative_difference(signs.asDiagonal() * basis.penalty() * signs.asDiagonal(), mgcv_penalty), 1e-9);
  }
}

TEST(GamBasis, KnotsAsMgcvPlacesThem) {
  for (const auto& ref : reference()["bases"]) {
    const SmoothTerm term = parse_gam_formula(ref["term"].get<std::string>()).smooths.at(0);
    SCOPED_TRACE(ref["term"].get<std::string>());
    const std::vector<double>& x = table(ref["data"]).columns.at(term.column);
    std::vector<double> knots;
    if (term.basis == SmoothBasisType::kCubicRegression) {
      knots = CubicRegressionSpline::build(term.column, term.k, x).basis.knots();
    } else {
      const ThinPlateSpline tp = ThinPlateSpline::build(term.column, term.k, x).basis;
      for (double knot : tp.knots()) knots.push_back(knot + tp.shift());
    }
    const Eigen::VectorXd expected = vector(ref["knots"]);
    ASSERT_EQ(knots.size(), static_cast<std::size_t>(expected.size()));
    for (std::size_t i = 0; i < knots.size(); ++i) EXPECT_NEAR(knots[i], expected[i], 1e-11 * (1 + std::fabs(expected[i])));
  }
}

// ---------------------------------------------------------------------------------------------
// Fits and predictions against gam() and predict.gam()

GamData json_data(const nlohmann::json& columns, std::vector<std::vector<double>>* storage) {
  std::size_t num_rows = columns.begin()->size();
  GamData data(num_rows);
  storage->reserve(columns.size());
  for (auto it = columns.begin(); it != columns.end(); ++it) {
    storage->push_back(it->get<std::vector<double>>());
    data.add(it.key(), storage->back());
  }
  return data;
}

// Largest |a_i / b_i - 1|.
double elementwise_relative_difference(const Eigen::VectorXd& a, const Eigen::VectorXd& b) {
  return (a.array() / b.array() - 1).abs().maxCoeff();
}

TEST(GamFit, MatchesMgcv) {
  for (const auto& ref : reference()["fits"]) {
    const std::string formula_text = ref["formula"];
    SCOPED_TRACE(ref["name"].get<std::string>() + ": " + formula_text);
    const Table& t = table(ref["data"]);
    const GamFormula formula = parse_gam_formula(formula_text.substr(formula_text.find('~') + 1));
    const std::string response = formula_text.substr(0, formula_text.find(' '));
    const std::vector<std::size_t> rows = ref.contains("rows") ? indices<std::size_t>(ref["rows"]) : std::vector<std::size_t>{};
    const GamModel model = GamModel::fit(formula, t.view(), t.columns.at(response).data(), rows);

    // exact: both follow the same path to the same point, so only rounding separates them.
    // Otherwise mgcv's starting point rests on rounding noise (see gam_reference.R) and the two
    // optimisers stop at different points within magic's tolerance (docs/gam.md).
    const bool exact = ref["exact"];
    const double values_tolerance = exact ? 1e-9 : 1e-6;
    const std::vector<Eigen::Index> fitted_rows = indices<Eigen::Index>(ref["fitted_rows"]);
    Eigen::VectorXd fitted(fitted_rows.size());
    for (std::size_t i = 0; i < fitted_rows.size(); ++i) fitted[i] = model.fitted_values()[fitted_rows[i]];
    EXPECT_LT(relative_difference(fitted, vector(ref["fitted"])), values_tolerance);
    std::vector<std::vector<double>> new_columns;
    const Eigen::VectorXd predictions = model.predict(json_data(ref["new_data"], &new_columns));
    EXPECT_LT(relative_difference(predictions, vector(ref["predictions"])), values_tolerance);

    const std::vector<double> edf = model.smooth_edf();
    EXPECT_LT(elementwise_relative_difference(Eigen::Map<const Eigen::VectorXd>(edf.data(), edf.size()),
                                              vector(ref["smooth_edf"])), exact ? 1e-8 : 1e-4);
    EXPECT_NEAR(model.total_edf(), ref["total_edf"].get<double>(), (exact ? 1e-9 : 1e-5) * ref["total_edf"].get<double>());
    EXPECT_NEAR(model.gcv_score(), ref["gcv"].get<double>(), 1e-9 * ref["gcv"].get<double>());
    EXPECT_NEAR(model.scale(), ref["scale"].get<double>(), (exact ? 1e-9 : 1e-6) * ref["scale"].get<double>());
    // Smoothing parameters as the multipliers of the undivided penalties, sp / S.scale, which do not
    // depend on the parameterisation; with mgcv's own parameterisation, sp itself.
    const Eigen::VectorXd sp = vector(ref["sp"]), s_scale = vector(ref["s_scale"]);
    Eigen::VectorXd penalty_multiplier(sp.size());
    for (int j = 0; j < sp.size(); ++j)
      penalty_multiplier[j] = model.smoothing_parameters()[j] / model.smooths()[j].penalty_scale();
    EXPECT_LT(elementwise_relative_difference(penalty_multiplier, sp.cwiseQuotient(s_scale)), exact ? 1e-8 : 1e-3);
    if (!exact) continue;
    EXPECT_LT(elementwise_relative_difference(model.smoothing_parameters(), sp), 1e-8);
    EXPECT_EQ(model.gcv().iterations, ref["iterations"].get<int>());
    EXPECT_EQ(model.gcv().score_evaluations, ref["score_calls"].get<int>());
    // Coefficients: tp basis functions only up to sign.
    const Eigen::VectorXd coefficients = vector(ref["coefficients"]);
    EXPECT_LT(relative_difference(model.coefficients().cwiseAbs(), coefficients.cwiseAbs()), 1e-8);
    if (formula_text.find("s(") == formula_text.rfind("s(") && formula_text.find("\"cr\"") != std::string::npos) {
      EXPECT_LT(relative_difference(model.coefficients(), coefficients), 1e-8);
    }
  }
}

// Without smooths the model is ordinary least squares: coefficients, GCV n rss / (n - p)^2.
TEST(GamFit, WithoutSmoothsIsLeastSquares) {
  const Table& t = table("gam_small.csv");
  const GamModel model = GamModel::fit(parse_gam_formula("x1 + z"), t.view(), t.columns.at("y").data());
  const Eigen::Index n = static_cast<Eigen::Index>(t.num_rows);
  Eigen::MatrixXd x(n, 3);
  x << Eigen::VectorXd::Ones(n), Eigen::Map<const Eigen::VectorXd>(t.columns.at("x1").data(), n),
      Eigen::Map<const Eigen::VectorXd>(t.columns.at("z").data(), n);
  const Eigen::Map<const Eigen::VectorXd> y(t.columns.at("y").data(), n);
  const Eigen::VectorXd beta = (x.transpose() * x).ldlt().solve(x.transpose() * y);
  const double rss = (y - x * beta).squaredNorm();
  EXPECT_LT(relative_difference(model.coefficients(), beta), 1e-12);
  EXPECT_NEAR(model.gcv_score(), n * rss / ((n - 3.0) * (n - 3.0)), 1e-12 * rss);
  EXPECT_NEAR(model.total_edf(), 3.0, 1e-12);
  EXPECT_EQ(model.coefficient_names(), (std::vector<std::string>{"(Intercept)", "x1", "z"}));
}

// Fitting on some rows and predicting the others: predictions on the fitting rows are the fitted values.
TEST(GamFit, PredictsOnOtherRowsAndReproducesFittedValues) {
  const Table& t = table("gam_small.csv");
  std::vector<std::size_t> train, test;
  for (std::size_t i = 0; i < t.num_rows; ++i) (i % 5 == 0 ? test : train).push_back(i);
  const GamModel model = GamModel::fit(parse_gam_formula("s(x1) + s(x2, bs = \"cr\", k = 6) + z"), t.view(),
                                       t.columns.at("y").data(), train);
  EXPECT_LT(relative_difference(model.predict(t.view(), train), model.fitted_values()), 1e-10);
  EXPECT_EQ(model.predict(t.view(), test).size(), static_cast<Eigen::Index>(test.size()));
  EXPECT_EQ(model.coefficient_names()[2], "s(x1).1");
}

// ---------------------------------------------------------------------------------------------
// The GCV score's analytic derivatives against central differences (on two smooths and a line).

TEST(GamGcv, DerivativesMatchFiniteDifferences) {
  const Table& t = table("gam_small.csv");
  const Eigen::Index n = static_cast<Eigen::Index>(t.num_rows);
  const BuiltBasis<SmoothBasis> s1 = SmoothBasis::build(parse_gam_formula("s(x1)").smooths[0], t.columns.at("x1"));
  const BuiltBasis<SmoothBasis> s2 =
      SmoothBasis::build(parse_gam_formula("s(x2, bs = \"cr\", k = 5)").smooths[0], t.columns.at("x2"));
  Eigen::MatrixXd x(n, 2 + 9 + 4);
  x << Eigen::VectorXd::Ones(n), Eigen::Map<const Eigen::VectorXd>(t.columns.at("z").data(), n), s1.model_matrix,
      s2.model_matrix;
  const Eigen::Map<const Eigen::VectorXd> y(t.columns.at("y").data(), n);
  const Eigen::HouseholderQR<Eigen::MatrixXd> qr(x);
  const Eigen::VectorXd qty = qr.householderQ().adjoint() * y;
  PenalizedLeastSquares problem;
  problem.r = qr.matrixQR().topRows(x.cols()).triangularView<Eigen::Upper>();
  problem.qty = qty.head(x.cols());
  problem.residual_ss = qty.tail(n - x.cols()).squaredNorm();
  problem.num_rows = n;
  problem.penalties = {{2, s1.basis.penalty(), 8}, {11, s2.basis.penalty(), 3}};

  for (const Eigen::Vector2d& rho : {Eigen::Vector2d(-3.0, 1.0), Eigen::Vector2d(0.5, 4.0)}) {
    const GcvEvaluation at = evaluate_gcv(problem, rho, true);
    const double h = 1e-4;
    for (int j = 0; j < 2; ++j) {
      const Eigen::Vector2d step = h * Eigen::Vector2d::Unit(j);
      const GcvEvaluation up = evaluate_gcv(problem, rho + step, true), down = evaluate_gcv(problem, rho - step, true);
      EXPECT_NEAR(at.gradient[j], (up.score - down.score) / (2 * h), 1e-6 * at.gradient.cwiseAbs().maxCoeff());
      for (int i = 0; i < 2; ++i)
        EXPECT_NEAR(at.hessian(i, j), (up.gradient[i] - down.gradient[i]) / (2 * h),
                    1e-6 * at.hessian.cwiseAbs().maxCoeff());
    }
    // The score itself against the definition: n ||y - X b||^2 / (n - tr A)^2 with b the penalised fit.
    Eigen::MatrixXd penalty = Eigen::MatrixXd::Zero(x.cols(), x.cols());
    penalty.block(2, 2, 9, 9) = std::exp(rho[0]) * s1.basis.penalty();
    penalty.block(11, 11, 4, 4) = std::exp(rho[1]) * s2.basis.penalty();
    const Eigen::MatrixXd inverse = (x.transpose() * x + penalty).inverse();
    const Eigen::VectorXd b = inverse * x.transpose() * y;
    const double trace = (inverse * x.transpose() * x).trace();
    EXPECT_NEAR(at.score, n * (y - x * b).squaredNorm() / ((n - trace) * (n - trace)), 1e-10 * at.score);
    EXPECT_NEAR(at.trace, trace, 1e-10 * trace);
  }
}

// ---------------------------------------------------------------------------------------------
// Errors

void expect_fit_error(const std::string& formula, const Table& t, const std::string& fragment,
                      const std::vector<std::size_t>& rows = {}) {
  try {
    GamModel::fit(parse_gam_formula(formula), t.view(), t.columns.at("y").data(), rows);
    ADD_FAILURE() << "no error for " << formula;
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

TEST(GamErrors, BadDataGetsClearErrors) {
  Table t = table("gam_small.csv");
  t.columns["constant"] = std::vector<double>(t.num_rows, 2.0);
  t.columns["z_again"] = t.columns["z"];
  t.columns["x1_line"] = t.columns["x1"];
  for (double& v : t.columns["x1_line"]) v = 3 * v - 1;
  t.columns["x_missing"] = t.columns["x1"];
  t.columns["x_missing"][6] = std::nan("");
  t.columns["x_four"] = t.columns["x1"];
  for (std::size_t i = 0; i < t.num_rows; ++i) t.columns["x_four"][i] = static_cast<double>(i % 4);

  expect_fit_error("s(x_missing)", t, "column 'x_missing', data row 7");
  expect_fit_error("s(x1) + w", t, "the data has no column 'w'");
  expect_fit_error("s(x_four)", t, "column 'x_four' has 4 unique values, too few for a tp smooth with basis dimension k = 10");
  expect_fit_error("s(x_four, bs = \"cr\")", t, "column 'x_four' has 4 unique values, too few for a cr smooth");
  expect_fit_error("s(x1) + constant", t, "column 'constant' is constant or a linear combination");
  expect_fit_error("z + z_again", t, "column 'z_again' is constant or a linear combination");
  expect_fit_error("x1_line + s(x1, bs = \"cr\")", t, "the linear part of s(x1) is constant or a linear combination");
  expect_fit_error("s(x1, k = 5)", t, "column 'x1' has 3 unique values", {0, 1, 2});

  SmoothTerm tiny;
  tiny.column = "x1";
  tiny.k = 2;
  EXPECT_THROW(SmoothBasis::build(tiny, t.columns.at("x1")), UserError);

  std::vector<double> y = t.columns.at("y");
  y[3] = std::numeric_limits<double>::infinity();
  try {
    GamModel::fit(parse_gam_formula("s(x1)"), t.view(), y.data());
    ADD_FAILURE() << "no error for an infinite response";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("the response, data row 4"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace mrtsim
