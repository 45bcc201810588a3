// Structural nested mean model (SNMM) by g-estimation, the comparator of Qian et al. (2025)
// (docs/estimators.md §3.2): the DTRreg estimator (Wallace, Moodie and Stephens 2017; method =
// "gest", binary treatment, its default settings, versions 2.1-2.4) written from its equations,
// with the per-stage sandwich variance DTRreg reports for var.estim = "sandwich", and the paper's
// estimate, the average of the stage-specific blip coefficients, with a sandwich SE.
//
// Data: n subjects in wide form, a distal outcome Y_i and K stages. Stage k has a binary treatment
// A_k, a treatment model (logistic regression of A_k on V_k), a treatment-free model (columns T_k)
// and a blip A_k H_k' psi_k (columns H_k); every design includes its intercept column.
//
// Backward recursion, k = K, ..., 1:
//   1. Ahat_k = expit(V_k' alpha_k), alpha_k the logistic MLE.
//   2. Pseudo-outcome Y_k = Y + sum_{j > k} (d_j - A_j) H_j' psi_j: the outcome had every later stage
//      followed d_j. DTRreg's default (dtr = TRUE) takes the estimated optimal treatment
//      d_j = 1{H_j' psi_j > 1e-8}; with dtr = FALSE, d_j = 0 (later treatments removed).
//   3. With Hd = (T_k, A_k H_k) and Hw = (T_k, (A_k - Ahat_k) H_k), theta_k = (beta_k, psi_k) solves
//      Hw' (Y_k - Hd theta_k) = 0.
// Per-stage variance (DTRreg's .sandwich): with U_i = Hw_i (Y_k,i - Hd_i' theta_k) and influence
// values phi_i = -n (Hw'Hd)^-1 U_i, V(theta_k) = cov_i(phi_i) / n (cov with divisor n - 1). It treats
// alpha_k and the later stages' psi as known.
// Average psibar = (1/K) sum_k psi_k, with two variances:
//   - `average_variance`: the M-estimation sandwich J^-1 (sum_i Phi_i Phi_i') J^-T of all stages'
//     estimating functions stacked (logistic scores and g-estimating equations, Phi_i per subject,
//     J their summed Jacobian), so it accounts for the estimated treatment models and for the
//     pseudo-outcomes' dependence on later psi (d_j held at its estimate: the non-regular points
//     where H_j' psi_j = 0 are ignored, as everywhere in DTR inference);
//   - `average_variance_per_stage`: the same per-stage influence values as DTRreg's, averaged over
//     stages per subject (so nuisance estimation ignored, as in DTRreg's per-stage matrices).
#pragma once

#include <cstddef>
#include <vector>

#include <Eigen/Dense>

#include "host/analysis/design_terms.h"  // RowMajorMatrix

namespace mrtsim {

struct SnmmStage {
  std::vector<int> treatment;        // A_k, 0/1, one per subject
  RowMajorMatrix treatment_model;    // V_k: n x r, intercept included
  RowMajorMatrix treatment_free;     // T_k: n x q, intercept included
  RowMajorMatrix blip;               // H_k: n x p, intercept included
};

enum class SnmmLaterTreatment {
  kOptimal,  // DTRreg's default (dtr = TRUE), as the paper ran it
  kNone,     // dtr = FALSE: the blip of "treat now, never later"
};

struct SnmmFit {
  std::vector<Eigen::VectorXd> psi;                 // per stage, length p_k
  std::vector<Eigen::MatrixXd> psi_variance;        // per stage, DTRreg's sandwich
  std::vector<Eigen::VectorXd> treatment_coefficients;  // alpha_k
  Eigen::VectorXd average;                          // (1/K) sum_k psi_k (every p_k equal)
  Eigen::MatrixXd average_variance;                 // stacked M-estimation sandwich
  Eigen::MatrixXd average_variance_per_stage;       // from DTRreg's per-stage influence values
};

// Fits stage K first. Throws UserError (naming the stage, 1-based) for inconsistent sizes, a
// treatment that is not 0/1 or takes one value only, a treatment model whose fit does not converge,
// or a singular g-estimation system; the stages' blips must have the same number of columns.
SnmmFit fit_snmm(const std::vector<SnmmStage>& stages, const std::vector<double>& outcome, SnmmLaterTreatment later);

// The stages of the paper's SNMM (docs/estimators.md §3.2) from n x T matrices of X_t, Z_t, A_t:
// treatment model A_t ~ X_t + Z_t; treatment-free model ~1 at t = 1 and ~(X_{t-1} + Z_{t-1}) * A_{t-1}
// (intercept, X, Z, A, X:A, Z:A) after; blip ~1, or ~Z_t when `moderated`.
std::vector<SnmmStage> qian2025_snmm_stages(const Eigen::MatrixXd& x, const Eigen::MatrixXd& z, const Eigen::MatrixXi& a,
                                           bool moderated);

}  // namespace mrtsim
