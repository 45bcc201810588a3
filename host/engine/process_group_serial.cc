// ProcessGroup for builds without MPI: always this process alone.
#include <cstdlib>

#include "host/engine/process_group.h"

namespace mrtsim {

ProcessGroup::ProcessGroup(bool) {}
ProcessGroup::~ProcessGroup() = default;

std::string ProcessGroup::broadcast(const std::string& text) const { return text; }
std::vector<std::string> ProcessGroup::gather(const std::string& text) const { return {text}; }
void ProcessGroup::abort(int exit_code) const { std::exit(exit_code); }

bool mpi_support_built() { return false; }

}  // namespace mrtsim
