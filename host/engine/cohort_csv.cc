#include "host/engine/cohort_csv.h"

#include "host/io/csv_text.h"

namespace mrtsim {

namespace {

bool named(const std::vector<Term>& terms, const std::vector<int>& columns, const std::string& name) {
  for (int j : columns)
    if (terms[static_cast<size_t>(j)].name == name) return true;
  return false;
}

// The non-intercept terms' names, comma separated (the analysis commands' --controls / --moderators).
std::string term_list(const std::vector<Term>& terms) {
  std::string list;
  for (const Term& term : terms)
    if (term.variable != Term::Variable::kOne) list += (list.empty() ? "" : ",") + term.name;
  return list;
}

}  // namespace

CohortCsv::CohortCsv(std::ostream& csv, CohortDesign design) : csv_(csv), design_(std::move(design)) {
  csv_ << "id,decision";
  for (size_t j = 0; j < design_.control_terms.size(); ++j) {
    const Term& term = design_.control_terms[j];
    if (term.variable == Term::Variable::kOne || named(design_.control_terms, control_columns_, term.name)) continue;
    control_columns_.push_back(static_cast<int>(j));
    csv_ << ',' << term.name;
  }
  for (size_t j = 0; j < design_.moderators.size(); ++j) {
    const Term& term = design_.moderators[j];
    if (term.variable == Term::Variable::kOne || named(design_.control_terms, control_columns_, term.name) ||
        named(design_.moderators, moderator_columns_, term.name))
      continue;
    moderator_columns_.push_back(static_cast<int>(j));
    csv_ << ',' << term.name;
  }
  csv_ << ",rand_prob,numerator_prob,availability,treatment,outcome\n";
}

void CohortCsv::row(int subject, int t, bool available, int treated, std::optional<double> outcome) {
  const size_t q = design_.control_terms.size(), p = design_.moderators.size(), row = static_cast<size_t>(t);
  csv_ << subject + 1 << ',' << t + 1;
  for (int j : control_columns_) csv_ << ',' << exact_number((*design_.controls)[row * q + static_cast<size_t>(j)]);
  for (int j : moderator_columns_)
    csv_ << ',' << exact_number((*design_.moderator_values)[row * p + static_cast<size_t>(j)]);
  csv_ << ',' << exact_number((*design_.rand_prob)[row]) << ',' << exact_number((*design_.numerator_prob)[row]) << ','
       << (available ? 1 : 0) << ',' << treated << ',' << (outcome ? exact_number(*outcome) : std::string()) << '\n';
}

std::string cohort_analysis_command(const std::string& estimator, const AnalysisConfig& analysis,
                                    const std::string& csv_path, const std::string& numerator_prob) {
  std::string command = estimator + " --data '" + csv_path +
                        "' --id id --outcome outcome --treatment treatment --rand-prob rand_prob "
                        "--availability availability";
  if (!numerator_prob.empty()) command += " --numerator-prob " + numerator_prob;
  if (!term_list(analysis.controls).empty()) command += " --controls '" + term_list(analysis.controls) + "'";
  if (!term_list(analysis.moderators).empty()) command += " --moderators '" + term_list(analysis.moderators) + "'";
  return command;
}

}  // namespace mrtsim
