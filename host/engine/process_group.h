// The processes that share one study run: the ranks of an MPI job (mpirun -np K mrtsim run ...),
// or this process alone. Twin implementations: process_group_mpi.cc (built when CMake finds MPI)
// and process_group_serial.cc; the study runner only sees this interface.
#pragma once

#include <string>
#include <vector>

namespace mrtsim {

class ProcessGroup {
 public:
  // With join_mpi_job, joins the MPI job when this process was started by an MPI launcher and
  // mrtsim was built with MPI; otherwise the group is this process alone.
  explicit ProcessGroup(bool join_mpi_job = true);
  ~ProcessGroup();
  ProcessGroup(const ProcessGroup&) = delete;
  ProcessGroup& operator=(const ProcessGroup&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }
  int local_rank() const { return local_rank_; }  // rank among the processes on this node
  int local_size() const { return local_size_; }
  bool is_root() const { return rank_ == 0; }

  // The root's `text` on every rank.
  std::string broadcast(const std::string& text) const;
  // At the root: every rank's `text`, by rank. Elsewhere: empty.
  std::vector<std::string> gather(const std::string& text) const;
  // Stops every process of the job after an error on this one (never returns).
  [[noreturn]] void abort(int exit_code) const;

 private:
  int rank_ = 0, size_ = 1, local_rank_ = 0, local_size_ = 1;
  bool joined_mpi_ = false;
};

// True when built with MPI support.
bool mpi_support_built();

}  // namespace mrtsim
