// random_forest.h in a build without XGBoost (MRTSIM_ENABLE_XGBOOST=OFF, or the library not found):
// the learner reports itself unavailable.
#include "host/learners/random_forest.h"

#include "core/user_error.h"

namespace mrtsim {

bool random_forest_available() { return false; }

std::vector<double> random_forest_predict(const RowMajorMatrix&, const std::vector<double>&,
                                          const std::vector<std::size_t>&, const std::vector<std::size_t>&,
                                          const RandomForestParams&) {
  require_random_forest_available();
  return {};
}

}  // namespace mrtsim
