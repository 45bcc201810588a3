#include "host/engine/simulated_sample_size.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "core/user_error.h"
#include "host/engine/sample_size_plan.h"
#include "host/engine/study_runner.h"

namespace mrtsim {

namespace {

// A margin of 2 MC SEs: closer to the target than that, the estimate does not decide.
constexpr double kDecisiveMcSes = 2.0;
constexpr long long kReplicateGrowth = 4;

class PowerSearch {
 public:
  PowerSearch(const StudyConfig& study, const ScenarioConfig& scenario)
      : single_(study), scenario_(scenario), search_(*scenario.simulated) {
    budget_ = search_.max_replicates > 0 ? search_.max_replicates : 16 * study.replicates;
    single_.scenarios.clear();
    single_.hypotheses = {Hypothesis::kAlternative};
    single_.write_replicates = false;
    single_.write_zip_plots = false;
  }

  SampleSizeSearch run() {
    SampleSizeSearch result;
    result.scenario = scenario_.index;
    result.labels = scenario_.labels;
    result.target_power = search_.target_power;
    if (scenario_.formula) result.formula_n = scenario_.sample_size;  // the formula's N, planned before
    int low = search_.lowest, high = search_.highest;
    const PowerEstimate& top = estimate(high);
    if (top.power < search_.target_power)
      throw UserError(search_.where + ": the simulated power at N = " + std::to_string(high) + " is " +
                      std::to_string(top.power) + " (MC SE " + std::to_string(top.mc_se) + "), below the target " +
                      std::to_string(search_.target_power) + "; raise the interval's highest N");
    if (estimate(low).power >= search_.target_power) {
      high = low;
    } else {
      while (high - low > 1) {  // power(low) < target <= power(high)
        const int middle = low + (high - low) / 2;
        (estimate(middle).power >= search_.target_power ? high : low) = middle;
      }
    }
    result.n = high;
    for (const auto& entry : curve_) result.curve.push_back(entry.second);
    return result;
  }

 private:
  // The power at N from the study's replicates, and more while it does not decide.
  const PowerEstimate& estimate(int n) {
    long long replicates = single_.replicates;
    PowerEstimate e = simulate(n, replicates);
    while (std::fabs(e.power - search_.target_power) < kDecisiveMcSes * e.mc_se &&
           replicates * kReplicateGrowth <= budget_) {
      replicates *= kReplicateGrowth;
      e = simulate(n, replicates);
    }
    return curve_[n] = e;
  }

  // The scenario's alternative cell at N alone: the same cell stream, so the same replicates as in
  // the study and common random numbers across N.
  PowerEstimate simulate(int n, long long replicates) const {
    StudyConfig single = single_;
    single.replicates = replicates;
    ScenarioConfig scenario = scenario_;
    scenario.sample_size = n;
    scenario.formula.reset();
    scenario.simulated.reset();
    single.scenarios = {scenario};
    const CellSummary cell = run_study(single, RunOptions{}).cells.front().summary;
    PowerEstimate e;
    e.n = n;
    e.replicates = replicates;
    e.fitted = cell.fitted();
    e.rejections = cell.rejection.rejections;
    e.power = cell.fitted() > 0 ? cell.rejection.rate.value : 0.0;  // no fit: no power
    e.mc_se = cell.fitted() > 1 ? cell.rejection.rate.mc_se : 0.0;
    e.formula_power = formula_power_at(scenario_, n);
    return e;
  }

  StudyConfig single_;  // the study without its scenarios, under the alternative only
  const ScenarioConfig& scenario_;
  const SimulatedSampleSize& search_;
  long long budget_ = 0;
  std::map<int, PowerEstimate> curve_;
};

}  // namespace

std::vector<SampleSizeSearch> search_simulated_sample_sizes(StudyConfig& study) {
  std::vector<SampleSizeSearch> searches;
  for (ScenarioConfig& scenario : study.scenarios) {
    if (!scenario.simulated) continue;
    searches.push_back(PowerSearch(study, scenario).run());
    scenario.sample_size = searches.back().n;
    const std::optional<double> formula_power = formula_power_at(scenario, scenario.sample_size);
    if (formula_power) scenario.formula->predicted_power = *formula_power;
    else scenario.formula.reset();  // the tables' formula_power: the formula's power at the N used
  }
  return searches;
}

}  // namespace mrtsim
