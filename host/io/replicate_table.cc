#include "host/io/replicate_table.h"

#include <zlib.h>

#include <filesystem>

#include "core/user_error.h"
#include "host/io/csv_text.h"
#include "kernels/fit_status.h"

namespace mrtsim {

namespace {

// A gzip file written in large pieces; throws a UserError naming the file on any failure.
class GzipWriter {
 public:
  explicit GzipWriter(const std::string& path) : path_(path), file_(gzopen(path.c_str(), "wb6")) {
    if (!file_) throw UserError(path + ": cannot create the per-replicate table");
  }
  ~GzipWriter() {
    if (file_) gzclose(file_);
  }
  void write(const std::string& text) {
    buffer_ += text;
    if (buffer_.size() >= kFlushBytes) flush();
  }
  void close() {
    flush();
    const int status = gzclose(file_);
    file_ = nullptr;
    if (status != Z_OK) throw UserError(path_ + ": cannot finish writing the per-replicate table");
  }

 private:
  static constexpr std::size_t kFlushBytes = 1 << 20;
  void flush() {
    if (!buffer_.empty() && gzwrite(file_, buffer_.data(), static_cast<unsigned>(buffer_.size())) == 0)
      throw UserError(path_ + ": cannot write the per-replicate table (disk full?)");
    buffer_.clear();
  }
  std::string path_;
  gzFile file_;
  std::string buffer_;
};

std::string header(const StudyResult& result) {
  std::string line = "scenario";
  if (!result.cells.empty())
    for (const GridValue& v : result.cells.front().labels) line += "," + csv_field(v.axis);
  return line + ",hypothesis,n_subjects,replicate,estimator,coefficient,est,se,df,truth,reject,status\n";
}

// The rows of one cell's records of one estimator (the estimator's name as given).
void write_rows(GzipWriter& out, const CellResult& cell, const std::string& estimator,
                const std::vector<std::vector<ReplicateRecord>>& per_coefficient) {
  std::string prefix = std::to_string(cell.scenario);
  for (const GridValue& v : cell.labels) prefix += "," + csv_field(v.label);
  prefix += "," + std::string(kHypothesisNames.name(cell.hypothesis)) + "," + std::to_string(cell.sample_size) + ",";
  const std::size_t replicates = per_coefficient.empty() ? 0 : per_coefficient.front().size();
  for (std::size_t r = 0; r < replicates; ++r)
    for (std::size_t j = 0; j < per_coefficient.size(); ++j) {
      const ReplicateRecord& record = per_coefficient[j][r];
      out.write(prefix + std::to_string(record.replicate) + "," + estimator + "," +
                csv_field(cell.summary.coefficients[j].name) + "," + exact_number(record.estimate) + "," +
                exact_number(record.se) + "," + (record.status == 0 ? exact_number(record.df) : "") + "," +
                exact_number(cell.summary.coefficients[j].truth) + "," + (record.reject ? "1" : "0") + "," +
                std::string(kFitStatusNames.name(static_cast<FitStatus>(record.status))) + "\n");
    }
}

}  // namespace

void write_replicate_table(const StudyResult& result, const std::string& path) {
  const std::string temporary = path + ".partial";
  {
    GzipWriter out(temporary);
    out.write(header(result));
    for (const CellResult& cell : result.cells) {
      write_rows(out, cell, cell.estimator, cell.replicates);
      // The unadjusted variance as a second method on the same replicates (rsimsum pairs them).
      if (!cell.replicates_unadjusted.empty())
        write_rows(out, cell, cell.estimator + "_unadjusted", cell.replicates_unadjusted);
    }
    out.close();
  }
  std::error_code error;
  std::filesystem::rename(temporary, path, error);
  if (error) throw UserError(path + ": cannot move the finished table into place: " + error.message());
}

}  // namespace mrtsim
