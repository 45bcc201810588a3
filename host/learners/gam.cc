#include "host/learners/gam.h"

#include <cmath>
#include <numeric>
#include <stdexcept>

#include "core/user_error.h"
#include "host/stats/fit_failure.h"

namespace mrtsim {
namespace {

// Relative size below which a column of the unpenalised design counts as dependent on earlier ones.
constexpr double kIdentifiabilityTolerance = 1e-9;

std::vector<std::size_t> all_rows_if_empty(const std::vector<std::size_t>& rows, std::size_t num_rows) {
  if (!rows.empty()) return rows;
  std::vector<std::size_t> all(num_rows);
  std::iota(all.begin(), all.end(), std::size_t{0});
  return all;
}

// values[rows], each a finite number; `what` names the column in the error.
std::vector<double> gather_finite(const double* values, std::size_t num_rows, const std::vector<std::size_t>& rows,
                                  const std::string& what) {
  std::vector<double> out(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (rows[i] >= num_rows) throw std::out_of_range("gam: row index beyond the data");
    out[i] = values[rows[i]];
    if (!std::isfinite(out[i]))
      throw UserError("gam: " + what + ", data row " + std::to_string(rows[i] + 1) + ": " + std::to_string(out[i]) +
                      " is not a finite number");
  }
  return out;
}

std::string column_label(const std::string& name) { return "column '" + name + "'"; }

// First coefficient of each smooth: after the intercept and the linear columns, k - 1 per smooth.
std::vector<Eigen::Index> smooth_offsets(const GamFormula& formula, Eigen::Index* num_coefficients) {
  Eigen::Index q = 1 + static_cast<Eigen::Index>(formula.linear.size());
  std::vector<Eigen::Index> offsets;
  for (const SmoothTerm& term : formula.smooths) {
    offsets.push_back(q);
    q += term.k - 1;
  }
  *num_coefficients = q;
  return offsets;
}

// The model matrix [1, linear columns, smooths] at `rows`; smooth_columns(j, x) gives smooth j's
// k - 1 columns at its covariate values x.
template <class SmoothColumns>
Eigen::MatrixXd assemble_design(const GamFormula& formula, const GamData& data, const std::vector<std::size_t>& rows,
                                SmoothColumns&& smooth_columns) {
  auto values = [&](const std::string& name) {
    return gather_finite(data.column(name), data.num_rows(), rows, column_label(name));
  };
  Eigen::Index q = 0;
  const std::vector<Eigen::Index> offsets = smooth_offsets(formula, &q);
  const Eigen::Index n = static_cast<Eigen::Index>(rows.size());
  Eigen::MatrixXd design(n, q);
  design.col(0).setOnes();
  for (std::size_t j = 0; j < formula.linear.size(); ++j)
    design.col(1 + j) = Eigen::Map<const Eigen::VectorXd>(values(formula.linear[j]).data(), n);
  for (std::size_t j = 0; j < formula.smooths.size(); ++j)
    design.middleCols(offsets[j], formula.smooths[j].k - 1) = smooth_columns(j, values(formula.smooths[j].column));
  return design;
}

// Throws UserError unless the unpenalised part of the model (intercept, linear columns, each smooth's
// linear function) has full column rank: otherwise no smoothing parameter identifies it. Names the
// first term that depends on those before it. With X = QR, X N has the rank of R N (q x terms).
void require_identifiable(const Eigen::MatrixXd& r, const std::vector<Eigen::Index>& offsets,
                          const std::vector<SmoothBasis>& smooths, const GamFormula& formula, Eigen::Index n) {
  const std::size_t num_parametric = 1 + formula.linear.size();
  Eigen::MatrixXd directions = Eigen::MatrixXd::Zero(r.cols(), num_parametric + smooths.size());
  directions.topLeftCorner(num_parametric, num_parametric).setIdentity();
  std::vector<std::string> names{"the intercept"};
  for (const std::string& name : formula.linear) names.push_back(column_label(name));
  for (std::size_t j = 0; j < smooths.size(); ++j) {
    // The constrained penalty's null vector is the smooth's linear function.
    const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eigen(smooths[j].penalty());
    directions.block(offsets[j], num_parametric + j, smooths[j].num_coefficients(), 1) = eigen.eigenvectors().col(0);
    names.push_back("the linear part of " + smooths[j].term().label());
  }
  Eigen::MatrixXd unpenalized = r * directions;
  for (Eigen::Index c = 0; c < unpenalized.cols(); ++c) {
    const double norm = unpenalized.col(c).norm();
    if (norm > 0) unpenalized.col(c) /= norm;
  }
  auto rank_of_first = [&](Eigen::Index columns) {
    Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr(unpenalized.leftCols(columns));
    qr.setThreshold(kIdentifiabilityTolerance);
    return qr.rank();
  };
  if (rank_of_first(unpenalized.cols()) == unpenalized.cols()) return;
  Eigen::Index first_dependent = 1;
  while (rank_of_first(first_dependent) == first_dependent) ++first_dependent;
  throw FitFailure(FitStatus::kSingularNuisance, "gam: the model is not identifiable: " + names[first_dependent - 1] +
                  " is constant or a linear combination of the terms before it (fitting rows: " + std::to_string(n) +
                  ")");
}

// The QR decomposition of the design X (n x q), done in place, reduced to what the GCV search needs:
// R, Q'y and the residual sum of squares of the unpenalised fit. With fewer rows than coefficients R
// is padded with zero rows, as mgcv pads X.
class LeastSquaresReduction {
 public:
  LeastSquaresReduction(Eigen::MatrixXd& design, const Eigen::VectorXd& y) : qr_(design), qty_(qr_.householderQ().adjoint() * y) {}

  PenalizedLeastSquares statistics() const {
    const Eigen::Index n = qr_.rows(), q = qr_.cols(), kept = std::min(n, q);
    PenalizedLeastSquares problem;
    problem.r = Eigen::MatrixXd::Zero(q, q);
    problem.r.topRows(kept) = qr_.matrixQR().topRows(kept).triangularView<Eigen::Upper>();
    problem.qty = Eigen::VectorXd::Zero(q);
    problem.qty.head(kept) = qty_.head(kept);
    problem.residual_ss = qty_.tail(n - kept).squaredNorm();
    problem.num_rows = static_cast<double>(n);
    return problem;
  }

  // X b = Q [R b; 0].
  Eigen::VectorXd fitted(const Eigen::VectorXd& b) const {
    const Eigen::Index n = qr_.rows(), kept = std::min(n, qr_.cols());
    Eigen::VectorXd rb = Eigen::VectorXd::Zero(n);
    rb.head(kept) = qr_.matrixQR().topRows(kept).triangularView<Eigen::Upper>() * b;
    return qr_.householderQ() * rb;
  }

 private:
  Eigen::HouseholderQR<Eigen::Ref<Eigen::MatrixXd>> qr_;
  Eigen::VectorXd qty_;
};

}  // namespace

GamData& GamData::add(const std::string& name, const double* values) {
  columns_[name] = values;
  return *this;
}

GamData& GamData::add(const std::string& name, const std::vector<double>& values) {
  if (values.size() != num_rows_)
    throw std::invalid_argument("GamData: column '" + name + "' has " + std::to_string(values.size()) +
                                " values, not " + std::to_string(num_rows_));
  return add(name, values.data());
}

const double* GamData::column(const std::string& name) const {
  const auto found = columns_.find(name);
  if (found == columns_.end()) throw UserError("gam: the data has no column '" + name + "'");
  return found->second;
}

GamModel GamModel::fit(const GamFormula& formula, const GamData& data, const double* y,
                       const std::vector<std::size_t>& rows_or_all, const GcvControl& control) {
  const std::vector<std::size_t> rows = all_rows_if_empty(rows_or_all, data.num_rows());
  if (rows.empty()) throw UserError("gam: no rows to fit");
  GamModel model;
  model.formula_ = formula;
  // Each smooth is set up on the fitting rows' covariate values.
  for (const SmoothTerm& term : formula.smooths) require_valid_basis_dimension(term);
  Eigen::MatrixXd design = assemble_design(formula, data, rows, [&](std::size_t j, const std::vector<double>& x) {
    BuiltBasis<SmoothBasis> built = SmoothBasis::build(formula.smooths[j], x);
    model.smooths_.push_back(std::move(built.basis));
    return std::move(built.model_matrix);
  });
  model.coefficient_names_ = {"(Intercept)"};
  model.coefficient_names_.insert(model.coefficient_names_.end(), formula.linear.begin(), formula.linear.end());
  for (const SmoothTerm& term : formula.smooths)
    for (int c = 1; c < term.k; ++c) model.coefficient_names_.push_back(term.label() + "." + std::to_string(c));

  const std::vector<double> response = gather_finite(y, data.num_rows(), rows, "the response");
  const LeastSquaresReduction reduction(design, Eigen::Map<const Eigen::VectorXd>(response.data(), design.rows()));
  PenalizedLeastSquares problem = reduction.statistics();
  Eigen::Index q = 0;
  const std::vector<Eigen::Index> offsets = smooth_offsets(formula, &q);
  require_identifiable(problem.r, offsets, model.smooths_, formula, design.rows());
  for (std::size_t j = 0; j < model.smooths_.size(); ++j)
    problem.penalties.push_back({offsets[j], model.smooths_[j].penalty(), model.smooths_[j].penalty_rank()});
  model.fit_ = minimize_gcv(problem, control);
  model.fitted_ = reduction.fitted(model.fit_.coefficients);
  return model;
}

Eigen::VectorXd GamModel::predict(const GamData& data, const std::vector<std::size_t>& rows) const {
  const Eigen::MatrixXd design =
      assemble_design(formula_, data, all_rows_if_empty(rows, data.num_rows()),
                      [&](std::size_t j, const std::vector<double>& x) { return smooths_[j].model_matrix(x); });
  return design * fit_.coefficients;
}

std::vector<double> GamModel::smooth_edf() const {
  Eigen::Index q = 0;
  const std::vector<Eigen::Index> offsets = smooth_offsets(formula_, &q);
  std::vector<double> edf;
  for (std::size_t j = 0; j < smooths_.size(); ++j)
    edf.push_back(fit_.edf.segment(offsets[j], smooths_[j].num_coefficients()).sum());
  return edf;
}

}  // namespace mrtsim
