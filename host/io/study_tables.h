// Tables of a finished study: CSV (machines), Markdown (people) and JSON (tools), each stamped with
// the study seed, engine version, backend and replicate count.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "host/results/study_result.h"

namespace mrtsim {

// Writes rejection.csv, coefficients.csv, summary.md and results.json (as the study's formats say)
// into `directory`, creating it, with replicates.csv.gz (output.replicates) and sample_size.csv (a
// sample size found by simulation). Each file is written to a temporary name and renamed into place,
// so an interrupted or failed run never leaves a half-written table over an earlier one.
void write_study_tables(const StudyResult& result, const std::string& directory);

std::string rejection_markdown(const StudyResult& result);
nlohmann::json study_json(const StudyResult& result);
// The sample-size searches by simulation: the N found per scenario (Markdown; "" without any), and
// every N evaluated (JSON).
std::string sample_size_markdown(const std::vector<SampleSizeSearch>& searches);
nlohmann::json sample_size_json(const std::vector<SampleSizeSearch>& searches);

// Writes `contents` to `path` through a temporary file and an atomic rename.
void write_file_atomically(const std::string& path, const std::string& contents);

}  // namespace mrtsim
