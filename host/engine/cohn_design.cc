#include "host/engine/cohn_design.h"

#include <cmath>

#include "core/portable_reductions.h"
#include "core/user_error.h"
#include "host/engine/resolved_decision_values.h"

namespace mrtsim {
namespace {

// Runs `solve`, prefixing its UserErrors with `where`.
template <class Fn>
auto at_key(const std::string& where, Fn&& solve) {
  try {
    return solve();
  } catch (const UserError& e) {
    throw UserError(where + ": " + e.what());
  }
}

// The m values of `source` (a YAML list or a CSV column) within `range`.
Eigen::VectorXd decision_values(const DecisionValues& source, int m, ValueRange range, const std::string& what) {
  const std::vector<double> values = resolve_decision_values(source, DecisionLayout{m, 1}, range, what);
  return Eigen::Map<const Eigen::VectorXd>(values.data(), m);
}

Eigen::VectorXd curve_at(const CohnCurveInput& input, int m, const Eigen::VectorXd& weights) {
  return at_key(input.values.where, [&] {
    const Eigen::VectorXd coefficients = solve_binary_curve(input.shape, m, weights, input.average, "the shape");
    return portable::product(binary_curve_basis(input.shape.shape, m), coefficients);
  });
}

}  // namespace

CohnCurves resolve_cohn_design(const CohnDesignConfig& design, int m) {
  CohnCurves curves;
  const CohnAvailabilityInput& tau = design.availability;
  curves.availability = tau.values.given() ? decision_values(tau.values, m, {0.0, 1.0, true}, "availability")
                                           : at_key(tau.values.where, [&] { return binary_availability(tau.shape, m); });
  require_input(curves.availability.sum() > 0.0, tau.values.where + ": availability is 0 at every decision point");
  const CohnRandProbInput& p = design.rand_prob;
  curves.rand_prob = p.values.given() ? decision_values(p.values, m, {0.0, 1.0, false, false}, "randomization probability")
                                      : at_key(p.values.where, [&] { return binary_rand_prob(p.shape, m); });
  const CohnCurveInput& spnc = design.spnc;
  curves.log_spnc = spnc.values.given()
                        ? portable::log(decision_values(spnc.values, m, {0.0, 1.0, false}, "SPNC"))
                        : curve_at(spnc, m, curves.availability);
  const CohnCurveInput& effect = design.effect;
  const Eigen::VectorXd control_weight = curves.availability.cwiseProduct(portable::exp(curves.log_spnc));
  curves.log_rr = effect.values.given()
                      ? portable::log(decision_values(effect.values, m, {0.0, HUGE_VAL, false}, "relative risk"))
                      : curve_at(effect, m, control_weight);
  return curves;
}

Eigen::MatrixXd decision_term_matrix(const std::vector<Term>& terms, int m) {
  Eigen::MatrixXd matrix(m, static_cast<Eigen::Index>(terms.size()));
  for (int t = 0; t < m; ++t)
    for (std::size_t j = 0; j < terms.size(); ++j) matrix(t, static_cast<Eigen::Index>(j)) = terms[j].value(t, 1);
  return matrix;
}

CohnInputs cohn_formula_inputs(const CohnCurves& curves, const Eigen::MatrixXd& g, const Eigen::MatrixXd& f,
                               double type1) {
  CohnInputs inputs;
  inputs.availability = curves.availability;
  inputs.rand_prob = curves.rand_prob;
  inputs.g = g;
  inputs.f = f;
  inputs.alpha = g.colPivHouseholderQr().solve(curves.log_spnc);
  inputs.beta = f.colPivHouseholderQr().solve(curves.log_rr);
  inputs.type1 = type1;
  return inputs;
}

}  // namespace mrtsim
