#include "host/analysis/design_terms.h"

#include <algorithm>
#include <cmath>

#include "core/user_error.h"

namespace mrtsim {

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

void require_distinct(const std::vector<std::string>& names, const std::string& role) {
  for (auto name = names.begin(); name != names.end(); ++name)
    if (std::find(names.begin(), name, *name) != name)
      throw UserError("column '" + *name + "' is listed twice in the " + role);
}

RowMajorMatrix term_matrix(const MrtData& data, const std::vector<std::string>& columns) {
  RowMajorMatrix terms(data.num_rows(), columns.size() + 1);
  terms.col(0).setOnes();
  for (std::size_t k = 0; k < columns.size(); ++k)
    terms.col(k + 1) = Eigen::Map<const Eigen::VectorXd>(data.covariate(columns[k]).data(), data.num_rows());
  return terms;
}

std::vector<std::string> with_intercept(const std::vector<std::string>& columns) {
  std::vector<std::string> terms{kInterceptTerm};
  terms.insert(terms.end(), columns.begin(), columns.end());
  return terms;
}

UserError non_finite_fit_error(const std::string& estimator, const MrtData& data) {
  std::string column = "the outcome";
  std::size_t row = 0;
  double largest = -1.0;
  const auto scan = [&](const std::vector<double>& values, const std::string& name) {
    for (std::size_t r = 0; r < values.size(); ++r)
      if (std::fabs(values[r]) > largest) {  // NaN (missing on unavailable rows) never compares greater
        largest = std::fabs(values[r]);
        column = name;
        row = r;
      }
  };
  scan(data.outcome, "the outcome");
  for (std::size_t k = 0; k < data.covariate_names.size(); ++k)
    scan(data.covariates[k], "column '" + data.covariate_names[k] + "'");
  return UserError(data.path + ": the " + estimator +
                   " estimates or their variance are not finite numbers (they overflow double precision); the "
                   "largest value in the data is " + input_value_text(largest) + " in " + column + ", data row " +
                   std::to_string(row + 1) + ": rescale the outcome and covariates");
}

}  // namespace mrtsim
