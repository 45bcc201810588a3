#include "host/learners/gcv_smoothing.h"

#include <algorithm>

#include "core/user_error.h"
#include "host/stats/fit_failure.h"
#include "host/learners/r_numerics.h"

namespace mrtsim {
namespace {

// rank x k matrix B with B'B = S, from S's leading eigenpairs (any square root gives the same fit).
Eigen::MatrixXd penalty_root(const Eigen::MatrixXd& s, int rank) {
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eigen(s);
  const Eigen::Index k = s.rows();
  Eigen::MatrixXd root(rank, k);
  for (int i = 0; i < rank; ++i) {
    const Eigen::Index col = k - 1 - i;  // eigenvalues come in increasing order
    root.row(i) = std::sqrt(std::max(eigen.eigenvalues()[col], 0.0)) * eigen.eigenvectors().col(col).transpose();
  }
  return root;
}

// The problem with each penalty's square root, computed once.
class GcvProblem {
 public:
  GcvProblem(const PenalizedLeastSquares& problem, const GcvControl& control) : p_(problem), control_(control) {
    for (const auto& penalty : problem.penalties) {
      roots_.push_back(penalty_root(penalty.matrix, penalty.rank));
      total_rank_ += penalty.rank;
    }
  }

  int num_penalties() const { return static_cast<int>(p_.penalties.size()); }

  // The fit at log smoothing parameters rho from the SVD [R; sqrt(lambda_j) B_j] = U D V' truncated
  // to its numerical rank (mgcv's fit_magic); U1 = the first q rows of U.
  struct Point {
    Eigen::VectorXd rho;
    Eigen::MatrixXd u1, v;
    Eigen::VectorXd d, y1;
    GcvEvaluation eval;
  };

  Point fit(const Eigen::VectorXd& rho) const {
    const int q = p_.num_coefficients();
    Eigen::MatrixXd augmented = Eigen::MatrixXd::Zero(q + total_rank_, q);
    augmented.topRows(q) = p_.r;
    Eigen::Index row = q;
    for (int j = 0; j < num_penalties(); ++j) {
      const auto& penalty = p_.penalties[j];
      augmented.block(row, penalty.offset, roots_[j].rows(), roots_[j].cols()) = std::exp(rho[j] / 2) * roots_[j];
      row += roots_[j].rows();
    }
    const Eigen::JacobiSVD<Eigen::MatrixXd> svd(augmented, Eigen::ComputeThinU | Eigen::ComputeThinV);
    const Eigen::VectorXd& singular = svd.singularValues();
    int rank = q;
    while (rank > 1 && singular[rank - 1] < singular[0] * control_.rank_tolerance) --rank;

    Point point;
    point.rho = rho;
    point.d = singular.head(rank);
    point.u1 = svd.matrixU().topLeftCorner(q, rank);
    point.v = svd.matrixV().leftCols(rank);
    point.y1 = point.u1.transpose() * p_.qty;
    GcvEvaluation& e = point.eval;
    e.rank = rank;
    e.coefficients = point.v * point.y1.cwiseQuotient(point.d);
    e.rss = p_.residual_ss + (p_.qty - point.u1 * point.y1).squaredNorm();
    e.trace = point.u1.squaredNorm();
    const double delta = p_.num_rows - control_.gamma * e.trace;
    e.score = p_.num_rows * e.rss / (delta * delta);
    return point;
  }

  // Gradient and Hessian of the score at `point` (mgcv's magic_gH). With M_j = D^-1 V' S_j V D^-1,
  // P = U1'U1 and y1 = U1'Q'y:  d tr A / d rho_j = -lambda_j tr(M_j P),
  // d rss / d rho_j = 2 lambda_j y1'(M_j - M_j P) y1, and second derivatives to match.
  void add_derivatives(Point* point) const {
    const int m = num_penalties();
    const Eigen::MatrixXd p = point->u1.transpose() * point->u1;
    const Eigen::VectorXd& y1 = point->y1;
    std::vector<Eigen::MatrixXd> mj(m), kj(m);
    std::vector<Eigen::VectorXd> my(m), ky(m), yk(m);
    Eigen::VectorXd lambda(m), d_delta(m), d_rss(m);
    for (int j = 0; j < m; ++j) {
      const auto& penalty = p_.penalties[j];
      const Eigen::MatrixXd vs = point->d.cwiseInverse().asDiagonal() *
                                 (point->v.middleRows(penalty.offset, penalty.matrix.rows()).transpose() * roots_[j].transpose());
      mj[j] = vs * vs.transpose();
      kj[j] = mj[j] * p;
      my[j] = mj[j] * y1;
      ky[j] = kj[j] * y1;
      yk[j] = kj[j].transpose() * y1;
      lambda[j] = std::exp(point->rho[j]);
      d_delta[j] = control_.gamma * kj[j].trace() * lambda[j];
      d_rss[j] = 2 * lambda[j] * y1.dot(my[j] - ky[j]);
    }
    Eigen::MatrixXd d2_delta(m, m), d2_rss(m, m);
    for (int i = 0; i < m; ++i)
      for (int j = 0; j <= i; ++j) {
        const double both = lambda[i] * lambda[j];
        d2_delta(i, j) = d2_delta(j, i) = -control_.gamma * 2 * both * mj[j].cwiseProduct(kj[i]).sum();
        const double rss_term = my[i].dot(ky[j]) + my[j].dot(ky[i]) - 2 * my[i].dot(my[j]) + yk[i].dot(my[j]);
        d2_rss(i, j) = d2_rss(j, i) = 2 * both * rss_term;
      }
    d2_delta.diagonal() += d_delta;
    d2_rss.diagonal() += d_rss;

    // V = n rss / delta^2 with delta = n - gamma tr A.
    const double n = p_.num_rows, rss = point->eval.rss;
    const double delta = n - control_.gamma * point->eval.trace;
    const double a = n / (delta * delta);
    const double b = a * 2 * rss / delta;
    const double c = -2 * a / delta;
    const double e = 3 * b / delta;
    GcvEvaluation& out = point->eval;
    out.gradient = a * d_rss - b * d_delta;
    out.hessian.resize(m, m);
    for (int i = 0; i < m; ++i)
      for (int j = 0; j < m; ++j)
        out.hessian(i, j) = c * (d_delta[j] * d_rss[i] + d_delta[i] * d_rss[j]) + a * d2_rss(i, j) +
                            e * d_delta[i] * d_delta[j] - b * d2_delta(i, j);
  }

  // diag((X'X + S)^-1 X'X) = diag(V D^-2 V' R'R).
  Eigen::VectorXd edf(const Point& point) const {
    const Eigen::MatrixXd rv = point.v * point.d.cwiseInverse().asDiagonal();
    const Eigen::MatrixXd xtx = p_.r.transpose() * p_.r;
    return ((rv * rv.transpose()) * xtx).diagonal();
  }

 private:
  const PenalizedLeastSquares& p_;
  const GcvControl& control_;
  std::vector<Eigen::MatrixXd> roots_;
  int total_rank_ = 0;
};

// The Newton step -H^-1 g (largest component at most 5) when H is positive definite, else nothing.
bool newton_step(const Eigen::VectorXd& gradient, const Eigen::MatrixXd& hessian, Eigen::VectorXd* step) {
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eigen(hessian);
  if ((eigen.eigenvalues().array() < 0.0).any()) return false;
  const Eigen::MatrixXd& u = eigen.eigenvectors();
  *step = -(u * (u.transpose() * gradient).cwiseQuotient(eigen.eigenvalues()));
  const double largest = step->cwiseAbs().maxCoeff();
  if (largest > 5.0) *step *= 5.0 / largest;
  return true;
}

}  // namespace

Eigen::VectorXd initial_smoothing_parameters(const PenalizedLeastSquares& problem) {
  const int m = static_cast<int>(problem.penalties.size());
  const int q = problem.num_coefficients();
  const Eigen::VectorXd xtx_diagonal = problem.r.colwise().squaredNorm().transpose();  // colSums(X * X)
  Eigen::VectorXd sp(m);
  Eigen::VectorXd penalty_diagonal = Eigen::VectorXd::Zero(q);
  std::vector<bool> penalized(q, false);
  for (int j = 0; j < m; ++j) {
    const auto& penalty = problem.penalties[j];
    const Eigen::MatrixXd abs_s = penalty.matrix.cwiseAbs();
    const double threshold = std::pow(DBL_EPSILON, 0.8) * abs_s.maxCoeff();
    const Eigen::VectorXd row_means = abs_s.rowwise().mean(), col_means = abs_s.colwise().mean().transpose();
    std::vector<double> xx, ss;  // diagonals of X'X and S over the coefficients S really penalises
    for (Eigen::Index i = 0; i < penalty.matrix.rows(); ++i) {
      if (!(row_means[i] > threshold && col_means[i] > threshold && abs_s(i, i) > threshold)) continue;
      xx.push_back(xtx_diagonal[penalty.offset + i]);
      ss.push_back(penalty.matrix(i, i));
      penalized[penalty.offset + i] = true;
    }
    const double size_s = ss.empty() ? 0.0 : r_mean(ss.data(), ss.size());
    if (!(size_s > 0)) throw UserError("gam: penalty " + std::to_string(j + 1) + " is not positive semi-definite");
    sp[j] = r_mean(xx.data(), xx.size()) / size_s;
    penalty_diagonal.segment(penalty.offset, penalty.matrix.rows()) += sp[j] * penalty.matrix.diagonal();
  }
  // Scale all by powers of 10 until the data's mean share of the penalised diagonal is about 0.4.
  std::vector<int> used;
  for (int i = 0; i < q; ++i)
    if (penalty_diagonal[i] > 0 && penalized[i] && xtx_diagonal[i] > 0) used.push_back(i);
  auto data_share = [&]() {
    std::vector<double> share;
    for (int i : used) share.push_back(xtx_diagonal[i] / (xtx_diagonal[i] + penalty_diagonal[i]));
    return r_mean(share.data(), share.size());
  };
  while (data_share() > 0.4) {
    sp *= 10;
    penalty_diagonal *= 10;
  }
  while (data_share() < 0.4) {
    sp /= 10;
    penalty_diagonal /= 10;
  }
  return sp;
}

GcvEvaluation evaluate_gcv(const PenalizedLeastSquares& problem, const Eigen::VectorXd& log_sp, bool derivatives,
                           const GcvControl& control) {
  const GcvProblem gcv(problem, control);
  GcvProblem::Point point = gcv.fit(log_sp);
  if (derivatives) gcv.add_derivatives(&point);
  return point.eval;
}

GcvFit minimize_gcv(const PenalizedLeastSquares& problem, const GcvControl& control) {
  const GcvProblem gcv(problem, control);
  const int m = gcv.num_penalties();
  GcvFit result;
  Eigen::VectorXd rho = m > 0 ? Eigen::VectorXd(initial_smoothing_parameters(problem).array().log()) : Eigen::VectorXd();
  GcvProblem::Point current = gcv.fit(rho);
  result.score_evaluations = 1;

  if (m > 0) {
    double min_score = current.eval.score;
    double score_decrease = 1e10;
    bool use_steepest = false, step_failed = false;
    Eigen::VectorXd newton = Eigen::VectorXd::Zero(m), steepest = Eigen::VectorXd::Zero(m);
    Eigen::VectorXd gradient = Eigen::VectorXd::Zero(m);
    for (bool converged = false; !converged;) {
      if (++result.iterations > control.max_iterations)
        throw FitFailure(FitStatus::kNotConverged, "gam: the GCV smoothing parameter search did not converge in " +
                        std::to_string(control.max_iterations) + " iterations");
      // Try the step (none in the first iteration), halving it until the score falls; Newton for
      // three tries, then steepest descent; a last zero step before giving up.
      int tries = 0;
      Eigen::VectorXd* step = use_steepest ? &steepest : &newton;
      for (bool trying = result.iterations > 1; trying;) {
        if (++tries == 4 && !use_steepest) {
          use_steepest = true;
          step = &steepest;
        }
        GcvProblem::Point trial = gcv.fit(rho + *step);
        ++result.score_evaluations;
        if (trial.eval.score < min_score) {
          trying = false;
          score_decrease = min_score - trial.eval.score;
          min_score = trial.eval.score;
          rho = trial.rho;
          current = std::move(trial);
        } else {
          *step /= 2;
        }
        if (tries == control.max_step_halvings - 1 && trying) step->setZero();
        if (tries == control.max_step_halvings) trying = false;
      }
      if (result.iterations > 3) {  // mgcv's test uses the gradient from before this step
        converged = score_decrease <= control.tolerance * (1 + min_score) &&
                    gradient.norm() <= std::pow(control.tolerance, 1 / 3.0) * (1 + std::fabs(min_score));
        if (tries == control.max_step_halvings) converged = step_failed = true;
        if (converged) result.rms_gradient = gradient.norm() / std::sqrt(static_cast<double>(m));
      }
      gcv.add_derivatives(&current);
      gradient = current.eval.gradient;
      use_steepest = !newton_step(gradient, current.eval.hessian, &newton);
      const double largest = gradient.cwiseAbs().maxCoeff();
      steepest = largest > 0 ? Eigen::VectorXd(-gradient / largest) : Eigen::VectorXd::Zero(m);
    }
    result.converged = !step_failed;
    result.hessian_positive_definite = !use_steepest;

    // A smoothing parameter whose optimum is at 0 or infinity: keep moving it by factors e^2 while the
    // score falls (at most 5 times).
    for (int j = 0; j < m; ++j) {
      const double direction = gradient[j] < 0.0 ? 2.0 : -2.0;
      for (int moves = 0; moves < 5; ++moves) {
        rho[j] += direction;
        const double score = gcv.fit(rho).eval.score;
        if (score < min_score) {
          min_score = score;
        } else {
          rho[j] -= direction;
          break;
        }
      }
    }
    current = gcv.fit(rho);
  }

  const GcvEvaluation& e = current.eval;
  result.coefficients = e.coefficients;
  result.smoothing_parameters = rho.array().exp();
  result.edf = gcv.edf(current);
  result.score = e.score;
  result.rss = e.rss;
  result.scale = e.rss / (problem.num_rows - e.trace);
  result.rank = e.rank;
  return result;
}

}  // namespace mrtsim
