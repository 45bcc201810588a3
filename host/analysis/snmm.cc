#include "host/analysis/snmm.h"

#include <cmath>
#include <string>

#include "core/user_error.h"
#include "host/stats/fit_failure.h"

namespace mrtsim {
namespace {

// Below this reciprocal condition number the g-estimation system or a logistic information matrix
// counts as singular (R's solve() stops at machine epsilon; this errs on the safe side).
constexpr double kMinReciprocalCondition = 1e-13;
// DTRreg's optimal treatment: 1 where the blip exceeds this (treatmentClasses.R, Binary$opt).
constexpr double kOptimalTreatmentThreshold = 1e-8;
constexpr int kMaxLogisticIterations = 100;

std::string stage_name(std::size_t k) { return "SNMM stage " + std::to_string(k + 1); }

double expit(double v) { return 1.0 / (1.0 + std::exp(-v)); }

// Full pivoting detects exact singularity (rank), where the condition estimate alone can miss it.
bool invertible(const Eigen::FullPivLU<Eigen::MatrixXd>& lu) {
  return lu.isInvertible() && lu.rcond() > kMinReciprocalCondition;
}

void require_finite(const RowMajorMatrix& m, const std::string& what) {
  if (!m.allFinite()) throw UserError(what + " has a missing or non-finite value");
}

void validate(const std::vector<SnmmStage>& stages, const std::vector<double>& outcome) {
  if (stages.empty()) throw UserError("SNMM: no stages");
  const std::size_t n = outcome.size();
  if (n < 2) throw UserError("SNMM: needs at least 2 subjects, got " + std::to_string(n));
  for (std::size_t i = 0; i < n; ++i)
    if (!std::isfinite(outcome[i])) throw UserError("SNMM: the outcome of subject " + std::to_string(i + 1) + " is not finite");
  const Eigen::Index p = stages.front().blip.cols();
  for (std::size_t k = 0; k < stages.size(); ++k) {
    const SnmmStage& s = stages[k];
    const std::string name = stage_name(k);
    if (s.treatment.size() != n || static_cast<std::size_t>(s.treatment_model.rows()) != n ||
        static_cast<std::size_t>(s.treatment_free.rows()) != n || static_cast<std::size_t>(s.blip.rows()) != n)
      throw UserError(name + ": every design needs one row per subject (" + std::to_string(n) + ")");
    if (s.blip.cols() != p || p < 1)
      throw UserError(name + ": every stage's blip model needs the same number of columns (at least 1) to average them");
    if (s.treatment_model.cols() < 1 || s.treatment_free.cols() < 1)
      throw UserError(name + ": the treatment and treatment-free models need at least an intercept column");
    int treated = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (s.treatment[i] != 0 && s.treatment[i] != 1)
        throw UserError(name + ": the treatment of subject " + std::to_string(i + 1) + " is not 0 or 1");
      treated += s.treatment[i];
    }
    if (treated == 0 || treated == static_cast<int>(n))
      throw FitFailure(FitStatus::kConstantTreatment, name + ": every subject has treatment " + std::to_string(s.treatment[0]) +
                      ", so the treatment model and the blip cannot be fitted");
    require_finite(s.treatment_model, name + ": the treatment model");
    require_finite(s.treatment_free, name + ": the treatment-free model");
    require_finite(s.blip, name + ": the blip model");
  }
}

double log_likelihood(const Eigen::VectorXd& eta, const Eigen::VectorXd& a) {
  double sum = 0.0;
  for (Eigen::Index i = 0; i < eta.size(); ++i) sum += a(i) * eta(i) - std::log1p(std::exp(eta(i)));
  return sum;
}

// The logistic-regression MLE of a on v by Newton-Raphson with step halving (glm's estimate,
// iterated to full precision).
Eigen::VectorXd logistic_mle(const RowMajorMatrix& v, const Eigen::VectorXd& a, const std::string& name) {
  Eigen::VectorXd alpha = Eigen::VectorXd::Zero(v.cols());
  Eigen::VectorXd eta = v * alpha;
  double loglik = log_likelihood(eta, a);
  for (int iteration = 0; iteration < kMaxLogisticIterations; ++iteration) {
    const Eigen::VectorXd mu = eta.unaryExpr([](double e) { return expit(e); });
    const Eigen::VectorXd w = mu.cwiseProduct(Eigen::VectorXd::Ones(mu.size()) - mu);
    const Eigen::MatrixXd information = v.transpose() * w.asDiagonal() * v;
    const Eigen::LDLT<Eigen::MatrixXd> ldlt(information);
    if (ldlt.info() != Eigen::Success || !(ldlt.rcond() > kMinReciprocalCondition))
      throw FitFailure(FitStatus::kSingularNuisance, name + ": the treatment model's information matrix is singular (collinear covariates, or "
                             "fitted probabilities of 0 or 1)");
    Eigen::VectorXd step = ldlt.solve(v.transpose() * (a - mu));
    Eigen::VectorXd next = alpha + step;
    Eigen::VectorXd next_eta = v * next;
    double next_loglik = log_likelihood(next_eta, a);
    for (int halving = 0; halving < 30 && next_loglik < loglik - 1e-12 * std::fabs(loglik); ++halving) {
      step /= 2;
      next = alpha + step;
      next_eta = v * next;
      next_loglik = log_likelihood(next_eta, a);
    }
    alpha = next;
    eta = next_eta;
    loglik = next_loglik;
    if (step.cwiseAbs().maxCoeff() <= 1e-12 * (1.0 + alpha.cwiseAbs().maxCoeff())) return alpha;
  }
  throw FitFailure(FitStatus::kNotConverged, name + ": the treatment model (logistic regression) did not converge in " +
                  std::to_string(kMaxLogisticIterations) + " iterations: the treatment is (nearly) separated by its covariates");
}

// What stage k's fit leaves for the variance computations.
struct StageFit {
  Eigen::VectorXd alpha;
  Eigen::VectorXd mu;        // Ahat
  Eigen::MatrixXd hd, hw;    // n x m
  Eigen::VectorXd theta;     // (beta, psi)
  Eigen::VectorXd residual;  // Y_k - Hd theta
  Eigen::MatrixXd system;    // Hw' Hd
  Eigen::VectorXd later;     // d_k - A_k: the coefficient of H_k psi_k in earlier stages' pseudo-outcomes
};

StageFit fit_stage(const SnmmStage& s, const Eigen::VectorXd& pseudo_outcome, SnmmLaterTreatment later,
                   const std::string& name) {
  const Eigen::Index n = pseudo_outcome.size(), q = s.treatment_free.cols(), p = s.blip.cols();
  const Eigen::VectorXd a = Eigen::Map<const Eigen::VectorXi>(s.treatment.data(), n).cast<double>();
  StageFit f;
  f.alpha = logistic_mle(s.treatment_model, a, name);
  f.mu = (s.treatment_model * f.alpha).unaryExpr([](double e) { return expit(e); });
  f.hd.resize(n, q + p);
  f.hw.resize(n, q + p);
  f.hd.leftCols(q) = s.treatment_free;
  f.hw.leftCols(q) = s.treatment_free;
  f.hd.rightCols(p) = a.asDiagonal() * s.blip;
  f.hw.rightCols(p) = (a - f.mu).asDiagonal() * s.blip;
  f.system = f.hw.transpose() * f.hd;
  const Eigen::FullPivLU<Eigen::MatrixXd> lu(f.system);
  if (!invertible(lu))
    throw FitFailure(FitStatus::kSingularBread, name + ": the g-estimation system is singular (collinear treatment-free or blip columns)");
  f.theta = lu.solve(f.hw.transpose() * pseudo_outcome);
  f.residual = pseudo_outcome - f.hd * f.theta;
  const Eigen::VectorXd blip = s.blip * f.theta.tail(p);
  f.later.resize(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    const double d = later == SnmmLaterTreatment::kOptimal && blip(i) > kOptimalTreatmentThreshold ? 1.0 : 0.0;
    f.later(i) = d - a(i);
  }
  return f;
}

// DTRreg's per-stage influence values phi_i = -n (Hw'Hd)^-1 U_i (columns), centred.
Eigen::MatrixXd centred_influence(const StageFit& f) {
  const Eigen::Index n = f.residual.size();
  const Eigen::MatrixXd scores = f.residual.asDiagonal() * f.hw;  // rows U_i'
  Eigen::MatrixXd phi = -static_cast<double>(n) * f.system.fullPivLu().solve(scores.transpose());
  phi.colwise() -= phi.rowwise().mean();
  return phi;
}

// Offsets of each stage's (alpha, theta) in the stacked parameter vector.
struct Layout {
  std::vector<Eigen::Index> alpha, theta;
  Eigen::Index size = 0;
};

Layout stacked_layout(const std::vector<StageFit>& fits) {
  Layout layout;
  for (const StageFit& f : fits) {
    layout.alpha.push_back(layout.size);
    layout.size += f.alpha.size();
    layout.theta.push_back(layout.size);
    layout.size += f.theta.size();
  }
  return layout;
}

// Var(psibar) from the stacked estimating functions (see snmm.h).
Eigen::MatrixXd stacked_average_variance(const std::vector<SnmmStage>& stages, const std::vector<StageFit>& fits) {
  const std::size_t K = stages.size();
  const Eigen::Index n = fits[0].residual.size(), p = stages[0].blip.cols();
  const Layout layout = stacked_layout(fits);
  Eigen::MatrixXd phi(n, layout.size);            // per-subject estimating functions
  Eigen::MatrixXd jacobian = Eigen::MatrixXd::Zero(layout.size, layout.size);
  for (std::size_t k = 0; k < K; ++k) {
    const SnmmStage& s = stages[k];
    const StageFit& f = fits[k];
    const Eigen::Index r = f.alpha.size(), m = f.theta.size(), q = m - p;
    const Eigen::Index ia = layout.alpha[k], it = layout.theta[k];
    const Eigen::VectorXd a = Eigen::Map<const Eigen::VectorXi>(s.treatment.data(), n).cast<double>();
    const Eigen::VectorXd w = f.mu.cwiseProduct(Eigen::VectorXd::Ones(n) - f.mu);
    // Logistic score (A - mu) V and its derivative -V' W V.
    phi.middleCols(ia, r) = (a - f.mu).asDiagonal() * s.treatment_model;
    jacobian.block(ia, ia, r, r) = -s.treatment_model.transpose() * w.asDiagonal() * s.treatment_model;
    // g-estimating function Hw (Y_k - Hd theta): in theta -Hw'Hd; in alpha through the blip rows of
    // Hw ((A - mu) H, d/dalpha = -w H V'); in a later psi_j through Y_k (d Y_k / d psi_j = (d_j - A_j) H_j).
    phi.middleCols(it, m) = f.residual.asDiagonal() * f.hw;
    jacobian.block(it, it, m, m) = -f.system;
    jacobian.block(it + q, ia, p, r) = -s.blip.transpose() * f.residual.cwiseProduct(w).asDiagonal() * s.treatment_model;
    for (std::size_t j = k + 1; j < K; ++j)
      jacobian.block(it, layout.theta[j] + fits[j].theta.size() - p, m, p) =
          f.hw.transpose() * fits[j].later.asDiagonal() * stages[j].blip;
  }
  // psibar = L Omega with L = 1/K on every psi_k; Var = (L J^-1) (Phi'Phi) (L J^-1)'.
  Eigen::MatrixXd average_rows = Eigen::MatrixXd::Zero(layout.size, p);  // L'
  for (std::size_t k = 0; k < K; ++k)
    average_rows.block(layout.theta[k] + fits[k].theta.size() - p, 0, p, p) =
        Eigen::MatrixXd::Identity(p, p) / static_cast<double>(K);
  const Eigen::FullPivLU<Eigen::MatrixXd> lu(jacobian.transpose());
  if (!invertible(lu))
    throw FitFailure(FitStatus::kSingularBread, "SNMM: the stacked estimating equations' Jacobian is singular");
  const Eigen::MatrixXd projected = phi * lu.solve(average_rows);  // n x p
  return projected.transpose() * projected;
}

}  // namespace

SnmmFit fit_snmm(const std::vector<SnmmStage>& stages, const std::vector<double>& outcome, SnmmLaterTreatment later) {
  validate(stages, outcome);
  const std::size_t K = stages.size();
  const Eigen::Index n = static_cast<Eigen::Index>(outcome.size()), p = stages[0].blip.cols();
  std::vector<StageFit> fits(K);
  Eigen::VectorXd pseudo_outcome = Eigen::Map<const Eigen::VectorXd>(outcome.data(), n);
  for (std::size_t k = K; k-- > 0;) {
    fits[k] = fit_stage(stages[k], pseudo_outcome, later, stage_name(k));
    const Eigen::VectorXd blip = stages[k].blip * fits[k].theta.tail(p);
    pseudo_outcome += fits[k].later.cwiseProduct(blip);
  }

  SnmmFit fit;
  fit.average = Eigen::VectorXd::Zero(p);
  Eigen::MatrixXd average_influence = Eigen::MatrixXd::Zero(p, n);
  for (std::size_t k = 0; k < K; ++k) {
    const StageFit& f = fits[k];
    const Eigen::MatrixXd phi = centred_influence(f);
    const Eigen::MatrixXd blip_phi = phi.bottomRows(p);
    fit.psi.push_back(f.theta.tail(p));
    fit.psi_variance.push_back(blip_phi * blip_phi.transpose() / (static_cast<double>(n) * (n - 1)));
    fit.treatment_coefficients.push_back(f.alpha);
    fit.average += f.theta.tail(p) / static_cast<double>(K);
    average_influence += blip_phi / static_cast<double>(K);
  }
  fit.average_variance_per_stage = average_influence * average_influence.transpose() / (static_cast<double>(n) * (n - 1));
  fit.average_variance = stacked_average_variance(stages, fits);
  return fit;
}

std::vector<SnmmStage> qian2025_snmm_stages(const Eigen::MatrixXd& x, const Eigen::MatrixXd& z, const Eigen::MatrixXi& a,
                                           bool moderated) {
  const Eigen::Index n = x.rows(), T = x.cols();
  if (z.rows() != n || a.rows() != n || z.cols() != T || a.cols() != T)
    throw UserError("SNMM: X, Z and A need the same subjects x decision points shape");
  std::vector<SnmmStage> stages(T);
  for (Eigen::Index t = 0; t < T; ++t) {
    SnmmStage& s = stages[t];
    s.treatment.assign(a.col(t).data(), a.col(t).data() + n);
    s.treatment_model.resize(n, 3);
    s.treatment_model << Eigen::VectorXd::Ones(n), x.col(t), z.col(t);
    if (t == 0) {
      s.treatment_free = RowMajorMatrix::Ones(n, 1);
    } else {
      const Eigen::VectorXd previous = a.col(t - 1).cast<double>();
      s.treatment_free.resize(n, 6);
      s.treatment_free << Eigen::VectorXd::Ones(n), x.col(t - 1), z.col(t - 1), previous,
          x.col(t - 1).cwiseProduct(previous), z.col(t - 1).cwiseProduct(previous);
    }
    s.blip.resize(n, moderated ? 2 : 1);
    s.blip.col(0).setOnes();
    if (moderated) s.blip.col(1) = z.col(t);
  }
  return stages;
}

}  // namespace mrtsim
