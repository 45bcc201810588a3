// Runs the web calculator's checks by simulation, one at a time per server, in a background thread:
// progress after every work unit, cancellation, and a time limit. The page polls status().
#pragma once

#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "host/results/study_result.h"
#include "host/serve/check_study.h"

namespace mrtsim::serve {

struct RunnerSettings {
  std::string backend = "auto";     // as `mrtsim run --backend`
  int threads = 0;                  // 0: all cores
  double time_limit_seconds = 600;  // a run still going after this long is stopped
};

class CheckRunner {
 public:
  explicit CheckRunner(RunnerSettings settings);
  ~CheckRunner();  // cancels a running check and waits for it
  CheckRunner(const CheckRunner&) = delete;
  CheckRunner& operator=(const CheckRunner&) = delete;

  // Starts `check` and returns its id, or nothing when a check is already running.
  std::optional<long long> start(CheckStudy check);
  // Asks the running check to stop; false when none is running.
  bool cancel();
  // {"id", "state": "idle" | "running" | "done" | "failed" | "cancelled", "finished_units", "total_units",
  //  "elapsed_seconds", "outcome", "n", "formula_power", "yaml", "result" (done) or "error" (failed)}.
  nlohmann::ordered_json status() const;

 private:
  void run(CheckStudy check);

  RunnerSettings settings_;
  mutable std::mutex mutex_;
  std::thread worker_;
  std::atomic<bool> cancel_requested_{false};
  long long last_id_ = 0;
  std::string state_ = "idle";
  size_t finished_units_ = 0, total_units_ = 0;
  std::chrono::steady_clock::time_point started_;
  double elapsed_seconds_ = 0.0;  // of a finished run
  nlohmann::ordered_json description_;  // outcome, n, formula power, summaries, yaml
  nlohmann::ordered_json result_;
  std::string error_;
};

// The check's answer from the finished study: per hypothesis the rejection rate with its Monte Carlo
// SE, rejections, fits and failed fits, next to the formula's power.
nlohmann::ordered_json check_result_json(const CheckStudy& check, const StudyResult& result);

}  // namespace mrtsim::serve
