#include "host/engine/simulated_sample_size.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "core/user_error.h"
#include "host/engine/sample_size_plan.h"
#include "host/engine/study_runner.h"
#include "host/stats/cell_summary.h"
#include "kernels/backend.h"
#include "kernels/replicate_buffers.h"

namespace mrtsim {

namespace {

// A margin of 2 MC SEs: closer to the target than that, the estimate does not decide.
constexpr double kDecisiveMcSes = 2.0;
constexpr long long kReplicateGrowth = 4;

// Replicates run so far at one N: how many, how many fitted, how many rejected the null.
struct Tally {
  long long replicates = 0, fitted = 0, rejections = 0;
};

// The scenario's alternative cell at N alone: the same cell stream, so the same replicates as in the
// study and common random numbers across N.
class CellAtN {
 public:
  CellAtN(const StudyConfig& single, const ScenarioConfig& scenario, int n) : plan_(cell_study(single, scenario, n)) {}

  // Runs replicates first .. first + count - 1 (in batches) and adds them to `tally`.
  void add_replicates(long long first, long long count, Tally& tally) const {
    constexpr long long kBatch = 8192;
    const CellPlan& cell = plan_.cell_plan(0);
    const std::size_t dim = cell.coefficient_names().size();
    for (long long begin = first; begin < first + count; begin += kBatch) {
      const long long size = std::min(kBatch, first + count - begin);
      ReplicateBuffers buffers(size, static_cast<int>(dim), cell.has_permutation_test(), cell.has_unadjusted_variance());
      cell.run_replicates(backend_, /*threads=*/0, static_cast<uint32_t>(begin), static_cast<uint32_t>(size),
                          buffers.view());
      CellAccumulator accumulator(cell.decisions(), dim);
      for (long long r = 0; r < size; ++r)
        accumulator.add(begin + r, buffers.status[r], buffers.n_eff[r], buffers.joint[r], &buffers.estimates[r * dim],
                        &buffers.std_errors[r * dim]);
      for (const ReplicateFit& fit : accumulator.partial().fits) {
        tally.fitted += fit.status == 0;
        tally.rejections += fit.status == 0 && fit.reject;
      }
      tally.replicates += size;
    }
  }

 private:
  static StudyConfig cell_study(StudyConfig single, ScenarioConfig scenario, int n) {
    scenario.sample_size = n;
    scenario.formula.reset();
    scenario.simulated.reset();
    single.scenarios = {scenario};
    return single;
  }

  StudyPlan plan_;
  Backend backend_ = resolve_backend("auto");
};

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
  // The power at N from the study's replicates, and more while it does not decide: each refinement
  // adds replicates to those already run (replicates are keyed, so R then 4R is the run of 4R).
  const PowerEstimate& estimate(int n) {
    const CellAtN cell(single_, scenario_, n);
    Tally tally;
    cell.add_replicates(0, single_.replicates, tally);
    PowerEstimate e = estimate_from(n, tally);
    while (std::fabs(e.power - search_.target_power) < kDecisiveMcSes * e.mc_se &&
           tally.replicates * kReplicateGrowth <= budget_) {
      cell.add_replicates(tally.replicates, tally.replicates * (kReplicateGrowth - 1), tally);
      e = estimate_from(n, tally);
    }
    return curve_[n] = e;
  }

  PowerEstimate estimate_from(int n, const Tally& tally) const {
    PowerEstimate e;
    e.n = n;
    e.replicates = tally.replicates;
    e.fitted = tally.fitted;
    e.rejections = tally.rejections;
    const RejectionSummary rate = summarize_rejections(tally.rejections, tally.fitted, search_.target_power, false);
    e.power = tally.fitted > 0 ? rate.rate.value : 0.0;  // no fit: no power
    e.mc_se = tally.fitted > 1 ? rate.rate.mc_se : 0.0;
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
