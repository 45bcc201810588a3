// A direct WCLS implementation used only by the tests, written independently of kernels/wcls.h: it
// follows MRTAnalysis::wcls() step by step with dynamic Eigen matrices (full design in R's column
// order, weights, theta by weighted least squares, per subject the T_i x T_i hat matrix
// H_ii = X_i B^-1 X_i' W_i, corrected residuals (I - H_ii)^-1 r_i, meat, sandwich).
#pragma once

#include <algorithm>
#include <vector>

#include <Eigen/Dense>

namespace mrtsim::reference {

struct DirectWclsInput {
  std::vector<int> subject;  // subject index of every row; each subject's rows contiguous
  Eigen::VectorXd outcome;
  Eigen::VectorXd treatment;  // 0/1
  Eigen::VectorXd rand_prob;
  Eigen::VectorXd numerator_prob;
  Eigen::VectorXd available;    // 0/1
  Eigen::MatrixXd covariates;   // one column per covariate
  std::vector<int> controls;    // columns of `covariates` in ~ controls
  std::vector<int> moderators;  // columns of `covariates` in ~ moderators
};

struct DirectWclsResult {
  int n_eff;
  bool corrected;
  // Coefficients in R's model.matrix order: (Intercept), controls, I(A - p~), moderators that are
  // not controls, I(A - p~):moderator for each moderator.
  Eigen::VectorXd theta;
  Eigen::MatrixXd variance;
  // Positions in R's order of the alpha coefficients ((Intercept), controls, added moderators)
  // followed by the beta coefficients (I(A - p~), interactions).
  std::vector<int> alpha_then_beta;
};

inline DirectWclsResult direct_wcls(const DirectWclsInput& in) {
  const int rows = static_cast<int>(in.outcome.size());
  std::vector<int> added_moderators;
  for (int m : in.moderators)
    if (std::find(in.controls.begin(), in.controls.end(), m) == in.controls.end()) added_moderators.push_back(m);
  const int q = 1 + static_cast<int>(in.controls.size() + added_moderators.size());
  const int p = 1 + static_cast<int>(in.moderators.size());
  const int d = q + p;

  // model.matrix(~ controls + I(A - p~) * moderators)
  Eigen::MatrixXd x(rows, d);
  Eigen::VectorXd w(rows);
  for (int r = 0; r < rows; ++r) {
    const double centred = in.treatment(r) - in.numerator_prob(r);
    int c = 0;
    x(r, c++) = 1.0;
    for (int k : in.controls) x(r, c++) = in.covariates(r, k);
    x(r, c++) = centred;
    for (int k : added_moderators) x(r, c++) = in.covariates(r, k);
    for (int k : in.moderators) x(r, c++) = centred * in.covariates(r, k);
    const double pt = in.numerator_prob(r);
    const double pr = in.rand_prob(r);
    w(r) = in.available(r) * (in.treatment(r) == 1.0 ? pt / pr : (1.0 - pt) / (1.0 - pr));
  }

  DirectWclsResult result;
  const int n_controls = 1 + static_cast<int>(in.controls.size());
  for (int c = 0; c < n_controls; ++c) result.alpha_then_beta.push_back(c);
  for (int c = n_controls + 1; c < n_controls + 1 + static_cast<int>(added_moderators.size()); ++c)
    result.alpha_then_beta.push_back(c);
  result.alpha_then_beta.push_back(n_controls);
  for (int c = n_controls + 1 + static_cast<int>(added_moderators.size()); c < d; ++c)
    result.alpha_then_beta.push_back(c);

  const Eigen::MatrixXd bread = x.transpose() * w.asDiagonal() * x;
  const Eigen::MatrixXd bread_inverse = bread.inverse();
  result.theta = bread_inverse * (x.transpose() * w.asDiagonal() * in.outcome);

  // Subjects as blocks of equal consecutive ids (MRTAnalysis's find_change_location).
  std::vector<int> starts;
  for (int r = 0; r < rows; ++r)
    if (r == 0 || in.subject[r] != in.subject[r - 1]) starts.push_back(r);
  starts.push_back(rows);

  result.n_eff = 0;
  for (std::size_t i = 0; i + 1 < starts.size(); ++i)
    result.n_eff += (w.segment(starts[i], starts[i + 1] - starts[i]).array() > 0).any();
  result.corrected = result.n_eff <= 50;

  Eigen::MatrixXd meat = Eigen::MatrixXd::Zero(d, d);
  for (std::size_t i = 0; i + 1 < starts.size(); ++i) {
    const int t = starts[i + 1] - starts[i];
    const Eigen::MatrixXd xi = x.middleRows(starts[i], t);
    const Eigen::MatrixXd wi = w.segment(starts[i], t).asDiagonal();
    Eigen::VectorXd residual = in.outcome.segment(starts[i], t) - xi * result.theta;
    if (result.corrected) {
      const Eigen::MatrixXd hat = xi * bread_inverse * xi.transpose() * wi;
      residual = (Eigen::MatrixXd::Identity(t, t) - hat).partialPivLu().solve(residual);
    }
    const Eigen::VectorXd score = xi.transpose() * wi * residual;
    meat += score * score.transpose();
  }
  result.variance = bread_inverse * meat * bread_inverse;
  return result;
}

}  // namespace mrtsim::reference
