// Performance measures of a simulation study and their MC SEs (host/stats/performance_measures.h,
// docs/performance_measures.md) against independent values:
// - rsimsum 0.13.0's output on its MIsim data (tests/data/rsimsum_MIsim.csv), for all three methods,
//   and on a degraded copy with failed fits, non-finite values and per-replicate t critical values:
//   tests/data/performance_measures_reference.csv, written by tests/data/performance_measures_reference.R
//   (the formulas in base R, checked there against rsimsum::simsum to 1e-12); to 1e-8 relative;
// - the values printed in the spec table (docs/performance_measures.md), to their printed digits;
// - closed forms worked by hand on 2-4 replicates.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "core/user_error.h"
#include "host/io/mrt_csv.h"
#include "host/stats/performance_measures.h"

namespace mrtsim {
namespace {

const std::string kData = std::string(MRTSIM_SOURCE_DIR) + "/tests/data/";
const std::vector<std::string> kMethods = {"CC", "MI_T", "MI_LOGT"};  // CC is the reference
constexpr double kRelative = 1e-8;

double parse(const std::string& cell) { return cell == "NA" ? std::nan("") : std::stod(cell); }

// The MIsim replicates of each method; `degraded` applies the reference script's failures and df.
std::vector<std::vector<ReplicateRecord>> misim_records(bool degraded) {
  const CsvTable table = CsvTable::read(kData + "rsimsum_MIsim.csv");
  const auto& dataset = table.column("dataset", "replicate");
  const auto& method = table.column("method", "method");
  const auto& b = table.column("b", "estimate");
  const auto& se = table.column("se", "SE");
  std::vector<std::vector<ReplicateRecord>> records(kMethods.size());
  for (std::size_t row = 0; row < table.num_rows(); ++row) {
    const std::size_t m = std::find(kMethods.begin(), kMethods.end(), method[row]) - kMethods.begin();
    ReplicateRecord r;
    r.replicate = std::stoll(dataset[row]);
    r.estimate = std::stod(b[row]);
    r.se = std::stod(se[row]);
    if (degraded) {
      r.df = 3.0 + static_cast<double>(r.replicate % 17);
      if (m == 0 && r.replicate % 97 == 0) r.se = std::nan("");
      if (m == 1 && r.replicate % 89 == 0) r.status = 2;  // a failed fit: its numbers are ignored
      if (m == 2 && r.replicate % 101 == 0) r.estimate = INFINITY;  // R has NA here: dropped alike
    }
    records.at(m).push_back(r);
  }
  return records;
}

MeasureSettings misim_settings() {
  MeasureSettings s;
  s.truth = 0.5;
  s.level = 0.95;
  s.rejection = RejectionRule::kWaldTest;  // rsimsum's power
  s.nominal_rejection = 0.95;
  s.under_null = false;
  return s;
}

struct Reference {
  double estimate, mcse;
};
// data -> method -> measure -> reference values.
using ReferenceTable = std::map<std::string, std::map<std::string, std::map<std::string, Reference>>>;

ReferenceTable read_reference() {
  const CsvTable table = CsvTable::read(kData + "performance_measures_reference.csv");
  ReferenceTable out;
  for (std::size_t row = 0; row < table.num_rows(); ++row)
    out[table.column("data", "")[row]][table.column("method", "")[row]][table.column("measure", "")[row]] =
        Reference{parse(table.column("estimate", "")[row]), parse(table.column("mcse", "")[row])};
  return out;
}

void expect_relative(double actual, double expected, const std::string& what) {
  if (std::isnan(expected)) {
    EXPECT_TRUE(std::isnan(actual)) << what << ": " << actual << " where R has NA";
    return;
  }
  EXPECT_NEAR(actual, expected, kRelative * std::max(std::fabs(expected), 1e-300)) << what;
}

void expect_measure(const Measure& m, const Reference& r, const std::string& what) {
  expect_relative(m.value, r.estimate, what);
  expect_relative(m.mc_se, r.mcse, what + " MC SE");
}

void expect_matches_reference(const std::vector<PerformanceMeasures>& results, const std::string& data) {
  const ReferenceTable reference = read_reference();
  ASSERT_EQ(reference.count(data), 1u);
  for (std::size_t k = 0; k < kMethods.size(); ++k) {
    const auto& ref = reference.at(data).at(kMethods[k]);
    const PerformanceMeasures& m = results[k];
    const std::string where = data + " " + kMethods[k] + " ";
    EXPECT_EQ(m.n_sim, static_cast<long long>(ref.at("n_sim").estimate)) << where;
    expect_measure(m.mean_estimate, ref.at("mean_estimate"), where + "mean estimate");
    expect_relative(m.median_estimate.value, ref.at("median_estimate").estimate, where + "median estimate");
    expect_relative(m.median_se.value, ref.at("median_se").estimate, where + "median SE");
    expect_measure(m.bias, ref.at("bias"), where + "bias");
    expect_measure(m.relative_bias, ref.at("relative_bias"), where + "relative bias");
    expect_measure(m.empirical_se, ref.at("empirical_se"), where + "empirical SE");
    expect_measure(m.mse, ref.at("mse"), where + "MSE");
    expect_measure(m.rmse, ref.at("rmse"), where + "RMSE");
    expect_measure(m.model_se, ref.at("model_se"), where + "model SE");
    expect_measure(m.relative_error_model_se, ref.at("relative_error_model_se"), where + "relative error in model SE");
    expect_measure(m.coverage, ref.at("coverage"), where + "coverage");
    expect_measure(m.bias_eliminated_coverage, ref.at("bias_eliminated_coverage"), where + "bias-eliminated coverage");
    expect_measure(m.rejection.rate, ref.at("rejection_rate"), where + "rejection rate");
    expect_relative(m.rejection.binomial_p_value, ref.at("rejection_p_value").estimate, where + "binomial p-value");
    if (k == 0) {  // the reference against itself: exactly 0, as rsimsum
      EXPECT_EQ(m.relative_precision.value, 0.0);
      EXPECT_EQ(m.relative_precision.mc_se, 0.0);
    } else {
      expect_measure(m.relative_precision, ref.at("relative_precision"), where + "relative precision");
    }
  }
}

TEST(PerformanceMeasures, RsimsumGoldenValuesOnMIsim) {
  const auto results = summarize_paired_methods(misim_records(false), 0, misim_settings());
  ASSERT_EQ(results.size(), 3u);
  for (const PerformanceMeasures& m : results) {
    EXPECT_EQ(m.replicates, 1000);
    EXPECT_EQ(m.failures, 0);
    EXPECT_EQ(m.truth, 0.5);
    EXPECT_FALSE(m.rejection.bradley.has_value());  // a power, not a type I error rate
  }
  expect_matches_reference(results, "MIsim");
}

// The spec's table (rsimsum's printout), to the digits printed there: guards the stored reference.
// Each value as printed, and it agrees to one unit in its last digit (not half: the table rounds
// twice in places, e.g. MI_LOGT's EmpSE MC SE 0.00295323064967 is printed 0.0029532307).
void expect_printed(double value, const std::string& printed, const std::string& what) {
  const std::size_t point = printed.find('.');
  const int decimals = point == std::string::npos ? 0 : static_cast<int>(printed.size() - point - 1);
  EXPECT_NEAR(value, std::stod(printed), std::pow(10.0, -decimals) * (1 + 1e-9)) << what << " printed " << printed;
}

TEST(PerformanceMeasures, SpecTableOnMIsim) {
  const auto r = summarize_paired_methods(misim_records(false), 0, misim_settings());
  // bias, EmpSE, MSE, relative precision, ModSE, relative error in ModSE (each with MC SE),
  // coverage, bias-eliminated coverage, power.
  const std::vector<std::vector<std::string>> rows = {
      {"0.016766161", "0.0047786757", "0.151114994", "0.0033807248", "0.023094010", "0.0011338389", "0", "0",
       "0.147096266", "0.00052740993", "-2.659384196", "2.205481733", "0.943", "0.940", "0.946"},
      {"-0.0011908351", "0.0042509767", "0.13442769", "0.0030073985", "0.01805415", "0.00091122488", "26.368161",
       "3.8423791", "0.13383456", "0.00058563623", "-0.44122326", "2.269521574", "0.943", "0.943", "0.963"},
      {"0.00092309866", "0.0041744101", "0.13200644", "0.0029532307", "0.017409126", "0.00088128051", "31.046341",
       "3.9374726", "0.13494128", "0.0006046041", "2.2232593", "2.332338214", "0.949", "0.949", "0.969"}};
  for (std::size_t k = 0; k < rows.size(); ++k) {
    const PerformanceMeasures& m = r[k];
    const std::vector<double> ours = {m.bias.value, m.bias.mc_se, m.empirical_se.value, m.empirical_se.mc_se,
                                      m.mse.value, m.mse.mc_se, m.relative_precision.value,
                                      m.relative_precision.mc_se, m.model_se.value, m.model_se.mc_se,
                                      m.relative_error_model_se.value, m.relative_error_model_se.mc_se,
                                      m.coverage.value, m.bias_eliminated_coverage.value, m.rejection.rate.value};
    for (std::size_t j = 0; j < ours.size(); ++j)
      expect_printed(ours[j], rows[k][j], kMethods[k] + " column " + std::to_string(j));
  }
  expect_printed(r[0].relative_bias.value, "0.033532322", "CC relative bias");
  expect_printed(r[0].relative_bias.mc_se, "0.0095573514", "CC relative bias MC SE");
  expect_printed(r[0].coverage.mc_se, "0.0073315", "CC coverage MC SE");
  expect_printed(r[0].bias_eliminated_coverage.mc_se, "0.0075100", "CC bias-eliminated coverage MC SE");
  expect_printed(r[0].rejection.rate.mc_se, "0.0071473", "CC power MC SE");
  expect_printed(r[1].rejection.rate.mc_se, "0.0059692", "MI_T power MC SE");
  expect_printed(r[2].coverage.mc_se, "0.0069569", "MI_LOGT coverage MC SE");
  expect_printed(r[2].rejection.rate.mc_se, "0.0054808", "MI_LOGT power MC SE");
}

// Failed fits, a non-finite SE, an infinite estimate, t critical values with per-replicate df, and
// methods paired by replicate index over the replicates both count (rsimsum on NA-ed data).
TEST(PerformanceMeasures, RsimsumOnDegradedMIsimWithFailuresAndTCriticalValues) {
  auto methods = misim_records(true);
  std::mt19937 shuffle(20190315);
  for (auto& records : methods) std::shuffle(records.begin(), records.end(), shuffle);  // any order
  const auto results = summarize_paired_methods(methods, 0, misim_settings());
  EXPECT_EQ(results[0].non_finite, 10);  // replicates 97, 194, ..., 970 lost their SE
  EXPECT_TRUE(results[0].failures_by_status.empty());
  EXPECT_EQ(results[1].failures_by_status, (std::map<int, long long>{{2, 11}}));  // 89, ..., 979
  EXPECT_EQ(results[1].non_finite, 0);
  EXPECT_EQ(results[2].non_finite, 9);  // 101, ..., 909
  for (const PerformanceMeasures& m : results) EXPECT_EQ(m.failures, m.replicates - m.n_sim);
  expect_matches_reference(results, "degraded");
}

void expect_identical(const Measure& a, const Measure& b) {
  EXPECT_EQ(std::memcmp(&a.value, &b.value, sizeof(double)), 0);
  EXPECT_EQ(std::memcmp(&a.mc_se, &b.mc_se, sizeof(double)), 0);
  EXPECT_EQ(a.note, b.note);
}

TEST(PerformanceMeasures, BitIdenticalWhateverTheOrderOfRecords) {
  const auto sorted = misim_records(true);
  auto reversed = sorted;
  for (auto& records : reversed) std::reverse(records.begin(), records.end());
  const auto a = summarize_paired_methods(sorted, 0, misim_settings());
  const auto b = summarize_paired_methods(reversed, 0, misim_settings());
  for (std::size_t k = 0; k < a.size(); ++k) {
    for (auto member : {&PerformanceMeasures::mean_estimate, &PerformanceMeasures::median_estimate,
                        &PerformanceMeasures::median_se, &PerformanceMeasures::bias, &PerformanceMeasures::relative_bias,
                        &PerformanceMeasures::empirical_se, &PerformanceMeasures::mse, &PerformanceMeasures::rmse,
                        &PerformanceMeasures::model_se, &PerformanceMeasures::relative_error_model_se,
                        &PerformanceMeasures::coverage, &PerformanceMeasures::bias_eliminated_coverage,
                        &PerformanceMeasures::relative_precision})
      expect_identical(a[k].*member, b[k].*member);
    expect_identical(a[k].rejection.rate, b[k].rejection.rate);
  }
}

// Three replicates worked by hand: estimates 1, 2, 4 with SEs 1/2, 1, 2, truth 2, normal 95%
// intervals (c = 1.959964): [0.02, 1.98], [0.04, 3.96], [0.08, 7.92]; the study rejected in the first.
TEST(PerformanceMeasures, ThreeReplicatesByHand) {
  std::vector<ReplicateRecord> records(3);
  const double estimates[] = {1, 2, 4}, ses[] = {0.5, 1, 2};
  for (int i = 0; i < 3; ++i) {
    records[i].replicate = 10 + i;
    records[i].estimate = estimates[i];
    records[i].se = ses[i];
    records[i].reject = i == 0;
  }
  MeasureSettings settings;
  settings.truth = 2.0;
  settings.nominal_rejection = 0.05;
  const PerformanceMeasures m = summarize_performance(records, settings);
  EXPECT_EQ(m.n_sim, 3);
  EXPECT_EQ(m.failures, 0);
  // Mean 7/3; squared deviations 16/9 + 1/9 + 25/9 = 14/3.
  EXPECT_NEAR(m.mean_estimate.value, 7.0 / 3, 1e-15);
  EXPECT_NEAR(m.bias.value, 1.0 / 3, 1e-15);
  EXPECT_NEAR(m.bias.mc_se, std::sqrt(7.0) / 3, 1e-15);  // sqrt((14/3) / (3 * 2))
  EXPECT_NEAR(m.mean_estimate.mc_se, std::sqrt(7.0) / 3, 1e-15);
  EXPECT_NEAR(m.relative_bias.value, 1.0 / 6, 1e-15);
  EXPECT_NEAR(m.relative_bias.mc_se, std::sqrt(7.0) / 6, 1e-15);
  EXPECT_NEAR(m.empirical_se.value, std::sqrt(7.0 / 3), 1e-15);
  EXPECT_NEAR(m.empirical_se.mc_se, std::sqrt(7.0 / 3) / 2, 1e-15);
  // Squared errors 1, 0, 4: MSE 5/3, deviations -2/3, -5/3, 7/3, squares summing to 26/3.
  EXPECT_NEAR(m.mse.value, 5.0 / 3, 1e-15);
  EXPECT_NEAR(m.mse.mc_se, std::sqrt(13.0) / 3, 1e-15);  // sqrt((26/3) / 6)
  EXPECT_NEAR(m.rmse.value, std::sqrt(5.0 / 3), 1e-15);
  EXPECT_NEAR(m.rmse.mc_se, (std::sqrt(13.0) / 3) / (2 * std::sqrt(5.0 / 3)), 1e-15);
  // SE^2 = 1/4, 1, 4: mean 7/4, sample variance 63/16.
  EXPECT_NEAR(m.model_se.value, std::sqrt(7.0) / 2, 1e-15);
  EXPECT_NEAR(m.model_se.mc_se, std::sqrt(3.0) / 4, 1e-15);  // sqrt((63/16) / (4 * 3 * 7/4))
  EXPECT_NEAR(m.relative_error_model_se.value, 100 * (std::sqrt(3.0) / 2 - 1), 1e-12);
  // 100 (sqrt(3)/2) sqrt((63/16) / (4 * 3 * 49/16) + 1/4) = 100 (sqrt(3)/2) sqrt(5/14)
  EXPECT_NEAR(m.relative_error_model_se.mc_se, 100 * std::sqrt(3.0) / 2 * std::sqrt(5.0 / 14), 1e-12);
  // 2 is outside [0.02, 1.98]; 7/3 too.
  EXPECT_NEAR(m.coverage.value, 2.0 / 3, 1e-15);
  EXPECT_NEAR(m.coverage.mc_se, std::sqrt(2.0 / 27), 1e-15);
  EXPECT_NEAR(m.bias_eliminated_coverage.value, 2.0 / 3, 1e-15);
  EXPECT_EQ(m.median_estimate.value, 2.0);
  EXPECT_EQ(m.median_se.value, 1.0);
  EXPECT_TRUE(std::isnan(m.median_estimate.mc_se));
  EXPECT_FALSE(m.median_estimate.note.empty());
  // The study's decisions: 1 of 3. Under Bin(3, 0.05) only X = 0 is more likely than X = 1 ...
  EXPECT_EQ(m.rejection.rejections, 1);
  EXPECT_EQ(m.rejection.tested, 3);
  EXPECT_NEAR(m.rejection.rate.value, 1.0 / 3, 1e-15);
  EXPECT_NEAR(m.rejection.rate.mc_se, std::sqrt(2.0 / 27), 1e-15);
  // ... so the two-sided p-value is 1 - P(X = 0) = 1 - 0.95^3.
  EXPECT_NEAR(m.rejection.binomial_p_value, 1 - 0.857375, 1e-12);
  ASSERT_TRUE(m.rejection.bradley.has_value());
  EXPECT_FALSE(m.rejection.bradley->within_liberal);
  // Every Wald test rejects: |1| >= 0.98, |2| >= 1.96, |4| >= 3.92.
  settings.rejection = RejectionRule::kWaldTest;
  const PerformanceMeasures wald = summarize_performance(records, settings);
  EXPECT_EQ(wald.rejection.rejections, 3);
  EXPECT_EQ(wald.rejection.rate.mc_se, 0.0);
  EXPECT_TRUE(wald.rejection.rate.note.empty());
  // A t critical value with 4 df (2.776445) covers the truth in the first interval too: [-0.39, 2.39].
  for (auto& r : records) r.df = 4;
  EXPECT_EQ(summarize_performance(records, settings).coverage.value, 1.0);
}

TEST(PerformanceMeasures, MedianOfAnEvenNumberIsTheMidpoint) {
  std::vector<ReplicateRecord> records(4);
  const double estimates[] = {3, 1, 10, 2}, ses[] = {4, 1, 2, 3};
  for (int i = 0; i < 4; ++i) records[i] = ReplicateRecord{i, estimates[i], ses[i]};
  const PerformanceMeasures m = summarize_performance(records, MeasureSettings{});
  EXPECT_EQ(m.median_estimate.value, 2.5);
  EXPECT_EQ(m.median_se.value, 2.5);
}

// Failed fits, non-finite numbers and counts: only replicates 1 and 4 count.
TEST(PerformanceMeasures, FailedAndNonFiniteReplicatesAreDroppedFromEveryMeasure) {
  std::vector<ReplicateRecord> records = {
      {0, 5.0, 1.0, kNormalDf, 3, true},              // failed fit (status 3), finite numbers ignored
      {1, 1.0, 1.0, kNormalDf, 0, false},
      {2, NAN, 1.0, kNormalDf, 0, true},              // missing estimate
      {3, 2.0, INFINITY, kNormalDf, 0, true},         // infinite SE
      {4, 3.0, 1.0, kNormalDf, 0, true},
      {5, 7.0, 1.0, kNormalDf, 1, true}};             // failed fit (status 1)
  MeasureSettings settings;
  settings.truth = 1.0;
  const PerformanceMeasures m = summarize_performance(records, settings);
  EXPECT_EQ(m.replicates, 6);
  EXPECT_EQ(m.n_sim, 2);
  EXPECT_EQ(m.failures, 4);
  EXPECT_EQ(m.non_finite, 2);
  EXPECT_EQ(m.failures_by_status, (std::map<int, long long>{{1, 1}, {3, 1}}));
  EXPECT_EQ(m.mean_estimate.value, 2.0);
  EXPECT_EQ(m.bias.value, 1.0);
  EXPECT_NEAR(m.empirical_se.value, std::sqrt(2.0), 1e-15);
  EXPECT_EQ(m.rejection.tested, 2);
  EXPECT_EQ(m.rejection.rejections, 1);  // the study's decisions of replicates 1 and 4 only
}

TEST(PerformanceMeasures, NoValidReplicateGivesNaWithAReasonForEveryMeasure) {
  const std::vector<ReplicateRecord> records = {{0, 1.0, 1.0, kNormalDf, 2, true}, {1, NAN, NAN}};
  const PerformanceMeasures m = summarize_performance(records, MeasureSettings{});
  EXPECT_EQ(m.n_sim, 0);
  EXPECT_EQ(m.failures, 2);
  for (const Measure* x : {&m.mean_estimate, &m.median_estimate, &m.median_se, &m.bias, &m.relative_bias,
                           &m.empirical_se, &m.mse, &m.rmse, &m.model_se, &m.relative_error_model_se, &m.coverage,
                           &m.bias_eliminated_coverage, &m.relative_precision, &m.rejection.rate}) {
    EXPECT_TRUE(std::isnan(x->value));
    EXPECT_TRUE(std::isnan(x->mc_se));
    EXPECT_FALSE(x->note.empty());
  }
  EXPECT_TRUE(std::isnan(m.rejection.binomial_p_value));
  EXPECT_FALSE(m.rejection.bradley.has_value());
  EXPECT_EQ(summarize_performance({}, MeasureSettings{}).n_sim, 0);
}

TEST(PerformanceMeasures, OneValidReplicateHasValuesButNoMcSe) {
  MeasureSettings settings;
  settings.truth = 2.0;
  const PerformanceMeasures m = summarize_performance({{7, 3.0, 1.0}}, settings);
  EXPECT_EQ(m.n_sim, 1);
  EXPECT_EQ(m.bias.value, 1.0);
  EXPECT_EQ(m.relative_bias.value, 0.5);
  EXPECT_EQ(m.mse.value, 1.0);
  EXPECT_EQ(m.rmse.value, 1.0);
  EXPECT_EQ(m.model_se.value, 1.0);
  EXPECT_EQ(m.coverage.value, 1.0);
  EXPECT_EQ(m.bias_eliminated_coverage.value, 1.0);
  EXPECT_EQ(m.rejection.rate.value, 0.0);
  for (const Measure* x : {&m.mean_estimate, &m.bias, &m.relative_bias, &m.mse, &m.rmse, &m.model_se, &m.coverage,
                           &m.bias_eliminated_coverage, &m.rejection.rate}) {
    EXPECT_TRUE(std::isnan(x->mc_se));  // not sqrt(p (1 - p) / 1) = 0
    EXPECT_FALSE(x->note.empty());
  }
  for (const Measure* x : {&m.empirical_se, &m.relative_error_model_se}) {
    EXPECT_TRUE(std::isnan(x->value));
    EXPECT_FALSE(x->note.empty());
  }
}

TEST(PerformanceMeasures, UndefinedRatiosAreNa) {
  MeasureSettings settings;
  settings.truth = 0.0;
  // Zero truth: no relative bias. Equal estimates: EmpSE 0, no relative error. Zero SEs: no MC SE of ModSE.
  const PerformanceMeasures m = summarize_performance({{0, 0.0, 0.0}, {1, 0.0, 0.0}}, settings);
  EXPECT_TRUE(std::isnan(m.relative_bias.value));
  EXPECT_NE(m.relative_bias.note.find("truth is 0"), std::string::npos);
  EXPECT_EQ(m.empirical_se.value, 0.0);
  EXPECT_TRUE(std::isnan(m.relative_error_model_se.value));
  EXPECT_EQ(m.model_se.value, 0.0);
  EXPECT_TRUE(std::isnan(m.model_se.mc_se));
  EXPECT_EQ(m.rmse.value, 0.0);
  EXPECT_TRUE(std::isnan(m.rmse.mc_se));  // the delta method divides by the RMSE
  EXPECT_FALSE(m.rmse.note.empty());
}

// Relative precision by hand. Reference estimates 1, 2, 3 (EmpSE 1); the other method 0, 4, 2 (EmpSE
// 2) on the same replicates: 100 (1/4 - 1) = -75; rho = 0.5, MC SE 200 (1/4) sqrt(0.75 / 2). The
// reference's failed replicate 3 and the other's replicate 9 (no partner) are outside the pairs.
TEST(PerformanceMeasures, RelativePrecisionPairsByReplicateIndex) {
  const std::vector<ReplicateRecord> reference = {{2, 3.0, 1.0}, {0, 1.0, 1.0}, {3, 8.0, 1.0, kNormalDf, 2}, {1, 2.0, 1.0}};
  const std::vector<ReplicateRecord> other = {{1, 4.0, 1.0}, {2, 2.0, 1.0}, {0, 0.0, 1.0}};
  auto r = summarize_paired_methods({reference, other}, 0, MeasureSettings{});
  EXPECT_EQ(r[0].relative_precision.value, 0.0);
  EXPECT_EQ(r[0].relative_precision.mc_se, 0.0);
  EXPECT_NEAR(r[1].relative_precision.value, -75.0, 1e-12);
  EXPECT_NEAR(r[1].relative_precision.mc_se, 50.0 * std::sqrt(0.375), 1e-12);
  // The other method as the reference: 100 (4 - 1) = 300, MC SE 200 * 4 sqrt(0.75 / 2).
  r = summarize_paired_methods({other, reference}, 0, MeasureSettings{});
  EXPECT_EQ(r[0].relative_precision.value, 0.0);
  EXPECT_NEAR(r[1].relative_precision.value, 300.0, 1e-12);
  EXPECT_NEAR(r[1].relative_precision.mc_se, 800.0 * std::sqrt(0.375), 1e-12);
  // A replicate only the other method has: in its EmpSE (as rsimsum), not in rho.
  std::vector<ReplicateRecord> extra = other;
  extra.push_back({9, 2.0, 1.0});  // the mean stays 2; EmpSE^2 = 8 / 3
  r = summarize_paired_methods({reference, extra}, 0, MeasureSettings{});
  EXPECT_NEAR(r[1].relative_precision.value, 100.0 * (3.0 / 8 - 1), 1e-12);
  EXPECT_NEAR(r[1].relative_precision.mc_se, 200.0 * (3.0 / 8) * std::sqrt(0.75 / 3), 1e-12);
  // Without a reference: NA with a reason.
  const PerformanceMeasures alone = summarize_performance(other, MeasureSettings{});
  EXPECT_TRUE(std::isnan(alone.relative_precision.value));
  EXPECT_FALSE(alone.relative_precision.note.empty());
}

TEST(PerformanceMeasures, BradleyBands) {
  const RobustnessBand liberal = bradley_liberal_band(0.05), stringent = bradley_stringent_band(0.05);
  EXPECT_DOUBLE_EQ(liberal.lower, 0.025);
  EXPECT_DOUBLE_EQ(liberal.upper, 0.075);
  EXPECT_DOUBLE_EQ(stringent.lower, 0.045);
  EXPECT_DOUBLE_EQ(stringent.upper, 0.055);
  // 70 of 1000: liberal yes, stringent no; 50 of 1000: both; 20 of 1000: neither.
  auto check = [](long long rejections) { return *summarize_rejections(rejections, 1000, 0.05, true).bradley; };
  EXPECT_TRUE(check(70).within_liberal);
  EXPECT_FALSE(check(70).within_stringent);
  EXPECT_TRUE(check(50).within_liberal);
  EXPECT_TRUE(check(50).within_stringent);
  EXPECT_FALSE(check(20).within_liberal);
  // Closed bands: with alpha = 1/4 (exact in binary) 1/8 and 3/8 are on the liberal band's edges.
  EXPECT_TRUE(summarize_rejections(1, 8, 0.25, true).bradley->within_liberal);
  EXPECT_TRUE(summarize_rejections(3, 8, 0.25, true).bradley->within_liberal);
  EXPECT_FALSE(summarize_rejections(4, 8, 0.25, true).bradley->within_liberal);
  // Under the alternative the rate is a power: no bands.
  EXPECT_FALSE(summarize_rejections(800, 1000, 0.8, false).bradley.has_value());
  // The binomial test: 5 of 10 against 0.5 is the mode, p = 1.
  EXPECT_EQ(summarize_rejections(5, 10, 0.5, false).binomial_p_value, 1.0);
}

TEST(PerformanceMeasures, ReplicatesForATargetMcSe) {
  EXPECT_EQ(replicates_for_proportion_mcse(0.8, 0.005), 6400);  // 0.16 / 0.000025
  EXPECT_EQ(replicates_for_proportion_mcse(0.5, 0.005), 10000);
  EXPECT_EQ(replicates_for_proportion_mcse(0.05, 0.005), 1900);  // 0.0475 / 0.000025
  EXPECT_EQ(replicates_for_proportion_mcse(0.05, 0.003), 5278);  // 5277.8 rounded up
  EXPECT_EQ(replicates_for_proportion_mcse(0.0, 0.005), 1);
  // From a pilot's MC SE: 0.01 with 1000 replicates -> 0.005 needs 4 times as many.
  EXPECT_EQ(replicates_for_mcse(0.01, 1000, 0.005), 4000);
  // The pilot's rejection-rate MC SE reproduces the proportion formula.
  const RejectionSummary pilot = summarize_rejections(800, 1000, 0.8, false);
  EXPECT_EQ(replicates_for_mcse(pilot.rate.mc_se, 1000, 0.005), 6400);
  EXPECT_THROW(replicates_for_proportion_mcse(0.8, 0.0), UserError);
  EXPECT_THROW(replicates_for_proportion_mcse(1.2, 0.005), UserError);
  EXPECT_THROW(replicates_for_mcse(NAN, 1000, 0.005), UserError);
  EXPECT_THROW(replicates_for_mcse(0.01, 0, 0.005), UserError);
}

TEST(PerformanceMeasures, BadInputIsAClearError) {
  const auto message = [](auto&& f) {
    try {
      f();
    } catch (const UserError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message([] { summarize_performance({{3, 1.0, 1.0}, {3, 2.0, 1.0}}, MeasureSettings{}); })
                .find("replicate 3 appears twice"),
            std::string::npos);
  EXPECT_NE(message([] { summarize_performance({{4, 1.0, -1.0}}, MeasureSettings{}); })
                .find("replicate 4 has a negative standard error"),
            std::string::npos);
  EXPECT_NE(message([] { summarize_performance({{5, 1.0, 1.0, 0.0}}, MeasureSettings{}); })
                .find("replicate 5 has degrees of freedom 0"),
            std::string::npos);
  MeasureSettings bad_level;
  bad_level.level = 1.0;
  EXPECT_NE(message([&] { summarize_performance({}, bad_level); }).find("confidence level"), std::string::npos);
  MeasureSettings bad_truth;
  bad_truth.truth = NAN;
  EXPECT_NE(message([&] { summarize_performance({}, bad_truth); }).find("truth"), std::string::npos);
  EXPECT_NE(message([] { summarize_paired_methods({{}}, 1, MeasureSettings{}); }).find("reference method"),
            std::string::npos);
}

}  // namespace
}  // namespace mrtsim
