#include "host/engine/study_runner.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <set>
#include <thread>

#include <map>

#include "host/engine/cohn_scenario_plan.h"
#include "host/engine/distal_learner_plan.h"
#include "host/engine/distal_scenario_plan.h"
#include "host/engine/sample_size_plan.h"
#include "host/engine/simulated_sample_size.h"
#include "host/engine/scenario_plan.h"
#include "host/stats/performance_measures.h"
#include "core/user_error.h"
#include "kernels/replicate_buffers.h"
#include "mrtsim_fingerprint.h"
#include "mrtsim_version.h"

namespace mrtsim {

namespace {

// A stretch of one cell's consecutive units, computed with as few backend calls as the batch size
// allows: the ranges cut at cell boundaries.
std::vector<UnitRange> cell_runs(const UnitLayout& layout, const std::vector<UnitRange>& ranges) {
  std::vector<UnitRange> runs;
  for (const UnitRange& r : ranges) {
    for (size_t begin = r.begin; begin < r.end;) {
      const size_t cell_end = (begin / layout.units_per_cell() + 1) * layout.units_per_cell();
      const size_t end = std::min(r.end, cell_end);
      runs.push_back(UnitRange{begin, end});
      begin = end;
    }
  }
  return runs;
}

size_t unit_count(const std::vector<UnitRange>& ranges) {
  size_t count = 0;
  for (const UnitRange& r : ranges) count += r.size();
  return count;
}

// Computes units for one process and hands each finished batch of unit records to `sink`. The runs'
// replicates are cut into pieces of at most batch_size replicates, and consecutive pieces of cells
// with the same batch key (CellPlan::batch_key) share one backend call of at most batch_size
// replicates: on CUDA one launch carries the pending work of many cells and units.
class UnitComputer {
 public:
  UnitComputer(const StudyPlan& plan, const RunOptions& options, Backend backend, int threads)
      : plan_(plan), options_(options), backend_(backend), threads_(threads) {}

  template <typename Sink>
  void compute(const std::vector<UnitRange>& units, Sink&& sink) {
    const UnitLayout& layout = plan_.units();
    runs_ = cell_runs(layout, units);
    runs_state_.clear();
    for (const UnitRange& run : runs_) {
      const WorkUnit first_unit = layout.unit(run.begin);
      const CellPlan& cell = plan_.cell_plan(first_unit.cell);
      runs_state_.push_back(
          RunState{CellAccumulator(cell.decisions(), cell.coefficient_names().size()), first_unit});
    }
    const size_t total = unit_count(units);
    double total_cost = 0.0;
    for (const UnitRange& r : units) total_cost += layout.cost_before(r.end) - layout.cost_before(r.begin);
    ProgressReporter progress(options_.progress, options_.progress_interval,
                              ProgressSnapshot{plan_.study().name, 0, plan_.cell_count(), 0, total});
    size_t finished = 0;
    long long replicates = 0;
    double cost = 0.0;
    for (const std::vector<Piece>& call : backend_calls()) {
      run_call(call, [&](std::vector<UnitRecord> records, size_t cell) {
        finished += records.size();
        for (const UnitRecord& r : records) {
          const WorkUnit unit = layout.unit(r.unit);
          replicates += unit.count;
          cost += unit.cost;
        }
        sink(std::move(records));
        progress.update(cell, finished, replicates, total_cost > 0.0 ? cost / total_cost : 1.0);
        if (options_.keep_going && !options_.keep_going(finished, total)) throw RunCancelled();
      });
    }
    progress.finish();
  }

 private:
  // Replicates first .. first + count - 1 of run `run`'s cell.
  struct Piece {
    size_t run;
    long long first;
    long long count;
  };
  struct RunState {
    CellAccumulator accumulator;
    WorkUnit unit;  // the run's next unit to finish
  };

  size_t cell_index(size_t run) const { return plan_.units().unit(runs_[run].begin).cell; }
  const CellPlan& cell_of(const Piece& piece) const { return plan_.cell_plan(cell_index(piece.run)); }

  // The most replicates one backend call of `cell` carries. A learner cell's replicate takes up to
  // seconds of CPU (host/engine/distal_learner_plan.h): its calls carry one unit per thread, so that
  // the checkpoint records units as they finish, as the study's replicates_per_unit promises, rather
  // than once per cell (up to an hour of work lost to an interruption), at no cost next to the fits.
  long long replicates_per_call(const CellPlan& cell) const {
    const long long batch = std::max(1LL, options_.batch_size);
    if (!cell.runs_on_cpu_only()) return batch;
    const long long threads = threads_ > 0 ? threads_ : std::max(1U, std::thread::hardware_concurrency());
    return std::min(batch, threads * plan_.study().replicates_per_unit);
  }

  // The pieces of every run, grouped into backend calls.
  std::vector<std::vector<Piece>> backend_calls() const {
    std::vector<std::vector<Piece>> calls;
    long long in_call = 0;
    for (size_t r = 0; r < runs_.size(); ++r) {
      const long long begin = plan_.units().unit(runs_[r].begin).first;
      const WorkUnit last = plan_.units().unit(runs_[r].end - 1);
      const long long end = last.first + last.count;
      const long long batch = replicates_per_call(plan_.cell_plan(cell_index(r)));
      const std::string key = plan_.cell_plan(cell_index(r)).batch_key();
      for (long long first = begin; first < end;) {
        const bool joins = !calls.empty() && !key.empty() && in_call < batch &&
                           cell_of(calls.back().back()).batch_key() == key;
        if (!joins) {
          calls.emplace_back();
          in_call = 0;
        }
        const long long count = std::min(batch - in_call, end - first);
        calls.back().push_back(Piece{r, first, count});
        in_call += count;
        first += count;
      }
    }
    return calls;
  }

  template <typename Sink>
  void run_call(const std::vector<Piece>& call, Sink&& sink) {
    const CellPlan& first_cell = cell_of(call.front());
    const int dim = static_cast<int>(first_cell.coefficient_names().size());
    const bool permutation = first_cell.has_permutation_test();
    const bool unadjusted = first_cell.has_unadjusted_variance();
    long long total = 0;
    std::vector<CellSegment> segments;
    for (const Piece& piece : call) {
      segments.push_back(
          CellSegment{&cell_of(piece), static_cast<uint32_t>(piece.first), static_cast<uint32_t>(piece.count)});
      total += piece.count;
    }
    ReplicateBuffers buffers(total, dim, permutation, unadjusted);
    if (segments.size() == 1)
      first_cell.run_replicates(backend_, threads_, segments[0].first, segments[0].count, buffers.view());
    else
      first_cell.run_segments(backend_, threads_, segments, buffers.view());
    long long slot = 0;
    for (const Piece& piece : call) {
      const UnitRange& run = runs_[piece.run];
      RunState& state = runs_state_[piece.run];
      std::vector<UnitRecord> finished;
      for (long long r = slot; r < slot + piece.count; ++r) {
        const long long replicate = piece.first + (r - slot);
        if (unadjusted)
          state.accumulator.add(replicate, buffers.status[r], buffers.n_eff[r], buffers.joint[r],
                                &buffers.estimates[r * dim], &buffers.std_errors[r * dim], buffers.joint_unadjusted[r],
                                &buffers.std_errors_unadjusted[r * dim]);
        else
          state.accumulator.add(replicate, buffers.status[r], buffers.n_eff[r], buffers.joint[r],
                                &buffers.estimates[r * dim], &buffers.std_errors[r * dim]);
        if (permutation)
          state.accumulator.add_permutation(buffers.joint_permutation_p[r], buffers.failed_reshuffles[r]);
        const WorkUnit& unit = state.unit;
        if (replicate + 1 == unit.first + unit.count) {
          finished.push_back(UnitRecord{unit.index, std::string(kBackendNames.name(cell_backend(cell_of(piece)))),
                                        state.accumulator.partial()});
          state.accumulator.reset();
          if (unit.index + 1 < run.end) state.unit = plan_.units().unit(unit.index + 1);
        }
      }
      slot += piece.count;
      if (!finished.empty()) sink(std::move(finished), cell_index(piece.run));
    }
  }

  // The backend that really computes the cell's replicates.
  Backend cell_backend(const CellPlan& cell) const { return cell.runs_on_cpu_only() ? Backend::kCpu : backend_; }

  const StudyPlan& plan_;
  const RunOptions& options_;
  Backend backend_;
  int threads_;
  std::vector<UnitRange> runs_;  // each of one cell
  std::vector<RunState> runs_state_;
};

}  // namespace

namespace {

// Distal truths are Monte Carlo runs: cells with the same model, hypothesis and moderators share one.
std::unique_ptr<CellPlan> make_cell_plan(const StudyConfig& study, const ScenarioConfig& scenario,
                                         Hypothesis hypothesis, std::map<std::string, TruthValues>& truths) {
  if (scenario.model_type == ModelType::kLiao2016) return std::make_unique<ScenarioPlan>(study, scenario, hypothesis);
  if (scenario.model_type == ModelType::kCohn2023)
    return std::make_unique<CohnScenarioPlan>(study, scenario, hypothesis);
  TruthValues truth = distal_cell_truth(study, scenario, hypothesis, truths);
  if (runs_with_learners(scenario.analysis))
    return std::make_unique<DistalLearnerPlan>(study, scenario, hypothesis, std::move(truth));
  return std::make_unique<DistalScenarioPlan>(study, scenario, hypothesis, std::move(truth));
}

// Learner settings are checked when the study is planned (host/config cannot parse them): all of
// them before the first Monte Carlo truth is computed.
void validate_learner_cells(const StudyConfig& study) {
  for (const ScenarioConfig& scenario : study.scenarios)
    if (scenario.model_type == ModelType::kQian2025 && runs_with_learners(scenario.analysis))
      validate_learner_analysis(scenario.analysis);
}

}  // namespace

namespace {

// What a caller (the CLI's --replicates, the API) may have changed after the study was read.
const StudyConfig& checked_study(const StudyConfig& study) {
  require_input(study.replicates >= 1 && study.replicates <= kMaxReplicates,
                "replicates: " + std::to_string(study.replicates) + " is outside 1 to " +
                    std::to_string(kMaxReplicates));
  return study;
}

}  // namespace

StudyPlan::StudyPlan(const StudyConfig& study) : study_(with_planned_sample_sizes(checked_study(study))) {
  searches_ = search_simulated_sample_sizes(study_);
  validate_learner_cells(study_);
  std::vector<double> replicate_costs;
  std::map<std::string, TruthValues> truths;
  for (const ScenarioConfig& scenario : study_.scenarios) {
    for (Hypothesis hypothesis : study_.hypotheses) {
      cell_plans_.push_back(make_cell_plan(study_, scenario, hypothesis, truths));
      CellResult cell;
      cell.scenario = scenario.index;
      cell.hypothesis = hypothesis;
      cell.labels = scenario.labels;
      cell.sample_size = scenario.sample_size;
      if (scenario.formula) cell.formula_power = scenario.formula->predicted_power;
      cell.decisions = scenario.num_decisions();
      cell.estimator = std::string(kEstimatorNames.name(scenario.analysis.estimator));
      cells_.push_back(cell);
      nominal_.push_back(hypothesis == Hypothesis::kNull ? study_.analysis.rules.alpha : study_.target_power);
      coefficients_per_cell_.push_back(cell_plans_.back()->coefficient_names().size());
      replicate_costs.push_back(cell_plans_.back()->replicate_cost());
    }
  }
  units_ = UnitLayout(std::move(replicate_costs), study_.replicates, study_.replicates_per_unit);
}

StudyPlan::~StudyPlan() = default;

RunIdentity StudyPlan::identity() const {
  return RunIdentity{MRTSIM_VERSION " (engine " MRTSIM_ENGINE_FINGERPRINT ")",
                     study_.text,
                     study_.seed,
                     study_.replicates,
                     study_.replicates_per_unit,
                     study_.file};
}

namespace {

// study.paired_analyses: every coefficient's relative precision (host/stats/performance_measures.h)
// against the coefficient of the same name in its reference cell, the same hypothesis of the first
// scenario with the same model, whose replicates are the same cohorts (paired by replicate index).
void add_relative_precision(StudyResult& result) {
  for (CellResult& cell : result.cells) {
    const int reference_scenario = result.study.scenarios.at(cell.scenario).stream_index;
    const auto reference = std::find_if(result.cells.begin(), result.cells.end(), [&](const CellResult& r) {
      return r.scenario == reference_scenario && r.hypothesis == cell.hypothesis;
    });
    if (reference == result.cells.end()) continue;
    for (std::size_t j = 0; j < cell.summary.coefficients.size(); ++j) {
      CoefficientSummary& coefficient = cell.summary.coefficients[j];
      for (std::size_t k = 0; k < reference->summary.coefficients.size(); ++k) {
        if (reference->summary.coefficients[k].name != coefficient.name) continue;
        MeasureSettings settings;
        settings.truth = coefficient.truth;
        coefficient.measures.relative_precision =
            summarize_paired_methods({reference->replicates[k], cell.replicates[j]}, 0, settings)[1].relative_precision;
      }
    }
  }
}

}  // namespace

StudyResult StudyPlan::assemble(const std::vector<UnitRecord>& records) const {
  std::vector<const UnitRecord*> by_unit;
  by_unit.reserve(records.size());
  std::set<std::string> backends;
  for (const UnitRecord& r : records) {
    by_unit.push_back(&r);
    backends.insert(r.backend);
  }
  std::sort(by_unit.begin(), by_unit.end(), [](const UnitRecord* a, const UnitRecord* b) { return a->unit < b->unit; });
  for (size_t i = 0; i < units_.size(); ++i)
    if (i >= by_unit.size() || by_unit[i]->unit != i)
      throw std::logic_error("assemble: unit " + std::to_string(i) + " is missing or recorded twice");
  if (by_unit.size() != units_.size()) throw std::logic_error("assemble: records of units beyond the study");
  StudyResult result;
  result.study = study_;
  result.sample_size_searches = searches_;
  for (const std::string& b : backends) result.backend += (result.backend.empty() ? "" : "+") + b;
  std::vector<CellPartial> partials;
  for (size_t c = 0; c < cells_.size(); ++c) partials.emplace_back(coefficients_per_cell_[c]);
  for (size_t i = 0; i < by_unit.size(); ++i)  // merged in unit order, whoever computed them
    merge_partial(partials[units_.unit(i).cell], by_unit[i]->partial);
  for (size_t c = 0; c < cells_.size(); ++c) {
    CellResult cell = cells_[c];
    const CellPlan& plan = *cell_plans_[c];
    const CellTargets targets{plan.coefficient_names(),     plan.truth_values().value,
                              nominal_[c],                  cell.hypothesis == Hypothesis::kNull,
                              plan.has_permutation_test(), plan.has_unadjusted_variance()};
    const CellDecisions decisions = plan.decisions();
    cell.summary = summarize_cell(partials[c], targets, decisions);
    if (study_.write_replicates || study_.write_zip_plots || study_.paired_analyses)  // the records behind them
      for (size_t j = 0; j < targets.names.size(); ++j) {
        cell.replicates.push_back(coefficient_records(partials[c], j, decisions));
        if (targets.has_unadjusted)
          cell.replicates_unadjusted.push_back(coefficient_records(partials[c], j, decisions, /*unadjusted=*/true));
      }
    cell.truth = plan.truth_values();
    result.cells.push_back(std::move(cell));
  }
  if (study_.paired_analyses) add_relative_precision(result);
  return result;
}

namespace {

// The checkpoint as the root finds it, sent to every rank: "E" + error message, or "O" + the unit
// records already done.
struct CheckpointState {
  std::vector<UnitRecord> done;
  std::vector<std::string> warnings;
};

CheckpointState open_checkpoint(const StudyPlan& plan, const RunOptions& options) {
  CheckpointState state;
  if (options.checkpoint_dir.empty()) return state;
  if (options.restart) remove_checkpoint(options.checkpoint_dir);
  CheckpointContents contents =
      read_checkpoint(options.checkpoint_dir, plan.identity(), plan.units(), plan.coefficients_per_cell(),
                      /*repair=*/true);
  if (!contents.exists) return state;
  if (!(contents.shard == options.shard))
    throw UserError(options.checkpoint_dir + ": holds the checkpoint of shard " + contents.shard.text() +
                    ", this run is shard " + options.shard.text() + "; give each shard its own --out folder");
  state.done = std::move(contents.records);
  state.warnings = std::move(contents.warnings);
  return state;
}

// Every rank learns the root's checkpoint state (or its error).
CheckpointState share_checkpoint(const ProcessGroup& group, const StudyPlan& plan, const RunOptions& options) {
  CheckpointState state;
  std::string message;
  if (group.is_root()) {
    try {
      state = open_checkpoint(plan, options);
      message = "O" + encode_unit_records(state.done);
    } catch (const UserError& e) {
      message = std::string("E") + e.what();
    }
  }
  message = group.broadcast(message);
  if (message[0] == 'E') throw UserError(message.substr(1));
  if (!group.is_root()) state.done = decode_unit_records(message.substr(1));
  return state;
}

// Cells that fit learners on the host run on CPU threads even when the backend is CUDA.
std::vector<std::string> cpu_only_note(const StudyPlan& plan) {
  size_t cells = 0;
  for (size_t c = 0; c < plan.cell_count(); ++c) cells += plan.cell_plan(c).runs_on_cpu_only();
  if (cells == 0) return {};
  return {std::to_string(cells) + " of " + std::to_string(plan.cell_count()) +
          " cells (DCEE with gam or rf nuisance models, SNMM) fit learners on the host: they run on the CPU threads, "
          "the others on the GPU"};
}

int threads_per_process(const RunOptions& options, const ProcessGroup& group) {
  if (options.threads > 0 || group.local_size() == 1) return options.threads;
  const int cores = static_cast<int>(std::thread::hardware_concurrency());
  return std::max(1, cores / group.local_size());
}

}  // namespace

RunReport run_study(const StudyConfig& study, const RunOptions& options, const ProcessGroup& group) {
  const auto start = std::chrono::steady_clock::now();
  require_input(options.threads >= 0 && options.threads <= kMaxCpuThreads,
                "threads: " + std::to_string(options.threads) + " is outside 0 (all cores) to " +
                    std::to_string(kMaxCpuThreads));
  const StudyPlan plan(study);
  std::optional<CheckpointLock> lock;
  if (group.is_root() && !options.checkpoint_dir.empty()) lock.emplace(options.checkpoint_dir);
  CheckpointState checkpoint = share_checkpoint(group, plan, options);

  RunReport report;
  report.warnings = checkpoint.warnings;
  const UnitRange shard_units = balanced_part(plan.units(), options.shard.index - 1, options.shard.count);
  std::vector<size_t> done;
  for (const UnitRecord& r : checkpoint.done) done.push_back(r.unit);
  std::sort(done.begin(), done.end());
  const std::vector<UnitRange> remaining = without_units({shard_units}, done);
  report.units = shard_units.size();
  report.resumed = report.units - unit_count(remaining);
  const std::vector<UnitRange> mine = balanced_part(plan.units(), remaining, group.rank(), group.size());

  const Backend backend = resolve_backend(options.backend);
  if (backend == Backend::kCuda && group.local_size() > 1) use_cuda_device_of_local_rank(group.local_rank());
  if (backend == Backend::kCuda) report.notes = cpu_only_note(plan);
  std::optional<CheckpointWriter> writer;
  if (!options.checkpoint_dir.empty() && (group.is_root() || !mine.empty()))
    writer.emplace(options.checkpoint_dir, group.rank(), plan.identity(), options.shard);

  std::vector<UnitRecord> computed;
  UnitComputer(plan, options, backend, threads_per_process(options, group))
      .compute(mine, [&](std::vector<UnitRecord> records) {
        if (writer) writer->append(records);
        for (UnitRecord& r : records) computed.push_back(std::move(r));
      });

  const std::vector<std::string> from_ranks = group.gather(encode_unit_records(computed));
  if (!group.is_root()) return report;
  std::vector<UnitRecord> all = std::move(checkpoint.done);
  double subject_decisions = 0.0;
  for (const std::string& bytes : from_ranks) {
    for (UnitRecord& r : decode_unit_records(bytes)) {
      ++report.computed;
      subject_decisions += plan.units().unit(r.unit).cost;
      all.push_back(std::move(r));
    }
  }
  if (options.shard.count > 1) return report;
  report.result = plan.assemble(all);
  report.result->subject_decisions = subject_decisions;
  report.result->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

StudyResult run_study(const StudyConfig& study, const RunOptions& options) {
  RunOptions whole = options;
  whole.shard = ShardSpec{};
  whole.checkpoint_dir.clear();
  const ProcessGroup alone(/*join_mpi_job=*/false);
  return *run_study(study, whole, alone).result;
}

}  // namespace mrtsim
