// A simulated cohort written as an MRT data set in long format (`mrtsim replicate`): one row per
// subject and decision point with the columns the analysis commands read, and the mrtsim command
// that analyses it as the study does. Shared by the models' CellPlan::write_cohort.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "host/config/study_config.h"

namespace mrtsim {

// Per decision point design of a cell: the terms and their T x q / T x p row-major values.
struct CohortDesign {
  std::vector<Term> control_terms;
  const std::vector<double>* controls;
  std::vector<Term> moderators;
  const std::vector<double>* moderator_values;
  const std::vector<double>* rand_prob;
  const std::vector<double>* numerator_prob;
};

// Columns: id, decision, every non-intercept control and moderator term once (named as in the
// study), rand_prob, numerator_prob, availability, treatment, outcome.
class CohortCsv {
 public:
  CohortCsv(std::ostream& csv, CohortDesign design);
  // Decision point t (0-based) of subject `subject` (0-based); no outcome: an empty field.
  void row(int subject, int t, bool available, int treated, std::optional<double> outcome);

 private:
  std::ostream& csv_;
  CohortDesign design_;
  std::vector<int> control_columns_, moderator_columns_;  // term indices written as columns
};

// The mrtsim command (without "mrtsim") that analyses a cohort CSV at `csv_path` with `estimator`
// ("wcls", "emee --variant emee2", "dcee", ...), the columns CohortCsv writes and the study's controls
// and moderators; `numerator_prob` (a column or a number) is passed as --numerator-prob unless empty.
std::string cohort_analysis_command(const std::string& estimator, const AnalysisConfig& analysis,
                                    const std::string& csv_path, const std::string& numerator_prob = "numerator_prob");

}  // namespace mrtsim
