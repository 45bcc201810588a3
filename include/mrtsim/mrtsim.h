// mrtsim's C++ API: run a simulation study of a micro-randomized trial, or fit WCLS to a data set,
// from another program. Link the `mrtsim::mrtsim` target of find_package(mrtsim) (a shared library;
// its dependencies stay inside it). The numbers are those of the `mrtsim` executable: `mrtsim run`
// and `mrtsim wcls` (see README.md and docs/architecture.md section 5).
//
//   #include <mrtsim/mrtsim.h>
//   mrtsim::api::StudyRequest request;
//   request.study_file = "configs/quickstart.yaml";
//   request.replicates = 200;
//   const mrtsim::api::StudySummary summary = mrtsim::api::run_study(request);
//   for (const auto& cell : summary.cells) std::cout << cell.hypothesis << " " << cell.rejection_rate << "\n";
//
// Errors in the input (a study file, a data set, an option) are thrown as mrtsim::api::Error with a
// message naming the file, key, column or row; anything else that fails is a std::exception.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace mrtsim::api {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// "0.1.0 (engine <hash of the engine's sources>)".
std::string version();

// ---- WCLS on one data set (MRTAnalysis::wcls + summary) ----

struct WclsRequest {
  std::string data_file;  // long-format CSV, one row per subject and decision point, subjects contiguous
  std::string id;         // column names
  std::string outcome;
  std::string treatment;
  std::string rand_prob;                // a column name or one number
  std::string availability;             // a column name; empty: every row is available
  std::string numerator_prob;           // a column name or one number; empty: 0.5, as MRTAnalysis
  std::vector<std::string> moderators;  // an intercept is always included
  std::vector<std::string> controls;    // an intercept is always included
};

struct Coefficient {
  std::string term;  // "(Intercept)" or the column name
  double estimate = 0.0;
  double se = 0.0;
  double lcl = 0.0;  // 95% interval, as MRTAnalysis
  double ucl = 0.0;
  double p_value = 0.0;
};

struct WclsResult {
  int n_subjects = 0;
  int df = 0;                            // n_eff - number of coefficients
  bool small_sample_correction = false;  // Mancl-DeRouen, applied when at most 50 subjects are available
  std::vector<Coefficient> effect;       // beta: intercept, then the moderators
  std::vector<Coefficient> control;      // alpha
  std::optional<double> joint_p_value;   // Hotelling T^2 test of beta = 0 (none when undefined)
};

WclsResult fit_wcls(const WclsRequest& request);

// ---- Simulation studies (mrtsim run) ----

struct StudyRequest {
  std::string study_file;        // a study YAML (see configs/README.md)
  std::string out_dir;           // where to write the tables (and keep the checkpoint); empty: write nothing
  std::string backend = "auto";  // auto, cpu or cuda
  int threads = 0;               // CPU threads; 0: all cores
  long long replicates = 0;      // replicates per cell; 0: the study's
  std::optional<uint64_t> seed;  // the study's seed unless given
};

// A coefficient's performance measures over the cell's successful fits (docs/performance_measures.md;
// the tables have every measure with its Monte Carlo SE).
struct CoefficientSummary {
  std::string name;
  double truth = 0.0;
  long long n_sim = 0;  // replicates whose fit succeeded with a finite estimate and SE
  double mean_estimate = 0.0;
  double bias = 0.0;
  double bias_mc_se = 0.0;
  double empirical_se = 0.0;
  double model_se = 0.0;  // root mean square of the SEs
  double rmse = 0.0;
  double coverage = 0.0;
  double coverage_mc_se = 0.0;
  double bias_eliminated_coverage = 0.0;
};

struct CellSummary {
  int scenario = 0;
  std::string hypothesis;                                   // "null" or "alternative"
  std::vector<std::pair<std::string, std::string>> labels;  // grid axis -> value
  int sample_size = 0;
  long long replicates = 0;
  long long failed = 0;
  // The rate, its MC SE and the coefficients' measures are NaN where no fit succeeded
  // (failed == replicates), never an invented 0; the empirical SE and every MC SE need two fits.
  double rejection_rate = 0.0;
  double rejection_mc_se = 0.0;
  std::optional<double> formula_power;  // when the sample-size formula chose the sample size
  std::vector<CoefficientSummary> coefficients;
};

struct StudySummary {
  std::string name;
  uint64_t seed = 0;
  std::string backend;
  std::vector<CellSummary> cells;
};

StudySummary run_study(const StudyRequest& request);

}  // namespace mrtsim::api
