// The per-replicate table of a study (output.replicates: true): one row per cell x replicate x
// estimator x coefficient, gzip-compressed CSV, in the long layout that R's rsimsum reads as it is:
//   d <- read.csv("replicates.csv.gz")
//   rsimsum::simsum(d, estvarname = "est", se = "se", true = "truth", methodvar = "estimator",
//                   by = c("scenario", "hypothesis", "coefficient"), df = "df")
// Estimates and SEs are written with 17 significant digits, so the table reproduces the study's
// summary tables exactly (docs/performance_measures.md, "Per-replicate table").
#pragma once

#include <string>

#include "host/results/study_result.h"

namespace mrtsim {

// Writes the table to `path` through a temporary file and an atomic rename; the study must have been
// run with output.replicates (CellResult::replicates filled).
void write_replicate_table(const StudyResult& result, const std::string& path);

}  // namespace mrtsim
