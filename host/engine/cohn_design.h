// The per-decision curves of a cohn2023 design (host/config/cohn_model_config.h) resolved when a study
// is planned: shapes solved for their averages as in the paper's Section 6.2 (sims/binary_shapes.h),
// lists taken as they are, CSV files read. Also the binary sample-size formula's inputs for such a
// design and an analysis' working model.
#pragma once

#include <vector>

#include <Eigen/Dense>

#include "host/config/study_config.h"
#include "host/samplesize/cohn_formula.h"

namespace mrtsim {

// Decision points t = 1..m (row t - 1).
struct CohnCurves {
  Eigen::VectorXd availability;  // tau_t
  Eigen::VectorXd rand_prob;     // p_t
  Eigen::VectorXd log_spnc;      // log SPNC(t) = g_t' alpha
  Eigen::VectorXd log_rr;        // log RR(t) = f_t' beta
};

// Throws UserError naming the YAML key of the input at fault (a file of the wrong length, a value
// out of range, a shape no scale of which reaches its average).
CohnCurves resolve_cohn_design(const CohnDesignConfig& design, int m);

// The m x terms.size() matrix of the terms at t = 1..m (the analysis' g_t or f_t).
Eigen::MatrixXd decision_term_matrix(const std::vector<Term>& terms, int m);

// The binary formula's inputs (host/samplesize/cohn_formula.h) for `curves` with the working model
// log SPNC(t) = g_t' alpha, log RR(t) = f_t' beta: g and f are the analysis' control and moderator
// terms, alpha and beta the least-squares fits of log SPNC(t) and log RR(t) on them over t = 1..m
// (exact when the curves lie in the terms' span, as every shape does in a basis that contains its own).
CohnInputs cohn_formula_inputs(const CohnCurves& curves, const Eigen::MatrixXd& g, const Eigen::MatrixXd& f,
                               double type1);

}  // namespace mrtsim
