// A direct EMEE / EMEE2 implementation used only by the tests, written independently of
// kernels/emee.h: it follows MRTAnalysis's compute_emee() / compute_emee2() step by step with dynamic
// Eigen matrices: the estimating function as a plain sum over rows, the root by Newton's method with a
// forward-difference Jacobian (as rootSolve::multiroot), M_n from the per-row derivative terms,
// Sigma_n, and per subject the T_i x T_i matrix H_ii and the corrected residuals (I - H_ii)^-1 r_i.
#pragma once

#include <cmath>
#include <vector>

#include <Eigen/Dense>

namespace mrtsim::reference {

struct DirectEmeeInput {
  bool emee2 = false;
  std::vector<int> subject_begin;  // first row of each subject, then the number of rows
  Eigen::MatrixXd controls;        // g: rows x q, intercept included
  Eigen::MatrixXd moderators;      // f: rows x p, intercept included
  Eigen::VectorXd outcome;
  Eigen::VectorXd treatment;
  Eigen::VectorXd rand_prob;
  Eigen::VectorXd numerator_prob;
  Eigen::VectorXd available;
};

struct DirectEmeeResult {
  Eigen::VectorXd theta;  // (alpha, beta)
  Eigen::MatrixXd variance;
  Eigen::MatrixXd variance_unadjusted;
};

// (1/n) sum_t U_t(theta), with MRTAnalysis's formulas (every row, availability as a factor).
inline Eigen::VectorXd direct_emee_estimating_function(const DirectEmeeInput& in, const Eigen::VectorXd& theta) {
  const int q = static_cast<int>(in.controls.cols()), p = static_cast<int>(in.moderators.cols());
  const Eigen::VectorXd alpha = theta.head(q), beta = theta.tail(p);
  Eigen::VectorXd ef = Eigen::VectorXd::Zero(q + p);
  for (int r = 0; r < in.outcome.size(); ++r) {
    if (in.available(r) == 0.0) continue;  // every factor is multiplied by avail = 0
    const double a = in.treatment(r), gz = in.controls.row(r).dot(alpha), fx = in.moderators.row(r).dot(beta);
    double factor;
    double centred;
    if (!in.emee2) {
      const double pt = in.numerator_prob(r), pr = in.rand_prob(r);
      const double weight = a == 1.0 ? pt / pr : (1.0 - pt) / (1.0 - pr);
      factor = std::exp(-a * fx) * (in.outcome(r) - std::exp(gz) * std::exp(a * fx)) * weight;
      centred = a - pt;
    } else {
      centred = a - in.rand_prob(r);
      factor = std::exp(-centred * fx) * in.outcome(r) - std::exp(gz);
    }
    ef.head(q) += factor * in.controls.row(r).transpose();
    ef.tail(p) += factor * centred * in.moderators.row(r).transpose();
  }
  return ef / static_cast<double>(in.subject_begin.size() - 1);
}

// Newton's method with rootSolve's forward differences (step max(|x| 1e-8, 1e-8)), iterated until the
// step is below 1e-13 (1 + |x|).
inline Eigen::VectorXd direct_emee_root(const DirectEmeeInput& in) {
  const int d = static_cast<int>(in.controls.cols() + in.moderators.cols());
  Eigen::VectorXd x = Eigen::VectorXd::Zero(d);
  for (int iteration = 0; iteration < 200; ++iteration) {
    const Eigen::VectorXd f = direct_emee_estimating_function(in, x);
    Eigen::MatrixXd jacobian(d, d);
    for (int j = 0; j < d; ++j) {
      Eigen::VectorXd moved = x;
      const double delta = std::max(std::fabs(x(j)) * 1e-8, 1e-8);
      moved(j) += delta;
      jacobian.col(j) = (direct_emee_estimating_function(in, moved) - f) / delta;
    }
    const Eigen::VectorXd step = jacobian.partialPivLu().solve(-f);
    x += step;
    if ((step.array().abs() <= 1e-13 * (1.0 + x.array().abs())).all()) break;
  }
  return x;
}

inline DirectEmeeResult direct_emee(const DirectEmeeInput& in) {
  const int q = static_cast<int>(in.controls.cols()), p = static_cast<int>(in.moderators.cols()), d = q + p;
  const int rows = static_cast<int>(in.outcome.size());
  const double n = static_cast<double>(in.subject_begin.size() - 1);
  DirectEmeeResult result;
  result.theta = direct_emee_root(in);
  const Eigen::VectorXd alpha = result.theta.head(q), beta = result.theta.tail(p);

  // Per row: D_t (column of D), r_t, dr_t/dtheta' (row of R) and the M_n summand, in MRTAnalysis's form.
  Eigen::MatrixXd design(d, rows), residual_gradient(rows, d);
  Eigen::VectorXd residual(rows);
  Eigen::MatrixXd mn = Eigen::MatrixXd::Zero(d, d);
  for (int r = 0; r < rows; ++r) {
    const double a = in.treatment(r), avail = in.available(r), y = in.outcome(r);
    const Eigen::VectorXd g = in.controls.row(r).transpose(), f = in.moderators.row(r).transpose();
    const double gz = g.dot(alpha), fx = f.dot(beta);
    if (!in.emee2) {
      const double pt = in.numerator_prob(r), pr = in.rand_prob(r);
      const double pre = std::exp(-a * fx) * (a == 1.0 ? pt / pr : (1.0 - pt) / (1.0 - pr));
      Eigen::MatrixXd d_partial = Eigen::MatrixXd::Zero(d, d);  // dD_t/dtheta'
      d_partial.block(0, q, q, p) = -pre * a * g * f.transpose();
      d_partial.block(q, q, p, p) = -pre * a * (a - pt) * f * f.transpose();
      residual(r) = (y - std::exp(gz + a * fx)) * avail;
      design.col(r) << pre * g, pre * (a - pt) * f;
      residual_gradient.row(r) << (-std::exp(gz + a * fx) * avail * g).transpose(),
          (-std::exp(gz + a * fx) * avail * a * f).transpose();
      mn += d_partial * residual(r) + design.col(r) * residual_gradient.row(r);
    } else {
      const double ca = a - in.rand_prob(r);
      design.col(r) << g, ca * f;  // rows of MRTAnalysis's D_i
      residual(r) = std::exp(-ca * fx) * y - std::exp(gz);  // not masked: MRTAnalysis's r_i
      residual_gradient.row(r) << (-std::exp(gz) * g).transpose(), (-std::exp(-ca * fx) * y * ca * f).transpose();
      mn.block(0, 0, q, q) += -avail * std::exp(gz) * g * g.transpose();
      mn.block(0, q, q, p) += -avail * std::exp(-ca * fx) * y * ca * g * f.transpose();
      mn.block(q, 0, p, q) += -avail * std::exp(gz) * ca * f * g.transpose();
      mn.block(q, q, p, p) += -avail * std::exp(-ca * fx) * y * ca * ca * f * f.transpose();
    }
  }
  mn /= n;
  const Eigen::MatrixXd mn_inverse = mn.inverse();

  Eigen::MatrixXd sigma = Eigen::MatrixXd::Zero(d, d), sigma_tilde = Eigen::MatrixXd::Zero(d, d);
  for (std::size_t i = 0; i + 1 < in.subject_begin.size(); ++i) {
    const int begin = in.subject_begin[i], t = in.subject_begin[i + 1] - begin;
    const Eigen::MatrixXd d_i = design.middleCols(begin, t);
    const Eigen::MatrixXd r_i = residual_gradient.middleRows(begin, t);
    const Eigen::VectorXd res_i = residual.segment(begin, t);
    const Eigen::MatrixXd h_ii = r_i * mn_inverse * d_i / n;
    const Eigen::VectorXd corrected = (Eigen::MatrixXd::Identity(t, t) - h_ii).partialPivLu().solve(res_i);
    Eigen::VectorXd mask = Eigen::VectorXd::Ones(t);
    if (in.emee2) mask = in.available.segment(begin, t);  // D_i' I_i (...) for EMEE2
    const Eigen::VectorXd score = d_i * mask.cwiseProduct(res_i);
    const Eigen::VectorXd score_tilde = d_i * mask.cwiseProduct(corrected);
    sigma += score * score.transpose();
    sigma_tilde += score_tilde * score_tilde.transpose();
  }
  sigma /= n;
  sigma_tilde /= n;
  result.variance_unadjusted = mn_inverse * sigma * mn_inverse.transpose() / n;
  result.variance = mn_inverse * sigma_tilde * mn_inverse.transpose() / n;
  return result;
}

}  // namespace mrtsim::reference
