#include "host/engine/sample_size_plan.h"

#include "core/user_error.h"
#include "host/samplesize/liao_formula.h"

namespace mrtsim {

namespace {

// N by the formula with q = the analysis' control terms and its alpha.
void apply_formula(ScenarioConfig& s) {
  FormulaSampleSize& f = *s.formula;
  LiaoInputs inputs;
  inputs.days = s.model.days;
  inputs.decisions_per_day = s.model.decisions_per_day;
  inputs.rand_prob = s.model.rand_prob_per_decision();
  inputs.effect = f.effect;
  inputs.availability = f.availability;
  inputs.q = static_cast<int>(s.analysis.control_terms().size());
  inputs.alpha = s.analysis.rules.alpha;
  try {
    const SampleSizeResult result = liao_sample_size(inputs, f.target_power, f.max_n);
    s.sample_size = result.at_n.n;
    f.predicted_power = result.at_n.power;
  } catch (const UserError& e) {
    throw UserError(f.where + ": the sample-size formula failed: " + e.what());
  }
}

}  // namespace

StudyConfig with_planned_sample_sizes(StudyConfig study) {
  for (ScenarioConfig& scenario : study.scenarios)
    if (scenario.formula) apply_formula(scenario);
  return study;
}

}  // namespace mrtsim
