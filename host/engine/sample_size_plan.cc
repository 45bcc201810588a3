#include "host/engine/sample_size_plan.h"

#include "core/user_error.h"
#include "host/engine/cohn_design.h"
#include "host/samplesize/cohn_formula.h"
#include "host/samplesize/liao_formula.h"

namespace mrtsim {

namespace {

// N by the Liao formula with q = the analysis' control terms and its alpha.
void apply_liao_formula(ScenarioConfig& s) {
  FormulaSampleSize& f = *s.formula;
  LiaoInputs inputs;
  inputs.days = s.model.days;
  inputs.decisions_per_day = s.model.decisions_per_day;
  inputs.rand_prob = s.model.rand_prob_per_decision();
  inputs.effect = f.effect;
  inputs.availability = f.availability;
  inputs.q = static_cast<int>(s.analysis.control_terms().size());
  inputs.alpha = s.analysis.rules.alpha;
  const SampleSizeResult result = liao_sample_size(inputs, f.target_power, f.max_n);
  s.sample_size = result.at_n.n;
  f.predicted_power = result.at_n.power;
}

// N by the Cohn formula for the formula's design with the analysis' working model (g_t, f_t: its
// control and moderator terms), as the paper's Section 6 does: N = ceiling(n_exact), with N <= 10
// allowed (the package's less_than_10_possible = TRUE).
void apply_cohn_formula(ScenarioConfig& s) {
  FormulaSampleSize& f = *s.formula;
  const int m = s.binary_model.decisions;
  const CohnCurves curves = resolve_cohn_design(f.binary_design, m);
  const CohnInputs inputs =
      cohn_formula_inputs(curves, decision_term_matrix(s.analysis.control_terms(), m),
                          decision_term_matrix(s.analysis.moderators, m), s.analysis.rules.alpha);
  CohnSampleSizeOptions options;
  options.power = f.target_power;
  options.allow_n_at_most_10 = true;
  const CohnSampleSize result = cohn_sample_size(inputs, options);
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
      throw UserError(scenario.formula->where + ": the sample-size formula failed: " + e.what());
    }
  }
  return study;
}

}  // namespace mrtsim
