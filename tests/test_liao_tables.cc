// Reduced reproduction of Liao et al. (2016) Tables 2B (type I error) and 3B (power), normal errors,
// availability Pattern 1: all 18 cells of each table at 1000 replicates (the full 198-cell x 2
// reproduction is bench/liao2016/reproduce.sh, committed in docs/). Every cell must agree with the
// published rate within 4.5 combined Monte Carlo SEs (the paper used 1000 replicates), and the pooled
// rates within 4 SEs: a correct engine fails this by chance with probability below 1e-3.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <tuple>

#include "host/config/study_config.h"
#include "host/engine/study_runner.h"

namespace mrtsim {
namespace {

using CellKey = std::tuple<std::string, int, double, double>;  // table, day of max, availability, effect

std::map<CellKey, double> published_normal_pattern1() {
  std::ifstream in(MRTSIM_SOURCE_DIR "/bench/liao2016/reference/liao2016_tables_2B_3B.csv");
  EXPECT_TRUE(in.good()) << "missing reference CSV";
  std::map<CellKey, double> cells;
  std::string line;
  std::getline(in, line);  // table,measure,error,availability_pattern,day_of_max,avail_mean,effect_mean,value_percent
  while (std::getline(in, line)) {
    std::stringstream row(line);
    std::string table, measure, error, pattern, day, tau, dbar, value;
    std::getline(row, table, ',');
    std::getline(row, measure, ',');
    std::getline(row, error, ',');
    std::getline(row, pattern, ',');
    std::getline(row, day, ',');
    std::getline(row, tau, ',');
    std::getline(row, dbar, ',');
    std::getline(row, value, ',');
    if (error == "normal" && pattern == "1")
      cells[{table, std::stoi(day), std::stod(tau), std::stod(dbar)}] = std::stod(value) / 100.0;
  }
  return cells;
}

TEST(LiaoTables, NormalErrorsPatternOneMatchPaper) {
  StudyConfig study = load_study(MRTSIM_SOURCE_DIR "/configs/liao2016/table2b3b_normal.yaml");
  study.replicates = 1000;
  RunOptions options;
  options.backend = "auto";
  const StudyResult result = run_study(study, options);
  const std::map<CellKey, double> published = published_normal_pattern1();
  ASSERT_EQ(published.size(), 36u);

  constexpr double kPaperReplicates = 1000;
  int compared = 0;
  double sum_paper[2] = {0, 0}, sum_ours[2] = {0, 0}, fitted[2] = {0, 0};
  for (const CellResult& cell : result.cells) {
    const ScenarioConfig& s = study.scenarios[cell.scenario];
    const bool null = cell.hypothesis == Hypothesis::kNull;
    const CellKey key{null ? "2B" : "3B", s.model.effect.shape.day_max, s.model.availability.shape.mean,
                      s.model.effect.shape.mean};
    const auto found = published.find(key);
    ASSERT_NE(found, published.end()) << "no published value for scenario " << cell.scenario;
    const double paper = found->second, ours = cell.summary.rejection.rate.value;
    const double n = static_cast<double>(cell.summary.replicates - cell.summary.failed);
    EXPECT_EQ(cell.summary.failed, 0);
    const double se = std::sqrt(ours * (1 - ours) / n + paper * (1 - paper) / kPaperReplicates);
    EXPECT_LE(std::fabs(ours - paper), 4.5 * se)
        << (null ? "2B" : "3B") << " day " << s.model.effect.shape.day_max << " tau " << s.model.availability.shape.mean
        << " dbar " << s.model.effect.shape.mean << ": paper " << paper << " mrtsim " << ours;
    sum_paper[null] += paper;
    sum_ours[null] += ours * n;
    fitted[null] += n;
    ++compared;
  }
  EXPECT_EQ(compared, 36);
  for (int null = 0; null < 2; ++null) {
    const double paper = sum_paper[null] / 18, ours = sum_ours[null] / fitted[null];
    const double se = std::sqrt(ours * (1 - ours) / fitted[null] + paper * (1 - paper) / (18 * kPaperReplicates));
    EXPECT_LE(std::fabs(ours - paper), 4 * se)
        << (null ? "pooled type I error" : "pooled power") << ": paper " << paper << " mrtsim " << ours;
  }
}

}  // namespace
}  // namespace mrtsim
