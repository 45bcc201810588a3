// The gam nuisance learner: a Gaussian, identity-link additive model
//   y = intercept + linear columns + sum of smooths s(x) + error
// fitted as mgcv::gam() fits it with its defaults (mgcv 1.8-41: bases and constraints as smoothCon,
// smoothing parameters by GCV through magic; docs/gam.md). Fit on some rows of a data set, predict
// on others (cross-fitting).
//
//   GamData data(num_rows);
//   data.add("X", x).add("Z", z);
//   const GamModel model = GamModel::fit(parse_gam_formula("s(X, bs = \"cr\") + Z"), data, y, train_rows);
//   const Eigen::VectorXd mu = model.predict(data, test_rows);
#pragma once

#include <cstddef>
#include <string>
#include <unordered_map>
#include <vector>

#include <Eigen/Dense>

#include "host/learners/gam_terms.h"
#include "host/learners/gcv_smoothing.h"
#include "host/learners/smooth_basis.h"

namespace mrtsim {

// Named numeric columns of equal length, viewed, not copied: the caller keeps them alive while
// fitting or predicting.
class GamData {
 public:
  explicit GamData(std::size_t num_rows) : num_rows_(num_rows) {}

  GamData& add(const std::string& name, const double* values);
  GamData& add(const std::string& name, const std::vector<double>& values);  // size must be num_rows

  std::size_t num_rows() const { return num_rows_; }
  // Throws UserError when the data has no column `name`.
  const double* column(const std::string& name) const;

 private:
  std::size_t num_rows_;
  std::unordered_map<std::string, const double*> columns_;
};

class GamModel {
 public:
  // Fits `formula` with response y (data.num_rows() values) on the rows listed (indices into data;
  // empty: every row). Throws UserError for a missing column, a non-finite covariate or response
  // (naming column and row), a smooth with fewer unique values than k, an unpenalised part of the
  // model (intercept, linear columns, linear parts of the smooths) that is rank deficient, or a
  // smoothing parameter search that does not converge.
  static GamModel fit(const GamFormula& formula, const GamData& data, const double* y,
                      const std::vector<std::size_t>& rows = {}, const GcvControl& control = {});

  // Predictions on the rows listed (empty: every row) of `data`, which may be another data set with
  // the same columns (predict.gam; smooths extrapolate as mgcv's bases do).
  Eigen::VectorXd predict(const GamData& data, const std::vector<std::size_t>& rows = {}) const;

  const GamFormula& formula() const { return formula_; }
  // "(Intercept)", the linear columns, then "s(X).1" ... "s(X).(k-1)" per smooth, as mgcv names them.
  const std::vector<std::string>& coefficient_names() const { return coefficient_names_; }
  // In mgcv's parameterisation. A tp smooth's basis functions are eigenvectors, defined up to sign, so
  // its coefficients may differ from mgcv's in sign; everything else below does not depend on that.
  const Eigen::VectorXd& coefficients() const { return fit_.coefficients; }
  const Eigen::VectorXd& fitted_values() const { return fitted_; }  // on the fitting rows, in order
  // One per smooth, on mgcv's scale (fit$sp): multipliers of the penalties divided by S.scale.
  const Eigen::VectorXd& smoothing_parameters() const { return fit_.smoothing_parameters; }
  std::vector<double> smooth_edf() const;  // per smooth: effective degrees of freedom
  double total_edf() const { return fit_.edf.sum(); }  // sum(fit$edf), intercept and linear terms included
  double gcv_score() const { return fit_.score; }      // fit$gcv.ubre
  double scale() const { return fit_.scale; }          // fit$sig2: rss / (n - total edf)
  const GcvFit& gcv() const { return fit_; }           // convergence details (mgcv's fit$mgcv.conv)
  const std::vector<SmoothBasis>& smooths() const { return smooths_; }

 private:
  GamFormula formula_;
  std::vector<SmoothBasis> smooths_;
  std::vector<std::string> coefficient_names_;
  GcvFit fit_;
  Eigen::VectorXd fitted_;
};

}  // namespace mrtsim
