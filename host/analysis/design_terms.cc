#include "host/analysis/design_terms.h"

#include <algorithm>

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

}  // namespace mrtsim
