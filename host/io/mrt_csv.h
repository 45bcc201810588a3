// Reading micro-randomized trial data in long format (one row per subject and decision point) from
// CSV, with the input checks MRTAnalysis::wcls() makes (docs/estimators.md §1.1). Every problem is a
// UserError that names the file, the column and the row.
#pragma once

#include <cstddef>
#include <string>
#include <unordered_map>
#include <vector>

namespace mrtsim {

// A CSV file as text: the header and, per column, the whitespace-trimmed cell of every data row.
// Comma separated, optional double quotes ("" inside quotes is a quote), blank lines skipped; lines
// end with LF, CR LF or a lone CR. The table keeps the file's text and splits out a column's cells
// only when the column is asked for, so a wide file costs little more than its size.
class CsvTable {
 public:
  // UserError naming `path` when it is missing, a directory or unreadable.
  static CsvTable read(const std::string& path);
  // The same from text in memory; `label` stands for the file name in errors.
  static CsvTable parse(std::string text, const std::string& label);

  const std::string& path() const { return path_; }
  const std::vector<std::string>& header() const { return header_; }
  std::size_t num_rows() const { return rows_.size(); }
  bool has_column(const std::string& name) const { return index_.count(name) > 0; }

  // The cells of column `name`; `role` (e.g. "--outcome") says in the error why it was needed.
  const std::vector<std::string>& column(const std::string& name, const std::string& role) const;

  // "FILE, column 'c', data row R (line L)": data rows count from 1 after the header, lines are
  // physical lines of the file.
  std::string where(const std::string& column, std::size_t row) const;

 private:
  struct Row {
    std::size_t begin, length;  // the line within text_
    std::size_t line;           // 1-based line number in the file
  };
  std::string path_;
  std::string text_;
  std::vector<std::string> header_;
  std::unordered_map<std::string, std::size_t> index_;
  std::vector<Row> rows_;
  mutable std::unordered_map<std::size_t, std::vector<std::string>> columns_;  // split on first use
};

// Every cell of every column as a finite number, columns in header order (per-decision inputs of the
// sample-size formulas); a missing or non-numeric cell throws UserError naming the file, column and
// row. `role` (e.g. "--f-file") says in the error why the file was read.
std::vector<std::vector<double>> read_numeric_columns(const CsvTable& table, const std::string& role);

// Which columns hold what. Probabilities are a column name or one number for every row.
struct MrtColumnSpec {
  std::string id;
  std::string outcome;
  std::string treatment;
  std::string rand_prob;
  std::string availability;    // empty: every row is available
  std::string numerator_prob;  // empty: not read (the estimator supplies its default)
  std::vector<std::string> covariates;  // moderators and controls
  // DCEE fits its nuisance models and its bread on every row, so there outcome, treatment (0/1)
  // and covariates must be present on unavailable rows too; `every_row_reason` says why in errors.
  bool every_row_complete = false;
  std::string every_row_reason = "DCEE uses every row, available or not";
  // A randomization probability column must also be present on unavailable rows (EMEE2).
  bool rand_prob_on_every_row = false;
  // The outcome must be 0 or 1 on available rows (binary outcome: EMEE, EMEE2).
  bool binary_outcome = false;
};

// Validated data, rows in file order, each subject's rows contiguous. Values that are missing on
// unavailable rows (where MRTAnalysis allows it) are NaN; a treatment there that is missing or not
// 0/1 is read as 0 (it gets weight 0 in every estimator).
struct MrtData {
  std::string path;
  std::vector<std::string> subject_ids;    // in order of appearance
  std::vector<std::size_t> subject_begin;  // first row of each subject, then num_rows()
  std::vector<double> outcome;
  std::vector<int> treatment;
  std::vector<double> rand_prob;
  std::vector<double> numerator_prob;  // empty when MrtColumnSpec::numerator_prob is
  std::vector<unsigned char> available;
  std::vector<std::string> covariate_names;
  std::vector<std::vector<double>> covariates;  // one vector per name in covariate_names

  std::size_t num_rows() const { return outcome.size(); }
  std::size_t num_subjects() const { return subject_ids.size(); }
  const std::vector<double>& covariate(const std::string& name) const;
};

// Reads and checks `path` as MRTAnalysis::wcls() does: availability 0/1 on every row; on available
// rows no missing outcome, treatment, probability or covariate, treatment in {0,1} and probabilities
// strictly inside (0,1); each subject's rows contiguous. Beyond the package: at least one available
// row, both treatments among the available rows (else no effect is estimable), and no column in two
// roles (a moderator or control that is the id, outcome, treatment or availability column).
MrtData read_mrt_csv(const std::string& path, const MrtColumnSpec& spec);
MrtData read_mrt_csv(const CsvTable& table, const MrtColumnSpec& spec);

}  // namespace mrtsim
