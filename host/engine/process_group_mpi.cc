// ProcessGroup over MPI. MPI is joined only when an MPI launcher started this process, so plain
// runs of an MPI build pay nothing and never depend on a working MPI installation.
#include <mpi.h>

#include <cstdlib>
#include <stdexcept>

#include "host/engine/process_group.h"

namespace mrtsim {

namespace {

// Environment variables that Open MPI, MPICH/Hydra, PMIx and Slurm's srun set in launched ranks.
bool started_by_mpi_launcher() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "PMI_RANK"})
    if (std::getenv(name)) return true;
  return false;
}

void check(int code, const char* what) {
  if (code != MPI_SUCCESS) throw std::runtime_error(std::string("MPI: ") + what + " failed");
}

}  // namespace

ProcessGroup::ProcessGroup(bool join_mpi_job) {
  if (!join_mpi_job || !started_by_mpi_launcher()) return;
  int already = 0;
  MPI_Initialized(&already);
  if (!already) check(MPI_Init(nullptr, nullptr), "MPI_Init");
  joined_mpi_ = true;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
  MPI_Comm node;  // the ranks that share this node (and its GPUs and cores)
  check(MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, rank_, MPI_INFO_NULL, &node),
        "MPI_Comm_split_type");
  MPI_Comm_rank(node, &local_rank_);
  MPI_Comm_size(node, &local_size_);
  MPI_Comm_free(&node);
}

ProcessGroup::~ProcessGroup() {
  if (joined_mpi_) MPI_Finalize();
}

std::string ProcessGroup::broadcast(const std::string& text) const {
  if (size_ == 1) return text;
  long long length = static_cast<long long>(text.size());
  check(MPI_Bcast(&length, 1, MPI_LONG_LONG, 0, MPI_COMM_WORLD), "MPI_Bcast");
  std::string out = is_root() ? text : std::string(static_cast<size_t>(length), '\0');
  check(MPI_Bcast(out.data(), static_cast<int>(length), MPI_CHAR, 0, MPI_COMM_WORLD), "MPI_Bcast");
  return out;
}

std::vector<std::string> ProcessGroup::gather(const std::string& text) const {
  if (size_ == 1) return {text};
  int length = static_cast<int>(text.size());
  std::vector<int> lengths(is_root() ? size_ : 0), offsets(is_root() ? size_ : 0);
  check(MPI_Gather(&length, 1, MPI_INT, lengths.data(), 1, MPI_INT, 0, MPI_COMM_WORLD), "MPI_Gather");
  std::string all;
  if (is_root()) {
    long long total = 0;
    for (int r = 0; r < size_; ++r) {
      offsets[r] = static_cast<int>(total);
      total += lengths[r];
    }
    all.resize(static_cast<size_t>(total));
  }
  check(MPI_Gatherv(text.data(), length, MPI_CHAR, all.data(), lengths.data(), offsets.data(), MPI_CHAR, 0,
                    MPI_COMM_WORLD),
        "MPI_Gatherv");
  std::vector<std::string> parts;
  for (int r = 0; is_root() && r < size_; ++r) parts.push_back(all.substr(offsets[r], lengths[r]));
  return parts;
}

void ProcessGroup::abort(int exit_code) const {
  if (joined_mpi_ && size_ > 1) MPI_Abort(MPI_COMM_WORLD, exit_code);
  std::exit(exit_code);
}

bool mpi_support_built() { return true; }

}  // namespace mrtsim
