#include "host/engine/progress_report.h"

#include <cmath>
#include <cstdio>

namespace mrtsim {

namespace {
constexpr double kTerminalRefreshSeconds = 0.2;
}

std::string clock_time(double seconds) {
  const long long s = static_cast<long long>(std::llround(std::max(0.0, seconds)));
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
  return buffer;
}

std::string progress_line(const ProgressSnapshot& p) {
  std::string line = "mrtsim: " + p.study + ": cell " + std::to_string(p.cell) + "/" + std::to_string(p.cells) + ", " +
                     std::to_string(p.units_done) + "/" + std::to_string(p.units) + " work units, " +
                     std::to_string(p.replicates_done) + " replicates";
  if (p.seconds > 0.0 && p.replicates_done > 0)
    line += " (" + std::to_string(std::llround(static_cast<double>(p.replicates_done) / p.seconds)) + "/s)";
  line += ", " + clock_time(p.seconds) + " elapsed";
  if (p.fraction_done > 0.0 && p.fraction_done < 1.0)
    line += ", about " + clock_time(p.seconds * (1.0 - p.fraction_done) / p.fraction_done) + " left";
  return line;
}

ProgressReporter::ProgressReporter(ProgressStyle style, double interval_seconds, ProgressSnapshot totals)
    : style_(style), interval_(style == ProgressStyle::kTerminal ? kTerminalRefreshSeconds : interval_seconds),
      state_(std::move(totals)) {}

void ProgressReporter::update(std::size_t cell, std::size_t units_done, long long replicates_done,
                              double fraction_done) {
  if (style_ == ProgressStyle::kNone) return;
  state_.cell = cell + 1;
  state_.units_done = units_done;
  state_.replicates_done = replicates_done;
  state_.fraction_done = fraction_done;
  state_.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  pending_ = true;
  if (state_.seconds - last_written_ >= interval_) write(false);
}

void ProgressReporter::finish() {
  if (style_ == ProgressStyle::kNone || !written_) return;  // a run too short to report
  if (pending_) write(true);
  else if (style_ == ProgressStyle::kTerminal) std::fprintf(stderr, "\n");
}

void ProgressReporter::write(bool final_line) {
  last_written_ = state_.seconds;
  written_ = true;
  pending_ = false;
  if (style_ == ProgressStyle::kTerminal)
    std::fprintf(stderr, "\r%s   %s", progress_line(state_).c_str(), final_line ? "\n" : "");
  else
    std::fprintf(stderr, "%s\n", progress_line(state_).c_str());
  std::fflush(stderr);
}

}  // namespace mrtsim
