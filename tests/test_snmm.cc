// SNMM g-estimation (host/analysis/snmm.h) against a direct R implementation of its equations
// (tests/data/snmm/snmm_reference.R, on the 100 x 30 Qian et al. 2025 data set it draws): stage
// coefficients, treatment models, DTRreg's per-stage sandwich, the average and both of its
// variances, to 1e-8; a property of the marginal blip; bad inputs.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "core/user_error.h"
#include "host/analysis/snmm.h"

namespace mrtsim {
namespace {

const std::string kData = std::string(MRTSIM_SOURCE_DIR) + "/tests/data/snmm/";

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> fields;
  std::stringstream stream(line);
  std::string field;
  while (std::getline(stream, field, ',')) fields.push_back(field);
  return fields;
}

// snmm_data.csv: id, t, X, Z, A, Y with each subject's rows contiguous and t = 1..T.
struct WideData {
  Eigen::MatrixXd x, z;
  Eigen::MatrixXi a;
  std::vector<double> y;
};

WideData read_wide_data() {
  std::ifstream in(kData + "snmm_data.csv");
  std::string line;
  std::getline(in, line);
  std::vector<std::vector<double>> rows;
  while (std::getline(in, line)) {
    std::vector<double> row;
    for (const std::string& f : split(line)) row.push_back(std::stod(f));
    rows.push_back(row);
  }
  int T = 0;
  for (const auto& r : rows) T = std::max(T, static_cast<int>(r[1]));
  const int n = static_cast<int>(rows.size()) / T;
  WideData d{Eigen::MatrixXd(n, T), Eigen::MatrixXd(n, T), Eigen::MatrixXi(n, T), std::vector<double>(n)};
  for (std::size_t k = 0; k < rows.size(); ++k) {
    const int i = static_cast<int>(k) / T, t = static_cast<int>(rows[k][1]) - 1;
    d.x(i, t) = rows[k][2];
    d.z(i, t) = rows[k][3];
    d.a(i, t) = static_cast<int>(rows[k][4]);
    d.y[i] = rows[k][5];
  }
  return d;
}

// snmm_reference.csv: case, quantity, stage (1-based; 0 for the average), i, j (1-based; 0: vector), value.
using ReferenceKey = std::tuple<std::string, std::string, int, int, int>;
std::map<ReferenceKey, double> read_reference() {
  std::ifstream in(kData + "snmm_reference.csv");
  std::string line;
  std::getline(in, line);
  std::map<ReferenceKey, double> values;
  while (std::getline(in, line)) {
    const std::vector<std::string> f = split(line);
    values[{f[0], f[1], std::stoi(f[2]), std::stoi(f[3]), std::stoi(f[4])}] = std::stod(f[5]);
  }
  return values;
}

void expect_close(double value, double reference, const std::string& what) {
  EXPECT_NEAR(value, reference, 1e-8 * std::max(1.0, std::fabs(reference))) << what;
}

struct Case {
  std::string name;
  bool moderated;
  SnmmLaterTreatment later;
};

TEST(Snmm, MatchesTheDirectRImplementationToOneInAHundredMillion) {
  const WideData d = read_wide_data();
  ASSERT_EQ(d.x.rows(), 100);
  ASSERT_EQ(d.x.cols(), 30);
  const std::map<ReferenceKey, double> reference = read_reference();
  int compared = 0;
  const auto check = [&](const std::string& c, const std::string& quantity, int stage, int i, int j, double value) {
    const auto found = reference.find({c, quantity, stage, i, j});
    ASSERT_NE(found, reference.end()) << c << " " << quantity << " " << stage << " " << i << " " << j;
    expect_close(value, found->second, c + " " + quantity + " stage " + std::to_string(stage) + " (" +
                                           std::to_string(i) + "," + std::to_string(j) + ")");
    ++compared;
  };
  for (const Case& c : {Case{"marginal_optimal", false, SnmmLaterTreatment::kOptimal},
                        Case{"marginal_none", false, SnmmLaterTreatment::kNone},
                        Case{"moderated_optimal", true, SnmmLaterTreatment::kOptimal},
                        Case{"moderated_none", true, SnmmLaterTreatment::kNone}}) {
    const SnmmFit fit = fit_snmm(qian2025_snmm_stages(d.x, d.z, d.a, c.moderated), d.y, c.later);
    const int p = c.moderated ? 2 : 1;
    ASSERT_EQ(fit.psi.size(), 30u);
    for (int k = 0; k < 30; ++k) {
      for (int i = 0; i < p; ++i) {
        check(c.name, "psi", k + 1, i + 1, 0, fit.psi[k](i));
        for (int j = 0; j < p; ++j) check(c.name, "psi_variance", k + 1, i + 1, j + 1, fit.psi_variance[k](i, j));
      }
      for (int i = 0; i < 3; ++i) check(c.name, "alpha", k + 1, i + 1, 0, fit.treatment_coefficients[k](i));
    }
    for (int i = 0; i < p; ++i) {
      check(c.name, "average", 0, i + 1, 0, fit.average(i));
      for (int j = 0; j < p; ++j) {
        check(c.name, "average_variance", 0, i + 1, j + 1, fit.average_variance(i, j));
        check(c.name, "average_variance_per_stage", 0, i + 1, j + 1, fit.average_variance_per_stage(i, j));
      }
    }
  }
  EXPECT_EQ(compared, static_cast<int>(reference.size()));
}

TEST(Snmm, AMarginalBlipIsTheSameWhateverLaterStagesAreSetTo) {
  // With blip ~1 every later stage shifts the pseudo-outcome by a constant, which the treatment-free
  // intercept absorbs: psi_k cannot depend on d_j (and neither can its variance).
  const WideData d = read_wide_data();
  const auto stages = qian2025_snmm_stages(d.x, d.z, d.a, false);
  const SnmmFit optimal = fit_snmm(stages, d.y, SnmmLaterTreatment::kOptimal);
  const SnmmFit none = fit_snmm(stages, d.y, SnmmLaterTreatment::kNone);
  for (std::size_t k = 0; k < stages.size(); ++k) EXPECT_NEAR(optimal.psi[k](0), none.psi[k](0), 1e-9);
  EXPECT_NEAR(optimal.average_variance(0, 0), none.average_variance(0, 0), 1e-9);
}

void expect_user_error(const std::function<void()>& call, const std::string& fragment) {
  try {
    call();
    ADD_FAILURE() << "no error; expected one mentioning \"" << fragment << "\"";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

TEST(Snmm, BadInputsNameTheStageAndWhatIsWrong) {
  const WideData d = read_wide_data();
  const auto stages = qian2025_snmm_stages(d.x, d.z, d.a, true);
  const auto fit = [&](std::vector<SnmmStage> s, std::vector<double> y) {
    return [s, y] { fit_snmm(s, y, SnmmLaterTreatment::kOptimal); };
  };
  expect_user_error(fit({}, d.y), "no stages");
  std::vector<double> y = d.y;
  y[4] = std::nan("");
  expect_user_error(fit(stages, y), "outcome of subject 5");
  expect_user_error(fit(stages, std::vector<double>(d.y.begin(), d.y.end() - 1)), "one row per subject");

  auto s = stages;
  s[2].treatment[7] = 2;
  expect_user_error(fit(s, d.y), "stage 3: the treatment of subject 8 is not 0 or 1");
  s = stages;
  std::fill(s[4].treatment.begin(), s[4].treatment.end(), 0);
  expect_user_error(fit(s, d.y), "stage 5: every subject has treatment 0");
  s = stages;
  s[1].blip = s[1].blip.leftCols(1).eval();
  expect_user_error(fit(s, d.y), "stage 2: every stage's blip model needs the same number of columns");
  s = stages;
  s[6].treatment_free.col(2) = s[6].treatment_free.col(1);  // Z_{t-1} := X_{t-1}: collinear
  expect_user_error(fit(s, d.y), "stage 7: the g-estimation system is singular");
  s = stages;
  s[0].blip(3, 1) = INFINITY;
  expect_user_error(fit(s, d.y), "stage 1: the blip model has a missing or non-finite value");

  // A treatment determined by a covariate: the logistic MLE does not exist.
  s = stages;
  for (std::size_t i = 0; i < s[9].treatment.size(); ++i) s[9].treatment[i] = s[9].treatment_model(i, 1) > -0.5 ? 1 : 0;
  expect_user_error(fit(s, d.y), "stage 10: the treatment model");

  expect_user_error([&] { qian2025_snmm_stages(d.x, d.z.leftCols(29), d.a, false); }, "same subjects x decision points");
}

}  // namespace
}  // namespace mrtsim
