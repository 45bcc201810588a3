// Summary of one table cell (scenario x hypothesis) from its replicates, accumulated in replicate
// order so that the result does not depend on batch size, thread count or backend.
#pragma once

#include <string>
#include <vector>

#include "host/stats/wcls_tests.h"

namespace mrtsim {

struct CoefficientSummary {
  std::string name;
  double truth = 0.0;
  double mean_estimate = 0.0;
  double bias = 0.0;
  double empirical_sd = 0.0;
  double mean_se = 0.0;
  double rmse = 0.0;
  long long covered = 0;
  double coverage = 0.0;
};

struct CellSummary {
  long long replicates = 0;
  long long failed = 0;             // fits that did not produce a test (see failures_by_status)
  std::vector<long long> failures_by_status;  // indexed by FitStatus
  long long rejections = 0;
  double rejection_rate = 0.0;      // rejections / successful fits
  double rejection_mc_se = 0.0;
  double nominal = 0.0;             // alpha under H0, target power under H1
  double nominal_p_value = 1.0;     // exact two-sided binomial test of rejection_rate = nominal
  std::string flag;                 // "" or "high"/"low" where nominal_p_value < 0.05
  std::vector<CoefficientSummary> coefficients;
};

class CellAccumulator {
 public:
  CellAccumulator(std::vector<std::string> names, std::vector<double> truth, WclsDecisions decisions);

  // Adds one replicate's fit (estimates and SEs have names.size() entries).
  void add(int status, int n_eff, double joint_statistic, const double* estimates, const double* std_errors);

  CellSummary finish(double nominal) const;

 private:
  struct Running {  // Welford mean / variance of the estimate, plus sums for SE and squared error
    long long n = 0;
    double mean = 0.0, m2 = 0.0, se_sum = 0.0, squared_error_sum = 0.0;
    long long covered = 0;
  };
  std::vector<std::string> names_;
  std::vector<double> truth_;
  WclsDecisions decisions_;
  std::vector<Running> running_;
  long long replicates_ = 0, rejections_ = 0;
  std::vector<long long> failures_;
};

}  // namespace mrtsim
