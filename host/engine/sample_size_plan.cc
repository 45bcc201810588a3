#include "host/engine/sample_size_plan.h"

#include "core/user_error.h"
#include "host/engine/cohn_design.h"
#include "host/engine/liao_design.h"
#include "host/engine/resolved_decision_values.h"
#include "host/samplesize/cohn_formula.h"
#include "host/samplesize/liao_formula.h"

namespace mrtsim {

namespace {

// The Cohn formula's inputs for `design` with the analysis' working model (g_t, f_t: its control and
// moderator terms), as the paper's Section 6 does.
CohnInputs cohn_inputs(const ScenarioConfig& s, const CohnDesignConfig& design) {
  const int m = s.binary_model.decisions;
  CohnCurves curves = resolve_cohn_design(design, m);
  if (s.binary_model.dropout) {  // the rows still there: availability x survival
    const std::vector<double> survival = resolve_survival(*s.binary_model.dropout, m, "decision point");
    curves.availability.array() *= Eigen::Map<const Eigen::ArrayXd>(survival.data(), m);
  }
  return cohn_formula_inputs(curves, decision_term_matrix(s.analysis.control_terms(), m),
                             decision_term_matrix(s.analysis.moderators, m), s.analysis.rules.alpha);
}

void apply_liao_formula(ScenarioConfig& s) {
  FormulaSampleSize& f = *s.formula;
  const SampleSizeResult result = liao_sample_size(liao_formula_inputs(s, f.effect, f.availability), f.target_power, f.max_n);
  s.sample_size = result.at_n.n;
  f.predicted_power = result.at_n.power;
}

// N = ceiling(n_exact), with N <= 10 allowed (the package's less_than_10_possible = TRUE).
void apply_cohn_formula(ScenarioConfig& s) {
  FormulaSampleSize& f = *s.formula;
  CohnSampleSizeOptions options;
  options.power = f.target_power;
  options.allow_n_at_most_10 = true;
  const CohnSampleSize result = cohn_sample_size(cohn_inputs(s, f.binary_design), options);
  s.sample_size = static_cast<int>(result.n);
  f.predicted_power = result.at_n.power;
}

}  // namespace

StudyConfig with_planned_sample_sizes(StudyConfig study) {
  for (ScenarioConfig& scenario : study.scenarios) {
    if (!scenario.formula) continue;
    try {
      if (scenario.model_type == ModelType::kCohn2023)
        apply_cohn_formula(scenario);
      else
        apply_liao_formula(scenario);
    } catch (const UserError& e) {
      if (scenario.simulated) {  // the formula is only a comparison there: its failure is reported, not fatal
        scenario.formula.reset();
        continue;
      }
      throw UserError(scenario.formula->where + ": the sample-size formula failed: " + e.what());
    }
  }
  return study;
}

std::optional<double> formula_power_at(const ScenarioConfig& s, int n) {
  try {
    if (s.model_type == ModelType::kCohn2023)
      return cohn_power(cohn_inputs(s, s.binary_model.design), n, /*allow_n_at_most_10=*/true).at_n.power;
    if (s.model_type == ModelType::kLiao2016) return liao_power(liao_formula_inputs(s, s.model.effect, s.model.availability), n).power;
  } catch (const UserError&) {
    // no formula power at this N (e.g. too few subjects for its degrees of freedom)
  }
  return std::nullopt;
}

}  // namespace mrtsim
