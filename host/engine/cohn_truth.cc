#include "host/engine/cohn_truth.h"

#include <stdexcept>
#include <string>

#include "kernels/dim_dispatch.h"

namespace mrtsim {
namespace {

template <int D>
std::vector<double> solve_truth(const EmeeSimulationTask& task, const CohnRowMoments& moments) {
  const int m = task.model.num_decisions;
  const EmeeDesignView& d = task.design;
  const auto population_pass = [&](const Vec<D>& theta, EmeeNewtonSums<D>& sums) {
    for (int t = 0; t < m; ++t)
      for (int a = 0; a <= 1; ++a) {
        // Dropout independent of everything: the rows at t are there with probability S_t.
        const double weight = moments.available_treated[a][t] * (task.model.survival ? task.model.survival[t] : 1.0);
        if (weight <= 0.0) continue;
        const EmeeRow row{d.controls + t * d.q,   d.moderators + t * d.p,  a, moments.outcome_mean[a][t],
                          task.model.rand_prob[t], d.numerator_prob[t], true};
        sums.add(emee_row_terms<D>(d.variant, theta, d.q, row), weight);
      }
  };
  EmeeFit<D> fit = emee_fit_start<D>(Vec<D>::Zero(), 1);
  EmeeNewtonSums<D> sums;
  if (!emee_newton<D>(population_pass, fit, sums))
    throw std::runtime_error(std::string("the population estimating equation of the cohn2023 model has no root: ") +
                             kFitStatusNames.name(fit.status));
  return std::vector<double>(fit.theta.data(), fit.theta.data() + D);
}

}  // namespace

CohnRowMoments cohn_row_moments(const CohnModelView& model) {
  const int m = model.num_decisions;
  CohnRowMoments moments;
  moments.available.assign(m, 0.0);
  for (int a = 0; a <= 1; ++a) {
    moments.available_treated[a].assign(m, 0.0);
    moments.outcome_mean[a].assign(m, 0.0);
  }
  // state[a][y]: P(A_{t-1} = a, Y_t = y); at t = 1, a is the delayed effect's A_0 and Y_1 = 0.
  double state[2][2] = {{1.0, 0.0}, {0.0, 0.0}};
  if (model.delayed_effect_factor != 1.0) {
    state[1][0] = model.rand_prob[0];
    state[0][0] = 1.0 - model.rand_prob[0];
  }
  for (int t = 0; t < m; ++t) {
    double next[2][2] = {{0.0, 0.0}, {0.0, 0.0}};
    double outcome_mass[2] = {0.0, 0.0};
    for (int a = 0; a <= 1; ++a)
      for (int y = 0; y <= 1; ++y) {
        if (state[a][y] == 0.0) continue;
        // Availability at t = 1 ignores A_0 (sims/cohn_model.h).
        const double tau = model.endogenous_availability
                               ? model.endogenous.base + (t > 0 ? model.endogenous.treatment * a : 0.0) +
                                     model.endogenous.outcome * y
                               : model.availability[t];
        for (int available = 0; available <= 1; ++available)
          for (int treated = 0; treated <= available; ++treated) {
            const double p_available = available ? tau : 1.0 - tau;
            const double p_treated = !available ? 1.0 : (treated ? model.rand_prob[t] : 1.0 - model.rand_prob[t]);
            const double weight = state[a][y] * p_available * p_treated;
            double success = treated ? model.success_treated[t] : model.success_control[t];
            if (a) success *= model.delayed_effect_factor;
            if (y) success *= model.serial_correlation_factor;
            if (success > moments.max_success) moments.max_success = success;
            next[treated][1] += weight * success;
            next[treated][0] += weight * (1.0 - success);
            if (available) {
              moments.available[t] += weight;
              moments.available_treated[treated][t] += weight;
              outcome_mass[treated] += weight * success;
            }
          }
      }
    for (int a = 0; a <= 1; ++a) {
      if (moments.available_treated[a][t] > 0.0)
        moments.outcome_mean[a][t] = outcome_mass[a] / moments.available_treated[a][t];
      for (int y = 0; y <= 1; ++y) state[a][y] = next[a][y];
    }
  }
  return moments;
}

std::vector<double> cohn_emee_truth(const EmeeSimulationTask& task) {
  const CohnRowMoments moments = cohn_row_moments(task.model);
  return dispatch_dim(task.design.q + task.design.p,
                      [&](auto dim) { return solve_truth<decltype(dim)::value>(task, moments); });
}

}  // namespace mrtsim
