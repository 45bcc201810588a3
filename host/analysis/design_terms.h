// Design columns shared by the real-data analyses (WCLS, DCEE): an intercept followed by data columns,
// as R's `~ x1 + x2` builds them.
#pragma once

#include <string>
#include <vector>

#include <Eigen/Dense>

#include "core/matrix_types.h"
#include "core/user_error.h"
#include "host/io/mrt_csv.h"

namespace mrtsim {

constexpr const char* kInterceptTerm = "(Intercept)";

// Intercept column, then one column per name (the data's covariate columns).
RowMajorMatrix term_matrix(const MrtData& data, const std::vector<std::string>& columns);

// Whether `names` holds `name`.
bool contains(const std::vector<std::string>& names, const std::string& name);

// Throws UserError naming the first column listed twice in `names` (`role`: e.g. "moderators").
void require_distinct(const std::vector<std::string>& names, const std::string& role);

// "(Intercept)" followed by the column names: the term names of term_matrix's columns.
std::vector<std::string> with_intercept(const std::vector<std::string>& columns);

// The UserError for a fit whose estimates or variance overflowed (FitStatus::kNonFiniteEstimate),
// naming the data's largest value (outcome or covariate, with its row) as the one to rescale.
UserError non_finite_fit_error(const std::string& estimator, const MrtData& data);

}  // namespace mrtsim
