#include "host/learners/gam.h"

#include <cmath>
#include <numeric>
#include <stdexcept>

#include "core/user_error.h"

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

// Throws UserError unless the unpenalised part of the model (intercept, linear columns, each smooth's
// linear function) has full column rank: otherwise no smoothing parameter identifies it. Names the
// first term that depends on those before it.
void require_identifiable(const Eigen::MatrixXd& design, const std::vector<Eigen::Index>& offsets,
                          const std::vector<SmoothBasis>& smooths, const GamFormula& formula) {
  const Eigen::Index n = design.rows();
  const std::size_t num_parametric = 1 + formula.linear.size();
  Eigen::MatrixXd unpenalized(n, num_parametric + smooths.size());
  std::vector<std::string> names{"the intercept"};
  unpenalized.leftCols(num_parametric) = design.leftCols(num_parametric);
  for (const std::string& name : formula.linear) names.push_back(column_label(name));
  for (std::size_t j = 0; j < smooths.size(); ++j) {
    // The constrained penalty's null vector is the smooth's linear function.
    const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eigen(smooths[j].penalty());
    unpenalized.col(num_parametric + j) =
        design.middleCols(offsets[j], smooths[j].num_coefficients()) * eigen.eigenvectors().col(0);
    names.push_back("the linear part of " + smooths[j].term().label());
  }
  for (Eigen::Index c = 0; c < unpenalized.cols(); ++c) {
    const double norm = unpenalized.col(c).norm();
    if (norm > 0) unpenalized.col(c) /= norm;
  }
  for (Eigen::Index c = 1; c <= unpenalized.cols(); ++c) {
    Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr(unpenalized.leftCols(c));
    qr.setThreshold(kIdentifiabilityTolerance);
    if (qr.rank() < c)
      throw UserError("gam: the model is not identifiable: " + names[c - 1] +
                      " is constant or a linear combination of the terms before it (fitting rows: " +
                      std::to_string(n) + ")");
  }
}

// X = QR reduced to R, Q'y and the residual sum of squares of the unpenalised fit. With fewer rows
// than coefficients R is padded with zero rows, as mgcv pads X.
PenalizedLeastSquares least_squares_statistics(const Eigen::MatrixXd& x, const Eigen::VectorXd& y) {
  const Eigen::Index n = x.rows(), q = x.cols(), kept = std::min(n, q);
  const Eigen::HouseholderQR<Eigen::MatrixXd> qr(x);
  const Eigen::VectorXd qty = qr.householderQ().adjoint() * y;
  PenalizedLeastSquares problem;
  problem.r = Eigen::MatrixXd::Zero(q, q);
  problem.r.topRows(kept) = qr.matrixQR().topRows(kept).triangularView<Eigen::Upper>();
  problem.qty = Eigen::VectorXd::Zero(q);
  problem.qty.head(kept) = qty.head(kept);
  problem.residual_ss = qty.tail(n - kept).squaredNorm();
  problem.num_rows = static_cast<double>(n);
  return problem;
}

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
  const Eigen::Index n = static_cast<Eigen::Index>(rows.size());

  // Smooths are set up on the fitting rows' covariate values.
  std::vector<Eigen::MatrixXd> smooth_blocks;
  for (const SmoothTerm& term : formula.smooths) {
    const std::vector<double> x =
        gather_finite(data.column(term.column), data.num_rows(), rows, column_label(term.column));
    BuiltBasis<SmoothBasis> built = SmoothBasis::build(term, x);
    model.smooths_.push_back(std::move(built.basis));
    smooth_blocks.push_back(std::move(built.model_matrix));
  }

  Eigen::Index q = 1 + static_cast<Eigen::Index>(formula.linear.size());
  std::vector<Eigen::Index> offsets;
  for (const SmoothBasis& smooth : model.smooths_) {
    offsets.push_back(q);
    q += smooth.num_coefficients();
  }
  Eigen::MatrixXd design(n, q);
  design.col(0).setOnes();
  model.coefficient_names_ = {"(Intercept)"};
  for (std::size_t j = 0; j < formula.linear.size(); ++j) {
    const std::string& name = formula.linear[j];
    design.col(1 + j) = Eigen::Map<const Eigen::VectorXd>(
        gather_finite(data.column(name), data.num_rows(), rows, column_label(name)).data(), n);
    model.coefficient_names_.push_back(name);
  }
  PenalizedLeastSquares problem;
  for (std::size_t j = 0; j < model.smooths_.size(); ++j) {
    const SmoothBasis& smooth = model.smooths_[j];
    design.middleCols(offsets[j], smooth.num_coefficients()) = smooth_blocks[j];
    for (int c = 1; c <= smooth.num_coefficients(); ++c)
      model.coefficient_names_.push_back(smooth.term().label() + "." + std::to_string(c));
  }
  require_identifiable(design, offsets, model.smooths_, formula);

  const std::vector<double> response = gather_finite(y, data.num_rows(), rows, "the response");
  problem = least_squares_statistics(design, Eigen::Map<const Eigen::VectorXd>(response.data(), n));
  for (std::size_t j = 0; j < model.smooths_.size(); ++j)
    problem.penalties.push_back({offsets[j], model.smooths_[j].penalty(), model.smooths_[j].penalty_rank()});
  model.fit_ = minimize_gcv(problem, control);
  model.fitted_ = design * model.fit_.coefficients;
  return model;
}

Eigen::MatrixXd GamModel::model_matrix(const GamData& data, const std::vector<std::size_t>& rows) const {
  const Eigen::Index n = static_cast<Eigen::Index>(rows.size());
  Eigen::MatrixXd design(n, fit_.coefficients.size());
  design.col(0).setOnes();
  Eigen::Index col = 1;
  for (const std::string& name : formula_.linear)
    design.col(col++) = Eigen::Map<const Eigen::VectorXd>(
        gather_finite(data.column(name), data.num_rows(), rows, column_label(name)).data(), n);
  for (const SmoothBasis& smooth : smooths_) {
    const std::string& name = smooth.term().column;
    design.middleCols(col, smooth.num_coefficients()) =
        smooth.model_matrix(gather_finite(data.column(name), data.num_rows(), rows, column_label(name)));
    col += smooth.num_coefficients();
  }
  return design;
}

Eigen::VectorXd GamModel::predict(const GamData& data, const std::vector<std::size_t>& rows) const {
  return model_matrix(data, all_rows_if_empty(rows, data.num_rows())) * fit_.coefficients;
}

std::vector<double> GamModel::smooth_edf() const {
  std::vector<double> edf;
  Eigen::Index offset = 1 + static_cast<Eigen::Index>(formula_.linear.size());
  for (const SmoothBasis& smooth : smooths_) {
    edf.push_back(fit_.edf.segment(offset, smooth.num_coefficients()).sum());
    offset += smooth.num_coefficients();
  }
  return edf;
}

}  // namespace mrtsim
