#include "host/serve/check_runner.h"

#include <utility>

#include "core/user_error.h"
#include "host/engine/study_runner.h"

namespace mrtsim::serve {
namespace {

nlohmann::ordered_json rejection_json(const CellSummary& summary) {
  return {{"rate", summary.rejection.rate.value},
          {"mc_se", summary.rejection.rate.mc_se},
          {"rejections", summary.rejection.rejections},
          {"fitted", summary.replicates - summary.failed},
          {"failed", summary.failed}};
}

}  // namespace

nlohmann::ordered_json check_result_json(const CheckStudy& check, const StudyResult& result) {
  nlohmann::ordered_json reply;
  reply["outcome"] = check.outcome;
  reply["n"] = check.n;
  reply["replicates"] = result.study.replicates;
  reply["seed"] = result.study.seed;
  reply["formula_power"] = check.formula_power;
  reply["alpha"] = result.study.analysis.rules.alpha;
  for (const CellResult& cell : result.cells)
    reply[cell.hypothesis == Hypothesis::kNull ? "type1" : "power"] = rejection_json(cell.summary);
  reply["backend"] = result.backend;
  reply["seconds"] = result.seconds;
  return reply;
}

CheckRunner::CheckRunner(RunnerSettings settings) : settings_(std::move(settings)) {}

CheckRunner::~CheckRunner() {
  cancel_requested_ = true;
  if (worker_.joinable()) worker_.join();
}

std::optional<long long> CheckRunner::start(CheckStudy check) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (state_ == "running") return std::nullopt;
  if (worker_.joinable()) worker_.join();  // the previous run has finished: its thread ends at once
  cancel_requested_ = false;
  state_ = "running";
  finished_units_ = total_units_ = 0;
  started_ = std::chrono::steady_clock::now();
  elapsed_seconds_ = 0.0;
  result_ = nullptr;
  error_.clear();
  description_ = {{"outcome", check.outcome},
                  {"n", check.n},
                  {"formula_power", check.formula_power},
                  {"replicates", check.study.replicates},
                  {"design", check.design_summary},
                  {"violations", check.violations},
                  {"yaml", check.yaml}};
  if (check.target_power > 0.0) description_["target_power"] = check.target_power;
  const long long id = ++last_id_;
  worker_ = std::thread(&CheckRunner::run, this, std::move(check));
  return id;
}

bool CheckRunner::cancel() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (state_ != "running") return false;
  cancel_requested_ = true;
  return true;
}

void CheckRunner::run(CheckStudy check) {
  RunOptions options;
  options.backend = settings_.backend;
  options.threads = settings_.threads;
  options.batch_size = check.study.replicates_per_unit;  // progress after every unit
  bool timed_out = false;
  options.keep_going = [&](size_t finished, size_t total) {
    std::lock_guard<std::mutex> lock(mutex_);
    finished_units_ = finished;
    total_units_ = total;
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    timed_out = elapsed > settings_.time_limit_seconds;
    return !cancel_requested_ && !timed_out;
  };
  std::string state, error;
  nlohmann::ordered_json result;
  try {
    result = check_result_json(check, run_study(check.study, options));
    state = "done";
  } catch (const RunCancelled&) {
    state = timed_out ? "failed" : "cancelled";
    if (timed_out)
      error = "stopped at the server's time limit of " + input_value_text(settings_.time_limit_seconds) +
              " s; lower the replicates";
  } catch (const std::exception& e) {
    state = "failed";
    error = e.what();
  }
  std::lock_guard<std::mutex> lock(mutex_);
  state_ = state;
  error_ = error;
  result_ = std::move(result);
  elapsed_seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
}

nlohmann::ordered_json CheckRunner::status() const {
  std::lock_guard<std::mutex> lock(mutex_);
  nlohmann::ordered_json reply = {{"id", last_id_}, {"state", state_}};
  if (state_ == "idle") return reply;
  reply["finished_units"] = finished_units_;
  reply["total_units"] = total_units_;
  reply["elapsed_seconds"] = state_ == "running"
                                 ? std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count()
                                 : elapsed_seconds_;
  reply.update(description_);
  if (state_ == "done") reply["result"] = result_;
  if (state_ == "failed") reply["error"] = error_;
  return reply;
}

}  // namespace mrtsim::serve
