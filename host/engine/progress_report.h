// Progress of a run on stderr: cells and work units done, replicates per second, elapsed time and an
// estimate of the time left (from the simulated cost still to do). On a terminal one line that
// updates in place; elsewhere (Slurm logs, front ends) plain lines, at most one per interval.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace mrtsim {

enum class ProgressStyle {
  kNone,
  kTerminal,  // one line rewritten in place ("\r"), a few times a second at most
  kLines,     // a line per report, at most one per RunOptions::progress_interval
};

// What a progress line says; plain data so that its text can be tested.
struct ProgressSnapshot {
  std::string study;
  std::size_t cell = 0, cells = 0;  // the cell being computed (1-based) of the study's
  std::size_t units_done = 0, units = 0;  // of this process's work
  long long replicates_done = 0;
  double seconds = 0.0;        // since the run started computing
  double fraction_done = 0.0;  // of the simulated cost of this process's work
};

// "mrtsim: NAME: cell 3/8, 12/40 work units, 12000 replicates (3100/s), 0:00:04 elapsed, about
// 0:00:09 left" (the rate and the time left once there is something to measure).
std::string progress_line(const ProgressSnapshot& snapshot);

// Formats seconds as H:MM:SS.
std::string clock_time(double seconds);

class ProgressReporter {
 public:
  ProgressReporter(ProgressStyle style, double interval_seconds, ProgressSnapshot totals);
  // After a batch: the cell it finished units of, and this process's totals so far.
  void update(std::size_t cell, std::size_t units_done, long long replicates_done, double fraction_done);
  // Writes the last state if it was not written and ends the terminal line; nothing when nothing
  // was written (a run shorter than the interval stays silent).
  void finish();

 private:
  void write(bool final_line);

  ProgressStyle style_;
  double interval_;
  ProgressSnapshot state_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  double last_written_ = 0.0;  // the first line after one interval: a short run stays silent
  bool written_ = false;
  bool pending_ = false;  // an update not written yet
};

}  // namespace mrtsim
