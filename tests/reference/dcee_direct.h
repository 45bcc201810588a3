// A direct DCEE implementation used only by the tests, written independently of kernels/dcee.h: it
// follows MRTAnalysis::dcee() step by step with dynamic Eigen matrices. Per fold (or once) it
// selects the training rows of each arm explicitly, fits lm by QR, predicts on the fold's rows,
// forms the pseudo-outcome in its AIPW form (docs/estimators.md §2.5), then solves Stage 2 by weighted
// least squares and builds the sandwich from per-subject residual blocks. Another learner can take
// lm's place (`learner`): it is handed each (fold, arm)'s training rows as a mask.
#pragma once

#include <functional>
#include <set>
#include <vector>

#include <Eigen/Dense>

namespace mrtsim::reference {

struct DirectDceeInput {
  std::vector<int> subject;  // subject index of every row; each subject's rows contiguous
  Eigen::VectorXd outcome;   // distal Y, repeated on the subject's rows
  Eigen::VectorXd treatment;  // 0/1
  Eigen::VectorXd rand_prob;
  Eigen::VectorXd available;   // 0/1
  Eigen::VectorXd weight;      // omega_it
  Eigen::MatrixXd controls;    // without the intercept column
  Eigen::MatrixXd moderators;  // without the intercept column
  bool set_to_zero = false;
  std::vector<int> subject_fold;  // empty: no cross-fitting
  // Fits mu_arm on the rows where `train` holds (those of fold `fold`'s training set, fold 0 without
  // cross-fitting) and returns its predictions on every row; empty: lm on the controls.
  std::function<Eigen::VectorXd(const std::vector<bool>& train, int arm, int fold)> learner;
};

struct DirectDceeResult {
  Eigen::VectorXd beta;
  Eigen::MatrixXd variance;
};

inline Eigen::MatrixXd with_intercept_column(const Eigen::MatrixXd& columns) {
  Eigen::MatrixXd x(columns.rows(), columns.cols() + 1);
  x.col(0).setOnes();
  x.rightCols(columns.cols()) = columns;
  return x;
}

// lm(y ~ x) on the rows where `use` holds; coefficients by Householder QR.
inline Eigen::VectorXd direct_lm(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, const std::vector<bool>& use) {
  std::vector<int> rows;
  for (int r = 0; r < x.rows(); ++r)
    if (use[r]) rows.push_back(r);
  Eigen::MatrixXd xs(rows.size(), x.cols());
  Eigen::VectorXd ys(rows.size());
  for (std::size_t k = 0; k < rows.size(); ++k) {
    xs.row(k) = x.row(rows[k]);
    ys(k) = y(rows[k]);
  }
  return xs.householderQr().solve(ys);
}

inline DirectDceeResult direct_dcee(const DirectDceeInput& in) {
  const int rows = static_cast<int>(in.outcome.size());
  const Eigen::MatrixXd x = with_intercept_column(in.controls);
  const Eigen::MatrixXd s = with_intercept_column(in.moderators);
  const bool cross_fit = !in.subject_fold.empty();
  auto fold_of_row = [&](int r) { return cross_fit ? in.subject_fold[in.subject[r]] : 0; };

  Eigen::VectorXd mu[2] = {Eigen::VectorXd::Zero(rows), Eigen::VectorXd::Zero(rows)};
  if (!in.set_to_zero) {
    std::set<int> folds;
    for (int r = 0; r < rows; ++r) folds.insert(fold_of_row(r));
    for (int fold : folds)
      for (int a = 0; a < 2; ++a) {
        std::vector<bool> train(rows);
        for (int r = 0; r < rows; ++r)
          train[r] = in.treatment(r) == a && (!cross_fit || fold_of_row(r) != fold);
        const Eigen::VectorXd predictions =
            in.learner ? in.learner(train, a, fold) : Eigen::VectorXd(x * direct_lm(x, in.outcome, train));
        for (int r = 0; r < rows; ++r)
          if (fold_of_row(r) == fold) mu[a](r) = predictions(r);
      }
  }

  Eigen::VectorXd psi = Eigen::VectorXd::Zero(rows);
  for (int r = 0; r < rows; ++r) {
    if (in.available(r) == 0) continue;
    const double p = in.rand_prob(r);
    const int a = static_cast<int>(in.treatment(r));
    psi(r) = (a - p) / (p * (1 - p)) * (in.outcome(r) - mu[a](r)) + mu[1](r) - mu[0](r);
  }

  const Eigen::MatrixXd sw = in.weight.asDiagonal() * s;
  const Eigen::MatrixXd bread = s.transpose() * sw;
  DirectDceeResult result;
  result.beta = bread.fullPivLu().solve(sw.transpose() * psi);
  const Eigen::VectorXd residual = psi - s * result.beta;

  const int p = static_cast<int>(s.cols());
  Eigen::MatrixXd meat = Eigen::MatrixXd::Zero(p, p);
  for (int begin = 0; begin < rows;) {
    int end = begin;
    while (end < rows && in.subject[end] == in.subject[begin]) ++end;
    const Eigen::VectorXd u = sw.middleRows(begin, end - begin).transpose() * residual.segment(begin, end - begin);
    meat += u * u.transpose();
    begin = end;
  }
  const Eigen::MatrixXd bread_inverse = bread.inverse();
  result.variance = bread_inverse * meat * bread_inverse;
  return result;
}

}  // namespace mrtsim::reference
