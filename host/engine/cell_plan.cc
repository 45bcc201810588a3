#include "host/engine/cell_plan.h"

#include <stdexcept>


namespace mrtsim {

void CellPlan::run_segments(Backend backend, int threads, const std::vector<CellSegment>& segments,
                            const ReplicateBatchOutput& out) const {
  if (segments.size() != 1) throw std::logic_error("run_segments: a cell without a batch key runs one segment");
  segments[0].cell->run_replicates(backend, threads, segments[0].first, segments[0].count, out);
}

}  // namespace mrtsim
