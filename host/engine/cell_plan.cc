#include "host/engine/cell_plan.h"

#include <stdexcept>

#include "core/user_error.h"

namespace mrtsim {

void CellPlan::run_segments(Backend backend, int threads, const std::vector<CellSegment>& segments,
                            const ReplicateBatchOutput& out) const {
  if (segments.size() != 1) throw std::logic_error("run_segments: a cell without a batch key runs one segment");
  segments[0].cell->run_replicates(backend, threads, segments[0].first, segments[0].count, out);
}

std::string CellPlan::write_cohort(uint32_t, std::ostream&, const std::string&) const {
  throw UserError("mrtsim replicate writes the cohorts of liao2016 and cohn2023 studies; this study's model cannot write its "
                  "cohorts yet (its replicates can still be rerun alone: mrtsim run --replicates)");
}

}  // namespace mrtsim
